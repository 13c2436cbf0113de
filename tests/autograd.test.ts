// Gradients of the ops against central finite differences (sn.gradcheck), and the tape's
// behaviour: accumulation, noGrad, detach, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

function check(name: string, fn: (...x: sn.Tensor[]) => sn.Tensor, inputs: sn.Tensor[], opts: sn.GradcheckOptions = {}): void {
  const r = sn.gradcheck(fn, inputs, opts);
  assert.ok(r.ok, `${name}: gradient off by ${r.maxError.toFixed(2)}× tolerance at ${JSON.stringify(r.worst)}`);
  sn.dispose(inputs);
}

const leaf = (shape: number[], seed: number) => sn.randn(shape, { seed, requiresGrad: true });

test('matmul gradients for every transpose combination', () => {
  for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
    const a = leaf(tA ? [5, 3] : [3, 5], 1);
    const b = leaf(tB ? [4, 5] : [5, 4], 2);
    check(`matmul tA=${tA} tB=${tB}`, (x, y) => sn.matmul(x, y, { transposeA: tA, transposeB: tB }), [a, b]);
  }
});

test('add/sub/mul/div gradients, with broadcasting', () => {
  for (const f of [sn.add, sn.sub, sn.mul, sn.div]) {
    check(`${f.name} same`, (x, y) => f(x, y), [leaf([3, 4], 3), positive([3, 4], 4)]);
    check(`${f.name} rows`, (x, y) => f(x, y), [leaf([2, 3, 4], 5), positive([4], 6)]);
    check(`${f.name} scalar`, (x) => f(x, 1.5), [leaf([7], 7)]);
  }
});

function positive(shape: number[], seed: number): sn.Tensor {
  // Away from zero, so division's gradient is well conditioned.
  const t = sn.rand(shape, { seed, low: 0.5, high: 2 });
  t.requiresGrad = true;
  return t;
}

test('sum, mean and reshape gradients', () => {
  check('sum', (x) => sn.sum(x), [leaf([3, 5], 8)]);
  check('mean', (x) => sn.mean(x), [leaf([3, 5], 9)]);
  check('sum axis 0', (x) => sn.sum(x, { axis: 0 }), [leaf([4, 3], 10)]);
  check('mean axis 0', (x) => sn.mean(x, { axis: 0 }), [leaf([4, 3], 11)]);
  check('reshape', (x) => sn.mul(sn.reshape(x, [6, 2]), sn.reshape(x, [6, 2])), [leaf([3, 4], 12)]);
});

test('gradients accumulate across backward calls and through reused tensors', () => {
  const w = sn.tensor([1, 2, 3], [3], { requiresGrad: true });
  sn.tidy(() => sn.sum(sn.mul(w, w)).backward()); // d/dw Σw² = 2w
  assert.deepEqual(Array.from(w.grad!.dataSync()), [2, 4, 6]);
  sn.tidy(() => sn.sum(sn.add(w, w)).backward()); // + 2
  assert.deepEqual(Array.from(w.grad!.dataSync()), [4, 6, 8]);
  w.dispose();
});

test('noGrad records nothing; detach cuts the graph; errors are clear', () => {
  const w = sn.ones([2], { requiresGrad: true });
  const y = sn.noGrad(() => sn.mul(w, 3));
  assert.equal(y.requiresGrad, false);
  assert.throws(() => sn.sum(y).backward(), /simdnet\.backward: tensor \[\] does not require grad/);
  const z = sn.mul(w, 2);
  assert.throws(() => z.backward(), /simdnet\.backward: tensor \[2\] is not a scalar: pass dy/);
  assert.throws(() => z.backward(sn.ones([3])), /argument 'dy' has shape \[3\], the tensor has \[2\]/);
  z.backward(sn.tensor([1, 10]));
  assert.deepEqual(Array.from(w.grad!.dataSync()), [2, 20]);
  const d = z.detach();
  assert.equal(d.requiresGrad, false);
  sn.dispose([w, y, z, d]);
});

test('backward leaves no temporaries behind', () => {
  const w = sn.randn([8, 8], { requiresGrad: true, seed: 1 });
  const x = sn.randn([4, 8], { seed: 2 });
  const step = () => sn.tidy(() => sn.mean(sn.mul(sn.matmul(x, w), 2)).backward());
  step();
  const before = sn.backendInfo().memoryInUse;
  for (let i = 0; i < 50; i++) step();
  assert.equal(sn.backendInfo().memoryInUse, before);
  sn.dispose([w, x]);
});
