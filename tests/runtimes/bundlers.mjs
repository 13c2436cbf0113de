// Consumer builds with esbuild, webpack and Vite: each bundles a page and a Node program from
// the installed tarball, following docs/bundlers.md (whose recipes are the files in bundlers/),
// and each output must compute Node's logits, in Chromium for the pages and in Node for the
// programs. Also: a bundle that lost simdnet.wasm fails with an Error naming the three fixes.
import { chromium } from 'playwright-core';
import { copyFileSync, cpSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from './server.mjs';
import { exec, failure, logitsResult, pass, requireBinary } from './util.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HERE = new URL('./bundlers/', import.meta.url).pathname;
const FIXTURE = ['lenet5.safetensors', 'digits.json'];

// Each recipe: how docs/bundlers.md builds the page and the Node program (output directories).
const RECIPES = {
  esbuild: {
    build: async (bin, app) => [
      await exec(bin('esbuild'), ['web.js', '--bundle', '--format=esm', '--outdir=out-esbuild-web', '--log-level=warning'], { cwd: app }),
      await exec(bin('esbuild'), ['node.js', '--bundle', '--platform=node', '--format=esm', '--outfile=out-esbuild-node/app.mjs', '--log-level=warning'], { cwd: app }),
    ],
    // esbuild does not follow `new URL(…, import.meta.url)`: the recipe copies the wasm.
    copyWasm: ['out-esbuild-web', 'out-esbuild-node'],
    web: 'out-esbuild-web',
    node: ['out-esbuild-node', 'app.mjs'],
  },
  webpack: {
    build: async (bin, app) => [await exec(process.execPath, [bin('webpack'), '--config', 'webpack.config.cjs'], { cwd: app })],
    web: 'out-webpack-web',
    node: ['out-webpack-node', 'app.mjs'],
  },
  vite: {
    build: async (bin, app) => [
      await exec(process.execPath, [bin('vite'), 'build'], { cwd: app }),
      await exec(process.execPath, [bin('vite'), 'build', '-c', 'vite.node.config.mjs'], { cwd: app }),
    ],
    web: 'out-vite-web',
    node: ['out-vite-node', 'node.js'],
  },
};

async function pageLogits(browser, dir) {
  const server = await serve(dir);
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => document.getElementById('out')?.textContent.startsWith('{'), null, { timeout: 120_000 });
    return { status: 0, out: await page.textContent('#out') };
  } catch (err) {
    return { status: 1, out: String(err) };
  } finally {
    await page.close();
    await server.close();
  }
}

export async function run({ root, consumer, fixture }) {
  const executablePath = requireBinary('/usr/bin/chromium', 'apt-get install -y chromium');
  const bin = (name) => join(root, 'node_modules/.bin', name);
  const app = join(consumer, 'app');
  cpSync(HERE, app, { recursive: true });
  const results = [];
  const browser = await chromium.launch({ executablePath, headless: true, args: ARGS });
  try {
    for (const [name, recipe] of Object.entries(RECIPES)) {
      const builds = await recipe.build(bin, app);
      const broken = builds.find((b) => b.status !== 0);
      if (broken) {
        results.push(failure(`${name}: build`, broken.out.slice(-3000)));
        continue;
      }
      for (const dir of recipe.copyWasm ?? []) copyFileSync(join(consumer, 'node_modules/simdnet/dist/simdnet.wasm'), join(app, dir, 'simdnet.wasm'));
      const web = join(app, recipe.web);
      for (const f of FIXTURE) copyFileSync(join(consumer, f), join(web, f));
      if (!readdirSync(web).includes('index.html')) copyFileSync(join(app, 'index.html'), join(web, 'index.html'));
      results.push(logitsResult(`${name}: page in Chromium`, await pageLogits(browser, web), fixture));
      const [dir, file] = recipe.node;
      for (const f of FIXTURE) copyFileSync(join(consumer, f), join(app, dir, f));
      results.push(logitsResult(`${name}: Node bundle`, await exec(process.execPath, [file], { cwd: join(app, dir) }), fixture));
    }
  } finally {
    await browser.close();
  }
  results.push(await missingWasm(bin, app));
  results.push(docsShowRecipes(root));
  return results;
}

// An esbuild Node bundle without the copied wasm: the Error must say what to do.
async function missingWasm(bin, app) {
  const name = 'a bundle without simdnet.wasm: init() names simdnet/inline, init({ wasm }) and copying the asset';
  const b = await exec(bin('esbuild'), ['node.js', '--bundle', '--platform=node', '--format=esm', '--outfile=out-no-wasm/app.mjs', '--log-level=warning'], { cwd: app });
  for (const f of FIXTURE) copyFileSync(join(app, '..', f), join(app, 'out-no-wasm', f));
  const r = await exec(process.execPath, ['app.mjs'], { cwd: join(app, 'out-no-wasm') });
  const ok = b.status === 0 && r.status !== 0 && ["'simdnet/inline'", 'init({ wasm })', 'simdnet/dist/simdnet.wasm'].every((s) => r.out.includes(s));
  return ok ? pass(name) : failure(name, r.out.slice(-2000));
}

function docsShowRecipes(root) {
  const doc = readFileSync(join(root, 'docs/bundlers.md'), 'utf8');
  const files = ['webpack.config.cjs', 'vite.config.mjs', 'vite.node.config.mjs', 'node.js', 'web.js'];
  const missing = files.filter((f) => !doc.includes(readFileSync(join(HERE, f), 'utf8').trim()));
  const name = 'docs/bundlers.md shows every tested recipe file verbatim';
  return missing.length === 0 ? pass(name) : failure(name, `not in the docs as tested: ${missing.join(', ')}`);
}
