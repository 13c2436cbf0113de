// Bun on the packed package (bare specifier), the inline entry, and the node:test files.
import { join } from 'node:path';
import { exec, logitsResult, requireBinary, smokeResults } from './util.mjs';

export async function run({ root, consumer, fixture, testFiles }) {
  // Bun's postinstall moves the binary here (node_modules/.bin/bun links to it).
  const bun = requireBinary(join(root, 'node_modules/bun/bin/bun.exe'), 'npm install -D bun');
  const results = [logitsResult('bun: docs snippet (bun.ts)', await exec(bun, ['bun.ts'], { cwd: consumer }), fixture)];
  // simdnet/onnx imports `simdnet` itself: its smoke tests run with the main entry.
  for (const [spec, onnx] of [['simdnet', 'simdnet/onnx'], ['simdnet/inline', null]])
    results.push(...smokeResults(`bun ${spec}`, await exec(bun, ['smoke-cli.mjs', spec, ...(onnx ? [onnx] : [])], { cwd: consumer })));
  // All the node:test files, in one process (bun test runs every file in the same global
  // scope: each bundled TensorFlow.js copy re-registers its kernels, a warning only). Bun stops
  // a test after 5 s by default, node:test never: the large-model tests take longer.
  const t = await exec(bun, ['test', '--timeout', '600000', ...testFiles.map((f) => `./${f}`)], { cwd: root, timeoutMs: 1_200_000 });
  const p = /^\s*(\d+) pass$/m.exec(t.out);
  const f = /^\s*(\d+) fail$/m.exec(t.out);
  const name = `bun test: the node:test files (${testFiles.length} files)`;
  if (p && f && +f[1] === 0 && t.status === 0) results.push({ name, ok: true, passed: +p[1], failed: 0 });
  else results.push({ name, ok: false, passed: p ? +p[1] : 0, failed: f ? Math.max(1, +f[1]) : 1, error: t.out.split('\n').filter((l) => !/is already registered/.test(l)).join('\n').slice(-6000) });
  return results;
}
