// MNIST loading, splits, batching and the augmentation transforms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

test('MNIST: 10,000 real digits, seeded disjoint split, values in [0, 1]', async () => {
  const a = await sn.data.loadMnist({ trainSize: 8000, testSize: 2000, seed: 0 });
  const b = await sn.data.loadMnist({ trainSize: 8000, testSize: 2000, seed: 0 });
  assert.equal(a.train.length, 8000);
  assert.equal(a.test.length, 2000);
  assert.deepEqual(a.train.sampleShape, [28, 28, 1]);
  assert.deepEqual(a.test.y, b.test.y);
  const counts = new Array(10).fill(0);
  for (const l of [...a.train.y, ...a.test.y]) counts[l]++;
  assert.equal(counts.reduce((s, c) => s + c, 0), 10000);
  assert.ok(counts.every((c) => c > 800 && c < 1200), `class counts ${counts}`);
  assert.ok(a.train.x.every((v) => v >= 0 && v <= 1));
  // A digit has ink: mean brightness between 5 % and 30 %.
  const m = a.train.x.subarray(0, 784).reduce((s, v) => s + v, 0) / 784;
  assert.ok(m > 0.05 && m < 0.3, `mean ${m}`);
  // Disjoint: no test image equals a training image with the same index pattern.
  const key = (x: Float32Array, i: number) => x.subarray(i * 784, (i + 1) * 784).join(',');
  const trainKeys = new Set(Array.from({ length: 8000 }, (_, i) => key(a.train.x, i)));
  let dup = 0;
  for (let i = 0; i < 2000; i++) if (trainKeys.has(key(a.test.x, i))) dup++;
  assert.ok(dup < 5, `${dup} test digits also in training`);
});

test('batchTensor copies the chosen samples in order', () => {
  const d = sn.data.makeDataset(Float32Array.from({ length: 12 }, (_, i) => i), [2, 2, 1], Int32Array.from([7, 8, 9]));
  const { x, y } = sn.data.batchTensor(d, [2, 0], 0, 2);
  assert.deepEqual(Array.from(x.dataSync()), [8, 9, 10, 11, 0, 1, 2, 3]);
  assert.deepEqual(Array.from(y), [9, 7]);
  assert.deepEqual(x.shape, [2, 2, 2, 1]);
  x.dispose();
  assert.throws(() => sn.data.makeDataset(new Float32Array(5), [2, 2, 1], Int32Array.from([1])), /simdnet\.dataset: x has 5 values/);
});

test('augmentations: crop shifts by whole pixels, flip mirrors, affine keeps ink, photometric ones act per image', () => {
  const img = () => {
    const x = new Float32Array(2 * 5 * 5);
    x[12] = 1; // the centre pixel of image 0
    x[25 + 0] = 1; // the corner of image 1
    return x;
  };
  const shape = [2, 5, 5, 1];
  const c = img();
  sn.data.randomCrop(1, { seed: 1 })(c, shape);
  assert.equal(c.subarray(0, 25).reduce((s, v) => s + v, 0), 1, 'the centre pixel moved, not blurred');
  const f = img();
  sn.data.randomFlip(1)(f, shape);
  assert.equal(f[25 + 4], 1);
  assert.equal(f[25 + 0], 0);
  const r = new Float32Array(2 * 9 * 9).fill(0);
  for (let i = 30; i < 51; i++) r[i] = 1;
  const before = r.reduce((s, v) => s + v, 0);
  sn.data.randomAffine({ degrees: 10, translate: 0.5, scale: 0.05, seed: 3 })(r, [2, 9, 9, 1]);
  const after = r.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(after - before) / before < 0.2, `ink ${before} → ${after}`);
  const b = new Float32Array(50).fill(0.5);
  sn.data.randomBrightness(0.2, { seed: 4 })(b, shape);
  assert.ok(b.subarray(0, 25).every((v) => v === b[0]) && b[0] !== b[25]);
  const n = new Float32Array(50).fill(1);
  sn.data.normalize(0.5, 0.25)(n, shape);
  assert.ok(n.every((v) => v === 2));
  assert.throws(() => sn.data.normalize(0, 0), /argument 'std' must be > 0/);
});
