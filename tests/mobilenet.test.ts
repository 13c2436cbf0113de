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
