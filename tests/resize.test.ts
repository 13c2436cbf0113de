// resize on the built package: known values for each coordinate rule, finite differences,
// the nn.Upsample form and bad arguments. (PyTorch comparisons: tests/torch/resize.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

const row = (v: number[]) => sn.tensor(v, [1, 1, v.length, 1]);
const vals = (t: sn.Tensor) => Array.from(t.dataSync()).map((v) => Math.round(v * 1e6) / 1e6);

test('resize: nearest and bilinear along one row under every coordinate rule', () => {
  sn.tidy(() => {
    const x = row([0, 10, 20]);
    const size: [number, number] = [1, 5];
    assert.deepEqual(vals(sn.resize(x, { size })), [0, 0, 10, 10, 20]); // floor(o·3/5)
    assert.deepEqual(vals(sn.resize(x, { size, coordinate: 'half_pixel', nearestMode: 'round_prefer_ceil' })), [0, 0, 10, 20, 20]);
    assert.deepEqual(vals(sn.resize(x, { size, mode: 'bilinear', coordinate: 'align_corners' })), [0, 5, 10, 15, 20]);
    // half pixel: x = (o + ½)·0.6 − ½ → −0.2 (clamped to 0), 0.4, 1, 1.6, 2.2 (clamped to 2)
    assert.deepEqual(vals(sn.resize(x, { size, mode: 'bilinear' })), [0, 4, 10, 16, 20]);
    assert.deepEqual(vals(sn.resize(x, { size, mode: 'bilinear', coordinate: 'asymmetric' })), [0, 6, 12, 18, 20]);
    // scale 2 (exact rows): [0, 10, 20] → half pixel 6 outputs
    assert.deepEqual(vals(sn.resize(x, { scale: [1, 2], mode: 'bilinear' })), [0, 2.5, 7.5, 12.5, 17.5, 20]);
    // one output pixel: pytorch_half_pixel takes the first cell, half_pixel the middle
    assert.deepEqual(vals(sn.resize(x, { size: 1, mode: 'bilinear', coordinate: 'pytorch_half_pixel' })), [0]);
    assert.deepEqual(vals(sn.resize(x, { size: 1, mode: 'bilinear' })), [10]);
    // nearest keeps infinities (no 0·inf)
    assert.deepEqual(Array.from(sn.resize(row([Infinity, 1]), { size: [1, 4] }).dataSync()), [Infinity, Infinity, 1, 1]);
    assert.deepEqual(sn.resize(sn.zeros([2, 3, 4, 5]), { scale: 1.5 }).shape, [2, 4, 6, 5]);
    assert.deepEqual(new sn.nn.Upsample({ size: [6, 2], mode: 'bilinear' }).forward(sn.zeros([1, 3, 4, 2])).shape, [1, 6, 2, 2]);
    assert.deepEqual(new sn.nn.Upsample(2).forward(sn.zeros([1, 3, 4, 2])).shape, [1, 6, 8, 2]);
  });
});

test('resize gradients pass finite differences', () => {
  const x = sn.randn([2, 4, 5, 3], { seed: 9, requiresGrad: true });
  const cases: sn.ResizeOptions[] = [
    { size: [7, 3], mode: 'bilinear' },
    { size: [3, 9], mode: 'bilinear', coordinate: 'align_corners' },
    { scale: [1.5, 0.5], mode: 'bilinear', coordinate: 'asymmetric' },
    { size: [6, 8], mode: 'nearest' },
    { scale: 2, mode: 'nearest', coordinate: 'half_pixel', nearestMode: 'round_prefer_floor' },
  ];
  for (const o of cases) {
    const r = sn.gradcheck((a) => sn.resize(a, o), [x], { maxChecks: 40 });
    assert.ok(r.ok, `${JSON.stringify(o)}: ${JSON.stringify(r)}`);
  }
  x.dispose();
});

test('bad resize arguments are clear Errors', () => {
  sn.tidy(() => {
    const x = sn.zeros([1, 4, 4, 2]);
    assert.throws(() => sn.resize(x, { size: 2, scale: 2 }), /simdnet\.resize: give exactly one of 'size' and 'scale'/);
    assert.throws(() => sn.resize(x, {}), /simdnet\.resize: give exactly one of 'size' and 'scale'/);
    assert.throws(() => sn.resize(x, { size: 2, mode: 'cubic' as never }), /simdnet\.resize: argument 'mode' must be 'nearest' or 'bilinear', got "cubic"/);
    assert.throws(() => sn.resize(x, { size: 2, coordinate: 'tf_crop' as never }), /simdnet\.resize: argument 'coordinate' must be one of/);
    assert.throws(() => sn.resize(x, { scale: 0.1 }), /simdnet\.resize: scale 0\.1 gives an empty output for x \[1, 4, 4, 2\]/);
    assert.throws(() => sn.resize(x, { scale: -2 }), /simdnet\.resize: argument 'scale' must be > 0, got -2/);
    assert.throws(() => sn.resize(x, { size: 2, align: true } as never), /simdnet\.resize: unknown option 'align'/);
    assert.throws(() => sn.resize(sn.zeros([4, 4, 2]), { size: 2 }), /simdnet\.resize: argument 'x' must have rank 4/);
  });
});
