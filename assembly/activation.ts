// Activation kernels on contiguous f32 arrays, forward and backward. Forward:
// y[i] = f(x[i]) (y may alias x). Backward: dx[i] = dy[i]·f'(...) from whichever of x or y is
// cheaper and stabler for the op (named in each signature; dx may alias dy). ReLU forward is
// relu_fwd_f32 in elementwise.ts. One loop serves every op: each export passes a literal op code
// that the optimiser folds. Tails go through the same vector code on a partial vector
// (load_f32x4_n/store_f32x4_n), so the last elements get the same bits as the rest.
import {
  exp_f32x4, expm1_f32x4, log1p_f32x4, log_f32x4, normal_cdf_f32x4, exp_neg_half_sq_f32x4, pow_f32x4,
  sigmoid_f32x4, tanh_f32x4,
  load_f32x4_n, store_f32x4_n,
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
@inline const A_CLIP = 8;
// @ts-ignore: decorator
@inline const A_RELU6 = 9;
// @ts-ignore: decorator
@inline const A_HARDSIGMOID = 10;
// @ts-ignore: decorator
@inline const A_HARDSWISH = 11;
// @ts-ignore: decorator
@inline const A_SILU = 12;
// @ts-ignore: decorator
@inline const A_GELU = 13;
// @ts-ignore: decorator
@inline const A_GELU_TANH = 14;
// @ts-ignore: decorator
@inline const A_LOGSIGMOID = 15;
// @ts-ignore: decorator
@inline const A_SQRT = 16;
// @ts-ignore: decorator
@inline const A_LOG = 17;
// @ts-ignore: decorator
@inline const A_ABS = 18;
// @ts-ignore: decorator
@inline const A_POW = 19;

// @ts-ignore: decorator
@inline const INV_SQRT_2PI: f32 = 0.39894228;
// @ts-ignore: decorator
@inline const SQRT_2_PI: f32 = 0.79788456; // √(2/π), GELU's tanh form
// @ts-ignore: decorator
@inline const GELU_C: f32 = 0.044715;

// GELU's tanh form as x·σ(2u), u = √(2/π)(x + 0.044715x³): 1 + tanh u = 2σ(2u) without the
// cancellation of 1 + tanh u for negative x.
// @ts-ignore: decorator
@inline function gelu_tanh_2u(x: v128): v128 {
  const x2 = f32x4.mul(x, x);
  const u = f32x4.mul(f32x4.splat(SQRT_2_PI), f32x4.add(x, f32x4.mul(f32x4.splat(GELU_C), f32x4.mul(x2, x))));
  return f32x4.add(u, u);
}

// @ts-ignore: decorator
@inline function fwd(op: i32, x: v128, p: v128, q: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  if (op == A_EXP) return exp_f32x4(x);
  // pmax/pmin return their first operand when the comparison is false: NaN passes through.
  if (op == A_CLIP) return f32x4.pmin(f32x4.pmax(x, p), q);
  if (op == A_RELU6) return f32x4.pmin(f32x4.pmax(x, zero), f32x4.splat(6));
  // y = clip(αx + β, 0, 1) (PyTorch: α = 1/6, β = 1/2; ONNX: α = 0.2, β = 0.5 by default)
  if (op == A_HARDSIGMOID) return f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.mul(x, p), q), zero), one);
  if (op == A_HARDSWISH) {
    const h = f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.mul(x, f32x4.splat(1.0 / 6.0)), f32x4.splat(0.5)), zero), one);
    return f32x4.mul(x, h);
  }
  if (op == A_SILU) return f32x4.mul(x, sigmoid_f32x4(x));
  if (op == A_GELU) return f32x4.mul(x, normal_cdf_f32x4(x));
  if (op == A_GELU_TANH) return f32x4.mul(x, sigmoid_f32x4(gelu_tanh_2u(x)));
  // log σ(x) = min(x, 0) − log1p(e^−|x|): nothing overflows, large |x| needs no threshold.
  if (op == A_LOGSIGMOID) {
    const e = exp_f32x4(v128.or(x, f32x4.splat(-0.0)));
    return f32x4.sub(f32x4.pmin(x, zero), log1p_f32x4(e));
  }
  if (op == A_SQRT) return f32x4.sqrt(x);
  if (op == A_LOG) return log_f32x4(x);
  if (op == A_ABS) return f32x4.abs(x);
  if (op == A_POW) return pow_f32x4(x, p);
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
@inline function bwd(op: i32, s: v128, dy: v128, p: v128, q: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  // clip from x: dy where lo ≤ x ≤ hi (PyTorch's clamp passes the gradient at the bounds).
  if (op == A_CLIP) return v128.and(dy, v128.and(f32x4.ge(s, p), f32x4.le(s, q)));
  // ReLU6 from x: dy where 0 < x < 6 (PyTorch's hardtanh: not at the bounds).
  if (op == A_RELU6) return v128.and(dy, v128.and(f32x4.gt(s, zero), f32x4.lt(s, f32x4.splat(6))));
  if (op == A_HARDSIGMOID) {
    const t = f32x4.add(f32x4.mul(s, p), q);
    return v128.and(f32x4.mul(dy, p), v128.and(f32x4.gt(t, zero), f32x4.lt(t, one)));
  }
  // HardSwish from x: 0 below −3, dy above 3, dy·(x/3 + 1/2) between (PyTorch's branches).
  if (op == A_HARDSWISH) {
    const mid = f32x4.mul(dy, f32x4.add(f32x4.mul(s, f32x4.splat(1.0 / 3.0)), f32x4.splat(0.5)));
    const r = v128.bitselect(dy, mid, f32x4.gt(s, f32x4.splat(3)));
    return v128.and(r, f32x4.ge(s, f32x4.splat(-3)));
  }
  // SiLU from x: σ(x)·(1 + x(1 − σ(x)))
  if (op == A_SILU) {
    const g = sigmoid_f32x4(s);
    return f32x4.mul(dy, f32x4.mul(g, f32x4.add(one, f32x4.mul(s, f32x4.sub(one, g)))));
  }
  // GELU from x: Φ(x) + x·φ(x)
  if (op == A_GELU) {
    const pdf = f32x4.mul(f32x4.splat(INV_SQRT_2PI), exp_neg_half_sq_f32x4(s));
    return f32x4.mul(dy, f32x4.add(normal_cdf_f32x4(s), f32x4.mul(s, pdf)));
  }
  // d/dx x·σ(2u) = σ(2u) + x·σ(2u)(1 − σ(2u))·2u', 2u' = 2√(2/π)(1 + 3·0.044715x²)
  if (op == A_GELU_TANH) {
    const g = sigmoid_f32x4(gelu_tanh_2u(s));
    const du = f32x4.mul(f32x4.splat(2 * SQRT_2_PI), f32x4.add(one, f32x4.mul(f32x4.splat(3 * GELU_C), f32x4.mul(s, s))));
    return f32x4.mul(dy, f32x4.add(g, f32x4.mul(f32x4.mul(s, f32x4.mul(g, f32x4.sub(one, g))), du)));
  }
  // log σ from x: σ(−x)
  if (op == A_LOGSIGMOID) return f32x4.mul(dy, sigmoid_f32x4(f32x4.neg(s)));
  // sqrt from y: dy / 2y
  if (op == A_SQRT) return f32x4.div(f32x4.mul(dy, f32x4.splat(0.5)), s);
  if (op == A_LOG) return f32x4.div(dy, s);
  // |x| from x: dy·sign(x), 0 at 0
  if (op == A_ABS) {
    const sg = v128.or(v128.and(s, f32x4.splat(-0.0)), one);
    return v128.and(f32x4.mul(dy, sg), f32x4.ne(s, zero));
  }
  // x^p from x: dy·p·x^(p−1)
  if (op == A_POW) return f32x4.mul(dy, f32x4.mul(p, pow_f32x4(s, f32x4.sub(p, one))));
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

// Every op but GELU runs 4 vectors per loop iteration. For the memory-bound ones (a few
// compares and multiplies) that is one interrupt check per 64 bytes instead of 16. For those
// built on exp, log or a division it shares the constants V8 rematerialises at the top of
// every iteration (an f32x4 constant costs 3 instructions; exp has about 20) between 4
// vectors and lets their long dependency chains overlap: 1.4× (exp) to 1.8× (softplus,
// logSigmoid) faster than one vector per iteration (bench elementwise, activation rows;
// A/B of the two loops in one process). GELU's erf form keeps one vector per iteration:
// its body (erf, the tail's erfcx and two exps) fills the machine by itself, and 4 copies
// of it measured no faster.
// @ts-ignore: decorator
@inline function unroll(op: i32): bool { return op != A_GELU; }

// @ts-ignore: decorator
@inline function map_fwd(op: i32, x: usize, y: usize, n: i32, param: f32, param2: f32 = 0): void {
  const p = f32x4.splat(param);
  const q = f32x4.splat(param2);
  let i = 0;
  if (unroll(op))
    for (; i + 16 <= n; i += 16) {
      const o = <usize>i << 2;
      const y0 = fwd(op, v128.load(x + o), p, q);
      const y1 = fwd(op, v128.load(x + o, 16), p, q);
      const y2 = fwd(op, v128.load(x + o, 32), p, q);
      const y3 = fwd(op, v128.load(x + o, 48), p, q);
      v128.store(y + o, y0); v128.store(y + o, y1, 16); v128.store(y + o, y2, 32); v128.store(y + o, y3, 48);
    }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, fwd(op, v128.load(x + o), p, q));
  }
  if (i < n) {
    const o = <usize>i << 2;
    const r = n - i;
    store_f32x4_n(y + o, fwd(op, load_f32x4_n(x + o, r), p, q), r);
  }
}

