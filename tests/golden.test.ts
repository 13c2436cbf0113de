// Bit-exact outputs of the zoo, recorded before the kernel launchers moved into ts/kernels/:
// forward (training and eval mode), one training step (loss, every gradient, the weights
// after an Adam step) of lenet5, resnet18, googlenet and unet, the fused inference path
// (batch norm folded, Winograd F(4×4) and F(2×2), im2col and direct convolutions), and a short
// sn.fit / sn.predict run. Refactors must leave every bit as it was; a change that means to
// alter results re-records the fixture on purpose:
//   SIMDNET_GOLDEN=write SKIP_BUILD=1 node scripts/test.mjs node
// One thread (the default), fixed seeds, small inputs so the whole file takes a few seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';
import fixture from './fixtures/golden.json';

await sn.init();
const { models } = sn.nn;

// Each output: its SHA-256, length and a few values; a group of tensors (`grad:<param>`,
// `step:<param>`) as one record over all of them plus a short hash per member, so a failure
// names the first layer whose bits moved.
interface Digest {
  sha256: string;
  n: number;
  samples: number[];
}
type Golden = Record<string, Record<string, Digest | string>>;

const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
const sha = async (v: Float32Array) => hex(await crypto.subtle.digest('SHA-256', new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice()));
async function digest(v: Float32Array): Promise<Digest> {
  const idx = [0, 1, 2, v.length >> 1, v.length - 1].filter((i, j, a) => i < v.length && a.indexOf(i) === j);
  return { sha256: await sha(v), n: v.length, samples: idx.map((i) => v[i]) };
}
async function summarise(outs: Record<string, Float32Array>): Promise<Record<string, Digest | string>> {
  const r: Record<string, Digest | string> = {};
  const groups = new Map<string, Float32Array[]>();
  for (const [key, v] of Object.entries(outs)) {
    const colon = key.indexOf(':');
    if (colon < 0) {
      r[key] = await digest(v);
      continue;
    }
    const g = key.slice(0, colon);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(v);
    r[key] = (await sha(v)).slice(0, 16);
  }
  for (const [g, vs] of groups) {
    const all = new Float32Array(vs.reduce((s, v) => s + v.length, 0));
    vs.reduce((o, v) => (all.set(v, o), o + v.length), 0);
    r[g] = await digest(all);
  }
  return r;
}

const labelsFor = (n: number, classes: number) => Int32Array.from({ length: n }, (_, i) => (i * 7 + (i >> 3)) % classes);

// Forward in training mode, loss, gradients, one Adam step; then eval-mode forward without a tape.
function trainStep(make: () => sn.nn.Module, shape: number[], kind: 'ce' | 'pixel'): Record<string, Float32Array> {
  sn.seed(7);
  const net = make();
  const x = sn.randn(shape, { seed: 1 });
  const labels = labelsFor(shape[0] * (kind === 'pixel' ? shape[1] * shape[2] : 1), 3);
  const opt = new sn.optim.Adam(net.parameters(), { lr: 1e-3 });
  const out: Record<string, Float32Array> = {};
  sn.tidy(() => {
    const y = net.call(x);
    const loss = sn.crossEntropy(kind === 'pixel' ? sn.reshape(y, [-1, 3]) : y, labels);
    opt.zeroGrad();
    loss.backward();
    out.forward = y.dataSync();
    out.loss = loss.dataSync();
    for (const [name, p] of net.namedParameters()) out[`grad:${name}`] = p.grad!.dataSync();
    opt.step();
  });
  for (const [name, p] of net.namedParameters()) out[`step:${name}`] = p.dataSync();
  net.eval();
  out.eval = sn.noGrad(() => sn.tidy(() => net.call(x).dataSync()));
  opt.dispose();
  net.dispose();
  x.dispose();
  return out;
}

