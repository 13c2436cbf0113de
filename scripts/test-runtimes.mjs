// npm test's runtime suites: the built package in every runtime it serves. Node, Deno and Bun
// (the packed package installed in a fresh project, the docs snippets, the node:test files),
// Chromium (the node:test files in a page) and Firefox, Cloudflare workerd and Vercel's EdgeVM
// (inference equal to Node's). Prints `<runtime>: N passed, N failed` per runtime, or
// `SKIPPED <runtime>: <why>` when its binary is missing; skipped is not failed, unless
// SIMDNET_REQUIRE_ALL_RUNTIMES=1 (CI installs every runtime).
//   node scripts/test-runtimes.mjs [runtime…]      after `npm run build` (and npm test's
//                                                   node step, which bundles build/tests/)
//   node scripts/test-runtimes.mjs --measure       sizes and init() cold start for docs/runtimes.md
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describeError } from '../tests/runtimes/smoke.js';
import { Skip, npmCommand } from '../tests/runtimes/util.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const OUT = join(ROOT, 'build/runtimes');
export const RUNTIMES = ['node', 'deno', 'bun', 'chromium', 'firefox', 'workerd', 'edge-vm', 'bundlers'];

function testFiles() {
  const dir = join(ROOT, 'build/tests');
  if (!existsSync(dir) || !readdirSync(dir).some((f) => f.endsWith('.test.mjs'))) {
    // Bundled by npm test's node step; run it when this script runs on its own.
    spawnSync(process.execPath, ['scripts/test.mjs', 'node'], { cwd: ROOT, env: { ...process.env, SKIP_BUILD: '1' }, stdio: 'ignore' });
  }
  return readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => `build/tests/${f}`);
}

/**
 * Runs the runtime suites (all, or those named in `only`); resolves to one
 * { name, passed, failed, skipped? } per runtime, after printing each check.
 */
export async function testRuntimes({ only = [], log = console.log } = {}) {
  const requireAll = process.env.SIMDNET_REQUIRE_ALL_RUNTIMES === '1';
  // Imported here: it loads the built package (dist/), which --measure alone does not need.
  const { makeFixture, makeConsumer } = await import('../tests/runtimes/prepare.mjs');
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const fixtureDir = join(OUT, 'fixture');
  const fixture = await makeFixture(ROOT, fixtureDir);
  const consumer = makeConsumer(ROOT, OUT, fixtureDir);
  log(`fixture: LeNet-5 weights ${fixture.source}; package ${consumer.tarball.replace(ROOT + '/', '')} (${consumer.files} files, ${(consumer.size / 1024).toFixed(0)} KiB packed) installed in ${consumer.dir.replace(ROOT + '/', '')}`);
  const ctx = { root: ROOT, out: OUT, fixture, fixtureDir, consumer: consumer.dir, testFiles: testFiles() };

  const summary = [];
  for (const name of RUNTIMES.filter((r) => only.length === 0 || only.includes(r))) {
    log(`\n=== runtime: ${name} ===`);
    const t0 = Date.now();
    let results;
    try {
      const { run } = await import(`../tests/runtimes/${name}.mjs`);
      results = await run(ctx);
    } catch (err) {
      if (err instanceof Skip) {
        log(`SKIPPED ${name}: ${err.message}`);
        summary.push(requireAll ? { name, passed: 0, failed: 1, skipped: err.message } : { name, passed: 0, failed: 0, skipped: err.message });
        continue;
      }
      results = [{ name: `${name}: runner`, ok: false, error: describeError(err) }];
    }
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const r of results) {
      passed += r.passed ?? (r.ok && !r.skipped ? 1 : 0);
      failed += r.failed ?? (r.ok ? 0 : 1);
      skipped += r.skipped ? 1 : 0;
      const counts = r.passed !== undefined ? ` — ${r.passed} passed, ${r.failed} failed` : '';
      log(`  ${r.skipped ? '–' : r.ok ? '✔' : '✘'} ${r.name}${counts}${r.note ? ` (${r.note})` : ''}${r.skipped ? ` — skipped: ${r.skipped}` : ''}`);
      if (!r.ok) log(String(r.error).replace(/^/gm, '      '));
    }
    log(`${name}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    summary.push({ name, passed, failed });
  }
  return summary;
}

/** Shipped sizes (raw and gzip) and init() cold start in fresh Node processes, as Markdown. */
export function measure({ runs = 11, log = console.log } = {}) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  log('| file | raw | gzip -9 |\n|---|---|---|');
  for (const f of ['simdnet.wasm', 'index.js', 'browser.js', 'edge.js', 'inline.js']) {
    const bytes = readFileSync(join(ROOT, 'dist', f));
    log(`| \`dist/${f}\` | ${kb(bytes.length)} | ${kb(gzipSync(bytes, { level: 9 }).length)} |`);
  }
  const [pack] = JSON.parse(spawnSync(npmCommand()[0], [...npmCommand().slice(1), 'pack', '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8' }).stdout);
  log(`\nnpm tarball: ${kb(pack.size)} packed, ${kb(pack.unpackedSize)} unpacked, ${pack.files.length} files`);
  const probe = `const t0 = performance.now(); const sn = await import('simdnet'); const t1 = performance.now();
    await sn.init(); const t2 = performance.now(); console.log(JSON.stringify([t1 - t0, t2 - t1]));`;
  const rows = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, encoding: 'utf8' });
    rows.push(JSON.parse(r.stdout));
  }
  const median = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  const ms = (a) => `${median(a).toFixed(1)} ms`;
  log(`\nNode ${process.version}, median of ${runs} fresh processes: import('simdnet') ${ms(rows.map((r) => r[0]))}, ` +
    `init() ${ms(rows.map((r) => r[1]))} (compile + instantiate), both ${ms(rows.map((r) => r[0] + r[1]))}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  if (args.includes('--measure')) {
    measure();
  } else {
    const summary = await testRuntimes({ only: args });
    console.log('\n' + summary.map((r) => (r.skipped ? `  SKIPPED ${r.name}: ${r.skipped}` : `  ${r.name}: ${r.passed} passed, ${r.failed} failed`)).join('\n'));
    const passed = summary.reduce((s, r) => s + r.passed, 0);
    const failed = summary.reduce((s, r) => s + r.failed, 0);
    console.log(`runtimes: ${passed} passed, ${failed} failed`);
    process.exit(failed === 0 && passed > 0 ? 0 : 1);
  }
}
