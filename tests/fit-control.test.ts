// Steering and resuming fit: an AbortSignal mid-epoch, per-batch losses, checkpoints with the
// optimizer's state and initialEpoch (bit for bit the uninterrupted run), data streamed from
// generators and lazy datasets, one-hot labels, and the errors that say what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

const N = 192;
const data = () => ({ x: sn.randn([N, 28, 28, 1], { seed: 3 }), y: Int32Array.from({ length: N }, (_, i) => (i * 7) % 10) });
const weights = (net: sn.nn.Module) => net.parameters().map((p) => p.dataSync());
const inUse = () => sn.backendInfo().memoryInUse;

test('an abort mid-epoch stops within one step and frees its memory; a checkpoint with the optimizer state and initialEpoch then ends bit for bit where the uninterrupted run ends', async () => {
  const d = data();
  const opts = { epochs: 3, batchSize: 32, seed: 1, progress: false };

  sn.seed(5);
  const ref = sn.nn.models.lenet5();
  const refOpt = new sn.optim.Adam(ref.parameters(), { lr: 1e-3 });
  await sn.fit(ref, d, { ...opts, optimizer: refOpt });
  const want = weights(ref);

  sn.seed(5);
  const net = sn.nn.models.lenet5();
  const opt = new sn.optim.Adam(net.parameters(), { lr: 1e-3 });
  const ctl = new AbortController();
  const saved: { epoch: number; bytes: Uint8Array }[] = [];
  let baseline = -1;
  let abortedAt = -1;
  const after: number[] = [];
  const history = await sn.fit(net, d, {
    ...opts,
    optimizer: opt,
    signal: ctl.signal,
    callbacks: [new sn.ModelCheckpoint({ save: (bytes, logs) => void saved.push({ epoch: logs.epoch, bytes }) })],
    onEpochEnd: () => {
      opt.zeroGrad();
      baseline = inUse();
    },
    onBatchEnd: (b) => {
      if (abortedAt >= 0) after.push(b.iteration);
      // From a timer, as a Stop button's click would: it lands between two steps.
      if (b.epoch === 1 && b.batch === 2) setTimeout(() => ctl.abort(), 0), (abortedAt = b.iteration);
    },
  });
  assert.equal(history.aborted, true);
  assert.equal(history.epochs.length, 1, 'epoch 2 was cut short, so only epoch 1 has logs');
  assert.ok(after.length <= 1, `${after.length} steps ran after the abort was scheduled`);
  opt.zeroGrad();
  assert.equal(inUse(), baseline, 'memory in use after the abort is what it was at the end of epoch 1');
  assert.deepEqual(saved.map((s) => s.epoch), [0]);

  // A fresh model and optimizer, restored from the checkpoint of epoch 1, trained on.
  sn.seed(99);
  const resumed = sn.nn.models.lenet5();
  const opt2 = new sn.optim.Adam(resumed.parameters(), { lr: 0.5 });
  const { epoch } = sn.loadCheckpoint(saved[0].bytes, resumed, opt2);
  assert.equal(epoch, 0);
  assert.equal(opt2.lr, 1e-3);
  await sn.fit(resumed, d, { ...opts, optimizer: opt2, initialEpoch: epoch + 1 });
  const got = weights(resumed);
  got.forEach((w, i) => assert.deepEqual(w, want[i], `parameter ${i} differs from the uninterrupted run`));

  for (const m of [ref, net, resumed]) m.dispose();
  for (const o of [refOpt, opt, opt2]) o.dispose();
  sn.dispose(d.x);
});

test('an already aborted signal trains nothing; onBatchEnd gets each batch its own loss', async () => {
  sn.seed(6);
  const net = sn.nn.models.lenet5();
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.01 });
  const d = data();
  const before = weights(net);
  const h = await sn.fit(net, d, { epochs: 2, optimizer: opt, signal: AbortSignal.abort(), progress: false });
  assert.equal(h.aborted, true);
  assert.equal(h.epochs.length, 0);
  weights(net).forEach((w, i) => assert.deepEqual(w, before[i]));

  const batches: sn.BatchLogs[] = [];
  const h2 = await sn.fit(net, d, { epochs: 1, batchSize: 50, optimizer: opt, progress: false, shuffle: false, onBatchEnd: (b) => void batches.push(b) });
  assert.deepEqual(batches.map((b) => [b.batch, b.size, b.batches]), [[0, 50, 4], [1, 50, 4], [2, 50, 4], [3, 42, 4]]);
  const mean = batches.reduce((s, b) => s + b.loss * b.size, 0) / N;
  assert.ok(Math.abs(mean - h2.epochs[0].loss) < 1e-6, 'the epoch loss is the size-weighted mean of the batch losses');
  assert.ok(new Set(batches.map((b) => b.loss)).size === 4, 'each batch reports its own loss');
  net.dispose();
  opt.dispose();
  sn.dispose(d.x);
});

