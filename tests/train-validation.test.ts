// fit / evaluate / predict check what they are given (issue 11, items 2, 3, 6 and 7): a
// batch size that is not a positive integer (0 looped forever), labels that are not class
// indices (NaN and 0.5 were read as 0), tensors that are not this package's, and nothing
// they allocated survives an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

const model = () => new sn.nn.Sequential(new sn.nn.Flatten(), new sn.nn.Linear(4, 3));
const inUse = () => sn.backendInfo().memoryInUse;
class Fn extends sn.nn.Module {
  constructor(private readonly fn: (x: sn.Tensor) => sn.Tensor) {
    super();
  }
  forward(x: sn.Tensor): sn.Tensor {
    return this.fn(x);
  }
}

test('batchSize 0, NaN, 0.5, −1, Infinity and "2" are clear Errors in fit, evaluate and predict', async () => {
  const net = model();
  const x = sn.randn([5, 2, 2, 1], { seed: 1 });
  const data = { x, y: [0, 1, 2, 0, 1] };
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.1 });
  const before = inUse();
  for (const bad of [0, NaN, 0.5, -1, Infinity, '2']) {
    const re = new RegExp(`options\\.batchSize must be a positive integer, got .*${String(bad).replace('.', '\\.')}`);
    assert.throws(() => sn.predict(net, x, { batchSize: bad as number }), (e: Error) => e.message.startsWith('simdnet.predict: ') && re.test(e.message), `predict ${bad}`);
    assert.throws(() => sn.evaluate(net, data, { batchSize: bad as number }), (e: Error) => e.message.startsWith('simdnet.evaluate: ') && re.test(e.message), `evaluate ${bad}`);
    await assert.rejects(sn.fit(net, data, { epochs: 1, batchSize: bad as number, optimizer: opt, progress: false }), (e: Error) => e.message.startsWith('simdnet.fit: ') && re.test(e.message), `fit ${bad}`);
  }
  assert.equal(inUse(), before, 'nothing leaked');
  opt.dispose();
  net.dispose();
  x.dispose();
});

test('NaN, fractional, negative and non-number labels are rejected by fit and evaluate', async () => {
  const net = model();
  const x = sn.randn([3, 2, 2, 1], { seed: 2 });
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.1 });
  const before = inUse();
  for (const y of [[NaN, 0, 1], [0.5, 0, 1], [0, 2.9, 1], [0, -1, 1], [0, '1', 1], new Float32Array([0, 1, 1.5])]) {
    const data = { x, y: y as number[] };
    const re = /argument 'data\.y'\[\d\] = .* is not a class index/;
    await assert.rejects(sn.fit(net, data, { epochs: 1, optimizer: opt, progress: false }), (e: Error) => e.message.startsWith('simdnet.fit: ') && re.test(e.message), `fit ${y}`);
    assert.throws(() => sn.evaluate(net, data), (e: Error) => e.message.startsWith('simdnet.evaluate: ') && re.test(e.message), `evaluate ${y}`);
  }
  const lt = sn.tensor([0, 1, 0.5]);
  await assert.rejects(sn.fit(net, { x, y: lt }, { epochs: 1, optimizer: opt, progress: false }), /simdnet\.fit: argument 'data\.y'\[2\] = 0\.5/);
  lt.dispose();
  assert.equal(inUse(), before, 'nothing leaked');
  opt.dispose();
  net.dispose();
  x.dispose();
});

test("fit with the MSE loss rejects a label past the model's classes (it wrote past the one-hot targets)", async () => {
  const net = model();
  const x = sn.randn([2, 2, 2, 1], { seed: 3 });
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.1 });
  sn.predict(net, x).dispose(); // the GEMM's scratch block is made once, on first use
  const before = inUse();
  await assert.rejects(sn.fit(net, { x, y: [0, 3] }, { epochs: 1, optimizer: opt, loss: 'mse', progress: false }), /simdnet\.mseLoss: label 3 \(sample 1\) is not a class index in \[0, 3\)/);
  assert.equal(inUse(), before, 'nothing leaked');
  opt.dispose();
  net.dispose();
  x.dispose();
});

test('predict checks x and the model: a {shape, size, ptr} impostor, a disposed tensor, a non-Module', () => {
  const net = model();
  const x = sn.randn([2, 2, 2, 1], { seed: 4 });
  const fake = { shape: [2, 2, 2, 1], size: 8, ptr: x.ptr, rank: 4 };
  assert.throws(() => sn.predict(net, fake as unknown as sn.Tensor), /^Error: simdnet\.predict: argument 'x' must be a Tensor/);
  const gone = sn.zeros([2, 2, 2, 1]);
  gone.dispose();
  assert.throws(() => sn.predict(net, gone), /simdnet\.predict: argument 'x' \(shape \[2, 2, 2, 1\]\) was used after dispose\(\)/);
  assert.throws(() => sn.predict({} as sn.nn.Module, x), /simdnet\.predict: argument 'model' must be a Module/);
  const y = sn.predict(net, x, null as unknown as {}); // null options: the defaults
  assert.deepEqual(y.shape, [2, 3]);
  y.dispose();
  net.dispose();
  x.dispose();
});

test('predict frees its batches and output when the model throws, and rejects a model that changes the batch size', () => {
  const x = sn.randn([5, 3], { seed: 5 });
  const before = inUse();
  let calls = 0;
  const throwing = new Fn((t: sn.Tensor) => {
    if (++calls === 2) throw new Error('boom');
    return sn.mul(t, 2);
  });
  assert.throws(() => sn.predict(throwing, x, { batchSize: 2 }), /boom/);
  assert.equal(inUse(), before, 'nothing leaked after a throw in the second batch');
  // A model summing over the batch returned one row for two samples: predict wrote past its output.
  const summing = new Fn((t: sn.Tensor) => sn.sum(t, { axis: 0 }));
  assert.throws(() => sn.predict(summing, x, { batchSize: 2 }), /simdnet\.predict: the model returned Tensor\[3\] for a batch \[2, 3\]/);
  assert.equal(inUse(), before, 'nothing leaked');
  x.dispose();
});
