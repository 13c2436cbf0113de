// Axis reductions, argmax/argmin, topk and softmax along an axis on the built package: values
// against plain JavaScript loops, gradients against finite differences, bad arguments as
// clear Errors. (PyTorch comparisons: tests/torch/reduce.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

// Plain reference: reduce x (shape) over `axes` with f, keeping the reduced axes as 1.
function refReduce(x: Float32Array, shape: number[], axes: number[], f: (v: number[]) => number): number[] {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Array<number[]>(kept.reduce((a, b) => a * b, 1)).fill(null as unknown as number[]).map(() => [] as number[]);
  const idx = new Array(shape.length).fill(0);
  for (let i = 0; i < x.length; i++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) o = o * kept[d] + (axes.includes(d) ? 0 : idx[d]);
    out[o].push(x[i]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out.map(f);
}

const F = {
  sum: (v: number[]) => v.reduce((a, b) => a + b, 0),
  mean: (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length,
  max: (v: number[]) => Math.max(...v),
  min: (v: number[]) => Math.min(...v),
  logSumExp: (v: number[]) => {
    const m = Math.max(...v);
    return m + Math.log(v.reduce((a, b) => a + Math.exp(b - m), 0));
  },
};

test('sum, mean, max, min, logSumExp over axis lists match loops, with and without keepDims', () => {
  const shape = [3, 5, 2, 7];
  const axesList = [[0], [1], [3], [-1], [0, 1], [1, 3], [0, 2], [0, 1, 2, 3], [-3, -1], [2, 1]];
  sn.tidy(() => {
    const x = sn.randn(shape, { seed: 3 });
    const xs = x.dataSync();
    for (const kind of Object.keys(F) as (keyof typeof F)[])
      for (const axes of axesList)
        for (const keepDims of [false, true]) {
          const pos = axes.map((a) => (a < 0 ? a + shape.length : a));
          const y = sn[kind](x, { axis: axes, keepDims });
          const want = refReduce(xs, shape, pos, F[kind]);
          const wantShape = keepDims ? shape.map((d, i) => (pos.includes(i) ? 1 : d)) : shape.filter((_, i) => !pos.includes(i));
          assert.deepEqual(y.shape, wantShape, `${kind} ${axes}`);
          const got = y.dataSync();
          want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 1e-5 * (1 + Math.abs(w)), `${kind} axes ${axes}: [${i}] ${got[i]} vs ${w}`));
        }
    // default: every axis; a number axis
    assert.deepEqual(sn.max(x).shape, []);
    assert.equal(sn.max(x).dataSync()[0], Math.max(...xs));
    assert.deepEqual(sn.sum(x, { axis: 2 }).shape, [3, 5, 7]);
  });
});

test('reductions, softmax, argmax and topk gradients pass finite differences', () => {
  const x = sn.randn([3, 4, 5], { seed: 5, requiresGrad: true });
  const cases: [string, (a: sn.Tensor) => sn.Tensor][] = [
    ['sum axis 1', (a) => sn.sum(a, { axis: 1 })],
    ['mean axes 0,2 keepDims', (a) => sn.mean(a, { axis: [0, 2], keepDims: true })],
    ['max axis -1', (a) => sn.max(a, { axis: -1 })],
    ['min axes 0,1', (a) => sn.min(a, { axis: [0, 1] })],
    ['max all', (a) => sn.max(a)],
    ['logSumExp axes 0,2', (a) => sn.logSumExp(a, { axis: [0, 2] })],
    ['logSumExp all', (a) => sn.logSumExp(a)],
    ['softmax axis 1', (a) => sn.softmax(a, { axis: 1 })],
    ['logSoftmax axis 0', (a) => sn.logSoftmax(a, { axis: 0 })],
    ['softmax axis -1', (a) => sn.softmax(a, { axis: -1 })],
    ['topk 2 axis 1', (a) => sn.topk(a, 2, { axis: 1 }).values],
    ['topk 3 smallest', (a) => sn.topk(a, 3, { largest: false }).values],
  ];
  for (const [name, fn] of cases) {
    const r = sn.gradcheck(fn, [x]);
    assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
  }
  x.dispose();
});