test('optimizer.stateDict() / loadStateDict() round-trip and refuse what does not fit', () => {
  sn.seed(7);
  const net = sn.nn.models.lenet5();
  const opt = new sn.optim.Adam(net.parameters());
  sn.tidy(() => sn.crossEntropy(net.call(sn.randn([2, 28, 28, 1])), [1, 2]).backward());
  opt.step();
  const sd = opt.stateDict();
  assert.equal(sd.type, 'Adam');
  assert.equal(sd.step, 1);
  assert.equal(Object.keys(sd.state).length, 2 * net.parameters().length);
  const other = new sn.optim.Adam(net.parameters(), { lr: 0.3 });
  other.loadStateDict(sd);
  assert.deepEqual(other.stateDict(), sd);
  assert.throws(() => new sn.optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 }).loadStateDict(sd), /simdnet\.SGD\.loadStateDict: the state is of a Adam/);
  assert.throws(() => other.loadStateDict({ ...sd, state: { '0.0': new Float32Array(3) } }), /entry '0\.0' has 3 values, parameter 0 \[5, 5, 1, 6\] has 150/);
  for (const o of [opt, other]) o.dispose();
  net.dispose();
});

function batchesOf(x: sn.Tensor, y: Int32Array, size: number) {
  return function* (): Generator<sn.Batch> {
    for (let i = 0; i < y.length; i += size) {
      const n = Math.min(size, y.length - i);
      yield { x: sn.tensor(x.dataSync().subarray(i * 784, (i + n) * 784), [n, 28, 28, 1]), y: y.subarray(i, i + n) };
    }
  };
}

test('fit and evaluate take an async generator of batches and a lazy dataset, and learn the same as from tensors', async () => {
  const d = data();
  const run = async (source: sn.Data) => {
    sn.seed(8);
    const net = sn.nn.models.lenet5();
    const opt = new sn.optim.SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
    const h = await sn.fit(net, source, { epochs: 2, batchSize: 32, optimizer: opt, shuffle: false, progress: false });
    const w = weights(net);
    const ev = await sn.evaluate(net, d);
    net.dispose();
    opt.dispose();
    return { h, w, ev };
  };
  const gen = batchesOf(d.x, d.y, 32);
  async function* slowly() {
    for (const b of gen()) {
      await new Promise((r) => setTimeout(r, 1));
      yield b;
    }
  }
  const xs = d.x.dataSync();
  const lazy: sn.data.LazyDataset = { length: N, sampleShape: [28, 28, 1], get: async (i) => ({ x: xs.subarray(i * 784, (i + 1) * 784), y: d.y[i] }) };
  const a = await run(d);
  const b = await run(slowly);
  const c = await run(lazy);
  for (const r of [b, c]) {
    r.w.forEach((w, i) => assert.deepEqual(w, a.w[i]));
    assert.deepEqual(r.h.epochs.map((e) => e.loss), a.h.epochs.map((e) => e.loss));
  }
  assert.ok(a.h.epochs[1].loss < a.h.epochs[0].loss);
  sn.seed(8);
  const net = sn.nn.models.lenet5();
  const ev = await sn.evaluate(net, slowly);
  const evLazy = await sn.evaluate(net, lazy);
  const evMem = sn.evaluate(net, d);
  assert.ok(Math.abs(ev.loss - evMem.loss) < 1e-6 && Math.abs(evLazy.loss - evMem.loss) < 1e-6);

  // A generator object runs once: the second epoch says so.
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.01 });
  await assert.rejects(sn.fit(net, slowly(), { epochs: 2, optimizer: opt, progress: false }), /no batches in epoch 2: a generator runs once; pass a function/);
  net.dispose();
  opt.dispose();
  sn.dispose(d.x);
});

