// A whole network's gradient against TensorFlow.js, and a long training loop whose memory
// must not grow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';
import { tf, assertClose } from './oracle';

await sn.init();

test("a small CNN's full gradient (every parameter) equals TensorFlow.js cpu", () => {
  sn.seed(11);
  const net = new sn.nn.Sequential(
    new sn.nn.Conv2d(3, 5, 3, { padding: 'same' }), new sn.nn.ReLU(), new sn.nn.MaxPool2d(2),
    new sn.nn.Conv2d(5, 7, 3, { stride: 2, padding: 1, roundMode: 'floor' }), new sn.nn.Tanh(), new sn.nn.AvgPool2d(2, { roundMode: 'floor' }),
    new sn.nn.Flatten(), new sn.nn.Linear(7, 6), new sn.nn.Sigmoid(), new sn.nn.Linear(6, 4),
  );
  const x = sn.randn([3, 10, 10, 3], { seed: 1 });
  const labels = [0, 3, 2];
  sn.tidy(() => sn.crossEntropy(net.call(x), labels).backward());

  const P = net.parameters().map((p) => tf.variable(tf.tensor(p.dataSync(), p.shape as number[])));
  const f = () => {
    let h = tf.tensor4d(x.dataSync(), [3, 10, 10, 3]);
    h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, P[0] as tf.Tensor4D, 1, 'same'), P[1])), 2, 2, 'valid');
    h = tf.conv2d(h, P[2] as tf.Tensor4D, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    h = tf.avgPool(tf.tanh(tf.add(h, P[3])), 2, 2, 'valid');
    let z = tf.reshape(h, [3, 7]) as tf.Tensor2D;
    z = tf.sigmoid(tf.add(tf.matMul(z, P[4] as tf.Tensor2D), P[5]));
    z = tf.add(tf.matMul(z, P[6] as tf.Tensor2D), P[7]);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 4), z) as tf.Scalar;
  };
  const { grads } = tf.variableGrads(f, P as tf.Variable[]);
  const names = net.namedParameters();
  P.forEach((v, i) => assertClose(names[i][1].grad!.dataSync(), grads[v.name].dataSync() as Float32Array, 1e-4, `gradient of ${names[i][0]}`));
  x.dispose();
  net.dispose();
});

test('2,000 training steps of LeNet-5 leave wasm memory where it was', () => {
  sn.seed(2);
  const net = sn.nn.models.lenet5();
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
  const x = sn.randn([4, 28, 28, 1], { seed: 3 });
  const y = [1, 2, 3, 4];
  const step = () =>
    sn.tidy(() => {
      const loss = sn.crossEntropy(net.call(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss.item();
    });
  const first = step();
  const before = sn.backendInfo();
  let last = first;
  for (let i = 0; i < 2000; i++) last = step();
  const after = sn.backendInfo();
  assert.equal(after.memoryInUse, before.memoryInUse, 'bytes in use');
  assert.equal(after.memoryBytes, before.memoryBytes, 'linear memory did not grow');
  assert.ok(last < first / 10, `the loss fell on the fixed batch: ${first} → ${last}`);
  opt.dispose();
  net.dispose();
  x.dispose();
});
