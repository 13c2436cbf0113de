// Activations against f64 scalar references on sizes that hit the partial-vector tail, with a
// guard after every output; backward against central differences of the f64 forward.
import {
  relu_fwd_f32, exp_fwd_f32, relu_bwd_f32, leaky_relu_fwd_f32, leaky_relu_bwd_f32, elu_fwd_f32, elu_bwd_f32, sigmoid_fwd_f32,
  sigmoid_bwd_f32, tanh_fwd_f32, tanh_bwd_f32, softplus_fwd_f32, softplus_bwd_f32, sign_fwd_f32, sign_bwd_f32,
} from '../../assembly/activation';
import {
  clip_fwd_f32, clip_bwd_f32, relu6_fwd_f32, relu6_bwd_f32, hard_sigmoid_fwd_f32, hard_sigmoid_bwd_f32,
  hard_swish_fwd_f32, hard_swish_bwd_f32, silu_fwd_f32, silu_bwd_f32, gelu_fwd_f32, gelu_bwd_f32,
  gelu_tanh_fwd_f32, gelu_tanh_bwd_f32, log_sigmoid_fwd_f32, log_sigmoid_bwd_f32, sqrt_fwd_f32, sqrt_bwd_f32,
  log_fwd_f32, log_bwd_f32, abs_fwd_f32, abs_bwd_f32, pow_scalar_fwd_f32, pow_scalar_bwd_f32,
  prelu_fwd_f32, prelu_bwd_f32,
} from '../../assembly/activation';
import { seed, rnd, randBuf, zeroBuf, at, close, GUARD, erf64 } from './helpers';

const SIZES: i32[] = [1, 3, 4, 7, 17, 33, 100];

const RELU = 0;
const LEAKY = 1;
const ELU = 2;
const SIGMOID = 3;
const TANH = 4;
const SOFTPLUS = 5;
const SIGN = 6;
const NOPS = 7;

function param(op: i32): f32 { return op == LEAKY ? 0.1 : op == ELU ? 1.3 : 0; }

