// The page's test runner. ?suite=tests: the node:test files, bundled for the page (node:test
// and node:assert/strict replaced by the shims beside this file), one file after another.
// ?suite=smoke: smoke.js on the fixture (simdnet and simdnet/onnx). Results go to window.__results and into the page.
import * as sn from 'simdnet';
import * as onnx from 'simdnet/onnx';
import { takeRegistered } from './node-test.js';
import { describeError, fetchFixture, onnxSmokeTests, runTests, smokeTests } from '../smoke.js';

// A test of a Node-only API (e.g. sn.data.loadMnist reads node_modules) meets the stub that
// the browser build has in place of node: modules; it is reported as skipped, with the reason.
const NODE_ONLY = /is not available in this build of simdnet/;

async function testFiles() {
  const files = await fetch('./files.json').then((r) => r.json());
  const results = [];
  for (const { file, skip } of files) {
    if (skip) {
      results.push({ name: file.replace(/\.js$/, ''), ok: true, skipped: skip });
      continue;
    }
    try {
      await import(new URL(file, import.meta.url).href); // not a literal: esbuild leaves it alone
    } catch (err) {
      takeRegistered();
      results.push({ name: `${file}: loading the file`, ok: false, error: describeError(err) });
      continue;
    }
    const tests = takeRegistered();
    for (const t of tests.filter((t) => t.skip)) results.push({ name: `${file.replace(/\.js$/, '')} › ${t.name}`, ok: true, skipped: t.skip });
    for (const r of await runTests(tests.filter((t) => !t.skip).map((t) => [t.name, t.fn]))) {
      const skipped = !r.ok && NODE_ONLY.test(r.error);
      results.push({ ...r, name: `${file.replace(/\.js$/, '')} › ${r.name}`, ok: r.ok || skipped, skipped: skipped ? r.error.split('\n')[0] : undefined });
    }
  }
  return results;
}

async function smoke() {
  const fixture = await fetchFixture(new URL('/build/runtimes/fixture/', location.href));
  return runTests([...smokeTests(sn, fixture), ...onnxSmokeTests(sn, onnx, fixture)]);
}

function show(results, ms) {
  const failed = results.filter((r) => !r.ok).length;
  const skipped = results.filter((r) => r.skipped).length;
  const head = document.createElement('h1');
  head.textContent = `${navigator.userAgent.match(/(Chrome|Firefox)\/[\d.]+/)?.[0] ?? 'browser'}: ${results.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped (${(ms / 1000).toFixed(1)} s)`;
  head.style.color = failed ? '#b00' : '#080';
  const list = document.createElement('ol');
  for (const r of results) {
    const li = document.createElement('li');
    li.textContent = `${r.skipped ? '–' : r.ok ? '✔' : '✘'} ${r.name}${r.ms !== undefined ? ` (${r.ms} ms)` : ''}${r.skipped ? ` — skipped: ${r.skipped}` : ''}${r.ok ? '' : `\n${r.error}`}`;
    li.style.color = r.skipped ? '#666' : r.ok ? '#080' : '#b00';
    li.style.whiteSpace = 'pre-wrap';
    list.append(li);
  }
  document.body.replaceChildren(head, list);
}

const t0 = performance.now();
const suite = new URLSearchParams(location.search).get('suite') ?? 'tests';
let results;
try {
  results = suite === 'smoke' ? await smoke() : await testFiles();
} catch (err) {
  results = [{ name: `${suite}: runner`, ok: false, error: describeError(err) }];
}
show(results, performance.now() - t0);
window.__results = { crossOriginIsolated: self.crossOriginIsolated, results };
