// The browser test page under build/runtimes/browser/: runner.js and each node:test file as
// an ES module (code splitting: one copy of the shims and of TensorFlow.js), `simdnet` left to
// the page's import map (the built dist/browser.js). Then the checks a browser runs through it.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { logitsResult, pass, failure } from '../util.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SHIMS = { 'node:test': join(HERE, 'node-test.js'), 'node:assert/strict': join(HERE, 'assert.js') };

export async function buildPage({ root, out }) {
  const dir = join(out, 'browser');
  mkdirSync(dir, { recursive: true });
  const files = readdirSync(join(root, 'tests')).filter((f) => f.endsWith('.test.ts')).sort();
  await build({
    entryPoints: [join(HERE, 'runner.js'), ...files.map((f) => join(root, 'tests', f))],
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: dir,
    external: ['simdnet'],
    plugins: [{ name: 'node-shims', setup: (b) => b.onResolve({ filter: /^node:(test|assert\/strict)$/ }, (a) => ({ path: SHIMS[a.path] })) }],
    logLevel: 'error',
  });
  copyFileSync(join(HERE, 'index.html'), join(dir, 'index.html'));
  writeFileSync(join(dir, 'files.json'), JSON.stringify(files.map((f) => f.replace(/\.ts$/, '.js'))));
}

/**
 * Opens the test page for each suite and the docs snippet page of the consumer project;
 * `open(url, waitFor)` resolves to { value, screenshot(path) } once `waitFor` (a page-side
 * function) returns something truthy.
 */
export async function browserChecks({ label, open, server, ctx, suites }) {
  const results = [];
  const artifacts = join(ctx.root, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  for (const suite of suites) {
    const page = await open(`${server.url}/build/runtimes/browser/index.html?suite=${suite}`, () => window.__results);
    await page.screenshot(join(artifacts, `${label}-${suite}.png`));
    const { crossOriginIsolated, results: rs } = page.value;
    const iso = `${label} ${suite}: the page is cross-origin isolated (COOP/COEP from the test server)`;
    results.push(crossOriginIsolated ? pass(iso) : failure(iso, 'self.crossOriginIsolated is false'));
    results.push(...rs.map((r) => ({ ...r, name: `${label} ${suite}: ${r.name}` })));
  }
  const snippet = await open(`${server.url}/build/runtimes/consumer/browser.html`, () => {
    const text = document.getElementById('out')?.textContent ?? '';
    return text.startsWith('{') && text;
  });
  await snippet.screenshot(join(artifacts, `${label}-snippet.png`));
  results.push(logitsResult(`${label}: docs snippet (browser.html, <script type="module"> from node_modules)`, { status: 0, out: snippet.value }, ctx.fixture));
  return results;
}