function refF(op: i32, x: f64, p: f64): f64 {
  if (op == RELU) return x > 0 ? x : 0;
  if (op == LEAKY) return x > 0 ? x : p * x;
  if (op == ELU) return x > 0 ? x : p * Math.expm1(x);
  if (op == SIGMOID) return 1.0 / (1.0 + Math.exp(-x));
  if (op == TANH) return Math.tanh(x);
  if (op == SOFTPLUS) return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

function runF(op: i32, x: usize, y: usize, n: i32, p: f32): void {
  if (op == RELU) relu_fwd_f32(x, y, n);
  else if (op == LEAKY) leaky_relu_fwd_f32(x, y, n, p);
  else if (op == ELU) elu_fwd_f32(x, y, n, p);
  else if (op == SIGMOID) sigmoid_fwd_f32(x, y, n);
  else if (op == TANH) tanh_fwd_f32(x, y, n);
  else if (op == SOFTPLUS) softplus_fwd_f32(x, y, n);
  else sign_fwd_f32(x, y, n);
}

// Backward from x or y, as each kernel documents.
function runB(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32, p: f32): void {
  if (op == RELU) relu_bwd_f32(x, dy, dx, n);
  else if (op == LEAKY) leaky_relu_bwd_f32(x, dy, dx, n, p);
  else if (op == ELU) elu_bwd_f32(y, dy, dx, n, p);
  else if (op == SIGMOID) sigmoid_bwd_f32(y, dy, dx, n);
  else if (op == TANH) tanh_bwd_f32(y, dy, dx, n);
  else if (op == SOFTPLUS) softplus_bwd_f32(x, dy, dx, n);
  else sign_bwd_f32(x, dy, dx, n);
}

// Inputs in [−4, 4) kept 0.01 away from the kinks at 0 and ±1, so h = 1e-3 never crosses one.
function inputs(n: i32): usize {
  const x = zeroBuf(n + 1);
  for (let i = 0; i < n; i++) {
    let v = rnd() * 4;
    if (Mathf.abs(v) < 0.01 || Mathf.abs(Mathf.abs(v) - 1) < 0.01) v += 0.05;
    store<f32>(x + (<usize>i << 2), v);
  }
  return x;
}


describe('activation', () => {
  it('forward matches the f64 reference on every tail, guard untouched', () => {
    seed(11);
    for (let op = 0; op < NOPS; op++) {
      const p = param(op);
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const x = inputs(n);
        const y = zeroBuf(n + 1);
        store<f32>(y + (<usize>n << 2), GUARD);
        runF(op, x, y, n, p);
        for (let i = 0; i < n; i++) {
          const w = refF(op, <f64>at(x, i), <f64>p);
          const ok = close(<f64>at(y, i), w, 1e-30, 3e-7);
          if (!ok) trace('forward', 4, <f64>op, <f64>i, <f64>at(x, i), <f64>at(y, i));
          expect(ok).toBe(true);
        }
        expect(at(y, n)).toBe(GUARD);
        heap.free(x); heap.free(y);
      }
    }
  });

  it('forward in place (y = x)', () => {
    seed(12);
    for (let op = 0; op < NOPS; op++) {
      const n = 17;
      const x = inputs(n);
      const want = zeroBuf(n);
      runF(op, x, want, n, param(op));
      runF(op, x, x, n, param(op));
      for (let i = 0; i < n; i++) expect(at(x, i)).toBe(at(want, i));
      heap.free(x); heap.free(want);
    }
  });

  it('softplus and elu keep relative accuracy over a wide range', () => {
    const n = 4001;
    const x = zeroBuf(n);
    const y = zeroBuf(n);
    for (let i = 0; i < n; i++) store<f32>(x + (<usize>i << 2), <f32>(-100.0 + 0.05 * <f64>i));
    softplus_fwd_f32(x, y, n);
    let worst: f64 = 0;
    for (let i = 0; i < n; i++) {
      const w = refF(SOFTPLUS, <f64>at(x, i), 0);
      worst = Math.max(worst, Math.abs(<f64>at(y, i) - w) / Math.max(w, 1.2e-38));
    }
    expect(worst).toBeLessThanOrEqual(3e-7);
    elu_fwd_f32(x, y, n, 1);
    worst = 0;
    for (let i = 0; i < n; i++) {
      const w = refF(ELU, <f64>at(x, i), 1);
      if (w != 0) worst = Math.max(worst, Math.abs(<f64>at(y, i) - w) / Math.abs(w));
    }
    expect(worst).toBeLessThanOrEqual(3e-7);
    heap.free(x); heap.free(y);
  });

  it('edge values: softplus at ±inf and large x, sign keeps ±0 and NaN, exp tail', () => {
    const x = zeroBuf(6);
    const y = zeroBuf(6);
    store<f32>(x, Infinity); store<f32>(x + 4, -Infinity); store<f32>(x + 8, 1e30);
    store<f32>(x + 12, -1e30); store<f32>(x + 16, NaN); store<f32>(x + 20, 100);
    softplus_fwd_f32(x, y, 6);
    expect(at(y, 0)).toBe(Infinity);
    expect(at(y, 1)).toBe(0);
    expect(at(y, 2)).toBe(1e30);
    expect(at(y, 3)).toBe(0);
    expect(isNaN(at(y, 4))).toBe(true);
    expect(at(y, 5)).toBe(100);
    store<f32>(x, 0); store<f32>(x + 4, -0.0); store<f32>(x + 8, 2.5); store<f32>(x + 12, -1e-30);
    sign_fwd_f32(x, y, 6);
    expect(reinterpret<u32>(at(y, 0))).toBe(0);
    expect(reinterpret<u32>(at(y, 1))).toBe(0x80000000);
    expect(at(y, 2)).toBe(1);
    expect(at(y, 3)).toBe(-1);
    expect(isNaN(at(y, 4))).toBe(true);
    expect(at(y, 5)).toBe(1);
    // exp through the activation loop, 3-lane tail
    store<f32>(x, 1); store<f32>(x + 4, -1); store<f32>(x + 8, 0);
    exp_fwd_f32(x, y, 3);
    expect(Math.abs(<f64>at(y, 0) - Math.E)).toBeLessThanOrEqual(3e-7);
    expect(Math.abs(<f64>at(y, 1) - 1.0 / Math.E)).toBeLessThanOrEqual(3e-8);
    expect(at(y, 2)).toBe(1);
    heap.free(x); heap.free(y);
  });

  it('backward matches central differences of the f64 forward (L = Σ y·g), guard untouched', () => {
    seed(13);
    const h: f64 = 1e-3;
    for (let op = 0; op < NOPS; op++) {
      if (op == SIGN) continue; // straight-through, not a derivative: checked below
      const p = param(op);
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const x = inputs(n);
        const y = zeroBuf(n);
        runF(op, x, y, n, p);
        const g = randBuf(n);
        const dx = zeroBuf(n + 1);
        store<f32>(dx + (<usize>n << 2), GUARD);
        runB(op, x, y, g, dx, n, p);
        for (let i = 0; i < n; i++) {
          // only y[i] depends on x[i], so dL/dx[i] = g[i]·(f(x+h) − f(x−h))/2h
          const xi = <f64>at(x, i);
          const want = <f64>at(g, i) * (refF(op, xi + h, p) - refF(op, xi - h, p)) / (2 * h);
          const ok = close(<f64>at(dx, i), want, 1e-6, 1e-5);
          if (!ok) trace('backward', 4, <f64>op, <f64>i, <f64>at(dx, i), want);
          expect(ok).toBe(true);
        }
        expect(at(dx, n)).toBe(GUARD);
        heap.free(x); heap.free(y); heap.free(g); heap.free(dx);
      }
    }
  });

  it('backward in place (dx = dy)', () => {
    seed(14);
    for (let op = 0; op < NOPS; op++) {
      const n = 33;
      const x = inputs(n);
      const y = zeroBuf(n);
      runF(op, x, y, n, param(op));
      const g = randBuf(n);
      const want = zeroBuf(n);
      runB(op, x, y, g, want, n, param(op));
      runB(op, x, y, g, g, n, param(op));
      for (let i = 0; i < n; i++) expect(at(g, i)).toBe(at(want, i));
      heap.free(x); heap.free(y); heap.free(g); heap.free(want);
    }
  });

  it('sign backward is the straight-through estimator: dy where |x| ≤ 1, else 0', () => {
    seed(15);
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      const x = inputs(n);
      const g = randBuf(n);
      const dx = zeroBuf(n + 1);
      store<f32>(dx + (<usize>n << 2), GUARD);
      sign_bwd_f32(x, g, dx, n);
      for (let i = 0; i < n; i++) expect(at(dx, i)).toBe(Mathf.abs(at(x, i)) <= 1 ? at(g, i) : 0);
      expect(at(dx, n)).toBe(GUARD);
      heap.free(x); heap.free(g); heap.free(dx);
    }
    // the boundary |x| = 1 passes
    const x = zeroBuf(2);
    const g = zeroBuf(2);
    const dx = zeroBuf(2);
    store<f32>(x, 1); store<f32>(x + 4, -1); store<f32>(g, 2); store<f32>(g + 4, 3);
    sign_bwd_f32(x, g, dx, 2);
    expect(at(dx, 0)).toBe(2);
    expect(at(dx, 1)).toBe(3);
    heap.free(x); heap.free(g); heap.free(dx);
  });

  it('backward from y agrees with backward from x where both are allowed (relu, leaky)', () => {
    seed(16);
    const n = 17;
    const x = inputs(n);
    const y = zeroBuf(n);
    const g = randBuf(n);
    const a = zeroBuf(n);
    const b = zeroBuf(n);
    relu_fwd_f32(x, y, n);
    relu_bwd_f32(x, g, a, n);
    relu_bwd_f32(y, g, b, n);
    for (let i = 0; i < n; i++) expect(at(a, i)).toBe(at(b, i));
    leaky_relu_fwd_f32(x, y, n, 0.2);
    leaky_relu_bwd_f32(x, g, a, n, 0.2);
    leaky_relu_bwd_f32(y, g, b, n, 0.2);
    for (let i = 0; i < n; i++) expect(at(a, i)).toBe(at(b, i));
    heap.free(x); heap.free(y); heap.free(g); heap.free(a); heap.free(b);
  });
});

