// Launchers of assembly/elementwise.ts: arithmetic over whole arrays, rows and scalars,
// copies, fills and sums. One call each, on the calling thread.
import { getBackend, OP, type Kernels } from '../backend/index';

export { OP };
export type BinaryOp = (typeof OP)[keyof typeof OP];

const k = (): Kernels => getBackend().k;
const table = k;

/** out = a ∘ b over n elements. */
export function binary(op: BinaryOp, a: number, b: number, out: number, n: number): void {
  k().binary_f32(op, a, b, out, n);
}
/** out = a ∘ s over n elements. */
export function binaryScalar(op: BinaryOp, a: number, s: number, out: number, n: number): void {
  k().binary_scalar_f32(op, a, s, out, n);
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

export const binaryStrided = (op: number, a: number, b: number, out: number, d0: number, d1: number, d2: number, d3: number, a0: number, a1: number, a2: number, a3: number, b0: number, b1: number, b2: number, b3: number): void => table().binary_strided_f32(op, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3);
export const whereFwd = (cond: number, a: number, b: number, out: number, n: number): void => table().where_fwd_f32(cond, a, b, out, n);
export const whereBwd = (cond: number, dy: number, da: number, db: number, n: number): void => table().where_bwd_f32(cond, dy, da, db, n);
export const minmaxBwd = (isMax: number, a: number, b: number, dy: number, da: number, db: number, n: number): void => table().minmax_bwd_f32(isMax, a, b, dy, da, db, n);
