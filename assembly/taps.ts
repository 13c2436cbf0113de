// Valid tap ranges of a sliding window along one axis, shared by the convolution kernels.

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
