// npm test: build, then the kernel specs (as-pect) and the node:test suites on the built
// package; ends with one line `N passed, N failed` over everything.
import { spawnSync } from 'node:child_process';
import { readdirSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { examplesPlugin } from './examples.mjs';

const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
const results = [];
let torchCounts = null;

function run(name, cmd, args, parse) {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  const counts = parse(strip(r.stdout + '\n' + r.stderr));
  if (r.status !== 0 && counts.failed === 0) counts.failed = 1; // a crash counts as a failure
  results.push({ name, ...counts });
  console.log(`${name}: ${counts.passed} passed, ${counts.failed} failed`);
}

const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);

if (!process.env.SKIP_BUILD) {
  const b = spawnSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

if (want('kernels')) {
  run('kernels (as-pect)', 'node_modules/.bin/asp', ['--config', 'as-pect.config.js', '--no-logo'], (out) => {
    const m = /\[Tests\]:\s*(\d+)\s*\/\s*(\d+)/.exec(out);
    if (!m) return { passed: 0, failed: 1 };
    return { passed: +m[1], failed: +m[2] - +m[1] };
  });
}

if (want('node')) {
  rmSync('build/tests', { recursive: true, force: true });
  mkdirSync('build/tests', { recursive: true });
  // tests/torch/: suites that compare with PyTorch (Node only: they start a Python process).
  const files = [
    ...readdirSync('tests').filter((f) => f.endsWith('.test.ts')),
    ...readdirSync('tests/torch').filter((f) => f.endsWith('.test.ts')).map((f) => `torch/${f}`),
  ];
  // Test files import `simdnet` itself (external: they test the built package); oracles such
  // as TensorFlow.js are bundled in, since their ESM builds do not load in Node as they are.
  await build({
    entryPoints: files.map((f) => `tests/${f}`),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    outdir: 'build/tests',
    outExtension: { '.js': '.mjs' },
    external: ['simdnet', 'node:*'],
    mainFields: ['module', 'main'], // one (ESM) copy of each dependency
    plugins: [examplesPlugin(process.cwd())], // the API reference's @example blocks (tests/examples.test.ts)
    // Bundled CommonJS dependencies call require() for Node built-ins.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  const outs = ['build/tests', 'build/tests/torch'].flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.test.mjs')).map((f) => `${d}/${f}`));
  run('node:test', process.execPath, ['--test', '--test-reporter=spec', ...outs], (out) => {
    const p = /ℹ pass (\d+)/.exec(out);
    const f = /ℹ fail (\d+)/.exec(out);
    // Each file that used the PyTorch oracle (tests/torch/harness.ts) prints its count at exit.
    let configs = 0;
    let withGrad = 0;
    for (const m of out.matchAll(/torch oracle: (\d+) configurations compared with PyTorch \((\d+) with gradients\)/g)) {
      configs += +m[1];
      withGrad += +m[2];
    }
    torchCounts = { configs, withGrad };
    return { passed: p ? +p[1] : 0, failed: f ? +f[1] : 1 };
  });
}

if (want('onnx')) {
  // ONNX import/export against onnxruntime-web and PyTorch (Node only: it runs Python to export
  // torchvision's models, cached in build/onnx/), apart from build/tests/ which every runtime runs.
  rmSync('build/tests-onnx', { recursive: true, force: true });
  const files = readdirSync('tests/onnx').filter((f) => f.endsWith('.test.ts'));
  await build({
    entryPoints: files.map((f) => `tests/onnx/${f}`),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    outdir: 'build/tests-onnx',
    outExtension: { '.js': '.mjs' },
    external: ['simdnet', 'node:*', 'onnxruntime-web'],
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  run('onnx', process.execPath, ['--test', '--test-reporter=spec', ...files.map((f) => `build/tests-onnx/${f.replace(/\.ts$/, '.mjs')}`)], (out) => {
    const p = /ℹ pass (\d+)/.exec(out);
    const f = /ℹ fail (\d+)/.exec(out);
    return { passed: p ? +p[1] : 0, failed: f ? +f[1] : 1 };
  });
}

if (want('fuzz')) {
  // The fuzz suite (tests/fuzz/): 10,000 generated calls of every public entry, seeded; a
  // time limit turns a hang into a failure (the case being run is in build/fuzz-current.json).
  const { bundleFuzz } = await import('./fuzz.mjs');
  const file = await bundleFuzz();
  console.log('\n=== fuzz ===');
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000, maxBuffer: 1 << 26 });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  const m = /^fuzz: (\d+) cases/m.exec(r.stdout);
  const ok = r.status === 0 && /^fuzz: passed/m.test(r.stdout);
  if (r.error) console.log(`fuzz: stopped (${r.error.message}): a hang? see build/fuzz-current.json`);
  results.push({ name: `fuzz (${m ? m[1] : 0} cases)`, passed: ok ? 1 : 0, failed: ok ? 0 : 1 });
}

if (want('runtimes')) {
  // The built package in Node (installed from the packed tarball), Deno, Bun, Chromium, Firefox,
  // workerd and EdgeVM; after 'node', whose bundles of the test files Deno, Bun and Chromium run.
  const { testRuntimes } = await import('./test-runtimes.mjs');
  console.log('\n=== runtimes ===');
  for (const r of await testRuntimes())
    results.push({ name: r.skipped ? `${r.name} (SKIPPED: ${r.skipped})` : r.name, passed: r.passed, failed: r.failed });
}

if (want('threads-browser')) {
  // The worker pool in Chromium: 2 threads with COOP/COEP, 1 (and the reason) without.
  const { existsSync } = await import('node:fs');
  if (!existsSync('/usr/bin/chromium') && process.env.SIMDNET_REQUIRE_ALL_RUNTIMES !== '1') {
    console.log('\nSKIPPED threads-browser: /usr/bin/chromium is not installed (apt-get install chromium)');
    results.push({ name: 'threads-browser (SKIPPED: no chromium)', passed: 0, failed: 0 });
  } else {
    run('threads-browser', process.execPath, ['tests/threads-browser/run.mjs'], (out) => {
      const m = /^(\d+) passed, (\d+) failed$/m.exec(out);
      return m ? { passed: +m[1], failed: +m[2] } : { passed: 0, failed: 1 };
    });
  }
}

if (want('docs')) {
  // The API reference (TypeDoc, typedoc.json) builds from the TSDoc comments into docs/api/;
  // scripts/docs-check.mjs fails on an undocumented export, a function, class or method without
  // an @example, or an example that does not type-check (tests/examples.test.ts runs them).
  run('docs (TypeDoc)', process.execPath, ['scripts/docs-check.mjs'], (out) => {
    const m = /^(\d+) passed, (\d+) failed$/m.exec(out);
    return m ? { passed: +m[1], failed: +m[2] } : { passed: 0, failed: 1 };
  });
}

if (want('demo')) {
  // The demo page (demo/, npm run demo:build) in Chromium with and without cross-origin
  // isolation (training to 95 %, threads shown, digits drawn on the pad) and in Firefox (smoke).
  run('demo', process.execPath, ['tests/demo/run.mjs'], (out) => {
    const m = /^(\d+) passed, (\d+) failed/m.exec(out);
    return m ? { passed: +m[1], failed: +m[2] } : { passed: 0, failed: 1 };
  });
}

const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
console.log('\n' + results.map((r) => `  ${r.name}: ${r.passed} passed, ${r.failed} failed`).join('\n'));
if (torchCounts)
  console.log(`PyTorch oracle: ${torchCounts.configs} op configurations compared, forward values (${torchCounts.withGrad} also input gradients)`);
console.log(`total: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
