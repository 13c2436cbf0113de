// Elementwise kernels on contiguous f32 arrays. Pointers are byte offsets into linear
// memory; loops run 4 lanes at a time and finish the tail in scalar code. Outputs may
// alias inputs (each element is read before it is written).

import { ld, st, pow_f32x4, load_f32x4_n, store_f32x4_n, sum_f64 } from './simd_math';
import { part_start } from './conv_common';

// Op codes, shared with ts/backend/kernels.ts. Each public kernel passes a literal code
// to an @inline loop, so the optimiser folds the switch away: one loop, no twins.
export const OP_ADD = 0;
export const OP_SUB = 1;
export const OP_MUL = 2;
export const OP_DIV = 3;
export const OP_MIN = 4;
export const OP_MAX = 5;
export const OP_POW = 6;

// min/max propagate NaN and order −0 < +0, as PyTorch's minimum/maximum.
// @ts-ignore: decorator
@inline function vop(op: i32, a: v128, b: v128): v128 {
  if (op == OP_ADD) return f32x4.add(a, b);
  if (op == OP_SUB) return f32x4.sub(a, b);
  if (op == OP_MUL) return f32x4.mul(a, b);
  if (op == OP_DIV) return f32x4.div(a, b);
  if (op == OP_MIN) return f32x4.min(a, b);
  if (op == OP_MAX) return f32x4.max(a, b);
  return pow_f32x4(a, b);
}

// out[i] = a[i·sa] op b[i·sb] for i < n, with strides sa, sb ∈ {0, 1} (0: a broadcast scalar),
// literal at each call so the loads fold. The tail runs the same vector code on a partial
// vector, so it gets the same bits as the body.
// @ts-ignore: decorator
@inline function binary_row(op: i32, sa: i32, sb: i32, a: usize, b: usize, out: usize, n: i32): void {
  const va = f32x4.splat(sa == 0 ? load<f32>(a) : 0);
  const vb = f32x4.splat(sb == 0 ? load<f32>(b) : 0);
  let i = 0;
  // 4 vectors per iteration but for pow (bound by its arithmetic): V8 checks for interrupts
  // once per loop iteration, so one check per 64 bytes of output instead of 16.
  if (op != OP_POW)
    for (; i + 16 <= n; i += 16) {
      const o = <usize>i << 2;
      const y0 = vop(op, sa == 0 ? va : v128.load(a + o), sb == 0 ? vb : v128.load(b + o));
      const y1 = vop(op, sa == 0 ? va : v128.load(a + o, 16), sb == 0 ? vb : v128.load(b + o, 16));
      const y2 = vop(op, sa == 0 ? va : v128.load(a + o, 32), sb == 0 ? vb : v128.load(b + o, 32));
      const y3 = vop(op, sa == 0 ? va : v128.load(a + o, 48), sb == 0 ? vb : v128.load(b + o, 48));
      v128.store(out + o, y0); v128.store(out + o, y1, 16); v128.store(out + o, y2, 32); v128.store(out + o, y3, 48);
    }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, vop(op, sa == 0 ? va : v128.load(a + o), sb == 0 ? vb : v128.load(b + o)));
  }
  if (i < n) {
    const o = <usize>i << 2;
    const r = n - i;
    store_f32x4_n(out + o, vop(op, sa == 0 ? va : load_f32x4_n(a + o, r), sb == 0 ? vb : load_f32x4_n(b + o, r)), r);
  }
}

// One row of a strided broadcast: both operands contiguous, one of them a scalar, or (never
// after the launcher merges dimensions, kept for completeness) any other strides one at a time.
// @ts-ignore: decorator
@inline function binary_row_strided(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  if (sa == 1 && sb == 1) binary_row(op, 1, 1, a, b, out, n);
  else if (sa == 1 && sb == 0) binary_row(op, 1, 0, a, b, out, n);
  else if (sa == 0 && sb == 1) binary_row(op, 0, 1, a, b, out, n);
  else
    for (let i = 0; i < n; i++)
      binary_row(op, 0, 0, a + (<usize>(i * sa) << 2), b + (<usize>(i * sb) << 2), out + (<usize>i << 2), 1);
}

