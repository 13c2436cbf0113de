// Activation kernels on contiguous f32 arrays, forward and backward. Forward:
// y[i] = f(x[i]) (y may alias x). Backward: dx[i] = dy[i]·f'(...) from whichever of x or y is
// cheaper and stabler for the op (named in each signature; dx may alias dy). ReLU forward is
// relu_f32 in elementwise.ts. One loop serves every op: each export passes a literal op code
// that the optimiser folds. Tails go through the same vector code on a partial vector
// (load_f32x4_n/store_f32x4_n), so the last elements get the same bits as the rest.
import {
  exp_f32x4, expm1_f32x4, log1p_f32x4, sigmoid_f32x4, tanh_f32x4, load_f32x4_n, store_f32x4_n,
} from './simd_math';

// @ts-ignore: decorator
@inline const A_EXP = 0;
// @ts-ignore: decorator
@inline const A_RELU = 1;
// @ts-ignore: decorator
@inline const A_LEAKY = 2;
// @ts-ignore: decorator
@inline const A_ELU = 3;
// @ts-ignore: decorator
@inline const A_SIGMOID = 4;
// @ts-ignore: decorator
@inline const A_TANH = 5;
// @ts-ignore: decorator
@inline const A_SOFTPLUS = 6;
// @ts-ignore: decorator
@inline const A_SIGN = 7;

// @ts-ignore: decorator
@inline function fwd(op: i32, x: v128, p: v128): v128 {
  const zero = f32x4.splat(0);
  if (op == A_EXP) return exp_f32x4(x);
  if (op == A_LEAKY) return v128.bitselect(x, f32x4.mul(x, p), f32x4.gt(x, zero));
  if (op == A_ELU) return v128.bitselect(x, f32x4.mul(expm1_f32x4(x), p), f32x4.gt(x, zero));
  if (op == A_SIGMOID) return sigmoid_f32x4(x);
  if (op == A_TANH) return tanh_f32x4(x);
  if (op == A_SOFTPLUS) {
    // max(x, 0) + log1p(e^-|x|): e^-|x| is in [0, 1], so nothing overflows and large |x|
    // needs no threshold (the log1p term falls below half an ulp of x by itself).
    const e = exp_f32x4(v128.or(x, f32x4.splat(-0.0)));
    return f32x4.add(f32x4.pmax(x, zero), log1p_f32x4(e));
  }
  // A_SIGN: ±1 with the sign of x where x is nonzero; ±0 and NaN pass through.
  const nz = v128.or(f32x4.gt(x, zero), f32x4.lt(x, zero));
  const s = v128.or(v128.and(x, f32x4.splat(-0.0)), f32x4.splat(1));
  return v128.bitselect(s, x, nz);
}

// Gradient from s (x or y, per op) and dy.
// @ts-ignore: decorator
@inline function bwd(op: i32, s: v128, dy: v128, p: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  if (op == A_RELU) return v128.and(dy, f32x4.gt(s, zero));
  if (op == A_LEAKY) return v128.bitselect(dy, f32x4.mul(dy, p), f32x4.gt(s, zero));
  // ELU from y: for x ≤ 0, d/dx α(e^x − 1) = αe^x = y + α.
  if (op == A_ELU) return v128.bitselect(dy, f32x4.mul(dy, f32x4.add(s, p)), f32x4.gt(s, zero));
  if (op == A_SIGMOID) return f32x4.mul(dy, f32x4.mul(s, f32x4.sub(one, s)));
  // tanh from y: (1 − y)(1 + y) rather than 1 − y², exact 1 − y near |y| = 1.
  if (op == A_TANH) return f32x4.mul(dy, f32x4.mul(f32x4.sub(one, s), f32x4.add(one, s)));
  if (op == A_SOFTPLUS) return f32x4.mul(dy, sigmoid_f32x4(s));
  // A_SIGN, straight-through estimator: pass dy where |x| ≤ 1, else 0.
  return v128.and(dy, f32x4.le(f32x4.abs(s), one));
}