test('max and min share the gradient among ties; argmax/argmin take the first; NaN wins', () => {
  sn.tidy(() => {
    const x = sn.tensor([1, 3, 3, 2, 0, 0], [2, 3], { requiresGrad: true });
    sn.sum(sn.max(x, { axis: 1 })).backward();
    assert.deepEqual(Array.from(x.grad!.dataSync()), [0, 0.5, 0.5, 1, 0, 0]);
    assert.deepEqual(Array.from(sn.argmax(x, 1).dataSync()), [1, 0]);
    assert.deepEqual(Array.from(sn.argmin(x, 1).dataSync()), [0, 1]);
    assert.deepEqual(Array.from(sn.argmax(x).dataSync()), [1]);
    assert.deepEqual(sn.argmax(x, 0, { keepDims: true }).shape, [1, 3]);
    const n = sn.tensor([1, NaN, 5], [3]);
    assert.ok(Number.isNaN(sn.max(n).dataSync()[0]));
    assert.equal(sn.argmax(n).dataSync()[0], 1);
    const { values, indices } = sn.topk(sn.tensor([4, 1, 4, 9, 2], [5]), 3);
    assert.deepEqual(Array.from(values.dataSync()), [9, 4, 4]);
    assert.deepEqual(Array.from(indices.dataSync()), [3, 0, 2]);
  });
});

test('empty reductions give PyTorch answers: sum 0, mean NaN, logSumExp −inf; max is an Error', () => {
  sn.tidy(() => {
    const x = sn.zeros([0, 3]);
    assert.deepEqual(Array.from(sn.sum(x, { axis: 0 }).dataSync()), [0, 0, 0]);
    assert.ok(Array.from(sn.mean(x, { axis: 0 }).dataSync()).every(Number.isNaN));
    assert.deepEqual(Array.from(sn.logSumExp(x, { axis: 0 }).dataSync()), [-Infinity, -Infinity, -Infinity]);
    assert.deepEqual(sn.sum(x, { axis: 1 }).shape, [0]);
    assert.throws(() => sn.max(x, { axis: 0 }), /simdnet\.max: cannot take the max over an empty axis of x \[0, 3\]/);
    assert.throws(() => sn.argmax(x, 0), /simdnet\.argmax: cannot take the argmax over an empty axis/);
  });
});

test('softmax along any axis sums to one there and rejects options it does not know', () => {
  sn.tidy(() => {
    const x = sn.randn([2, 3, 4], { seed: 2 });
    for (const axis of [0, 1, 2, -2]) {
      const s = sn.sum(sn.softmax(x, { axis }), { axis });
      for (const v of s.dataSync()) assert.ok(Math.abs(v - 1) < 1e-6);
      const l = sn.logSoftmax(x, { axis });
      const e = sn.sum(sn.exp(l), { axis });
      for (const v of e.dataSync()) assert.ok(Math.abs(v - 1) < 1e-6);
    }
    assert.throws(() => sn.softmax(x, { dim: 1 } as never), /simdnet\.softmax: unknown option 'dim' \(known: axis\)/);
    assert.throws(() => sn.logSoftmax(x, { axis: 3 }), /simdnet\.logSoftmax: argument 'axis' must be an integer in \[-3, 2\] for shape \[2, 3, 4\], got 3/);
  });
});

test('bad reduction arguments are clear Errors', () => {
  sn.tidy(() => {
    const x = sn.zeros([2, 3]);
    assert.throws(() => sn.sum(x, { axis: 2 }), /simdnet\.sum: argument 'axis' must be an integer in \[-2, 1\] for shape \[2, 3\], got 2/);
    assert.throws(() => sn.mean(x, { axis: [0, -2] }), /simdnet\.mean: argument 'axis' \[0,-2\] names axis 0 twice/);
    assert.throws(() => sn.max(x, { axis: [] }), /simdnet\.max: argument 'axis' must be an axis or a non-empty array/);
    assert.throws(() => sn.min(x, { axis: 0.5 }), /simdnet\.min: argument 'axis' must be an integer/);
    assert.throws(() => sn.sum(x, { axes: 0 } as never), /simdnet\.sum: unknown option 'axes'/);
    assert.throws(() => sn.logSumExp(x, { keepDims: 1 } as never), /simdnet\.logSumExp: argument 'keepDims' must be a boolean/);
    assert.throws(() => sn.topk(x, 4), /simdnet\.topk: argument 'k' must be <= 3, got 4/);
    assert.throws(() => sn.topk(x, 1, { axis: -3 }), /simdnet\.topk: argument 'axis'/);
    assert.throws(() => sn.argmin(x, 2), /simdnet\.argmin: argument 'axis'/);
    assert.deepEqual(sn.sum(x, null).shape, []);
  });
});