// out = a op b, elementwise over n floats; `op` is one of the OP_* codes.
export function binary_f32(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  if (op == OP_ADD) binary_row(OP_ADD, 1, 1, a, b, out, n);
  else if (op == OP_SUB) binary_row(OP_SUB, 1, 1, a, b, out, n);
  else if (op == OP_MUL) binary_row(OP_MUL, 1, 1, a, b, out, n);
  else if (op == OP_DIV) binary_row(OP_DIV, 1, 1, a, b, out, n);
  else if (op == OP_MIN) binary_row(OP_MIN, 1, 1, a, b, out, n);
  else if (op == OP_MAX) binary_row(OP_MAX, 1, 1, a, b, out, n);
  else binary_row(OP_POW, 1, 1, a, b, out, n);
}

// out[i] = a[i] op s for i < n (s a scalar)
// @ts-ignore: decorator
@inline function binary_scalar(op: i32, a: usize, s: f32, out: usize, n: i32): void {
  const vs = f32x4.splat(s);
  let i = 0;
  if (op != OP_POW) // 4 vectors per iteration, as binary_row
    for (; i + 16 <= n; i += 16) {
      const o = <usize>i << 2;
      const y0 = vop(op, v128.load(a + o), vs);
      const y1 = vop(op, v128.load(a + o, 16), vs);
      const y2 = vop(op, v128.load(a + o, 32), vs);
      const y3 = vop(op, v128.load(a + o, 48), vs);
      v128.store(out + o, y0); v128.store(out + o, y1, 16); v128.store(out + o, y2, 32); v128.store(out + o, y3, 48);
    }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, vop(op, v128.load(a + o), vs));
  }
  if (i < n) {
    const o = <usize>i << 2;
    const r = n - i;
    store_f32x4_n(out + o, vop(op, load_f32x4_n(a + o, r), vs), r);
  }
}

// out = a op s with a scalar s.
export function binary_scalar_f32(op: i32, a: usize, s: f32, out: usize, n: i32): void {
  if (op == OP_ADD) binary_scalar(OP_ADD, a, s, out, n);
  else if (op == OP_SUB) binary_scalar(OP_SUB, a, s, out, n);
  else if (op == OP_MUL) binary_scalar(OP_MUL, a, s, out, n);
  else if (op == OP_DIV) binary_scalar(OP_DIV, a, s, out, n);
  else if (op == OP_MIN) binary_scalar(OP_MIN, a, s, out, n);
  else if (op == OP_MAX) binary_scalar(OP_MAX, a, s, out, n);
  else binary_scalar(OP_POW, a, s, out, n);
}

// Rows [r0, r1) of the d0·d1·d2 output rows of binary_strided_f32: the row's index (i0, i1,
// i2) is divided out once, then counted on.
// @ts-ignore: decorator
@inline function binary_strided(op: i32, a: usize, b: usize, out: usize,
  d0: i32, d1: i32, d2: i32, d3: i32, a0: i32, a1: i32, a2: i32, a3: i32, b0: i32, b1: i32, b2: i32, b3: i32,
  r0: i32, r1: i32): void {
  if (r0 >= r1) return;
  const row = <usize>d3 << 2;
  let o = out + <usize>r0 * row;
  let i2 = r0 % d2;
  let i1 = (r0 / d2) % d1;
  let i0 = r0 / d2 / d1;
  for (let r = r0; r < r1; r++) {
    const pa = a + (<usize>(i0 * a0 + i1 * a1 + i2 * a2) << 2);
    const pb = b + (<usize>(i0 * b0 + i1 * b1 + i2 * b2) << 2);
    binary_row_strided(op, pa, a3, pb, b3, o, d3);
    o += row;
    if (++i2 == d2) {
      i2 = 0;
      if (++i1 == d1) { i1 = 0; i0++; }
    }
  }
}

