// Vector math on f32x4: exp, expm1, log1p, sigmoid, tanh, and the partial-vector load/store
// that lets a kernel finish its tail through the same vector code (no scalar twin of a
// polynomial, and the tail gives the same bits as the body).
//
// exp: n = round(x·log2 e) by the magic-number trick (adding 1.5·2^23 rounds to an integer
// and leaves n in the low mantissa bits), r = x − n·ln2 in two parts (Cody–Waite), e^r by
// the Cephes minimax polynomial, then 2^n built from the exponent bits. 2^n is applied as
// two factors 2^(n>>1)·2^(n−(n>>1)) so that n from −150 to 128 works: denormal results are
// rounded once, overflow gives +inf.
//
// Accuracy, asserted in tests/assembly/simd_math.spec.ts against f64 Math over dense sweeps
// (measured maxima in brackets): exp ≤ 1.2e-7 relative [7.6e-8], denormal results within
// one denormal ulp; expm1 ≤ 1.5e-7 [1.1e-7]; log1p ≤ 2.4e-7 [1.7e-7]; sigmoid ≤ 2.4e-7
// [1.7e-7]; tanh ≤ 2.4e-7 [1.6e-7]. (1 ulp is 6e-8 to 1.2e-7 relative.)
//
// These helpers take and return v128, which JavaScript cannot pass: import them into kernel
// files, never re-export this file from the module entry. exp_f32 (the array form) is in
// activation.ts.

// @ts-ignore: decorator
@inline const LOG2E: f32 = 1.44269504;
// @ts-ignore: decorator
@inline const MAGIC: f32 = 12582912.0; // 1.5·2^23
// @ts-ignore: decorator
@inline const MAGIC_BITS: i32 = 0x4b400000;
// ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits so n·LN2_HI is exact for |n| < 2^15.
// @ts-ignore: decorator
@inline const LN2_HI: f32 = 0.693359375;
// @ts-ignore: decorator
@inline const LN2_LO: f32 = -2.12194440e-4;

// Rounded n = round(x·log2 e) as a float and r = x − n·ln2, |r| ≲ ln2/2. `t` is x·log2e + MAGIC,
// whose bits minus MAGIC_BITS are n as an i32.
// @ts-ignore: decorator
@inline function exp_t(x: v128): v128 {
  return f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(MAGIC));
}

// @ts-ignore: decorator
@inline function exp_r(x: v128, t: v128): v128 {
  const n = f32x4.sub(t, f32x4.splat(MAGIC));
  const r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  return f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
}

// e^r − 1 for |r| ≤ ~0.35 (Cephes expf coefficients): r + r²·P(r).
// @ts-ignore: decorator
@inline function expm1_poly(r: v128): v128 {
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  return f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r);
}

// 2^n for integer lanes n in [−126, 127]: the biased exponent shifted into place.
// @ts-ignore: decorator
@inline function pow2i(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
}

// e^x per lane. exp(±inf) = inf / 0, NaN stays NaN (it passes the pmin/pmax clamps: they
// return their first operand when a comparison is false), results below 2^-126 are denormal.
// @ts-ignore: decorator
@inline export function exp_f32x4(x: v128): v128 {
  // e^-104 is below half the smallest denormal, e^89 above FLT_MAX: the clamps only keep
  // n inside the two-factor range.
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-104)), f32x4.splat(89));
  const t = exp_t(x);
  const p = f32x4.add(expm1_poly(exp_r(x, t)), f32x4.splat(1));
  const n = i32x4.sub(t, i32x4.splat(MAGIC_BITS));
  const n1 = i32x4.shr_s(n, 1);
  return f32x4.mul(f32x4.mul(p, pow2i(n1)), pow2i(i32x4.sub(n, n1)));
}

// e^x − 1 per lane, accurate near 0 (ELU, tanh). With e^x = 2^n(1 + q):
// expm1 = 2^n·q + (2^n − 1), exact scaling plus one rounded add. n = 128 (x near 88.7) is
// computed as 2·(2^127·q + 2^127) so that it overflows only when the result does.
// @ts-ignore: decorator
@inline export function expm1_f32x4(x: v128): v128 {
  // below −30 the result is −1 in f32; the clamp keeps 2^n normal.
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-30)), f32x4.splat(89));
  const t = exp_t(x);
  const q = expm1_poly(exp_r(x, t));
  const n = i32x4.sub(t, i32x4.splat(MAGIC_BITS));
  const s = pow2i(i32x4.min_s(n, i32x4.splat(127)));
  const k = v128.bitselect(f32x4.splat(2), f32x4.splat(1), i32x4.gt_s(n, i32x4.splat(127)));
  return f32x4.mul(f32x4.add(f32x4.mul(s, q), f32x4.sub(s, f32x4.splat(1))), k);
}

