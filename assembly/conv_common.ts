// Helpers shared by the convolution kernel files (conv, conv_direct, dwconv, winograd): valid
// tap ranges, thread-part boundaries, scratch alignment and the bias/ReLU epilogue. Inlined
// where used; index.ts never re-exports this file.
import { ld, st } from './simd_math';

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

// act 1: ReLU (pmax keeps the behaviour on NaN of the kernels' epilogues); act 0: v.
// @ts-ignore: decorator
@inline export function relu_if(act: i32, v: v128): v128 {
  return act == 1 ? f32x4.pmax(v, f32x4.splat(0)) : v;
}

// y[r, c] = act(y[r, c] + bias[c]) over a [rows, cols] block (bias may be 0: act only).
export function bias_act_rows(y: usize, bias: usize, rows: i32, cols: i32, act: i32): void {
  const z = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const row = y + (<usize>r * cols << 2);
    let c = 0;
    for (; c + 4 <= cols; c += 4) bias_act_one(4, row, bias, c, act, z);
    for (; c < cols; c++) bias_act_one(1, row, bias, c, act, z);
  }
}

// @ts-ignore: decorator
@inline function bias_act_one(L: i32, row: usize, bias: usize, c: i32, act: i32, z: v128): void {
  const o = <usize>c << 2;
  let v = ld(L, row + o);
  if (bias != 0) v = f32x4.add(v, ld(L, bias + o));
  if (act == 1) v = f32x4.pmax(v, z);
  st(L, row + o, v);
}
