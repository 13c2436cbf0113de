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

test('activations, linear and concat gradients by finite differences', () => {
  // Inputs kept away from the kinks of relu/leakyRelu/elu/sign at 0 and ±1.
  const away = (shape: number[], seed: number) => {
    const t = sn.randn(shape, { seed });
    const v = t.dataSync().map((x) => (Math.abs(x) < 0.1 ? x + 0.3 : Math.abs(Math.abs(x) - 1) < 0.1 ? x * 1.3 : x));
    t.dispose();
    return sn.tensor(v, shape, { requiresGrad: true });
  };
  const fns: [string, (x: sn.Tensor) => sn.Tensor][] = [
    ['relu', sn.relu], ['leakyRelu', (x) => sn.leakyRelu(x, 0.1)], ['elu', (x) => sn.elu(x, 1.2)],
    ['sigmoid', sn.sigmoid], ['tanh', sn.tanh], ['softplus', sn.softplus], ['exp', sn.exp],
  ];
  for (const [name, f] of fns) {
    const x = away([3, 7], 20);
    const r = sn.gradcheck(f, [x], { eps: 1e-3 });
    assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
    x.dispose();
  }
  // sign's true derivative is 0; its gradient is the straight-through estimator instead.
  const s = sn.tensor([-2, -0.5, 0.3, 1.5], [4], { requiresGrad: true });
  sn.tidy(() => sn.sign(s).backward(sn.tensor([1, 2, 3, 4])));
  assert.deepEqual(Array.from(s.grad!.dataSync()), [0, 2, 3, 0]);
  s.dispose();
  const x = leaf([4, 5], 21);
  const w = leaf([5, 3], 22);
  const b = leaf([3], 23);
  check('linear', (a, c, d) => sn.linear(a, c, d), [x, w, b]);
  const p = leaf([2, 3, 2], 24);
  const q = leaf([2, 3, 5], 25);
  check('concat', (a, c) => sn.concat([a, sn.mul(c, 2), a]), [p, q]);
});
