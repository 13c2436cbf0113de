// The browser test page under build/runtimes/browser/: runner.js and each node:test file as
// an ES module (code splitting: one copy of the shims and of TensorFlow.js), `simdnet` left to
// the page's import map (the built dist/browser.js). Then the checks a browser runs through it.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { serve } from '../server.mjs';
import { examplesPlugin } from '../../../scripts/examples.mjs';
import { logitsResult, pass, failure } from '../util.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SHIMS = { 'node:test': join(HERE, 'node-test.js'), 'node:assert/strict': join(HERE, 'assert.js') };

async function buildPage({ root, out }) {
  const dir = join(out, 'browser');
  mkdirSync(dir, { recursive: true });
  const files = readdirSync(join(root, 'tests')).filter((f) => f.endsWith('.test.ts')).sort();
  const { metafile } = await build({
    entryPoints: [join(HERE, 'runner.js'), ...files.map((f) => join(root, 'tests', f))],
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: dir,
    // Other Node built-ins stay imports; the files that reach them are skipped below.
    external: ['simdnet', 'node:*'],
    // examplesPlugin: tests/examples.test.ts's `simdnet-examples:all` (the API reference's @examples), as npm test's node step
    plugins: [{ name: 'node-shims', setup: (b) => b.onResolve({ filter: /^node:(test|assert\/strict)$/ }, (a) => ({ path: SHIMS[a.path] })) }, examplesPlugin(root)],
    metafile: true, // its paths are relative to absWorkingDir
    absWorkingDir: root,
    logLevel: 'error',
  });
  // A test file that imports Node built-ins (itself or through a shared chunk) is a Node-only
  // test (e.g. readme.test starts node): the page lists it as skipped, with the modules.
  const nodeImports = (output, seen = new Set()) => {
    if (seen.has(output)) return [];
    seen.add(output);
    return metafile.outputs[output].imports.flatMap((i) => (i.external ? (i.path.startsWith('node:') ? [i.path] : []) : nodeImports(i.path, seen)));
  };
  const list = files.map((f) => {
    const file = f.replace(/\.ts$/, '.js');
    const needs = [...new Set(nodeImports(relative(root, join(dir, file))))];
    return needs.length ? { file, skip: `a Node-only test file: it imports ${needs.join(', ')}` } : { file };
  });
  copyFileSync(join(HERE, 'index.html'), join(dir, 'index.html'));
  writeFileSync(join(dir, 'files.json'), JSON.stringify(list));
}

/**
 * Builds the page, serves the project on 127.0.0.1 and, in a browser launched on a fresh
 * profile by `launch(profileDir)`, opens the test page for each suite and the docs snippet
 * page of the consumer project. `waitFor(page, fn)` waits until the page-side `fn` returns
 * something truthy (playwright and puppeteer spell it differently).
 */
export async function runInBrowser(ctx, { label, suites, launch, waitFor }) {
  await buildPage(ctx);
  const server = await serve(ctx.root);
  const profile = mkdtempSync(join(tmpdir(), `simdnet-${label}-`));
  const browser = await launch(profile);
  const artifacts = join(ctx.root, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  const open = async (path, fn, shot) => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(server.url + path);
    try {
      const value = await (await waitFor(page, fn)).jsonValue();
      await page.screenshot({ path: join(artifacts, `${label}-${shot}.png`), fullPage: true });
      return value;
    } catch (err) {
      throw new Error(`${path}: ${err.message}\n${errors.join('\n')}`);
    }
  };
  try {
    const results = [];
    for (const suite of suites) {
      const { crossOriginIsolated, results: rs } = await open(`/build/runtimes/browser/index.html?suite=${suite}`, () => window.__results, suite);
      const iso = `${label} ${suite}: the page is cross-origin isolated (COOP/COEP from the test server)`;
      results.push(crossOriginIsolated ? pass(iso) : failure(iso, 'self.crossOriginIsolated is false'));
      results.push(...rs.map((r) => ({ ...r, name: `${label} ${suite}: ${r.name}` })));
    }
    const out = await open('/build/runtimes/consumer/browser.html', () => {
      const text = document.getElementById('out')?.textContent ?? '';
      return text.startsWith('{') && text;
    }, 'snippet');
    results.push(logitsResult(`${label}: docs snippet (browser.html, <script type="module"> from node_modules)`, { status: 0, out }, ctx.fixture));
    return results;
  } finally {
    await browser.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