// log(1 + u) for u in [−0.5, 1] (softplus feeds e^-|x| in (0, 1]): with s = u/(2 + u),
// |s| ≤ 1/3, log1p(u) = 2·atanh(s) = 2s + 2s·s²·(1/3 + s²/5 + … + s^10/13). No 1 + u is
// formed, so tiny u keeps full relative accuracy; truncation error < s^14/15 ≈ 1.5e-8.
// @ts-ignore: decorator
@inline export function log1p_f32x4(u: v128): v128 {
  const s = f32x4.div(u, f32x4.add(u, f32x4.splat(2)));
  const z = f32x4.mul(s, s);
  let p = f32x4.splat(1.0 / 13.0);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 11.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 9.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 7.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 5.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 3.0));
  const s2 = f32x4.add(s, s);
  return f32x4.add(s2, f32x4.mul(s2, f32x4.mul(z, p)));
}

// 1 / (1 + e^-x), written as (x < 0 ? e : 1) / (1 + e) with e = e^-|x| so that e never
// overflows: negative x keeps its relative accuracy down to the denormals.
// @ts-ignore: decorator
@inline export function sigmoid_f32x4(x: v128): v128 {
  const one = f32x4.splat(1);
  const e = exp_f32x4(v128.or(x, f32x4.splat(-0.0)));
  return f32x4.div(v128.bitselect(e, one, f32x4.lt(x, f32x4.splat(0))), f32x4.add(one, e));
}

// tanh|x| = |e/(e + 2)| with e = expm1(−2|x|) in (−1, 0]: no cancellation near 0, 1 at inf;
// the sign of x is put back with a bit copy, so tanh(±0) = ±0.
// @ts-ignore: decorator
@inline export function tanh_f32x4(x: v128): v128 {
  const sign = f32x4.splat(-0.0);
  const e = expm1_f32x4(f32x4.mul(v128.andnot(x, sign), f32x4.splat(-2)));
  const t = v128.andnot(f32x4.div(e, f32x4.add(e, f32x4.splat(2))), sign);
  return v128.or(t, v128.and(x, sign));
}

// Loads and stores of L lanes, L a literal 4 or 1 (a channel tail): one loop body then serves
// the vector part and the tail.
// @ts-ignore: decorator
@inline export function ld(L: i32, p: usize): v128 {
  return L == 4 ? v128.load(p) : v128.load32_zero(p);
}
// @ts-ignore: decorator
@inline export function st(L: i32, p: usize, v: v128): void {
  if (L == 4) v128.store(p, v); else v128.store32_lane(p, v, 0);
}

// Partial vectors for tails: `rem` lanes (1..3) loaded, the others 0; stores write `rem`
// lanes only. Called with a literal 4 inside the main loop they fold to a plain load/store.

// @ts-ignore: decorator
@inline export function load_f32x4_n(p: usize, rem: i32): v128 {
  if (rem >= 4) return v128.load(p);
  let v = v128.load32_zero(p);
  if (rem > 1) v = v128.load32_lane(p + 4, v, 1);
  if (rem > 2) v = v128.load32_lane(p + 8, v, 2);
  return v;
}

// @ts-ignore: decorator
@inline export function store_f32x4_n(p: usize, v: v128, rem: i32): void {
  if (rem >= 4) { v128.store(p, v); return; }
  v128.store32_lane(p, v, 0);
  if (rem > 1) v128.store32_lane(p + 4, v, 1);
  if (rem > 2) v128.store32_lane(p + 8, v, 2);
}

// f32x4 lanes 0,1 and 2,3 widened to f64x2, for sums accumulated in f64.
// @ts-ignore: decorator
@inline export function widen_lo(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
// @ts-ignore: decorator
@inline export function widen_hi(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}
// The inverse: two f64x2 back to one f32x4 (lo → lanes 0,1, hi → lanes 2,3).
// @ts-ignore: decorator
@inline export function narrow_f64x2(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}
