// The model zoo: parameter counts and summary tables against the published figures, and
// every model runs forward and learns a fixed small batch for a few steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();
const { models } = sn.nn;

test('VGG-16: 138,357,544 parameters; activation column as in the lecture table', () => {
  sn.seed(1);
  const net = models.vgg16();
  assert.equal(net.numParameters(), 138_357_544);
  const rows = net.profile([1, 224, 224, 3]);
  const acts = rows.map((r) => r.outShape.reduce((a, b) => a * b, 1));
  // conv1_1 and conv1_2: 224·224·64 = 3.2 M values each; then the pools and stages.
  assert.deepEqual(acts.slice(0, 3), [3_211_264, 3_211_264, 802_816]);
  assert.deepEqual(rows.filter((r) => r.type === 'MaxPool2d').map((r) => r.outShape), [
    [1, 112, 112, 64], [1, 56, 56, 128], [1, 28, 28, 256], [1, 14, 14, 512], [1, 7, 7, 512],
  ]);
  // Summing the lecture's own rows (conv/pool/fc outputs) gives 15.1 M values, 60 MB; see the README.
  const convPoolFc = rows.filter((r) => r.type !== 'Dropout' && r.type !== 'Flatten').reduce((s, r) => s + r.outShape.reduce((a, b) => a * b, 1), 0);
  assert.equal(convPoolFc, 15_087_080);
  // 15.5 G multiply-adds per image.
  const macs = rows.reduce((s, r) => s + r.flops, 0) / 2;
  assert.ok(Math.abs(macs - 15.47e9) < 0.02e9, `VGG-16 multiply-adds ${macs}`);
  net.dispose();
});

test('ResNet-18 has 11,689,512 parameters, ResNet-34 21,797,672, AlexNet 61,100,840', () => {
  for (const [f, n] of [[models.resnet18, 11_689_512], [models.resnet34, 21_797_672], [models.alexnet, 61_100_840]] as const) {
    const net = f();
    assert.equal(net.numParameters(), n, f.name);
    net.dispose();
  }
  const r = models.resnet18();
  const rows = r.profile([1, 224, 224, 3]);
  assert.deepEqual(rows[rows.length - 1].outShape, [1, 1000]);
  const macs = rows.reduce((s, x) => s + x.flops, 0) / 2;
  assert.ok(Math.abs(macs - 1.82e9) < 0.03e9, `ResNet-18 multiply-adds ${macs}`);
  r.dispose();
});

test('the Inception module on 28×28×256: 854 M multiply-adds naive, 271 M with 1×1 reductions', () => {
  const macs = (ch: sn.nn.InceptionChannels) => {
    const m = new sn.nn.Inception(256, ch);
    const rows = m.profile([1, 28, 28, 256]);
    m.dispose();
    return rows.reduce((s, r) => s + r.flops, 0) / 2;
  };
  // The lecture's naive module: 1×1 128, 3×3 192, 5×5 96 and a 3×3 pool, concatenated.
  assert.equal(macs({ c1: 128, r3: 0, c3: 192, r5: 0, c5: 96, pp: 0 }), 854_196_224);
  // With 1×1 reductions to 64 before the 3×3 and 5×5 and a 64-channel pool projection:
  // 12.8 + 12.8 + 25.7 + 86.7 + 120.4 + 12.8 M.
  assert.equal(macs({ c1: 128, r3: 64, c3: 192, r5: 64, c5: 96, pp: 64 }), 271_351_808);
});