// @ts-ignore: decorator
@inline function map_fwd(op: i32, x: usize, y: usize, n: i32, param: f32): void {
  const p = f32x4.splat(param);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, fwd(op, v128.load(x + o), p));
  }
  if (i < n) {
    const o = <usize>i << 2;
    const r = n - i;
    store_f32x4_n(y + o, fwd(op, load_f32x4_n(x + o, r), p), r);
  }
}

// @ts-ignore: decorator
@inline function map_bwd(op: i32, s: usize, dy: usize, dx: usize, n: i32, param: f32): void {
  const p = f32x4.splat(param);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, bwd(op, v128.load(s + o), v128.load(dy + o), p));
  }
  if (i < n) {
    const o = <usize>i << 2;
    const r = n - i;
    store_f32x4_n(dx + o, bwd(op, load_f32x4_n(s + o, r), load_f32x4_n(dy + o, r), p), r);
  }
}

// y = e^x (max relative error 1.2e-7 ≈ 1 ulp; denormal results within one denormal ulp;
// overflow → +inf, −inf → 0, NaN → NaN).
export function exp_f32(x: usize, y: usize, n: i32): void { map_fwd(A_EXP, x, y, n, 0); }

// dx = x > 0 ? dy : 0. Pass x or y: relu(x) > 0 exactly when x > 0.
export function relu_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void {
  map_bwd(A_RELU, x, dy, dx, n, 0);
}

// y = x > 0 ? x : slope·x
export function leaky_relu_f32(x: usize, y: usize, n: i32, slope: f32): void {
  map_fwd(A_LEAKY, x, y, n, slope);
}
// dx = x > 0 ? dy : slope·dy. Pass x (or y when slope > 0: then y > 0 exactly when x > 0).
export function leaky_relu_bwd_f32(x: usize, dy: usize, dx: usize, n: i32, slope: f32): void {
  map_bwd(A_LEAKY, x, dy, dx, n, slope);
}

// y = x > 0 ? x : alpha·(e^x − 1), through expm1 so small negative x keeps its precision.
export function elu_f32(x: usize, y: usize, n: i32, alpha: f32): void {
  map_fwd(A_ELU, x, y, n, alpha);
}
// From y (alpha > 0): dx = y > 0 ? dy : dy·(y + alpha); no second exp.
export function elu_bwd_f32(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  map_bwd(A_ELU, y, dy, dx, n, alpha);
}

// y = 1 / (1 + e^-x)
export function sigmoid_f32(x: usize, y: usize, n: i32): void { map_fwd(A_SIGMOID, x, y, n, 0); }
// From y: dx = dy·y·(1 − y)
export function sigmoid_bwd_f32(y: usize, dy: usize, dx: usize, n: i32): void {
  map_bwd(A_SIGMOID, y, dy, dx, n, 0);
}

// y = tanh x
export function tanh_f32(x: usize, y: usize, n: i32): void { map_fwd(A_TANH, x, y, n, 0); }
// From y: dx = dy·(1 − y)(1 + y)
export function tanh_bwd_f32(y: usize, dy: usize, dx: usize, n: i32): void {
  map_bwd(A_TANH, y, dy, dx, n, 0);
}

// y = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|)
export function softplus_f32(x: usize, y: usize, n: i32): void { map_fwd(A_SOFTPLUS, x, y, n, 0); }
// From x: dx = dy·sigmoid(x) (from y it would need log/expm1 of y: costlier and less exact).
export function softplus_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void {
  map_bwd(A_SOFTPLUS, x, dy, dx, n, 0);
}

// y = sign(x): −1, ±0 or 1; NaN stays NaN.
export function sign_f32(x: usize, y: usize, n: i32): void { map_fwd(A_SIGN, x, y, n, 0); }
// Straight-through estimator (sign has zero derivative almost everywhere, which would stop
// learning): dx = |x| ≤ 1 ? dy : 0, the hard-tanh gradient of binarised networks.
export function sign_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void {
  map_bwd(A_SIGN, x, dy, dx, n, 0);
}
