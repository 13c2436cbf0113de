// MobileNetV2 and V3 of the zoo: torchvision's parameter counts and names, and a forward and
// backward pass on a small input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

// torchvision 0.14's counts (sum of p.numel() over model.parameters()).
const COUNTS = { mobilenetV2: 3_504_872, mobilenetV3Small: 2_542_856, mobilenetV3Large: 5_483_032 } as const;

for (const [name, count] of Object.entries(COUNTS) as [keyof typeof COUNTS, number][]) {
  test(`${name}: ${count.toLocaleString('en')} parameters, as torchvision's; summary() counts them`, () => {
    const net = sn.nn.models[name]();
    assert.equal(net.numParameters(), count);
    assert.match(net.summary([1, 224, 224, 3]), new RegExp(count.toLocaleString('en').replace(/,/g, ',?')));
    net.dispose();
  });
}

test('mobilenetV3Small names its parameters as torchvision does', () => {
  const net = sn.nn.models.mobilenetV3Small();
  const names = Object.keys(net.stateDict());
  for (const n of ['features.0.0.weight', 'features.0.1.runningMean', 'features.1.block.1.fc1.weight', 'features.1.block.2.0.weight', 'features.12.0.weight', 'classifier.3.bias'])
    assert.ok(names.includes(n), `${n} missing from ${names.slice(0, 8).join(', ')}, …`);
  net.dispose();
});

test('mobilenetV2 and V3 train: a forward and backward pass on 2 × 64 × 64 × 3 gives finite gradients everywhere', () => {
  for (const build of [sn.nn.models.mobilenetV2, sn.nn.models.mobilenetV3Small]) {
    const net = build({ classes: 5 });
    sn.tidy(() => {
      const x = sn.randn([2, 64, 64, 3], { seed: 3 });
      const loss = sn.crossEntropy(net.call(x), Int32Array.from([1, 4]));
      loss.backward();
      for (const p of net.parameters()) assert.ok(p.grad && p.grad.dataSync().every(Number.isFinite));
    });
    net.dispose();
  }
});

test('mobilenet builders reject a bad class count by name', () => {
  assert.throws(() => sn.nn.models.mobilenetV2({ classes: 0 }), /simdnet\.mobilenetV2: argument 'classes'/);
  assert.throws(() => sn.nn.models.mobilenetV3Large({ classes: 2.5 }), /simdnet\.mobilenetV3Large: argument 'classes'/);
});

// A model whose batch norms hold non-trivial running statistics, in eval mode.
function withStats(net: sn.nn.Module, x: sn.Tensor): sn.nn.Module {
  net.train();
  sn.noGrad(() => sn.tidy(() => void net.call(x)));
  net.eval();
  return net;
}

test('fuseForInference: MobileNetV2/V3 and ResNet-18 equal the unfused model within 1e-5; no batch norm, activation, add or squeeze-excite layer left', () => {
  const builds = [
    ['mobilenetV2', () => sn.nn.models.mobilenetV2({ classes: 10 })],
    ['mobilenetV3Small', () => sn.nn.models.mobilenetV3Small({ classes: 10 })],
    ['mobilenetV3Large', () => sn.nn.models.mobilenetV3Large({ classes: 10 })],
    ['resnet18', () => sn.nn.models.resnet18({ classes: 10 })],
  ] as const;
  for (const [name, make] of builds) {
    sn.seed(5);
    const shape = [2, 64, 64, 3];
    const x = sn.randn(shape, { seed: 6 });
    const net = withStats(make(), x);
    const want = sn.noGrad(() => sn.tidy(() => net.call(x).dataSync()));
    const fused = sn.nn.fuseForInference(net);
    const got = sn.tidy(() => fused.call(x).dataSync());
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
    assert.ok(worst < 1e-5, `${name}: fused output differs by ${worst}`);
    const left = fused.profile(shape).map((r) => r.type).filter((t) => /BatchNorm|ReLU|Hardswish|Hardsigmoid|SqueezeExcitation|InvertedResidual|^Residual$/.test(t));
    assert.deepEqual(left, [], `${name}: layers left unfused`);
    fused.dispose();
    net.dispose();
    x.dispose();
  }
});

test('conv2d and linear fuse ReLU6, HardSwish, HardSigmoid, Sigmoid, LeakyReLU, clip and a residual: the separate ops\' values', () => {
  sn.seed(7);
  const acts = [
    ['relu6', (t: sn.Tensor) => sn.relu6(t)],
    ['hardswish', (t: sn.Tensor) => sn.hardSwish(t)],
    ['sigmoid', (t: sn.Tensor) => sn.sigmoid(t)],
    [{ hardsigmoid: [0.2, 0.5] }, (t: sn.Tensor) => sn.hardSigmoid(t, { alpha: 0.2, beta: 0.5 })],
    [{ leakyRelu: 0.1 }, (t: sn.Tensor) => sn.leakyRelu(t, 0.1)],
    [{ clip: [-0.5, 0.75] }, (t: sn.Tensor) => sn.clip(t, -0.5, 0.75)],
  ] as const;
  sn.noGrad(() => sn.tidy(() => {
    // kernel, stride, channels out, groups (12 in: im2col, 1×1 and depthwise paths)
    const cases = [[1, 3, 13, 1], [3, 1, 7, 1], [3, 2, 5, 1], [1, 1, 17, 1], [5, 1, 9, 1], [3, 1, 12, 12], [5, 2, 12, 12]];
    for (const [k, s, K, groups] of cases) {
      const x = sn.randn([2, 11, 9, 12]);
      const w = sn.randn([k, k, 12 / groups, K]);
      const b = sn.randn([K]);
      const o = { stride: s, padding: (k - 1) >> 1, bias: b, groups };
      const plain = sn.conv2d(x, w, o);
      const r = sn.randn(plain.shape);
      for (const [a, f] of acts) {
        const want = f(sn.add(plain, r)).dataSync();
        const got = sn.conv2d(x, w, { ...o, activation: a as never, residual: r }).dataSync();
        assert.deepEqual(got, want, `conv ${k}×${k}/${s} ${JSON.stringify(a)}`);
      }
    }
    const x = sn.randn([7, 19]);
    const w = sn.randn([19, 13]);
    const b = sn.randn([13]);
    const r = sn.randn([7, 13]);
    const plain = sn.linear(x, w, b);
    for (const [a, f] of acts) assert.deepEqual(sn.linear(x, w, b, { activation: a as never, residual: r }).dataSync(), f(sn.add(plain, r)).dataSync(), `linear ${JSON.stringify(a)}`);
  }));
  const x = sn.randn([1, 5, 5, 2]);
  const w = sn.randn([3, 3, 2, 4], { requiresGrad: true });
  assert.throws(() => sn.conv2d(x, w, { activation: 'hardswish' }), /simdnet\.conv2d: activation "hardswish" is fused for inference only/);
  assert.throws(() => sn.conv2d(x, w, { activation: 'tanh' as never }), /simdnet\.conv2d: argument 'activation' must be/);
  assert.throws(() => sn.noGrad(() => sn.conv2d(x, w, { residual: sn.zeros([1, 5, 5, 4]) })), /simdnet\.conv2d: argument 'residual' \[1, 5, 5, 4\] must have the output's shape \[1, 3, 3, 4\]/);
  x.dispose();
  w.dispose();
});
