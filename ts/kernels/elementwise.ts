// Launchers of assembly/elementwise.ts: arithmetic over whole arrays, rows and scalars,
// copies, fills and sums. With threads, large arithmetic calls run in slices (whole vectors,
// or whole rows of the broadcast kernel): every element is computed by the same code as in
// one call, so results are bit-identical for any thread count. The rest run as one call on
// the calling thread.
import { getBackend, OP, type Kernels } from '../backend/index';

export { OP };
export type BinaryOp = (typeof OP)[keyof typeof OP];

const k = (): Kernels => getBackend().k;
const table = k;

// Work per element of the arithmetic, as Backend.parts counts it (a call splits from about
// 10^6): 4, so 2 slices from 2.5·10^5 elements (1 MiB per operand, about 100 µs of
// streaming against a worker wake-up of 5–50 µs); pow is an exp and a log, 32. Not tuned
// yet on a quiet machine: npm run bench -- elementwise --extra times the [4,32,32,64] (just
// splits) and [1,32,32,64] (does not) rows on 1 and 2 threads.
const streamWork = (op: number): number => (op === OP.POW ? 32 : 4);

/** out = a ∘ b over n elements (threads: slices of whole vectors, Backend.runRanges). */
export function binary(op: BinaryOp, a: number, b: number, out: number, n: number): void {
  getBackend().runRanges('binary_f32', n, n * streamWork(op), 4, (lo, hi) => [op, a + 4 * lo, b + 4 * lo, out + 4 * lo, hi - lo]);
}
/** out = a ∘ s over n elements (threads: slices of whole vectors). */
export function binaryScalar(op: BinaryOp, a: number, s: number, out: number, n: number): void {
  getBackend().runRanges('binary_scalar_f32', n, n * streamWork(op), 4, (lo, hi) => [op, a + 4 * lo, s, out + 4 * lo, hi - lo]);
}
/** out[r, c] = a[r, c] ∘ b[c] over a [rows, cols] block. */
export function binaryRows(op: BinaryOp, a: number, b: number, out: number, rows: number, cols: number): void {
  k().binary_rows_f32(op, a, b, out, rows, cols);
}
/** y += alpha·x. */
export function axpy(alpha: number, x: number, y: number, n: number): void {
  k().axpy_f32(alpha, x, y, n);
}
/** out[i] = v for i < n. */
export function fillValue(out: number, v: number, n: number): void {
  k().fill_f32(out, v, n);
}
export function copy(src: number, dst: number, n: number): void {
  k().copy_f32(src, dst, n);
}
/** `rows` runs of `cols` floats, `srcStride` and `dstStride` floats apart. */
export function copyRows(src: number, srcStride: number, dst: number, dstStride: number, rows: number, cols: number): void {
  k().copy_rows_f32(src, srcStride, dst, dstStride, rows, cols);
}
/** Σ a[i], accumulated in f64. */
export function sum(a: number, n: number): number {
  return k().sum_f32(a, n);
}
/** out[c] = Σ_r a[r, c]. */
export function sumRows(a: number, out: number, rows: number, cols: number): void {
  k().sum_rows_f32(a, out, rows, cols);
}

/** Numpy broadcasting over 4 dimensions (strides in floats, 0 along a broadcast one); threads split the d0·d1·d2 rows. */
export function binaryStrided(op: number, a: number, b: number, out: number, d0: number, d1: number, d2: number, d3: number, a0: number, a1: number, a2: number, a3: number, b0: number, b1: number, b2: number, b3: number): void {
  const rows = d0 * d1 * d2;
  const parts = getBackend().parts(rows * d3 * streamWork(op), rows);
  if (parts <= 1) table().binary_strided_f32(op, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3);
  else getBackend().runParts('binary_strided_f32_part', parts, (p) => [op, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3, p, parts]);
}
export const whereFwd = (cond: number, a: number, b: number, out: number, n: number): void => table().where_fwd_f32(cond, a, b, out, n);
export const whereBwd = (cond: number, dy: number, da: number, db: number, n: number): void => table().where_bwd_f32(cond, dy, da, db, n);
export const minmaxBwd = (isMax: number, a: number, b: number, dy: number, da: number, db: number, n: number): void => table().minmax_bwd_f32(isMax, a, b, dy, da, db, n);
