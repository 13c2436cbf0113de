// Soak (issue 11): LeNet-5 training steps — 10,000, or as many as fit in 60 seconds, whichever
// comes first (the test says which) — and fit over many epochs leave bytes in use, live
// tensors and the size of linear memory exactly where they were after the first step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

const STEPS = 10_000;
const SECONDS = 60;

test(`LeNet-5: ${STEPS} training steps or ${SECONDS} s, memory flat`, () => {
  sn.seed(4);
  const net = sn.nn.models.lenet5();
  const opt = new sn.optim.Adam(net.parameters(), { lr: 1e-3 });
  const x = sn.randn([4, 28, 28, 1], { seed: 5 });
  const y = [3, 1, 4, 1];
  const step = () =>
    sn.tidy(() => {
      const loss = sn.crossEntropy(net.call(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss.item();
    });
  step(); // optimizer state and scratch blocks are made on the first step
  const before = sn.memory();
  const t0 = performance.now();
  let steps = 1;
  let last = 0;
  while (steps < STEPS && performance.now() - t0 < SECONDS * 1000) {
    last = step();
    steps++;
  }
  const after = sn.memory();
  console.log(`soak: ${steps} LeNet-5 steps in ${((performance.now() - t0) / 1000).toFixed(1)} s (${steps === STEPS ? 'all' : `the ${SECONDS} s limit came first`}); loss ${last.toFixed(4)}`);
  assert.ok(Number.isFinite(last));
  assert.equal(after.tensors, before.tensors, 'live tensors');
  assert.equal(after.bytesInUse, before.bytesInUse, 'bytes in use');
  assert.equal(after.linearMemoryBytes, before.linearMemoryBytes, 'linear memory did not grow');
  opt.dispose();
  net.dispose();
  x.dispose();
});

test('fit over 30 epochs: memory flat from the second epoch on', async () => {
  sn.seed(6);
  const net = sn.nn.models.lenet5();
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9, form: 'classical' });
  const data = { x: sn.randn([40, 28, 28, 1], { seed: 7 }), y: Array.from({ length: 40 }, (_, i) => i % 10) };
  const val = { x: sn.randn([10, 28, 28, 1], { seed: 8 }), y: Array.from({ length: 10 }, (_, i) => i) };
  const seen: { tensors: number; bytes: number; memory: number }[] = [];
  await sn.fit(net, data, {
    epochs: 30, batchSize: 8, optimizer: opt, validation: val, progress: false, seed: 1,
    callbacks: [{ onEpochEnd: () => { const m = sn.memory(); seen.push({ tensors: m.tensors, bytes: m.bytesInUse, memory: m.linearMemoryBytes }); } }],
  });
  assert.equal(seen.length, 30);
  for (const [i, s] of seen.entries()) if (i > 0) assert.deepEqual(s, seen[1], `epoch ${i + 1}`);
  opt.dispose();
  net.dispose();
  sn.dispose([data.x, val.x]);
});
