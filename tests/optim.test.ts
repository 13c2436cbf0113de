// Optimizers against plain JavaScript references of their update rules, schedulers and
// callbacks, and a short training run that must learn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';
import { assertClose } from './oracle';

await sn.init();

// Runs `steps` updates of an optimizer on w with fixed gradients g_t = w_t·c + t/10 (so the
// gradient depends on the weights), against a reference computed in f64.
function run(make: (p: sn.Tensor[]) => sn.optim.Optimizer, ref: (w: Float64Array, g: Float64Array, t: number) => void, n = 37, steps = 5): void {
  const init = Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1));
  const w = sn.tensor(init, [n], { requiresGrad: true });
  const opt = make([w]);
  const wr = Float64Array.from(init);
  for (let t = 1; t <= steps; t++) {
    sn.tidy(() => {
      const c = sn.tensor(Array.from({ length: n }, (_, i) => 0.5 + (i % 3)), [n]);
      const loss = sn.sum(sn.add(sn.mul(sn.mul(w, w), sn.mul(c, 0.5)), sn.mul(w, t / 10)));
      opt.zeroGrad();
      loss.backward();
      opt.step();
    });
    const g = wr.map((v, i) => v * (0.5 + (i % 3)) + t / 10);
    ref(wr, g, t);
  }
  assertClose(w.dataSync(), wr, 2e-5, opt.constructor.name);
  opt.dispose();
  w.dispose();
}

test('SGD: plain, lecture-form momentum, classical momentum, Nesterov, weight decay', () => {
  const lr = 0.1;
  const mu = 0.9;
  const wd = 0.01;
  run((p) => new sn.optim.SGD(p, { lr }), (w, g) => w.forEach((_, i) => (w[i] -= lr * g[i])));
  run((p) => new sn.optim.SGD(p, { lr, weightDecay: wd }), (w, g) => w.forEach((_, i) => (w[i] -= lr * (g[i] + wd * w[i]))));
  let v = new Float64Array(37);
  run((p) => new sn.optim.SGD(p, { lr, momentum: mu }), (w, g) => w.forEach((_, i) => {
    v[i] = mu * v[i] + (1 - mu) * g[i];
    w[i] -= lr * v[i];
  }));
  v = new Float64Array(37);
  run((p) => new sn.optim.SGD(p, { lr, momentum: mu, form: 'classical' }), (w, g) => w.forEach((_, i) => {
    v[i] = mu * v[i] + g[i];
    w[i] -= lr * v[i];
  }));
  v = new Float64Array(37);
  run((p) => new sn.optim.SGD(p, { lr, momentum: mu, nesterov: true, weightDecay: wd }), (w, g) => w.forEach((_, i) => {
    const gi = g[i] + wd * w[i];
    v[i] = mu * v[i] + gi;
    w[i] -= lr * (gi + mu * v[i]);
  }));
});

test('Adam and RMSProp follow their update rules', () => {
  const lr = 0.01;
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  let m = new Float64Array(37);
  let v = new Float64Array(37);
  run((p) => new sn.optim.Adam(p, { lr }), (w, g, t) => w.forEach((_, i) => {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    w[i] -= (lr * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
  }));
  m = new Float64Array(37);
  v = new Float64Array(37);
  const s = new Float64Array(37);
  run((p) => new sn.optim.RMSProp(p, { lr, rho: 0.9 }), (w, g) => w.forEach((_, i) => {
    s[i] = 0.9 * s[i] + 0.1 * g[i] * g[i];
    w[i] -= (lr * g[i]) / (Math.sqrt(s[i]) + 1e-8);
  }));
});

test('optimizer arguments are checked', () => {
  const w = sn.zeros([2], { requiresGrad: true });
  assert.throws(() => new sn.optim.SGD([w], { lr: NaN }), /simdnet\.SGD: argument 'lr' must be a finite number/);
  assert.throws(() => new sn.optim.SGD([w], { lr: 0.1, momentum: 1.5 }), /argument 'momentum' must be <= 1/);
  assert.throws(() => new sn.optim.SGD([w], { lr: 0.1, nesterov: true }), /nesterov needs momentum > 0/);
  assert.throws(() => new sn.optim.Adam([]), /argument 'params' must be a non-empty array/);
  w.dispose();
});

test('callbacks: StepLR, ReduceLROnPlateau and EarlyStopping with restoreBest', async () => {
  const state = { lr: 1, stop: false, snapshot: () => () => {} };
  const step = new sn.StepLR({ stepSize: 2, factor: 0.5 });
  for (let e = 0; e < 4; e++) step.onEpochEnd({ epoch: e, loss: 1, lr: state.lr, seconds: 0, imagesPerSecond: 0 }, state);
  assert.equal(state.lr, 0.25);
  const plateau = new sn.ReduceLROnPlateau({ monitor: 'loss', patience: 2, factor: 0.1 });
  state.lr = 1;
  for (const [e, l] of [1, 0.9, 0.95, 0.91].entries()) plateau.onEpochEnd({ epoch: e, loss: l, lr: state.lr, seconds: 0, imagesPerSecond: 0 }, state);
  assert.ok(Math.abs(state.lr - 0.1) < 1e-12);
  let restored = -1;
  let snapshots = 0;
  const es = new sn.EarlyStopping({ monitor: 'loss', patience: 2, restoreBest: true });
  const st = { lr: 1, stop: false, snapshot: () => { const k = snapshots++; return () => { restored = k; }; } };
  es.onTrainBegin();
  for (const [e, l] of [1, 0.5, 0.7, 0.6].entries()) {
    es.onEpochEnd({ epoch: e, loss: l, lr: 1, seconds: 0, imagesPerSecond: 0 }, st);
    if (st.stop) break;
  }
  es.onTrainEnd();
  assert.equal(st.stop, true);
  assert.equal(es.bestEpoch, 1);
  assert.equal(restored, 1);
});

test('fit learns a small CNN on real MNIST digits and memory stays flat', async () => {
  const { train, test: val } = await sn.data.loadMnist({ trainSize: 1000, testSize: 500, seed: 3 });
  sn.seed(5);
  const net = new sn.nn.Sequential(
    new sn.nn.Conv2d(1, 8, 3, { padding: 'same' }), new sn.nn.ReLU(), new sn.nn.MaxPool2d(2),
    new sn.nn.Conv2d(8, 16, 3, { padding: 'same' }), new sn.nn.ReLU(), new sn.nn.MaxPool2d(2),
    new sn.nn.Flatten(), new sn.nn.Linear(7 * 7 * 16, 10),
  );
  const opt = new sn.optim.Adam(net.parameters(), { lr: 3e-3 });
  await sn.fit(net, train, { epochs: 1, batchSize: 50, optimizer: opt, progress: false, seed: 1 });
  const inUse = sn.backendInfo().memoryInUse;
  const h = await sn.fit(net, train, { epochs: 3, batchSize: 50, optimizer: opt, progress: false, seed: 2, validation: val, metrics: ['accuracy', 'top5'] });
  assert.equal(sn.backendInfo().memoryInUse, inUse, 'no tensor leaked by fit');
  const last = h.epochs[h.epochs.length - 1];
  assert.ok(last.valAccuracy! > 0.85, `validation accuracy ${last.valAccuracy}`);
  assert.ok(last.valTop5! > last.valAccuracy!);
  const p = sn.predict(net, sn.tensor(val.x.subarray(0, 10 * 784), [10, 28, 28, 1]));
  assert.deepEqual(p.shape, [10, 10]);
  p.dispose();
  opt.dispose();
  net.dispose();
});