// @ts-ignore: decorator
@inline function map_bwd(op: i32, s: usize, dy: usize, dx: usize, n: i32, param: f32, param2: f32 = 0): void {
  const p = f32x4.splat(param);
  const q = f32x4.splat(param2);
  let i = 0;
  if (unroll(op))
    for (; i + 16 <= n; i += 16) {
      const o = <usize>i << 2;
      const g0 = bwd(op, v128.load(s + o), v128.load(dy + o), p, q);
      const g1 = bwd(op, v128.load(s + o, 16), v128.load(dy + o, 16), p, q);
      const g2 = bwd(op, v128.load(s + o, 32), v128.load(dy + o, 32), p, q);
      const g3 = bwd(op, v128.load(s + o, 48), v128.load(dy + o, 48), p, q);
      v128.store(dx + o, g0); v128.store(dx + o, g1, 16); v128.store(dx + o, g2, 32); v128.store(dx + o, g3, 48);
    }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, bwd(op, v128.load(s + o), v128.load(dy + o), p, q));
  }
  if (i < n) {
    const o = <usize>i << 2;
    const r = n - i;
    store_f32x4_n(dx + o, bwd(op, load_f32x4_n(s + o, r), load_f32x4_n(dy + o, r), p, q), r);
  }
}

// y = e^x (max relative error 1.2e-7 ≈ 1 ulp; denormal results within one denormal ulp;
// overflow → +inf, −inf → 0, NaN → NaN).
export function exp_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_EXP, x, y, n, 0); }

