// Pooling and upsampling on the built package: against TensorFlow.js (cpu), against finite
// differences, and the output-size rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';
import { tf, assertClose } from './oracle';

await sn.init();

const t4 = (t: sn.Tensor) => tf.tensor4d(t.dataSync(), t.shape as [number, number, number, number]);

test('maxPool2d and avgPool2d match TensorFlow.js, forward and gradient', () => {
  const cases: [number, number, number, number, 'valid' | 'same'][] = [
    [6, 1, 2, 2, 'valid'], [7, 3, 3, 2, 'valid'], [9, 5, 3, 3, 'valid'], [8, 17, 3, 1, 'same'], [10, 33, 2, 2, 'same'], [5, 4, 3, 2, 'same'],
  ];
  for (const [h, c, k, s, pad] of cases) {
    for (const kind of ['max', 'avg'] as const) {
      const name = `${kind} h=${h} c=${c} k=${k} s=${s} ${pad}`;
      const x = sn.randn([3, h, h, c], { seed: h * c, requiresGrad: true });
      const f = kind === 'max' ? sn.maxPool2d : sn.avgPool2d;
      // TensorFlow's 'same' average excludes the padded cells.
      const y = f(x, { kernel: k, stride: s, padding: pad, roundMode: 'floor', countIncludePad: false } as sn.Pool2dOptions);
      const dy = sn.randn(y.shape as number[], { seed: 9 });
      y.backward(dy);
      const g = (a: tf.Tensor) => (kind === 'max' ? tf.maxPool : tf.avgPool)(a as tf.Tensor4D, k, s, pad);
      const yt = g(t4(x));
      assert.deepEqual(y.shape, yt.shape, name);
      assertClose(y.dataSync(), yt.dataSync() as Float32Array, 1e-5, `${name} forward`);
      if (kind === 'avg' && pad === 'same') {
        // tfjs's AvgPoolGrad divides by the full window even where its forward excluded the
        // padding, so its gradient disagrees with its own forward; finite differences decide.
        const r = sn.gradcheck((a) => f(a, { kernel: k, stride: s, padding: pad, roundMode: 'floor', countIncludePad: false } as sn.Pool2dOptions), [x], { maxChecks: 32 });
        assert.ok(r.ok, `${name} gradcheck: ${JSON.stringify(r)}`);
      } else {
        const [gx] = tf.grads(g)([t4(x)], tf.tensor(dy.dataSync(), y.shape as number[]));
        assertClose(x.grad!.dataSync(), gx.dataSync() as Float32Array, 1e-5, `${name} gradient`);
      }
      sn.dispose([x, y, dy]);
    }
  }
});

test('avgPool2d counting padded cells, lpPool2d and globalAvgPool pass finite differences', () => {
  const x = sn.randn([2, 7, 6, 5], { seed: 1, requiresGrad: true });
  for (const [name, fn] of [
    ['avg countIncludePad', (a: sn.Tensor) => sn.avgPool2d(a, { kernel: 3, stride: 2, padding: 1, roundMode: 'floor' })],
    ['lp2', (a: sn.Tensor) => sn.lpPool2d(a, { kernel: [2, 3], stride: [2, 1], roundMode: 'floor' })],
    ['global', (a: sn.Tensor) => sn.globalAvgPool(a)],
    ['upsample', (a: sn.Tensor) => sn.upsampleNearest(a, { scale: [2, 3] })],
  ] as const) {
    const r = sn.gradcheck(fn, [x]);
    assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
  }
  x.dispose();
});

