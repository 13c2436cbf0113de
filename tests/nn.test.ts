// Modules, layers, batch norm, dropout, summary and safetensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';
import { tf, assertClose } from './oracle';

await sn.init();

test('LeNet-5 has 61,706 parameters and the expected summary', () => {
  sn.seed(1);
  const net = sn.nn.models.lenet5();
  assert.equal(net.numParameters(), 61706);
  const rows = net.profile([1, 28, 28, 1]);
  assert.deepEqual(rows.map((r) => r.outShape), [
    [1, 28, 28, 6], [1, 28, 28, 6], [1, 14, 14, 6], [1, 10, 10, 16], [1, 10, 10, 16], [1, 5, 5, 16],
    [1, 400], [1, 120], [1, 120], [1, 84], [1, 84], [1, 10],
  ]);
  assert.equal(rows[0].params, 5 * 5 * 6 + 6);
  assert.equal(rows[0].flops, 2 * 28 * 28 * 6 * 25);
  const s = net.summary([1, 28, 28, 1]);
  assert.match(s, /total\s+61,706/);
  assert.match(s, /0\.Conv2d|0\s+Conv2d/);
  net.dispose();
});

test('parameters, stateDict and loadStateDict by name, with shape checks', () => {
  const a = new sn.nn.Sequential(new sn.nn.Linear(3, 4), new sn.nn.ReLU(), new sn.nn.Linear(4, 2));
  const b = new sn.nn.Sequential(new sn.nn.Linear(3, 4), new sn.nn.ReLU(), new sn.nn.Linear(4, 2));
  assert.deepEqual(Object.keys(a.stateDict()), ['0.weight', '0.bias', '2.weight', '2.bias']);
  b.loadStateDict(a.stateDict());
  const x = sn.randn([5, 3], { seed: 1 });
  assert.deepEqual(sn.tidy(() => a.call(x).dataSync()), sn.tidy(() => b.call(x).dataSync()));
  const c = new sn.nn.Sequential(new sn.nn.Linear(3, 5));
  assert.throws(() => c.loadStateDict(a.stateDict()), /simdnet\.loadStateDict: '0\.weight' has shape \[3, 4\], the model expects \[3, 5\]/);
  sn.dispose([x]);
  [a, b, c].forEach((m) => m.dispose());
});

test('safetensors round-trips weights bit for bit', () => {
  sn.seed(3);
  const net = sn.nn.models.lenet5();
  const bytes = sn.io.saveSafetensors(net);
  sn.seed(4);
  const other = sn.nn.models.lenet5();
  const meta = sn.io.loadSafetensors(other, bytes);
  assert.equal(meta.format, 'simdnet');
  for (const [[n1, p1], [n2, p2]] of net.namedParameters().map((e, i) => [e, other.namedParameters()[i]] as const)) {
    assert.equal(n1, n2);
    assert.deepEqual(p1.dataSync(), p2.dataSync());
  }
  // The header is 8-byte aligned JSON, readable by any safetensors reader.
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  assert.equal((8 + n) % 8, 0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  assert.deepEqual(header['0.weight'], { dtype: 'F32', shape: [5, 5, 1, 6], data_offsets: header['0.weight'].data_offsets });
  net.dispose();
  other.dispose();
});

test('malformed safetensors files are rejected with clear Errors before any byte is trusted', () => {
  const good = sn.io.encodeSafetensors({ a: { shape: [2], data: new Float32Array([1, 2]) }, b: { shape: [1], data: new Float32Array([3]) } });
  const n = Number(new DataView(good.buffer).getBigUint64(0, true));
  const withHeader = (h: unknown, dataBytes: number): Uint8Array => {
    const j = new TextEncoder().encode(JSON.stringify(h));
    const out = new Uint8Array(8 + j.length + dataBytes);
    new DataView(out.buffer).setBigUint64(0, BigInt(j.length), true);
    out.set(j, 8);
    return out;
  };
  const bad: [Uint8Array, RegExp][] = [
    [new Uint8Array(4), /shorter than the 8-byte header length/],
    [(() => { const b = good.slice(); new DataView(b.buffer).setBigUint64(0, 1n << 40n, true); return b; })(), /header length \d+ exceeds the file/],
    [(() => { const b = good.slice(); b[8] = 0x7b + 1; return b; })(), /not valid UTF-8 JSON/],
    [withHeader([1, 2], 0), /header must be a JSON object/],
    [withHeader({ a: { dtype: 'F99', shape: [1], data_offsets: [0, 4] } }, 4), /unknown dtype "F99"/],
    [withHeader({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4), /invalid shape/],
    [withHeader({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 4), /run past the data/],
    [withHeader({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, 4), /holds 4 bytes but F32 \[2\] needs 8/],
    [withHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [2, 6] } }, 8), /overlaps/],
    [withHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /bytes \[0, 4\) before entry 'a' belong to no tensor/],
    [withHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 12), /8 trailing bytes/],
    [withHeader({ a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] } }, 4), /dtype U8; simdnet loads F32, F16, BF16, F64, I64 and I32 tensors \(as F32\)/],
    [withHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 4), /invalid data_offsets/],
  ];
  for (const [bytes, re] of bad) assert.throws(() => sn.io.decodeSafetensors(bytes), re);
  assert.equal(n > 0, true);
  const net = new sn.nn.Sequential(new sn.nn.Linear(2, 1));
  assert.throws(() => sn.io.loadSafetensors(net, good), /simdnet\.loadStateDict: missing '0\.weight'/);
  net.dispose();
});

