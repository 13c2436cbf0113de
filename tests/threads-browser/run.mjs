// node tests/threads-browser/run.mjs: the browser check of threads in Chromium (playwright-core
// + /usr/bin/chromium, or CHROMIUM=path). The project root is served on 127.0.0.1 twice:
// /iso/… with COOP same-origin + COEP require-corp (cross-origin isolated: 2 threads
// expected, bit-identical to 1) and /plain/… without (1 thread, the reason, no error).
// Needs a built dist/ (npm run build). Ends with `N passed, N failed`.
import { createServer } from 'node:http';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../../', import.meta.url)).replace(/[/\\]$/, '');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.map': 'application/json' };

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const [, mode, ...rest] = url.pathname.split('/');
  const path = normalize(join(root, decodeURIComponent(rest.join('/'))));
  if ((mode !== 'iso' && mode !== 'plain') || !path.startsWith(root + sep)) return void res.writeHead(404).end();
  try {
    const body = await readFile(path);
    const headers = { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
    if (mode === 'iso') Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    res.writeHead(200, headers).end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const userDataDir = await mkdtemp(join(tmpdir(), 'simdnet-threads-chromium-'));
const browser = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

let passed = 0;
let failed = 0;
const check = (ok, what, detail) => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok ? '' : `: ${JSON.stringify(detail)}`}`);
};

try {
  for (const mode of ['iso', 'plain']) {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${base}/${mode}/tests/threads-browser/index.html`);
    await page.waitForFunction(() => window.__threads, null, { timeout: 60000 });
    const r = await page.evaluate(() => window.__threads);
    console.log(`${mode}: ${JSON.stringify(r)}`);
    check(!r.error && errors.length === 0, `${mode}: no error`, { error: r.error, errors });
    if (mode === 'iso') {
      check(r.crossOriginIsolated === true && r.threads === 2, 'iso: cross-origin isolated, 2 threads', r);
      check(r.parallelCalls > 0, 'iso: calls ran in parts on the worker', r);
      check(r.identical === true, 'iso: 2 threads bit-identical to 1', r);
    } else {
      check(r.crossOriginIsolated === false && r.threads === 1, 'plain: not isolated, 1 thread', r);
      check(/cross-origin isolated/.test(r.reason ?? ''), 'plain: backendInfo says why', r);
      check(r.identical === true, 'plain: results as with 1 thread', r);
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
  await rm(userDataDir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