test('one-hot and probability labels train like class indices; a label count that is a multiple of the samples gets a hint', async () => {
  const d = data();
  const oneHot = sn.tensor(Float32Array.from({ length: N * 10 }, (_, i) => (d.y[Math.floor(i / 10)] === i % 10 ? 1 : 0)), [N, 10]);
  const run = async (y: sn.Targets) => {
    sn.seed(9);
    const net = sn.nn.models.lenet5();
    const opt = new sn.optim.SGD(net.parameters(), { lr: 0.05 });
    const h = await sn.fit(net, { x: d.x, y }, { epochs: 1, optimizer: opt, progress: false, metrics: ['accuracy'] });
    net.dispose();
    opt.dispose();
    return h.epochs[0];
  };
  const a = await run(d.y);
  const b = await run(oneHot);
  const rows = Array.from({ length: N }, (_, i) => Array.from(oneHot.dataSync().subarray(i * 10, i * 10 + 10)));
  const c = await run(rows);
  for (const e of [b, c]) {
    assert.ok(Math.abs(e.loss - a.loss) < 1e-5, `loss ${e.loss} vs ${a.loss}`);
    assert.equal(e.accuracy, a.accuracy);
  }
  sn.seed(9);
  const net = sn.nn.models.lenet5();
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.05 });
  await assert.rejects(sn.fit(net, { x: d.x, y: oneHot.dataSync() }, { epochs: 1, optimizer: opt }),
    /simdnet\.fit: data\.y has 1920 labels, data\.x \[192, 28, 28, 1\] has 192 samples: one-hot or probability rows of 10\? pass y as a Tensor \[192, 10\]/);
  net.dispose();
  opt.dispose();
  sn.dispose([d.x, oneHot]);
});

test('an NCHW input says how to make it NHWC; predict gives probabilities; nn.Softmax', () => {
  sn.seed(10);
  const net = sn.nn.models.lenet5();
  const nchw = sn.randn([2, 1, 28, 28]);
  assert.throws(() => sn.predict(net, nchw), /x looks NCHW; simdnet is NHWC: permute\(x, \[0, 2, 3, 1\]\)/);
  const x = sn.randn([3, 28, 28, 1]);
  const logits = sn.predict(net, x);
  const p = sn.predict(net, x, { probabilities: true });
  const want = sn.softmax(logits);
  assert.deepEqual(p.dataSync(), want.dataSync());
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(p.dataSync().subarray(i * 10, i * 10 + 10).reduce((s, v) => s + v, 0) - 1) < 1e-6);
  const withSoftmax = new sn.nn.Sequential(net, new sn.nn.Softmax());
  const q = sn.predict(withSoftmax, x);
  assert.deepEqual(q.dataSync(), want.dataSync());
  sn.dispose([nchw, x, logits, p, want, q]);
  net.dispose();
});

test('progress is printed by default only on a terminal: none here, where output is a pipe or a page', async () => {
  const G = globalThis as { process?: { stdout?: { isTTY?: boolean; write: (...a: unknown[]) => boolean } } };
  const out = G.process?.stdout;
  if (out?.isTTY) return; // run by hand on a terminal: the bar is the default there
  const printed: string[] = [];
  const log = console.log;
  const write = out?.write;
  console.log = (...a: unknown[]) => void printed.push(a.join(' '));
  // (the test runner's own messages to stdout are bytes: they pass through)
  if (out && write) out.write = (s: unknown, ...rest: unknown[]) => (typeof s === 'string' ? (printed.push(s), true) : write.call(out, s, ...rest));
  const net = sn.nn.models.lenet5();
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.01 });
  const { x, y } = data();
  try {
    const h = await sn.fit(net, { x, y }, { epochs: 1, batchSize: 64, optimizer: opt });
    assert.equal(h.epochs.length, 1);
  } finally {
    console.log = log;
    if (out && write) out.write = write;
    x.dispose();
    opt.dispose();
    net.dispose();
  }
  assert.deepEqual(printed.filter((l) => /epoch|loss/.test(l)), []);
  // asked for, it prints (plain lines without a terminal)
  const net2 = sn.nn.models.lenet5();
  const opt2 = new sn.optim.SGD(net2.parameters(), { lr: 0.01 });
  const d2 = data();
  console.log = (...a: unknown[]) => void printed.push(a.join(' '));
  // (the test runner's own messages to stdout are bytes: they pass through)
  if (out && write) out.write = (s: unknown, ...rest: unknown[]) => (typeof s === 'string' ? (printed.push(s), true) : write.call(out, s, ...rest));
  try {
    await sn.fit(net2, d2, { epochs: 1, batchSize: 64, optimizer: opt2, progress: true });
  } finally {
    console.log = log;
    if (out && write) out.write = write;
    d2.x.dispose();
    opt2.dispose();
    net2.dispose();
  }
  assert.ok(printed.some((l) => /epoch 1\/1/.test(l)), `printed: ${JSON.stringify(printed)}`);
});