test('batchNorm matches TensorFlow.js in training and eval mode, and its gradients pass finite differences', () => {
  const x = sn.randn([4, 3, 3, 5], { seed: 1, mean: 2, std: 3, requiresGrad: true });
  const gamma = sn.randn([5], { seed: 2, requiresGrad: true });
  const beta = sn.randn([5], { seed: 3, requiresGrad: true });
  const rm = sn.zeros([5]);
  const rv = sn.ones([5]);
  const xv = tf.tensor(x.dataSync(), x.shape as number[]);
  const mom = tf.moments(xv, [0, 1, 2]);
  const want = tf.batchNorm(xv, mom.mean, mom.variance, tf.tensor(beta.dataSync()), tf.tensor(gamma.dataSync()), 1e-5);
  sn.tidy(() => assertClose(sn.batchNorm(x, gamma, beta, rm, rv, { training: true }).dataSync(), want.dataSync() as Float32Array, 1e-5, 'batchNorm training'));
  // running stats moved 10% toward the batch's (variance made unbiased)
  const n = 36;
  assertClose(rm.dataSync(), (mom.mean.dataSync() as Float32Array).map((m) => 0.1 * m), 1e-5, 'running mean');
  assertClose(rv.dataSync(), (mom.variance.dataSync() as Float32Array).map((v) => 0.9 + (0.1 * v * n) / (n - 1)), 1e-5, 'running var');
  const wantEval = tf.batchNorm(xv, tf.tensor(rm.dataSync()), tf.tensor(rv.dataSync()), tf.tensor(beta.dataSync()), tf.tensor(gamma.dataSync()), 1e-5);
  sn.tidy(() => assertClose(sn.batchNorm(x, gamma, beta, rm, rv, { training: false }).dataSync(), wantEval.dataSync() as Float32Array, 1e-5, 'batchNorm eval'));
  for (const training of [true, false]) {
    // Fresh running stats per call so the forward passes agree.
    const r = sn.gradcheck((a, g, b) => sn.tidy(() => {
      const m = sn.zeros([5]);
      const v = sn.ones([5]);
      return sn.batchNorm(a, g, b, m, v, { training });
    }), [x, gamma, beta], { eps: 1e-2 });
    assert.ok(r.ok, `batchNorm training=${training}: ${JSON.stringify(r)}`);
  }
  sn.dispose([x, gamma, beta, rm, rv]);
});

test('dropout: eval is identity, training keeps about 1−p scaled by 1/(1−p), seeded and differentiable', () => {
  sn.tidy(() => {
    const x = sn.ones([10000]);
    assert.deepEqual(sn.dropout(x, { p: 0.3, training: false }).dataSync(), x.dataSync());
    const y = sn.dropout(x, { p: 0.3, training: true, seed: 5 }).dataSync();
    const kept = y.filter((v) => v !== 0);
    assert.ok(Math.abs(kept.length / 10000 - 0.7) < 0.03, `kept ${kept.length}`);
    assert.ok(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6));
    assert.deepEqual(sn.dropout(x, { p: 0.3, training: true, seed: 5 }).dataSync(), y);
    const w = sn.randn([37], { seed: 1, requiresGrad: true });
    const r = sn.gradcheck((a) => sn.dropout(a, { p: 0.5, training: true, seed: 9 }), [w]);
    assert.ok(r.ok, JSON.stringify(r));
    assert.throws(() => sn.dropout(x, { p: 1.5, training: true }), /simdnet\.dropout: argument 'p' must be <= 1/);
  });
});