// The second table: clip, MobileNet/transformer activations and unary math, each with its
// parameters, input range and kinks (inputs are kept 0.01 away from kinks).
const M_CLIP = 0;
const M_RELU6 = 1;
const M_HSIG = 2;
const M_HSWISH = 3;
const M_SILU = 4;
const M_GELU = 5;
const M_GELU_TANH = 6;
const M_LOGSIG = 7;
const M_SQRT = 8;
const M_LOG = 9;
const M_ABS = 10;
const M_POW = 11;
const M_NOPS = 12;

function mp(op: i32): f32 { return op == M_CLIP ? -0.5 : op == M_HSIG ? 0.2 : op == M_POW ? 2.5 : 0; }
function mq(op: i32): f32 { return op == M_CLIP ? 0.7 : op == M_HSIG ? 0.5 : 0; }
function mlo(op: i32): f64 { return op == M_SQRT || op == M_LOG || op == M_POW ? 0.05 : op == M_LOGSIG ? -30 : -7; }
function mhi(op: i32): f64 { return op == M_LOGSIG ? 30 : 7; }
// Φ(x) in f64: (1 + erf(x/√2))/2 for x ≥ −3; below, the continued fraction of the Mills ratio,
// Φ(x) = φ(x)/(|x| + 1/(|x| + 2/(|x| + 3/(…)))), which converges fast there.
function normalCdf64(x: f64): f64 {
  if (x >= -3) return 0.5 * (1 + erf64(x * 0.7071067811865476));
  const a = -x;
  let f: f64 = a;
  for (let k = 60; k >= 1; k--) f = a + <f64>k / f;
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) / f;
}