// out[i] = max(a[i], 0). pmax is one x64 instruction where f32x4.max is a long
// NaN-correcting sequence (about 2x slower measured); pmax(x, 0) keeps a NaN x.
export function relu_fwd_f32(a: usize, out: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    const y0 = f32x4.pmax(v128.load(a + o), z);
    const y1 = f32x4.pmax(v128.load(a + o, 16), z);
    const y2 = f32x4.pmax(v128.load(a + o, 32), z);
    const y3 = f32x4.pmax(v128.load(a + o, 48), z);
    v128.store(out + o, y0); v128.store(out + o, y1, 16); v128.store(out + o, y2, 32); v128.store(out + o, y3, 48);
  }
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

// dx = x > 0 ? dy : 0. Pass x or y: relu(x) > 0 exactly when x > 0.
export function relu_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void {
  map_bwd(A_RELU, x, dy, dx, n, 0);
}

// y = x > 0 ? x : slope·x
export function leaky_relu_fwd_f32(x: usize, y: usize, n: i32, slope: f32): void {
  map_fwd(A_LEAKY, x, y, n, slope);
}
// dx = x > 0 ? dy : slope·dy. Pass x (or y when slope > 0: then y > 0 exactly when x > 0).
export function leaky_relu_bwd_f32(x: usize, dy: usize, dx: usize, n: i32, slope: f32): void {
  map_bwd(A_LEAKY, x, dy, dx, n, slope);
}

