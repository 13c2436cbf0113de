// Layer, group, instance and local response normalisation on the built package: gradients
// against finite differences, the normalised statistics, nn layers, bad arguments as clear
// Errors. (PyTorch comparisons: tests/torch/norm.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

test('layerNorm, groupNorm and localResponseNorm gradients pass finite differences (x, weight, bias)', () => {
  const x = sn.randn([2, 3, 4, 6], { seed: 1, requiresGrad: true });
  const g6 = sn.randn([6], { seed: 2, requiresGrad: true });
  const b6 = sn.randn([6], { seed: 3, requiresGrad: true });
  const g46 = sn.randn([4, 6], { seed: 4, requiresGrad: true });
  const b46 = sn.randn([4, 6], { seed: 5, requiresGrad: true });
  const cases: [string, (...a: sn.Tensor[]) => sn.Tensor, sn.Tensor[]][] = [
    ['layerNorm last axis', (a, w, b) => sn.layerNorm(a, 6, { weight: w, bias: b }), [x, g6, b6]],
    ['layerNorm [4, 6]', (a, w, b) => sn.layerNorm(a, [4, 6], { weight: w, bias: b }), [x, g46, b46]],
    ['layerNorm no affine', (a) => sn.layerNorm(a, [3, 4, 6]), [x]],
    ['groupNorm 3 groups', (a, w, b) => sn.groupNorm(a, 3, { weight: w, bias: b, eps: 1e-3 }), [x, g6, b6]],
    ['groupNorm = instance norm', (a) => sn.groupNorm(a, 6), [x]],
    ['groupNorm 1 group', (a, w) => sn.groupNorm(a, 1, { weight: w }), [x, g6]],
    ['localResponseNorm 3', (a) => sn.localResponseNorm(a, 3, { alpha: 0.5, beta: 0.75, k: 2 }), [x]],
    ['localResponseNorm 4', (a) => sn.localResponseNorm(a, 4, { alpha: 1, beta: 0.5 }), [x]],
  ];
  for (const [name, fn, inputs] of cases) {
    const r = sn.gradcheck(fn, inputs, { maxChecks: 40 });
    assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
  }
  sn.dispose([x, g6, b6, g46, b46]);
});

test('normalised groups have mean 0 and variance 1; nn layers build and run', () => {
  sn.tidy(() => {
    const x = sn.randn([2, 5, 5, 8], { seed: 7, mean: 3, std: 2 });
    const y = sn.groupNorm(x, 4, { eps: 0 });
    const v = y.dataSync();
    // group (n = 1, g = 2): channels 4, 5 over 25 pixels
    const vals: number[] = [];
    for (let p = 0; p < 25; p++) vals.push(v[(25 + p) * 8 + 4], v[(25 + p) * 8 + 5]);
    const m = vals.reduce((a, b) => a + b, 0) / vals.length;
    const s2 = vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length;
    assert.ok(Math.abs(m) < 1e-5 && Math.abs(s2 - 1) < 1e-4, `mean ${m} var ${s2}`);
    const layers: [sn.nn.Module, number[]][] = [
      [new sn.nn.LayerNorm(8), [2, 5, 5, 8]],
      [new sn.nn.LayerNorm([5, 8], { elementwiseAffine: false }), [2, 5, 5, 8]],
      [new sn.nn.GroupNorm(2, 8), [2, 5, 5, 8]],
      [new sn.nn.InstanceNorm2d(8), [2, 5, 5, 8]],
      [new sn.nn.LocalResponseNorm(5), [2, 5, 5, 8]],
      [new sn.nn.AdaptiveAvgPool2d([2, 3]), [2, 2, 3, 8]],
      [new sn.nn.GlobalMaxPool(), [2, 8]],
      [new sn.nn.LogSoftmax({ axis: 1 }), [2, 5, 5, 8]],
    ];
    for (const [layer, shape] of layers) assert.deepEqual(layer.forward(x).shape, shape, layer.constructor.name);
    assert.equal(new sn.nn.GroupNorm(2, 8).parameters().length, 2);
    assert.equal(new sn.nn.InstanceNorm2d(8).parameters().length, 0);
    // batchNorm with eps = 0, as PyTorch allows
    const bn = sn.batchNorm(x, sn.ones([8]), sn.zeros([8]), sn.zeros([8]), sn.ones([8]), { training: true, eps: 0 });
    assert.ok(bn.dataSync().every(Number.isFinite));
  });
});

test('bad normalisation arguments are clear Errors', () => {
  sn.tidy(() => {
    const x = sn.zeros([2, 3, 6]);
    assert.throws(() => sn.layerNorm(x, [4, 6]), /simdnet\.layerNorm: argument 'normalizedShape' \[4,6\] must be a non-empty trailing part of x's shape \[2, 3, 6\]/);
    assert.throws(() => sn.layerNorm(x, 6, { weight: sn.ones([3]) }), /simdnet\.layerNorm: argument 'weight' must have shape \[6\] for x \[2, 3, 6\], got \[3\]/);
    assert.throws(() => sn.layerNorm(x, 6, { eps: -1 }), /simdnet\.layerNorm: argument 'eps' must be >= 0, got -1/);
    assert.throws(() => sn.layerNorm(x, 6, { gamma: sn.ones([6]) } as never), /simdnet\.layerNorm: unknown option 'gamma'/);
    assert.throws(() => sn.groupNorm(x, 4), /simdnet\.groupNorm: argument 'groups' \(4\) must divide the channels of x \[2, 3, 6\] \(6\)/);
    assert.throws(() => sn.groupNorm(sn.zeros([6]), 1), /simdnet\.groupNorm: argument 'x' must be \[N, \.\.\., C\]/);
    assert.throws(() => sn.localResponseNorm(x, 0), /simdnet\.localResponseNorm: argument 'size' must be >= 1, got 0/);
    assert.throws(() => sn.localResponseNorm(x, 3, { k: 0 }), /simdnet\.localResponseNorm: argument 'k' must be > 0, got 0/);
    assert.throws(() => new sn.nn.GroupNorm(4, 6), /simdnet\.GroupNorm: argument 'numGroups' \(4\) must divide 'numChannels' \(6\)/);
    assert.throws(() => new sn.nn.AdaptiveAvgPool2d(0), /simdnet\.AdaptiveAvgPool2d: argument 'outputSize' must be >= 1, got 0/);
  });
});