function near(x: f64, k: f64): bool { return Math.abs(x - k) < 0.01; }
function kink(op: i32, x: f64): bool {
  if (op == M_CLIP) return near(x, -0.5) || near(x, 0.7);
  if (op == M_RELU6) return near(x, 0) || near(x, 6);
  if (op == M_HSIG) return near(x, -2.5) || near(x, 2.5);
  if (op == M_HSWISH) return near(x, -3) || near(x, 3);
  if (op == M_ABS) return near(x, 0);
  return false;
}

function refM(op: i32, x: f64, p: f64, q: f64): f64 {
  if (op == M_CLIP) return Math.min(Math.max(x, p), q);
  if (op == M_RELU6) return Math.min(Math.max(x, 0), 6);
  if (op == M_HSIG) return Math.min(Math.max(p * x + q, 0), 1);
  if (op == M_HSWISH) return x * Math.min(Math.max(x + 3, 0), 6) / 6;
  if (op == M_SILU) return x / (1 + Math.exp(-x));
  if (op == M_GELU) return 0.5 * x * (1 + erf64(x / Math.SQRT2));
  if (op == M_GELU_TANH) return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  if (op == M_LOGSIG) return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
  if (op == M_SQRT) return Math.sqrt(x);
  if (op == M_LOG) return Math.log(x);
  if (op == M_ABS) return Math.abs(x);
  return Math.pow(x, p);
}

function runM(op: i32, x: usize, y: usize, n: i32, p: f32, q: f32): void {
  if (op == M_CLIP) clip_fwd_f32(x, y, n, p, q);
  else if (op == M_RELU6) relu6_fwd_f32(x, y, n);
  else if (op == M_HSIG) hard_sigmoid_fwd_f32(x, y, n, p, q);
  else if (op == M_HSWISH) hard_swish_fwd_f32(x, y, n);
  else if (op == M_SILU) silu_fwd_f32(x, y, n);
  else if (op == M_GELU) gelu_fwd_f32(x, y, n);
  else if (op == M_GELU_TANH) gelu_tanh_fwd_f32(x, y, n);
  else if (op == M_LOGSIG) log_sigmoid_fwd_f32(x, y, n);
  else if (op == M_SQRT) sqrt_fwd_f32(x, y, n);
  else if (op == M_LOG) log_fwd_f32(x, y, n);
  else if (op == M_ABS) abs_fwd_f32(x, y, n);
  else pow_scalar_fwd_f32(x, y, n, p);
}