// y = x > 0 ? x : alpha·(e^x − 1), through expm1 so small negative x keeps its precision.
export function elu_fwd_f32(x: usize, y: usize, n: i32, alpha: f32): void {
  map_fwd(A_ELU, x, y, n, alpha);
}
// From y (alpha > 0): dx = y > 0 ? dy : dy·(y + alpha); no second exp.
export function elu_bwd_f32(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  map_bwd(A_ELU, y, dy, dx, n, alpha);
}

// y = 1 / (1 + e^-x)
export function sigmoid_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_SIGMOID, x, y, n, 0); }
// From y: dx = dy·y·(1 − y)
export function sigmoid_bwd_f32(y: usize, dy: usize, dx: usize, n: i32): void {
  map_bwd(A_SIGMOID, y, dy, dx, n, 0);
}

// y = tanh x
export function tanh_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_TANH, x, y, n, 0); }
// From y: dx = dy·(1 − y)(1 + y)
export function tanh_bwd_f32(y: usize, dy: usize, dx: usize, n: i32): void {
  map_bwd(A_TANH, y, dy, dx, n, 0);
}

// y = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|)
export function softplus_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_SOFTPLUS, x, y, n, 0); }
// From x: dx = dy·sigmoid(x) (from y it would need log/expm1 of y: costlier and less exact).
export function softplus_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void {
  map_bwd(A_SOFTPLUS, x, dy, dx, n, 0);
}

// y = sign(x): −1, ±0 or 1; NaN stays NaN.
export function sign_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_SIGN, x, y, n, 0); }
// Straight-through estimator (sign has zero derivative almost everywhere, which would stop
// learning): dx = |x| ≤ 1 ? dy : 0, the hard-tanh gradient of binarised networks.
export function sign_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void {
  map_bwd(A_SIGN, x, dy, dx, n, 0);
}

// y = clip(x, lo, hi) (NaN stays NaN); dx from x: dy where lo ≤ x ≤ hi.
export function clip_fwd_f32(x: usize, y: usize, n: i32, lo: f32, hi: f32): void { map_fwd(A_CLIP, x, y, n, lo, hi); }
export function clip_bwd_f32(x: usize, dy: usize, dx: usize, n: i32, lo: f32, hi: f32): void {
  map_bwd(A_CLIP, x, dy, dx, n, lo, hi);
}

// y = min(max(x, 0), 6); dx from x: dy where 0 < x < 6.
export function relu6_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_RELU6, x, y, n, 0); }
export function relu6_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void { map_bwd(A_RELU6, x, dy, dx, n, 0); }

// y = clip(alpha·x + beta, 0, 1); dx from x: alpha·dy where 0 < alpha·x + beta < 1.
export function hard_sigmoid_fwd_f32(x: usize, y: usize, n: i32, alpha: f32, beta: f32): void {
  map_fwd(A_HARDSIGMOID, x, y, n, alpha, beta);
}
export function hard_sigmoid_bwd_f32(x: usize, dy: usize, dx: usize, n: i32, alpha: f32, beta: f32): void {
  map_bwd(A_HARDSIGMOID, x, dy, dx, n, alpha, beta);
}

// y = x·relu6(x + 3)/6; dx from x.
export function hard_swish_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_HARDSWISH, x, y, n, 0); }
export function hard_swish_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void { map_bwd(A_HARDSWISH, x, dy, dx, n, 0); }