test('every model runs forward and its loss falls over a few training steps', () => {
  const cases: [string, () => sn.nn.Module, number[], 'ce' | 'pixel' | 'mse'][] = [
    ['lenet5', () => models.lenet5(), [4, 28, 28, 1], 'ce'],
    ['alexnet', () => models.alexnet({ classes: 10, inputSize: 64 }), [2, 64, 64, 3], 'ce'],
    ['vgg11', () => models.vgg11({ classes: 10, inputSize: 32 }), [2, 32, 32, 3], 'ce'],
    ['vgg16', () => models.vgg16({ classes: 10, inputSize: 32 }), [2, 32, 32, 3], 'ce'],
    ['googlenet', () => models.googlenet({ classes: 10 }), [2, 64, 64, 3], 'ce'],
    ['resnet18', () => models.resnet18({ classes: 10 }), [2, 32, 32, 3], 'ce'],
    ['resnet34', () => models.resnet34({ classes: 10 }), [2, 32, 32, 3], 'ce'],
    ['unet', () => models.unet({ classes: 3, inChannels: 1 }), [2, 16, 16, 1], 'pixel'],
    ['convAutoencoder', () => models.convAutoencoder({ inChannels: 1 }), [2, 28, 28, 1], 'mse'],
  ];
  for (const [name, make, shape, kind] of cases) {
    sn.seed(7);
    const net = make();
    const x = sn.rand(shape, { seed: 1 });
    const labels = Int32Array.from({ length: shape[0] * (kind === 'pixel' ? shape[1] * shape[2] : 1) }, (_, i) => (i * 7 + (i >> 3)) % 3);
    // The big dense layers of AlexNet and VGG need a smaller step on a 2-image batch.
    const opt = new sn.optim.Adam(net.parameters(), { lr: /alexnet|vgg/.test(name) ? 1e-5 : 1e-3 });
    const lossOf = (y: sn.Tensor) => kind === 'ce' ? sn.crossEntropy(y, labels)
      : kind === 'pixel' ? sn.crossEntropy(sn.reshape(y, [-1, 3]), labels)
      : sn.mseLoss(y, x);
    // Judged in eval mode (no dropout noise, running batch-norm statistics) before and after.
    const evalLoss = () => {
      net.eval();
      const l = sn.noGrad(() => sn.tidy(() => lossOf(net.call(x)).item()));
      net.train();
      return l;
    };
    const before = evalLoss();
    for (let s = 0; s < 5; s++) {
      sn.tidy(() => {
        const loss = lossOf(net.call(x));
        opt.zeroGrad();
        loss.backward();
        opt.step();
        assert.ok(Number.isFinite(loss.item()), `${name}: loss ${loss.item()} at step ${s}`);
      });
    }
    const after = evalLoss();
    assert.ok(after < before, `${name}: loss did not fall: ${before.toFixed(4)} → ${after.toFixed(4)}`);
    opt.dispose();
    net.dispose();
    x.dispose();
  }
});

test('fuseForInference folds batch norm and ReLU: ResNet-18 and VGG outputs unchanged, fewer layers', () => {
  for (const [name, make, shape] of [
    ['resnet18', () => models.resnet18({ classes: 10 }), [2, 32, 32, 3]],
    ['vgg11-bn', () => models.vgg11({ classes: 10, inputSize: 32, batchNorm: true }), [2, 32, 32, 3]],
  ] as const) {
    sn.seed(3);
    const net = make();
    // Give the batch norms non-trivial running statistics first.
    const x = sn.randn(shape as unknown as number[], { seed: 4 });
    net.train();
    sn.noGrad(() => sn.tidy(() => void net.call(x)));
    net.eval();
    const want = sn.noGrad(() => sn.tidy(() => net.call(x).dataSync()));
    const fused = sn.nn.fuseForInference(net);
    const got = sn.tidy(() => fused.call(x).dataSync());
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
    assert.ok(worst < 1e-4, `${name}: fused output differs by ${worst}`);
    const layers = (m: sn.nn.Module) => m.profile(shape as unknown as number[]).length;
    assert.ok(layers(fused) < layers(net), `${name}: ${layers(fused)} layers fused vs ${layers(net)}`);
    assert.ok(fused.profile(shape as unknown as number[]).every((r) => r.type !== 'BatchNorm2d'));
    fused.dispose();
    assert.equal(net.parameters().every((p) => !p.isDisposed), true, 'the original keeps its weights');
    net.dispose();
    x.dispose();
  }
});

test('the builders state their input (size, other sizes, preprocessing) and summary() uses it', () => {
  const cases: [string, () => sn.nn.Module, number[], RegExp][] = [
    ['lenet5', () => models.lenet5(), [28, 28, 1], /MNIST.*0\.1307.*0\.3081/],
    ['resnet18', () => models.resnet18({ classes: 10 }), [224, 224, 3], /0\.485, 0\.456, 0\.406.*0\.229, 0\.224, 0\.225/],
    ['mobilenetV3Small', () => models.mobilenetV3Small({ classes: 10 }), [224, 224, 3], /ImageNet/],
    ['unet', () => models.unet({ classes: 2, inChannels: 1, width: 4 }), [64, 64, 1], /no normalisation/],
    ['convAutoencoder', () => models.convAutoencoder({ inChannels: 1 }), [28, 28, 1], /no normalisation/],
  ];
  for (const [name, build, shape, pre] of cases) {
    const net = build();
    try {
      const input = net.input!;
      assert.deepEqual(input.shape, shape, name);
      assert.equal(input.mean.length, shape[2], `${name}: one mean per channel`);
      assert.equal(input.std.length, shape[2], `${name}: one std per channel`);
      assert.match(input.preprocess, pre, name);
      const s = net.summary();
      assert.match(s.split('\n')[0], new RegExp(`^input: \\[${shape.join(', ')}\\] NHWC per sample \\(.+\\); `), name);
      // the stated input is one the model takes
      const y = sn.tidy(() => sn.noGrad(() => net.eval().call(sn.zeros([1, ...shape]))).shape);
      assert.equal(y[0], 1, name);
    } finally {
      net.dispose();
    }
  }
  const plain = new sn.nn.Sequential(new sn.nn.Flatten());
  assert.equal(plain.input, null);
  assert.throws(() => plain.summary(), /simdnet\.summary: argument 'inputShape' is needed/);
});
