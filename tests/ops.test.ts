// Ops on the built package against plain JavaScript references.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

const SIZES = [1, 3, 7, 17, 33, 100];

function refMatmul(a: Float32Array, b: Float32Array, M: number, N: number, K: number, tA: boolean, tB: boolean): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[tA ? k * M + i : i * K + k] * b[tB ? j * K + k : k * N + j];
      c[i * N + j] = s;
    }
  return c;
}

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    const e = Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i]));
    if (!(e <= tol)) assert.fail(`${what}: element ${i} is ${got[i]}, want ${want[i]}`);
  }
}

test('matmul matches a scalar reference on odd sizes and every transpose', () => {
  let cases = 0;
  for (const M of SIZES)
    for (const N of SIZES)
      for (const K of [1, 7, 33, 100]) {
        const tA = (M + N + K) % 2 === 0;
        const tB = (M * N + K) % 3 === 0;
        sn.tidy(() => {
          const a = sn.randn(tA ? [K, M] : [M, K], { seed: M * 1000 + K });
          const b = sn.randn(tB ? [N, K] : [K, N], { seed: N * 1000 + K + 1 });
          const c = sn.matmul(a, b, { transposeA: tA, transposeB: tB });
          assert.deepEqual(c.shape, [M, N]);
          assertClose(c.dataSync(), refMatmul(a.dataSync(), b.dataSync(), M, N, K, tA, tB), 1e-5, `matmul ${M}x${N}x${K} tA=${tA} tB=${tB}`);
        });
        cases++;
      }
  assert.ok(cases > 100);
});

test('matmul rejects wrong shapes with the op, argument and shapes in the message', () => {
  const a = sn.ones([2, 3]);
  const b = sn.ones([4, 5]);
  assert.throws(() => sn.matmul(a, b), /simdnet\.matmul: inner dimensions differ: 'a' \[2, 3\] has 3 columns, 'b' \[4, 5\] has 4 rows/);
  assert.throws(() => sn.matmul(sn.ones([3]), b), /simdnet\.matmul: arguments 'a' \[3\] and 'b' \[4, 5\] must both have rank 2 or more/);
  assert.throws(() => sn.matmul(sn.ones([2, 3, 3]), b), /simdnet\.matmul: inner dimensions differ: 'a' \[2, 3, 3\] has 3 columns, 'b' \[4, 5\] has 4 rows/);
  assert.throws(() => sn.matmul(a, [1, 2] as unknown as sn.Tensor), /simdnet\.matmul: argument 'b' must be a Tensor, got array\(2\)/);
  sn.dispose([a, b]);
});

test('add/sub/mul/div: same shape, scalar, and suffix broadcasts both ways', () => {
  const A = [1.5, -2, 3, 4, 0.5, -6];
  const B = [2, -3, 0.25];
  const ops: [string, (x: sn.Tensor | number, y: sn.Tensor | number) => sn.Tensor, (x: number, y: number) => number][] = [
    ['add', sn.add, (x, y) => x + y],
    ['sub', sn.sub, (x, y) => x - y],
    ['mul', sn.mul, (x, y) => x * y],
    ['div', sn.div, (x, y) => x / y],
  ];
  sn.tidy(() => {
    const a = sn.tensor(A, [2, 3]);
    const b = sn.tensor(B, [3]);
    const b2 = sn.tensor(B.concat(B), [2, 3]);
    for (const [name, f, ref] of ops) {
      assertClose(f(a, b2).dataSync(), A.map((x, i) => ref(x, B[i % 3])), 1e-7, `${name} same shape`);
      assertClose(f(a, b).dataSync(), A.map((x, i) => ref(x, B[i % 3])), 1e-7, `${name} rows`);
      assertClose(f(b, a).dataSync(), A.map((x, i) => ref(B[i % 3], x)), 1e-7, `${name} rows, left`);
      assertClose(f(a, 0.75).dataSync(), A.map((x) => Math.fround(ref(x, 0.75))), 1e-7, `${name} scalar`);
      assertClose(f(2, a).dataSync(), A.map((x) => ref(2, x)), 1e-7, `${name} scalar, left`);
      assert.deepEqual(f(a, b).shape, [2, 3]);
    }
    assert.throws(() => sn.add(a, sn.ones([2])), /simdnet\.add: shapes \[2, 3\] \('a'\) and \[2\] \('b'\) do not broadcast/);
    assert.throws(() => sn.mul(a, NaN), /simdnet\.mul: argument 'b' must be a finite number/);
  });
});

test('sum and mean: whole tensor and axis 0', () => {
  sn.tidy(() => {
    const x = sn.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    assert.equal(sn.sum(x).item(), 21);
    assert.equal(sn.mean(x).item(), 3.5);
    assert.deepEqual(Array.from(sn.sum(x, { axis: 0 }).dataSync()), [9, 12]);
    assert.deepEqual(Array.from(sn.mean(x, { axis: 0 }).dataSync()), [3, 4]);
    const big = sn.randn([10007], { seed: 5 });
    const v = big.dataSync();
    let s = 0;
    for (const e of v) s += e;
    assert.ok(Math.abs(sn.sum(big).item() - s) < 1e-3);
  });
});