// y = x·σ(x) (swish); dx from x.
export function silu_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_SILU, x, y, n, 0); }
export function silu_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void { map_bwd(A_SILU, x, dy, dx, n, 0); }

// y = x·Φ(x) = x/2·(1 + erf(x/√2)), Φ through the tail form below x = −1 (relative accuracy
// where 1 + erf would cancel); dx from x.
export function gelu_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_GELU, x, y, n, 0); }
export function gelu_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void { map_bwd(A_GELU, x, dy, dx, n, 0); }

// y = x/2·(1 + tanh(√(2/π)(x + 0.044715x³))) (PyTorch's approximate='tanh'); dx from x.
export function gelu_tanh_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_GELU_TANH, x, y, n, 0); }
export function gelu_tanh_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void { map_bwd(A_GELU_TANH, x, dy, dx, n, 0); }

// y = log σ(x) = −softplus(−x); dx from x: dy·σ(−x).
export function log_sigmoid_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_LOGSIGMOID, x, y, n, 0); }
export function log_sigmoid_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void { map_bwd(A_LOGSIGMOID, x, dy, dx, n, 0); }

// y = √x; dx from y: dy/(2y).
export function sqrt_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_SQRT, x, y, n, 0); }
export function sqrt_bwd_f32(y: usize, dy: usize, dx: usize, n: i32): void { map_bwd(A_SQRT, y, dy, dx, n, 0); }

// y = log x; dx from x: dy/x.
export function log_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_LOG, x, y, n, 0); }
export function log_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void { map_bwd(A_LOG, x, dy, dx, n, 0); }

// y = |x|; dx from x: dy·sign(x), 0 at 0.
export function abs_fwd_f32(x: usize, y: usize, n: i32): void { map_fwd(A_ABS, x, y, n, 0); }
export function abs_bwd_f32(x: usize, dy: usize, dx: usize, n: i32): void { map_bwd(A_ABS, x, dy, dx, n, 0); }

// y = x^p for a scalar p; dx from x: dy·p·x^(p−1).
export function pow_scalar_fwd_f32(x: usize, y: usize, n: i32, p: f32): void { map_fwd(A_POW, x, y, n, p); }
export function pow_scalar_bwd_f32(x: usize, dy: usize, dx: usize, n: i32, p: f32): void { map_bwd(A_POW, x, dy, dx, n, p); }

// PReLU with one slope per channel over [rows, C] (NHWC: rows = N·H·W): y = x > 0 ? x : a[c]·x.
export function prelu_fwd_f32(x: usize, slope: usize, y: usize, rows: i32, C: i32): void {
  const stride = <usize>C << 2;
  for (let r = 0; r < rows; r++) {
    const px = x + <usize>r * stride;
    const py = y + <usize>r * stride;
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 2;
      const n = min(4, C - c);
      const v = load_f32x4_n(px + o, n);
      const a = load_f32x4_n(slope + o, n);
      store_f32x4_n(py + o, v128.bitselect(v, f32x4.mul(v, a), f32x4.gt(v, f32x4.splat(0))), n);
    }
  }
}

// PReLU backward: dx = x > 0 ? dy : a[c]·dy, and t = x > 0 ? 0 : dy·x, whose column sums
// (sum_rows_f32) are the slope gradient.
export function prelu_bwd_f32(x: usize, slope: usize, dy: usize, dx: usize, t: usize, rows: i32, C: i32): void {
  const stride = <usize>C << 2;
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * stride;
    for (let c = 0; c < C; c += 4) {
      const o = off + (<usize>c << 2);
      const n = min(4, C - c);
      const v = load_f32x4_n(x + o, n);
      const g = load_f32x4_n(dy + o, n);
      const pos = f32x4.gt(v, zero);
      store_f32x4_n(dx + o, v128.bitselect(g, f32x4.mul(g, load_f32x4_n(slope + (<usize>c << 2), n)), pos), n);
      store_f32x4_n(t + o, v128.andnot(f32x4.mul(g, v), pos), n);
    }
  }
}
