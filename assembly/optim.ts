// Optimizer updates over a flat parameter array: w (parameters), g (gradient), state
// buffers (same length n), hyper-parameters as f32. All update in place. L2 weight decay
// is folded into the gradient first: g' = g + wd·w (wd = 0 turns it off). One loop serves
// every optimizer: each export passes a literal op code; the tail runs the same vector code
// on a partial vector.
import { load_f32x4_n, store_f32x4_n } from './simd_math';

// @ts-ignore: decorator
@inline const O_SGD = 0;
// @ts-ignore: decorator
@inline const O_MOMENTUM = 1;
// @ts-ignore: decorator
@inline const O_MOMENTUM_EMA = 2;
// @ts-ignore: decorator
@inline const O_NESTEROV = 3;
// @ts-ignore: decorator
@inline const O_ADAM = 4;
// @ts-ignore: decorator
@inline const O_RMSPROP = 5;

// One block of rem elements at byte offset o. Hyper-parameters arrive splatted:
// lr, wd, and a..e per op (see the comments below).
// @ts-ignore: decorator
@inline function step(
  op: i32, w: usize, g: usize, s1: usize, s2: usize, o: usize, rem: i32,
  lr: v128, wd: v128, a: v128, b: v128, c: v128, d: v128, e: v128,
): void {
  const wv = load_f32x4_n(w + o, rem);
  const gv = f32x4.add(load_f32x4_n(g + o, rem), f32x4.mul(wd, wv));
  let u: v128; // the step: w −= lr·u
  if (op == O_SGD) {
    u = gv;
  } else if (op == O_MOMENTUM || op == O_NESTEROV) {
    // a = momentum
    const v = f32x4.add(f32x4.mul(a, load_f32x4_n(s1 + o, rem)), gv);
    store_f32x4_n(s1 + o, v, rem);
    u = op == O_MOMENTUM ? v : f32x4.add(gv, f32x4.mul(a, v));
  } else if (op == O_MOMENTUM_EMA) {
    // a = momentum, b = 1 − momentum
    u = f32x4.add(f32x4.mul(a, load_f32x4_n(s1 + o, rem)), f32x4.mul(b, gv));
    store_f32x4_n(s1 + o, u, rem);
  } else if (op == O_ADAM) {
    // a = β1, b = β2, c = eps, d = 1/(1 − β1^t), e = 1/(1 − β2^t)
    const one = f32x4.splat(1);
    const m = f32x4.add(f32x4.mul(a, load_f32x4_n(s1 + o, rem)), f32x4.mul(f32x4.sub(one, a), gv));
    const v = f32x4.add(f32x4.mul(b, load_f32x4_n(s2 + o, rem)), f32x4.mul(f32x4.sub(one, b), f32x4.mul(gv, gv)));
    store_f32x4_n(s1 + o, m, rem);
    store_f32x4_n(s2 + o, v, rem);
    u = f32x4.div(f32x4.mul(m, d), f32x4.add(f32x4.sqrt(f32x4.mul(v, e)), c));
  } else {
    // O_RMSPROP: a = ρ, c = eps
    const one = f32x4.splat(1);
    const s = f32x4.add(f32x4.mul(a, load_f32x4_n(s1 + o, rem)), f32x4.mul(f32x4.sub(one, a), f32x4.mul(gv, gv)));
    store_f32x4_n(s1 + o, s, rem);
    u = f32x4.div(gv, f32x4.add(f32x4.sqrt(s), c));
  }
  store_f32x4_n(w + o, f32x4.sub(wv, f32x4.mul(lr, u)), rem);
}

// @ts-ignore: decorator
@inline function update(
  op: i32, w: usize, g: usize, s1: usize, s2: usize, n: i32,
  lr: f32, wd: f32, a: f32, b: f32, c: f32, d: f32, e: f32,
): void {
  const vlr = f32x4.splat(lr);
  const vwd = f32x4.splat(wd);
  const va = f32x4.splat(a);
  const vb = f32x4.splat(b);
  const vc = f32x4.splat(c);
  const vd = f32x4.splat(d);
  const ve = f32x4.splat(e);
  let i = 0;
  for (; i + 4 <= n; i += 4) step(op, w, g, s1, s2, <usize>i << 2, 4, vlr, vwd, va, vb, vc, vd, ve);
  if (i < n) step(op, w, g, s1, s2, <usize>i << 2, n - i, vlr, vwd, va, vb, vc, vd, ve);
}

// Plain SGD: w −= lr·g'
export function sgd_f32(w: usize, g: usize, n: i32, lr: f32, wd: f32): void {
  update(O_SGD, w, g, 0, 0, n, lr, wd, 0, 0, 0, 0, 0);
}

// Classical (Polyak, PyTorch) momentum: v = μ·v + g', w −= lr·v
export function sgd_momentum_f32(w: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, wd: f32): void {
  update(O_MOMENTUM, w, g, v, 0, n, lr, wd, momentum, 0, 0, 0, 0);
}

// Momentum as an exponential average (the lecture form): v = μ·v + (1 − μ)·g', w −= lr·v
export function sgd_momentum_ema_f32(w: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, wd: f32): void {
  update(O_MOMENTUM_EMA, w, g, v, 0, n, lr, wd, momentum, 1 - momentum, 0, 0, 0);
}

// Nesterov momentum in PyTorch's form: v = μ·v + g', w −= lr·(g' + μ·v)
// (the look-ahead gradient rewritten in terms of the current parameters).
export function sgd_nesterov_f32(w: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, wd: f32): void {
  update(O_NESTEROV, w, g, v, 0, n, lr, wd, momentum, 0, 0, 0, 0);
}

// Adam: m = β1·m + (1 − β1)·g', v = β2·v + (1 − β2)·g'², w −= lr·(m·c1) / (sqrt(v·c2) + eps)
// with the bias corrections c1 = 1/(1 − β1^t), c2 = 1/(1 − β2^t) computed by the caller
// for step t ≥ 1 (no pow here). Weight decay is the L2 form (Adam, not AdamW).
export function adam_f32(
  w: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, wd: f32, c1: f32, c2: f32,
): void {
  update(O_ADAM, w, g, m, v, n, lr, wd, beta1, beta2, eps, c1, c2);
}

// RMSProp (PyTorch's form, eps outside the root): s = ρ·s + (1 − ρ)·g'², w −= lr·g' / (sqrt(s) + eps)
export function rmsprop_f32(w: usize, g: usize, s: usize, n: i32, lr: f32, rho: f32, eps: f32, wd: f32): void {
  update(O_RMSPROP, w, g, s, 0, n, lr, wd, rho, 0, eps, 0, 0);
}
