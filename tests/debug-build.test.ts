// The debug build (assertions on, env.abort decoded by @assemblyscript/loader) loads through
// init({ wasm }) and computes what the release build computes. In a child process, since
// init() loads once per process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';

const script = `
import * as sn from 'simdnet';
import { readFileSync } from 'node:fs';
const which = process.argv[2];
await sn.init(which === 'debug' ? { wasm: readFileSync('build/simdnet.debug.wasm') } : {});
const x = sn.randn([2, 9, 9, 3], { seed: 1 });
const w = sn.randn([3, 3, 3, 5], { seed: 2 });
const y = sn.maxPool2d(sn.relu(sn.conv2d(x, w, { padding: 'same' })), { kernel: 3, stride: 2, roundMode: 'floor' });
const z = sn.matmul(sn.reshape(y, [2, -1]), sn.randn([80, 7], { seed: 3 }));
console.log(JSON.stringify(Array.from(sn.softmax(z).dataSync())));
`;

test('the debug build loads with init({ wasm }) and matches the release build', () => {
  mkdirSync('build/tests', { recursive: true });
  writeFileSync('build/tests/debug-build-child.mjs', script);
  const run = (which: string) => JSON.parse(execFileSync(process.execPath, ['build/tests/debug-build-child.mjs', which], { encoding: 'utf8' })) as number[];
  const release = run('release');
  const debug = run('debug');
  assert.equal(debug.length, 14);
  for (let i = 0; i < debug.length; i++) assert.ok(Math.abs(debug[i] - release[i]) < 1e-6, `element ${i}: ${debug[i]} vs ${release[i]}`);
});
