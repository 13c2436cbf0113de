// Softmax and the losses: values against TensorFlow.js and plain references, gradients by
// finite differences, and the label checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';
import { tf, assertClose } from './oracle';

await sn.init();

test('softmax and logSoftmax match TensorFlow.js, stay finite for large logits, and pass gradcheck', () => {
  for (const [r, c] of [[1, 1], [3, 7], [5, 10], [2, 33]]) {
    const x = sn.randn([r, c], { seed: r * c, std: 4, requiresGrad: true });
    const xt = tf.tensor2d(x.dataSync(), [r, c]);
    assertClose(sn.softmax(x).dataSync(), tf.softmax(xt).dataSync() as Float32Array, 1e-6, `softmax ${r}x${c}`);
    assertClose(sn.logSoftmax(x).dataSync(), tf.logSoftmax(xt).dataSync() as Float32Array, 1e-6, `logSoftmax ${r}x${c}`);
    for (const f of [sn.softmax, sn.logSoftmax]) {
      const res = sn.gradcheck(f, [x], { eps: 1e-3 });
      assert.ok(res.ok, `${f.name} ${r}x${c}: ${JSON.stringify(res)}`);
    }
    x.dispose();
  }
  sn.tidy(() => {
    const big = sn.tensor([1000, 0, -1000, 88, 89, 90], [2, 3]);
    const p = sn.softmax(big).dataSync();
    assert.ok(p.every(Number.isFinite));
    assertClose(p, [1, 0, 0, 0.09003057, 0.24472847, 0.66524096], 1e-6, 'softmax of large logits');
  });
});

test('crossEntropy from labels and from one-hot targets equals tf.losses.softmaxCrossEntropy', () => {
  const N = 6;
  const C = 10;
  const labels = Int32Array.from({ length: N }, (_, i) => (i * 7) % C);
  const logits = sn.randn([N, C], { seed: 2, std: 3, requiresGrad: true });
  const onehot = sn.tensor(Array.from({ length: N * C }, (_, i) => (labels[Math.floor(i / C)] === i % C ? 1 : 0)), [N, C]);
  const want = tf.losses.softmaxCrossEntropy(tf.tensor2d(onehot.dataSync(), [N, C]), tf.tensor2d(logits.dataSync(), [N, C])).dataSync()[0];
  sn.tidy(() => {
    assert.ok(Math.abs(sn.crossEntropy(logits, labels).item() - want) < 1e-5);
    assert.ok(Math.abs(sn.crossEntropy(logits, Array.from(labels)).item() - want) < 1e-5);
    assert.ok(Math.abs(sn.crossEntropy(logits, onehot).item() - want) < 1e-5);
  });
  for (const target of [labels, onehot] as const) {
    const r = sn.gradcheck((l) => sn.crossEntropy(l, target), [logits], { eps: 1e-3 });
    assert.ok(r.ok, `crossEntropy gradient: ${JSON.stringify(r)}`);
  }
  sn.dispose([logits, onehot]);
});

test('mseLoss and hingeLoss values and gradients', () => {
  const a = sn.randn([4, 5], { seed: 3, requiresGrad: true });
  const b = sn.randn([4, 5], { seed: 4, requiresGrad: true });
  const av = a.dataSync();
  const bv = b.dataSync();
  sn.tidy(() => {
    const want = tf.losses.meanSquaredError(tf.tensor(bv), tf.tensor(av)).dataSync()[0];
    assert.ok(Math.abs(sn.mseLoss(a, b).item() - want) < 1e-6);
  });
  const r = sn.gradcheck((x, y) => sn.mseLoss(x, y), [a, b]);
  assert.ok(r.ok, `mse: ${JSON.stringify(r)}`);
  const labels = [0, 3, 4, 1];
  let want = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 5; j++) if (j !== labels[i]) want += Math.max(0, av[i * 5 + j] - av[i * 5 + labels[i]] + 1);
  sn.tidy(() => assert.ok(Math.abs(sn.hingeLoss(a, labels).item() - want / 4) < 1e-5));
  const h = sn.gradcheck((x) => sn.hingeLoss(x, labels), [a], { eps: 1e-3 });
  assert.ok(h.ok, `hinge: ${JSON.stringify(h)}`);
  sn.dispose([a, b]);
});

test('loss arguments are checked', () => {
  sn.tidy(() => {
    const l = sn.zeros([3, 4]);
    assert.throws(() => sn.crossEntropy(l, [0, 1]), /simdnet\.crossEntropy: argument 'labels' has 2 entries, the scores have 3 rows/);
    assert.throws(() => sn.crossEntropy(l, [0, 1, 4]), /argument 'labels'\[2\] = 4 is not a class index in \[0, 4\)/);
    assert.throws(() => sn.crossEntropy(l, [0, 1.5, 2]), /labels'\[1\] = 1\.5/);
    assert.throws(() => sn.crossEntropy(sn.zeros([3]), [0, 1, 2]), /must be \[N, classes\], got \[3\]/);
    assert.throws(() => sn.crossEntropy(l, sn.zeros([3, 5])), /target distributions 'labels' \[3, 5\] must have the shape of 'logits' \[3, 4\]/);
    assert.throws(() => sn.mseLoss(l, sn.zeros([4, 3])), /simdnet\.mseLoss: arguments 'pred' \[3, 4\] and 'target' \[4, 3\] must have the same shape/);
    assert.throws(() => sn.hingeLoss(l, [0, 0, -1]), /simdnet\.hingeLoss: argument 'labels'\[2\] = -1/);
  });
});