function binary_strided_rows(op: i32, a: usize, b: usize, out: usize,
  d0: i32, d1: i32, d2: i32, d3: i32, a0: i32, a1: i32, a2: i32, a3: i32, b0: i32, b1: i32, b2: i32, b3: i32,
  r0: i32, r1: i32): void {
  if (op == OP_ADD) binary_strided(OP_ADD, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3, r0, r1);
  else if (op == OP_SUB) binary_strided(OP_SUB, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3, r0, r1);
  else if (op == OP_MUL) binary_strided(OP_MUL, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3, r0, r1);
  else if (op == OP_DIV) binary_strided(OP_DIV, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3, r0, r1);
  else if (op == OP_MIN) binary_strided(OP_MIN, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3, r0, r1);
  else if (op == OP_MAX) binary_strided(OP_MAX, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3, r0, r1);
  else binary_strided(OP_POW, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3, r0, r1);
}

// Numpy broadcasting over (up to) 4 dimensions: out[i0,i1,i2,i3] (contiguous) =
// a[Σ ik·ak] op b[Σ ik·bk], strides in floats, 0 along a broadcast dimension. The caller
// merges dimensions first, so the innermost row is contiguous or a scalar for each operand:
// a bias or squeeze-excite scale along the channels runs as whole SIMD rows.
export function binary_strided_f32(op: i32, a: usize, b: usize, out: usize,
  d0: i32, d1: i32, d2: i32, d3: i32, a0: i32, a1: i32, a2: i32, a3: i32, b0: i32, b1: i32, b2: i32, b3: i32): void {
  binary_strided_rows(op, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3, 0, d0 * d1 * d2);
}

// Part `part` of `parts` of binary_strided_f32: an even share of the d0·d1·d2 output rows
// (each row is computed as in one call).
export function binary_strided_f32_part(op: i32, a: usize, b: usize, out: usize,
  d0: i32, d1: i32, d2: i32, d3: i32, a0: i32, a1: i32, a2: i32, a3: i32, b0: i32, b1: i32, b2: i32, b3: i32,
  part: i32, parts: i32): void {
  const rows = d0 * d1 * d2;
  binary_strided_rows(op, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3,
    part_start(rows, part, parts, 1), part_start(rows, part + 1, parts, 1));
}

// out = cond ≠ 0 ? a : b over n floats (NaN in cond counts as true, as a nonzero).
export function where_fwd_f32(cond: usize, a: usize, b: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const r = min(4, n - i);
    const m = f32x4.ne(load_f32x4_n(cond + o, r), zero);
    store_f32x4_n(out + o, v128.bitselect(load_f32x4_n(a + o, r), load_f32x4_n(b + o, r), m), r);
  }
}

// where's backward: da = cond ? dy : 0, db = cond ? 0 : dy.
export function where_bwd_f32(cond: usize, dy: usize, da: usize, db: usize, n: i32): void {
  const zero = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const r = min(4, n - i);
    const m = f32x4.ne(load_f32x4_n(cond + o, r), zero);
    const g = load_f32x4_n(dy + o, r);
    store_f32x4_n(da + o, v128.and(g, m), r);
    store_f32x4_n(db + o, v128.andnot(g, m), r);
  }
}

// minimum/maximum backward on same-shape a, b (PyTorch's rule): the gradient goes to the
// operand that was picked, half to each on a tie. isMax selects maximum.
export function minmax_bwd_f32(isMax: i32, a: usize, b: usize, dy: usize, da: usize, db: usize, n: i32): void {
  const half = f32x4.splat(0.5);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const r = min(4, n - i);
    const va = load_f32x4_n(a + o, r);
    const vb = load_f32x4_n(b + o, r);
    const g = load_f32x4_n(dy + o, r);
    const aWins = isMax ? f32x4.gt(va, vb) : f32x4.lt(va, vb);
    const bWins = isMax ? f32x4.lt(va, vb) : f32x4.gt(va, vb);
    const tie = f32x4.mul(g, v128.and(half, f32x4.eq(va, vb)));
    store_f32x4_n(da + o, v128.bitselect(g, v128.andnot(tie, bWins), aWins), r);
    store_f32x4_n(db + o, v128.bitselect(g, v128.andnot(tie, aWins), bWins), r);
  }
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

// Sum of n floats, accumulated in f64 lanes so that long sums stay accurate (sum_f64).
export function sum_f32(a: usize, n: i32): f64 { return sum_f64(a, n, false, 0); }

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