// sqrt's backward reads y, the others x.
function runMB(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32, p: f32, q: f32): void {
  if (op == M_CLIP) clip_bwd_f32(x, dy, dx, n, p, q);
  else if (op == M_RELU6) relu6_bwd_f32(x, dy, dx, n);
  else if (op == M_HSIG) hard_sigmoid_bwd_f32(x, dy, dx, n, p, q);
  else if (op == M_HSWISH) hard_swish_bwd_f32(x, dy, dx, n);
  else if (op == M_SILU) silu_bwd_f32(x, dy, dx, n);
  else if (op == M_GELU) gelu_bwd_f32(x, dy, dx, n);
  else if (op == M_GELU_TANH) gelu_tanh_bwd_f32(x, dy, dx, n);
  else if (op == M_LOGSIG) log_sigmoid_bwd_f32(x, dy, dx, n);
  else if (op == M_SQRT) sqrt_bwd_f32(y, dy, dx, n);
  else if (op == M_LOG) log_bwd_f32(x, dy, dx, n);
  else if (op == M_ABS) abs_bwd_f32(x, dy, dx, n);
  else pow_scalar_bwd_f32(x, dy, dx, n, p);
}

function mInputs(op: i32, n: i32): usize {
  const x = zeroBuf(n + 1);
  for (let i = 0; i < n; i++) {
    let v = mlo(op) + (mhi(op) - mlo(op)) * (<f64>rnd() + 1) / 2;
    if (kink(op, v)) v += 0.03;
    store<f32>(x + (<usize>i << 2), <f32>v);
  }
  return x;
}

