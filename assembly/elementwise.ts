// Elementwise kernels on contiguous f32 arrays. Pointers are byte offsets into linear
// memory; loops run 4 lanes at a time and finish the tail in scalar code. Outputs may
// alias inputs (each element is read before it is written).

import { ld, st } from './simd_math';

// Op codes, shared with ts/backend/kernels.ts. Each public kernel passes a literal code
// to an @inline loop, so the optimiser folds the switch away: one loop, no twins.
export const OP_ADD = 0;
export const OP_SUB = 1;
export const OP_MUL = 2;
export const OP_DIV = 3;

// @ts-ignore: decorator
@inline function vop(op: i32, a: v128, b: v128): v128 {
  if (op == OP_ADD) return f32x4.add(a, b);
  if (op == OP_SUB) return f32x4.sub(a, b);
  if (op == OP_MUL) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

// @ts-ignore: decorator
@inline function sop(op: i32, a: f32, b: f32): f32 {
  if (op == OP_ADD) return a + b;
  if (op == OP_SUB) return a - b;
  if (op == OP_MUL) return a * b;
  return a / b;
}

// out[i] = a[i] op b[i] for i < n
// @ts-ignore: decorator
@inline function binary(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, vop(op, v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, sop(op, load<f32>(a + o), load<f32>(b + o)));
  }
}

// out[i] = a[i] op s for i < n (s a scalar)
// @ts-ignore: decorator
@inline function binary_scalar(op: i32, a: usize, s: f32, out: usize, n: i32): void {
  const vs = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, vop(op, v128.load(a + o), vs));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, sop(op, load<f32>(a + o), s));
  }
}

// out = a op b, elementwise over n floats; `op` is one of the OP_* codes.
export function binary_f32(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  if (op == OP_ADD) binary(OP_ADD, a, b, out, n);
  else if (op == OP_SUB) binary(OP_SUB, a, b, out, n);
  else if (op == OP_MUL) binary(OP_MUL, a, b, out, n);
  else binary(OP_DIV, a, b, out, n);
}

// out = a op s with a scalar s.
export function binary_scalar_f32(op: i32, a: usize, s: f32, out: usize, n: i32): void {
  if (op == OP_ADD) binary_scalar(OP_ADD, a, s, out, n);
  else if (op == OP_SUB) binary_scalar(OP_SUB, a, s, out, n);
  else if (op == OP_MUL) binary_scalar(OP_MUL, a, s, out, n);
  else binary_scalar(OP_DIV, a, s, out, n);
}

// out[r, c] = a[r, c] op b[c] for a [rows, cols] block: b broadcast over leading dims
// (bias add, per-channel scale).
export function binary_rows_f32(op: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * stride;
    binary_f32(op, a + off, b, out + off, cols);
  }
}

// y[i] += alpha * x[i]
export function axpy_f32(alpha: f32, x: usize, y: usize, n: i32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

// out[i] = v
export function fill_f32(out: usize, v: f32, n: i32): void {
  const vv = f32x4.splat(v);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), vv);
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), v);
}

// dst[i] = src[i]; the regions may overlap (memory.copy moves like memmove).
export function copy_f32(src: usize, dst: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

// Sum of n floats, accumulated in f64 lanes so that long sums stay accurate.
export function sum_f32(a: usize, n: i32): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(a + (<usize>i << 2));
    acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(v));
    acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
  }
  const acc = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) s += <f64>load<f32>(a + (<usize>i << 2));
  return s;
}

// out[i] = max(a[i], 0). pmax is one x64 instruction where f32x4.max is a long
// NaN-correcting sequence (about 2x slower measured); pmax(x, 0) keeps a NaN x.
export function relu_f32(a: usize, out: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.pmax(v128.load(a + o), z));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(a + o);
    store<f32>(out + o, x < 0 ? 0 : x);
  }
}


// Sums V vectors of L lanes (16, 4 or 1 channels) from channel k0 over all rows: f32
// partial sums over chunks of 64 rows, then f64 totals, so long batches stay accurate.
// @ts-ignore: decorator
@inline function colsum_strip(L: i32, V: i32, dy: usize, db: usize, rows: i32, K: i32,
  k0: i32): void {
  const z = f32x4.splat(0);
  let e0 = f64x2.splat(0), e1 = e0, e2 = e0, e3 = e0, e4 = e0, e5 = e0, e6 = e0, e7 = e0;
  const stride = <usize>K << 2;
  for (let r0 = 0; r0 < rows; r0 += 64) {
    const r1 = min(rows, r0 + 64);
    let a0 = z, a1 = z, a2 = z, a3 = z;
    let p = dy + ((<usize>r0 * K + k0) << 2);
    for (let r = r0; r < r1; r++) {
      a0 = f32x4.add(a0, ld(L, p));
      if (V == 4) {
        a1 = f32x4.add(a1, v128.load(p, 16));
        a2 = f32x4.add(a2, v128.load(p, 32));
        a3 = f32x4.add(a3, v128.load(p, 48));
      }
      p += stride;
    }
    e0 = f64x2.add(e0, f64x2.promote_low_f32x4(a0));
    if (L == 4) e1 = f64x2.add(e1, f64x2.promote_low_f32x4(v128.shuffle<f32>(a0, a0, 2, 3, 0, 1)));
    if (V == 4) {
      e2 = f64x2.add(e2, f64x2.promote_low_f32x4(a1));
      e3 = f64x2.add(e3, f64x2.promote_low_f32x4(v128.shuffle<f32>(a1, a1, 2, 3, 0, 1)));
      e4 = f64x2.add(e4, f64x2.promote_low_f32x4(a2));
      e5 = f64x2.add(e5, f64x2.promote_low_f32x4(v128.shuffle<f32>(a2, a2, 2, 3, 0, 1)));
      e6 = f64x2.add(e6, f64x2.promote_low_f32x4(a3));
      e7 = f64x2.add(e7, f64x2.promote_low_f32x4(v128.shuffle<f32>(a3, a3, 2, 3, 0, 1)));
    }
  }
  const out = db + (<usize>k0 << 2);
  st(L, out, join_f64(e0, e1));
  if (V == 4) {
    v128.store(out, join_f64(e2, e3), 16);
    v128.store(out, join_f64(e4, e5), 32);
    v128.store(out, join_f64(e6, e7), 48);
  }
}

// Two f64x2 → one f32x4 (lo lanes from a, hi lanes from b).
// @ts-ignore: decorator
@inline function join_f64(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5);
}

// out[c] = Σ_r a[r, c] for a [rows, cols] block, out overwritten: the gradient of a
// broadcast (bias over N·H·W rows), column sums and means. Strips of 16, 4 and 1 columns.
export function sum_rows_f32(dy: usize, db: usize, rows: i32, K: i32): void {
  let k = 0;
  for (; k + 16 <= K; k += 16) colsum_strip(4, 4, dy, db, rows, K, k);
  for (; k + 4 <= K; k += 4) colsum_strip(4, 1, dy, db, rows, K, k);
  for (; k < K; k++) colsum_strip(1, 1, dy, db, rows, K, k);
}

// dst[r, 0..cols) = src[r, 0..cols) for rows with row strides (in floats): the strided copy
// behind channel concatenation (NHWC) and its backward slice.
export function copy_rows_f32(src: usize, srcStride: i32, dst: usize, dstStride: i32, rows: i32, cols: i32): void {
  const sb = <usize>srcStride << 2;
  const db = <usize>dstStride << 2;
  const n = <usize>cols << 2;
  for (let r = 0; r < rows; r++) memory.copy(dst + <usize>r * db, src + <usize>r * sb, n);
}
