// Helpers shared by the convolution kernel files (conv, conv_direct, dwconv, winograd): valid
// tap ranges, thread-part boundaries, scratch alignment and the fused epilogue (bias,
// activation). Inlined where used; index.ts never re-exports this file.
import { ld, st, sigmoid_f32x4 } from './simd_math';

// Valid tap ranges of a sliding window along one axis.

// First tap k in [0, KK) whose input index i0 + k·dil is >= 0 (KK if none).
// @ts-ignore: decorator
@inline export function tap_lo(i0: i32, dil: i32, KK: i32): i32 {
  if (i0 >= 0) return 0;
  const k = (dil - 1 - i0) / dil;
  return k < KK ? k : KK;
}

// One past the last tap k < KK whose input index i0 + k·dil is < size; never below lo.
// @ts-ignore: decorator
@inline export function tap_hi(i0: i32, dil: i32, size: i32, KK: i32, lo: i32): i32 {
  if (i0 >= size) return lo;
  let k = (size - 1 - i0) / dil + 1;
  if (k > KK) k = KK;
  return k > lo ? k : lo;
}

// Start of part `part` of `parts` over [0, total): even parts, inner boundaries rounded to
// a multiple of `align`; part == parts gives total.
// @ts-ignore: decorator
@inline export function part_start(total: i32, part: i32, parts: i32, align: i32): i32 {
  if (part <= 0) return 0;
  if (part >= parts) return total;
  const s = <i32>(((<i64>total * part / parts) + (align >> 1)) / align * align);
  return min(s, total);
}

// n rounded up to a multiple of 16 bytes (scratch areas laid end to end).
// @ts-ignore: decorator
@inline export function align16(n: usize): usize { return (n + 15) & ~(<usize>15); }

// Fused epilogue activations (the kernels' `act` argument; p, q are its two parameters):
// @ts-ignore: decorator
@inline export const ACT_NONE = 0;
// @ts-ignore: decorator
@inline export const ACT_RELU = 1;
// clip(x, p, q); ReLU6 is clip(x, 0, 6)
// @ts-ignore: decorator
@inline export const ACT_CLIP = 2;
// x·clip(x/6 + 1/2, 0, 1)
// @ts-ignore: decorator
@inline export const ACT_HARDSWISH = 3;
// clip(p·x + q, 0, 1)
// @ts-ignore: decorator
@inline export const ACT_HARDSIGMOID = 4;
// 1 / (1 + e^−x)
// @ts-ignore: decorator
@inline export const ACT_SIGMOID = 5;
// x > 0 ? x : p·x
// @ts-ignore: decorator
@inline export const ACT_LEAKY = 6;

// act(v), the formulas of activation.ts's kernels (the same instructions, so a fused layer
// gives the bits of the separate activation pass). act 0 and 1 stay inline in the kernels'
// store paths; the others go through one out-of-line call (a sigmoid inlined at every store
// site of the direct kernels would multiply their code size).
// @ts-ignore: decorator
@inline export function epilogue_f32x4(act: i32, v: v128, p: v128, q: v128): v128 {
  // pmax keeps a NaN v (it returns its first operand when the comparison is false).
  if (act == ACT_RELU) return f32x4.pmax(v, f32x4.splat(0));
  if (act == ACT_NONE) return v;
  return epilogue_other(act, v, p, q);
}

function epilogue_other(act: i32, v: v128, p: v128, q: v128): v128 {
  if (act == ACT_SIGMOID) return sigmoid_f32x4(v);
  return act_formula(act, v, p, q);
}

// act(v) inline but for the sigmoid (a call): for kernels whose store path runs once per
// several multiply-adds per output (the GEMM's write-back), where a call with the
// accumulators live would spill them. With a literal act, only that formula remains.
// @ts-ignore: decorator
@inline export function epilogue_inline_f32x4(act: i32, v: v128, p: v128, q: v128): v128 {
  if (act == ACT_SIGMOID) return epilogue_other(act, v, p, q);
  return act_formula(act, v, p, q);
}

// The formulas of every activation but the sigmoid.
// @ts-ignore: decorator
@inline function act_formula(act: i32, v: v128, p: v128, q: v128): v128 {
  if (act == ACT_NONE) return v;
  const zero = f32x4.splat(0);
  if (act == ACT_RELU) return f32x4.pmax(v, zero);
  if (act == ACT_CLIP) return f32x4.pmin(f32x4.pmax(v, p), q);
  const one = f32x4.splat(1);
  if (act == ACT_HARDSWISH) {
    const h = f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.mul(v, f32x4.splat(1.0 / 6.0)), f32x4.splat(0.5)), zero), one);
    return f32x4.mul(v, h);
  }
  if (act == ACT_HARDSIGMOID) return f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.mul(v, p), q), zero), one);
  if (act == ACT_LEAKY) return v128.bitselect(v, f32x4.mul(v, p), f32x4.gt(v, zero));
  return v;
}

// act 1: ReLU; act 0: v (the epilogue without parameters, for kernels that take act 0 or 1).
// @ts-ignore: decorator
@inline export function relu_if(act: i32, v: v128): v128 {
  return epilogue_f32x4(act, v, f32x4.splat(0), f32x4.splat(0));
}

// y[r, c] = act(y[r, c] + bias[c] + res[r, c]) over a [rows, cols] block (bias may be 0:
// none; res 0: none, else shaped like the block).
export function bias_act_rows(y: usize, bias: usize, rows: i32, cols: i32, act: i32, p0: f32 = 0, p1: f32 = 0, res: usize = 0): void {
  const p = f32x4.splat(p0), q = f32x4.splat(p1);
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * cols << 2;
    const row = y + o, rr = res != 0 ? res + o : 0;
    let c = 0;
    for (; c + 4 <= cols; c += 4) bias_act_one(4, row, bias, rr, c, act, p, q);
    for (; c < cols; c++) bias_act_one(1, row, bias, rr, c, act, p, q);
  }
}

// @ts-ignore: decorator
@inline function bias_act_one(L: i32, row: usize, bias: usize, rr: usize, c: i32, act: i32, p: v128, q: v128): void {
  const o = <usize>c << 2;
  let v = ld(L, row + o);
  if (bias != 0) v = f32x4.add(v, ld(L, bias + o));
  if (rr != 0) v = f32x4.add(v, ld(L, rr + o));
  st(L, row + o, epilogue_f32x4(act, v, p, q));
}