// The fused copy of a model whose batch norms have non-trivial running statistics.
function fused(make: () => sn.nn.Module, shape: number[]): Record<string, Float32Array> {
  sn.seed(3);
  const net = make();
  const x = sn.randn(shape, { seed: 4 });
  net.train();
  sn.noGrad(() => sn.tidy(() => void net.call(x)));
  net.eval();
  const f = sn.nn.fuseForInference(net);
  const out = { fused: sn.tidy(() => f.call(x).dataSync()) };
  f.dispose();
  net.dispose();
  x.dispose();
  return out;
}

// sn.fit for one epoch with the MSE loss (one-hot targets) and augmentation, then sn.predict.
async function fitted(): Promise<Record<string, Float32Array>> {
  sn.seed(11);
  const net = models.lenet5();
  const n = 40;
  const x = sn.rand([n, 28, 28, 1], { seed: 5 });
  const y = labelsFor(n, 10);
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
  const h = await sn.fit(net, { x, y }, {
    epochs: 1, batchSize: 16, optimizer: opt, loss: 'mse', seed: 2, progress: false,
    augment: sn.data.compose(sn.data.randomCrop(2, { seed: 3 }), sn.data.randomFlip(0.5, { seed: 4 })),
  });
  const out: Record<string, Float32Array> = { loss: Float32Array.of(h.epochs[0].loss) };
  for (const [name, p] of net.namedParameters()) out[`weights:${name}`] = p.dataSync();
  const p = sn.predict(net, x, { batchSize: 16 });
  out.predict = p.dataSync();
  p.dispose();
  opt.dispose();
  net.dispose();
  x.dispose();
  return out;
}

const cases: [string, () => Record<string, Float32Array> | Promise<Record<string, Float32Array>>][] = [
  ['lenet5', () => trainStep(() => models.lenet5(), [4, 28, 28, 1], 'ce')],
  ['resnet18', () => trainStep(() => models.resnet18({ classes: 3 }), [2, 32, 32, 3], 'ce')],
  ['googlenet', () => trainStep(() => models.googlenet({ classes: 3 }), [1, 64, 64, 3], 'ce')],
  ['unet', () => trainStep(() => models.unet({ classes: 3, inChannels: 1, width: 8 }), [2, 16, 16, 1], 'pixel')],
  // resnet18 at 32×32, batch 2: F(4×4) in stage 1, F(2×2) in stage 2, im2col after.
  ['resnet18.fused', () => fused(() => models.resnet18({ classes: 3 }), [2, 32, 32, 3])],
  ['googlenet.fused', () => fused(() => models.googlenet({ classes: 3 }), [1, 64, 64, 3])],
  ['unet.fused', () => fused(() => models.unet({ classes: 3, inChannels: 1, width: 8 }), [2, 16, 16, 1])],
  ['lenet5.fit', fitted],
];

const golden = fixture as Golden;
const recorded: Golden = {};
const writing = typeof process !== 'undefined' && process.env?.SIMDNET_GOLDEN === 'write';

for (const [name, run] of cases) {
  test(`golden: ${name} is bit-identical to the recorded outputs`, async () => {
    const got = await summarise(await run());
    recorded[name] = got;
    if (writing) return;
    const want = golden[name];
    assert.ok(want, `no recorded outputs for ${name} (record them with SIMDNET_GOLDEN=write)`);
    assert.deepEqual(Object.keys(got), Object.keys(want), `${name}: the recorded tensors differ`);
    const changed = Object.keys(want).filter((k) => JSON.stringify(got[k]) !== JSON.stringify(want[k]));
    const show = (k: string) => `${k}: ${JSON.stringify(got[k])}, recorded ${JSON.stringify(want[k])}`;
    assert.equal(changed.length, 0, `${name}: ${changed.length} of ${Object.keys(want).length} outputs changed bits\n${changed.slice(0, 6).map(show).join('\n')}`);
  });
}

if (writing) {
  test('golden: write the fixture', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync('tests/fixtures/golden.json', JSON.stringify(recorded, null, 1) + '\n');
  });
}