describe('activation: clip, relu6, hard sigmoid/swish, silu, gelu, log-sigmoid, sqrt, log, abs, pow', () => {
  it('forward matches the f64 reference on every tail (relative 1e-6, or 3e-7 absolute near 0), guard untouched', () => {
    seed(21);
    for (let op = 0; op < M_NOPS; op++) {
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const x = mInputs(op, n);
        const y = zeroBuf(n + 1);
        store<f32>(y + (<usize>n << 2), GUARD);
        runM(op, x, y, n, mp(op), mq(op));
        for (let i = 0; i < n; i++) {
          const w = refM(op, <f64>at(x, i), <f64>mp(op), <f64>mq(op));
          const ok = close(<f64>at(y, i), w, 3e-7, 1e-6);
          if (!ok) trace('forward', 4, <f64>op, <f64>i, <f64>at(x, i), <f64>at(y, i));
          expect(ok).toBe(true);
        }
        expect(at(y, n)).toBe(GUARD);
        heap.free(x); heap.free(y);
      }
    }
  });

  it('backward matches central differences of the f64 forward, guard untouched', () => {
    seed(22);
    const h: f64 = 1e-4;
    for (let op = 0; op < M_NOPS; op++) {
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const x = mInputs(op, n);
        const y = zeroBuf(n);
        runM(op, x, y, n, mp(op), mq(op));
        const g = randBuf(n);
        const dx = zeroBuf(n + 1);
        store<f32>(dx + (<usize>n << 2), GUARD);
        runMB(op, x, y, g, dx, n, mp(op), mq(op));
        for (let i = 0; i < n; i++) {
          const xi = <f64>at(x, i);
          const want = <f64>at(g, i) * (refM(op, xi + h, mp(op), mq(op)) - refM(op, xi - h, mp(op), mq(op))) / (2 * h);
          const ok = close(<f64>at(dx, i), want, 1e-5, 1e-4);
          if (!ok) trace('backward', 4, <f64>op, <f64>i, <f64>at(dx, i), want);
          expect(ok).toBe(true);
        }
        expect(at(dx, n)).toBe(GUARD);
        heap.free(x); heap.free(y); heap.free(g); heap.free(dx);
      }
    }
  });

  // Below x ≈ −12.5 the results are denormal, where relative accuracy ends anyway.
  it('GELU keeps relative accuracy in its lower tail (x from −12.5 to −1, where 1 + erf cancels)', () => {
    const n = 2301;
    const x = zeroBuf(n);
    const y = zeroBuf(n);
    for (let i = 0; i < n; i++) store<f32>(x + (<usize>i << 2), <f32>(-12.5 + 0.005 * <f64>i));
    gelu_fwd_f32(x, y, n);
    let worst: f64 = 0;
    for (let i = 0; i < n; i++) {
      const xi = <f64>at(x, i);
      // x·Φ(x) with Φ from the complementary series would need erfc; Φ(x) = erfc(−x/√2)/2 is
      // taken from 1 − erf where that is accurate (x > −4), else from the asymptotic series.
      const w = xi * normalCdf64(xi);
      worst = Math.max(worst, Math.abs(<f64>at(y, i) - w) / Math.abs(w));
    }
    expect(worst).toBeLessThanOrEqual(2e-6);
    heap.free(x); heap.free(y);
  });

  it('NaN passes through clip and relu6; gradients at the bounds follow PyTorch (clamp passes, relu6 stops)', () => {
    const x = zeroBuf(4);
    const y = zeroBuf(4);
    const dy = zeroBuf(4);
    store<f32>(x, NaN); store<f32>(x + 4, 0); store<f32>(x + 8, 6); store<f32>(x + 12, -0.5);
    for (let i = 0; i < 4; i++) store<f32>(dy + (<usize>i << 2), 1);
    relu6_fwd_f32(x, y, 4);
    expect(isNaN(at(y, 0))).toBe(true);
    relu6_bwd_f32(x, dy, y, 4);
    expect(at(y, 1)).toBe(0);
    expect(at(y, 2)).toBe(0);
    clip_fwd_f32(x, y, 4, -0.5, 6);
    expect(isNaN(at(y, 0))).toBe(true);
    clip_bwd_f32(x, dy, y, 4, -0.5, 6);
    expect(at(y, 2)).toBe(1);
    expect(at(y, 3)).toBe(1);
    heap.free(x); heap.free(y); heap.free(dy);
  });

  it('prelu over [rows, C] with C tails: forward, dx and the slope-gradient terms', () => {
    seed(23);
    const CS: i32[] = [1, 3, 4, 5, 17];
    for (let s = 0; s < CS.length; s++) {
      const C = CS[s];
      const rows = 3;
      const n = rows * C;
      const x = randBuf(n);
      const a = randBuf(C);
      const y = zeroBuf(n + 1);
      store<f32>(y + (<usize>n << 2), GUARD);
      prelu_fwd_f32(x, a, y, rows, C);
      const dy = randBuf(n);
      const dx = zeroBuf(n + 1);
      const t = zeroBuf(n + 1);
      store<f32>(dx + (<usize>n << 2), GUARD);
      store<f32>(t + (<usize>n << 2), GUARD);
      prelu_bwd_f32(x, a, dy, dx, t, rows, C);
      for (let i = 0; i < n; i++) {
        const v = at(x, i);
        const sl = at(a, i % C);
        expect(at(y, i)).toBe(v > 0 ? v : v * sl);
        expect(at(dx, i)).toBe(v > 0 ? at(dy, i) : at(dy, i) * sl);
        expect(at(t, i)).toBe(v > 0 ? 0 : at(dy, i) * v);
      }
      expect(at(y, n)).toBe(GUARD);
      expect(at(dx, n)).toBe(GUARD);
      expect(at(t, n)).toBe(GUARD);
      heap.free(x); heap.free(a); heap.free(y); heap.free(dy); heap.free(dx); heap.free(t);
    }
  });

  it('relu matches max(x, 0) and keeps NaN', () => {
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      const a = randBuf(n);
      store<f32>(a, NaN);
      const out = zeroBuf(n);
      relu_fwd_f32(a, out, n);
      expect(isNaN(at(out, 0))).toBe(true);
      for (let i = 1; i < n; i++) expect(at(out, i)).toBe(at(a, i) > 0 ? at(a, i) : 0);
      heap.free(a); heap.free(out);
    }
  });
});

