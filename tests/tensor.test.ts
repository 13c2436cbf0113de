// Tensor lifecycle: creation, copies in and out, dispose, tidy scopes, and the errors for
// bad shapes and disposed tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

test('tensor() copies data in and dataSync() copies it out', async () => {
  const src = new Float32Array([1, 2, 3, 4, 5, 6]);
  const t = sn.tensor(src, [2, 3]);
  src[0] = 99;
  assert.deepEqual(Array.from(t.dataSync()), [1, 2, 3, 4, 5, 6]);
  const d = await t.data();
  d[1] = -1;
  assert.equal(t.dataSync()[1], 2);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.size, 6);
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  t.dispose();
});

test('zeros, ones, full, rand and randn (seeded)', () => {
  assert.deepEqual(Array.from(sn.zeros([3]).dataSync()), [0, 0, 0]);
  assert.deepEqual(Array.from(sn.ones([2, 2]).dataSync()), [1, 1, 1, 1]);
  assert.deepEqual(Array.from(sn.full([2], 2.5).dataSync()), [2.5, 2.5]);
  const a = sn.randn([1000], { seed: 3 }).dataSync();
  const b = sn.randn([1000], { seed: 3 }).dataSync();
  assert.deepEqual(a, b);
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  assert.ok(Math.abs(mean) < 0.1 && Math.abs(std - 1) < 0.1, `randn moments ${mean} ${std}`);
  const u = sn.rand([1000], { seed: 4, low: -2, high: 3 }).dataSync();
  assert.ok(u.every((v) => v >= -2 && v < 3));
  sn.seed(11);
  const c = sn.rand([5]).dataSync();
  sn.seed(11);
  assert.deepEqual(sn.rand([5]).dataSync(), c);
});

test('a disposed tensor throws an Error that says so', () => {
  const t = sn.ones([2, 2]);
  t.dispose();
  t.dispose(); // twice is fine
  assert.equal(t.isDisposed, true);
  assert.throws(() => t.dataSync(), /used after dispose\(\)/);
  assert.throws(() => sn.add(t, t), /simdnet\.add: argument 'a' \(shape \[2, 2\]\) was used after dispose\(\)/);
  assert.throws(() => sn.matmul(sn.ones([2, 2]), t), /simdnet\.matmul: argument 'b'.*dispose/);
});

test('bad shapes and data give clear Errors', () => {
  assert.throws(() => sn.tensor([1, 2, 3], [2, 2]), /simdnet\.tensor: data has 3 elements but shape \[2, 2\] needs 4/);
  assert.throws(() => sn.zeros([2, -1]), /non-negative integers/);
  assert.throws(() => sn.zeros([1.5]), /non-negative integers/);
  assert.throws(() => sn.tensor('abc' as unknown as number[]), /argument 'data'/);
  assert.throws(() => sn.reshape(sn.ones([2, 3]), [4, 2]), /simdnet\.reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4, 2\]/);
});

test('tidy disposes intermediates and keeps returned and kept tensors', () => {
  const before = sn.backendInfo().memoryInUse;
  let inner!: sn.Tensor;
  let kept!: sn.Tensor;
  const out = sn.tidy(() => {
    inner = sn.ones([100]);
    kept = sn.keep(sn.ones([10]));
    return { y: sn.add(inner, 1), list: [sn.zeros([3])] };
  });
  assert.equal(inner.isDisposed, true);
  assert.equal(kept.isDisposed, false);
  assert.equal(out.y.isDisposed, false);
  assert.equal(out.list[0].isDisposed, false);
  assert.equal(out.y.dataSync()[0], 2);
  sn.dispose([out, kept]);
  assert.equal(sn.backendInfo().memoryInUse, before);
});

test('nested tidy moves a returned tensor to the outer scope', () => {
  let mid!: sn.Tensor;
  sn.tidy(() => {
    mid = sn.tidy(() => sn.ones([4]));
    assert.equal(mid.isDisposed, false);
  });
  assert.equal(mid.isDisposed, true);
});

test('tidy disposes on exceptions too and rejects async functions', () => {
  let t!: sn.Tensor;
  assert.throws(() =>
    sn.tidy(() => {
      t = sn.ones([3]);
      throw new Error('boom');
    }),
  /boom/);
  assert.equal(t.isDisposed, true);
  assert.throws(() => sn.tidy(() => Promise.resolve(1)), /must be synchronous/);
});

test('Symbol.dispose frees a tensor (using declarations)', () => {
  const t = sn.ones([8]);
  const dispose = (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');
  (t as unknown as Record<symbol, () => void>)[dispose]();
  assert.equal(t.isDisposed, true);
});

test('reshape shares memory; the block is freed with the last view', () => {
  const before = sn.backendInfo().memoryInUse;
  const a = sn.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = sn.reshape(a, [3, -1]);
  assert.deepEqual(b.shape, [3, 2]);
  a.dispose();
  assert.deepEqual(Array.from(b.dataSync()), [1, 2, 3, 4, 5, 6]);
  b.dispose();
  assert.equal(sn.backendInfo().memoryInUse, before);
});

test('tensors survive memory growth with their values intact', () => {
  const small = sn.tensor([7, 8, 9]);
  const cap = sn.backendInfo().memoryBytes;
  const big = sn.zeros([Math.ceil(cap / 4) + 1000]); // forces memory.grow
  assert.ok(sn.backendInfo().memoryBytes > cap);
  assert.deepEqual(Array.from(small.dataSync()), [7, 8, 9]);
  assert.equal(big.dataSync()[big.size - 1], 0);
  sn.dispose([small, big]);
});

test('an allocation beyond the memory limit is a clear Error and corrupts nothing', () => {
  const a = sn.tensor([1, 2, 3]);
  assert.throws(() => sn.zeros([1 << 30, 2]), /out of memory/);
  assert.throws(() => sn.zeros([600_000_000, 2]), /out of memory/);
  assert.deepEqual(Array.from(a.dataSync()), [1, 2, 3]);
  const b = sn.ones([1000]);
  assert.equal(b.dataSync()[999], 1);
  sn.dispose([a, b]);
});