test('avgPool2d with countIncludePad divides corners by the full window; globalAvgPool is the channel mean', () => {
  sn.tidy(() => {
    const x = sn.ones([1, 2, 2, 1]);
    const y = sn.avgPool2d(x, { kernel: 3, stride: 1, padding: 1 });
    assert.deepEqual(Array.from(y.dataSync()), [4 / 9, 4 / 9, 4 / 9, 4 / 9].map(Math.fround));
    const z = sn.avgPool2d(x, { kernel: 3, stride: 1, padding: 1, countIncludePad: false });
    assert.deepEqual(Array.from(z.dataSync()), [1, 1, 1, 1]);
    const v = sn.tensor([1, 10, 2, 20, 3, 30, 4, 40], [1, 2, 2, 2]);
    assert.deepEqual(Array.from(sn.globalAvgPool(v).dataSync()), [2.5, 25]);
    const u = sn.upsampleNearest(sn.tensor([1, 2, 3, 4], [1, 2, 2, 1]), { scale: 2 });
    assert.deepEqual(Array.from(u.dataSync()), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });
});

test('a window that does not fit rounds down by default, is an Error with roundMode exact', () => {
  sn.tidy(() => {
    const x = sn.zeros([1, 7, 7, 2]);
    // The course's example: 7×7 input, 3×3 filter, stride 3 → (7 − 3)/3 + 1 is not an integer.
    assert.throws(() => sn.maxPool2d(x, { kernel: 3, stride: 3, roundMode: 'exact' }), /simdnet\.maxPool2d: along height, \(7 \+ 0 − 3\) \/ 3 \+ 1 is not an integer/);
    assert.deepEqual(sn.maxPool2d(x, { kernel: 3, stride: 3 }).shape, [1, 2, 2, 2]);
    assert.deepEqual(sn.conv2d(x, sn.zeros([3, 3, 2, 1]), { stride: 3 }).shape, [1, 2, 2, 1]);
    assert.deepEqual(sn.maxPool2d(x, { kernel: 3, stride: 3, roundMode: 'floor' }).shape, [1, 2, 2, 2]);
    assert.deepEqual(sn.maxPool2d(x, { kernel: 3, stride: 3, roundMode: 'ceil' }).shape, [1, 3, 3, 2]);
    assert.deepEqual(sn.maxPool2d(x, { kernel: 3, stride: 2 }).shape, [1, 3, 3, 2]);
    assert.throws(() => sn.maxPool2d(x, { kernel: 2, padding: 2, roundMode: 'floor' }), /padding must be smaller than the kernel/);
    assert.throws(() => sn.avgPool2d(sn.zeros([7, 7, 2]), { kernel: 2 }), /simdnet\.avgPool2d: argument 'x' must have rank 4, got shape \[7, 7, 2\]/);
    assert.throws(() => sn.lpPool2d(x, { kernel: 2, p: 3 as 2 }), /only p = 2/);
    assert.throws(() => sn.maxPool2d(x, { kernel: 8 }), /larger than the padded input/);
  });
});

test('avgPool2d in ceil mode does not count cells past the input (PyTorch gives 1 on all-ones)', () => {
  sn.tidy(() => {
    const x = sn.ones([1, 5, 5, 3]);
    for (const countIncludePad of [true, false]) {
      const y = sn.avgPool2d(x, { kernel: 2, roundMode: 'ceil', countIncludePad });
      assert.deepEqual(y.shape, [1, 3, 3, 3]);
      assert.deepEqual(Array.from(y.dataSync()), new Array(27).fill(1));
    }
    // with padding, countIncludePad counts the padded cells but not those past the padding
    const z = sn.avgPool2d(sn.ones([1, 4, 4, 1]), { kernel: 3, stride: 2, padding: 1, roundMode: 'ceil' });
    // rows/cols: window 0 covers pad + 2 cells (3 taps inside the padded input: 2/3), window 1
    // covers 3 cells, window 2 starts at the last cell + the bottom padding (2 taps: 1/2)
    const e = [2 / 3, 1, 1 / 2];
    assert.deepEqual(Array.from(z.dataSync()), e.flatMap((a) => e.map((b) => Math.fround(a * b))).map((v, i) => {
      const [r, c] = [Math.floor(i / 3), i % 3];
      const real = [2, 3, 1];
      const taps = [3, 3, 2];
      return Math.fround((real[r] * real[c]) / (taps[r] * taps[c]));
    }));
  });
});

test('maxPool2d dilation, globalMaxPool and adaptiveAvgPool2d: values and finite differences', () => {
  sn.tidy(() => {
    const v = sn.tensor(Array.from({ length: 25 }, (_, i) => i), [1, 5, 5, 1]);
    // 2×2 taps 2 apart: window (0, 0) reads 0, 2, 10, 12
    const y = sn.maxPool2d(v, { kernel: 2, stride: 1, dilation: 2 });
    assert.deepEqual(y.shape, [1, 3, 3, 1]);
    assert.deepEqual(Array.from(y.dataSync()), [12, 13, 14, 17, 18, 19, 22, 23, 24]);
    assert.deepEqual(Array.from(sn.globalMaxPool(sn.tensor([1, 9, 5, 2, 3, 4, 7, 0], [1, 2, 2, 2])).dataSync()), [7, 9]);
    const a = sn.adaptiveAvgPool2d(sn.tensor([1, 2, 3, 4, 5], [1, 1, 5, 1]), [1, 3]);
    // PyTorch's windows over 5 → 3: [0, 2), [1, 4), [3, 5)
    assert.deepEqual(Array.from(a.dataSync()), [1.5, 3, 4.5]);
    assert.throws(() => sn.adaptiveAvgPool2d(v, [0, 2]), /simdnet\.adaptiveAvgPool2d: argument 'outputSize' must be >= 1, got 0/);
    assert.throws(() => sn.maxPool2d(v, { kernel: 2, dilation: 0 }), /simdnet\.maxPool2d: argument 'dilation' must be >= 1, got 0/);
  });
  const x = sn.randn([2, 7, 6, 5], { seed: 4, requiresGrad: true });
  for (const [name, fn] of [
    ['max dilated', (a: sn.Tensor) => sn.maxPool2d(a, { kernel: [2, 3], stride: [1, 2], dilation: [2, 1], padding: 1 })],
    ['avg dilated ceil', (a: sn.Tensor) => sn.avgPool2d(a, { kernel: 2, stride: 2, dilation: [1, 2], roundMode: 'ceil' })],
    ['globalMax', (a: sn.Tensor) => sn.globalMaxPool(a)],
    ['adaptive 3×4', (a: sn.Tensor) => sn.adaptiveAvgPool2d(a, [3, 4])],
    ['adaptive 9×2', (a: sn.Tensor) => sn.adaptiveAvgPool2d(a, [9, 2])],
  ] as const) {
    const r = sn.gradcheck(fn, [x]);
    assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
  }
  x.dispose();
});
