// Activations against f64 scalar references on sizes that hit the partial-vector tail, with a
// guard after every output; backward against central differences of the f64 forward.
import {
  exp_f32, relu_bwd_f32, leaky_relu_f32, leaky_relu_bwd_f32, elu_f32, elu_bwd_f32, sigmoid_f32,
  sigmoid_bwd_f32, tanh_f32, tanh_bwd_f32, softplus_f32, softplus_bwd_f32, sign_f32, sign_bwd_f32,
} from '../../assembly/activation';
import { relu_f32 } from '../../assembly/elementwise';
import { seed, rnd, randBuf, zeroBuf, at, close, GUARD } from './helpers';

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
  if (op == RELU) relu_f32(x, y, n);
  else if (op == LEAKY) leaky_relu_f32(x, y, n, p);
  else if (op == ELU) elu_f32(x, y, n, p);
  else if (op == SIGMOID) sigmoid_f32(x, y, n);
  else if (op == TANH) tanh_f32(x, y, n);
  else if (op == SOFTPLUS) softplus_f32(x, y, n);
  else sign_f32(x, y, n);
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
    softplus_f32(x, y, n);
    let worst: f64 = 0;
    for (let i = 0; i < n; i++) {
      const w = refF(SOFTPLUS, <f64>at(x, i), 0);
      worst = Math.max(worst, Math.abs(<f64>at(y, i) - w) / Math.max(w, 1.2e-38));
    }
    expect(worst).toBeLessThanOrEqual(3e-7);
    elu_f32(x, y, n, 1);
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
    softplus_f32(x, y, 6);
    expect(at(y, 0)).toBe(Infinity);
    expect(at(y, 1)).toBe(0);
    expect(at(y, 2)).toBe(1e30);
    expect(at(y, 3)).toBe(0);
    expect(isNaN(at(y, 4))).toBe(true);
    expect(at(y, 5)).toBe(100);
    store<f32>(x, 0); store<f32>(x + 4, -0.0); store<f32>(x + 8, 2.5); store<f32>(x + 12, -1e-30);
    sign_f32(x, y, 6);
    expect(reinterpret<u32>(at(y, 0))).toBe(0);
    expect(reinterpret<u32>(at(y, 1))).toBe(0x80000000);
    expect(at(y, 2)).toBe(1);
    expect(at(y, 3)).toBe(-1);
    expect(isNaN(at(y, 4))).toBe(true);
    expect(at(y, 5)).toBe(1);
    // exp through the activation loop, 3-lane tail
    store<f32>(x, 1); store<f32>(x + 4, -1); store<f32>(x + 8, 0);
    exp_f32(x, y, 3);
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
    relu_f32(x, y, n);
    relu_bwd_f32(x, g, a, n);
    relu_bwd_f32(y, g, b, n);
    for (let i = 0; i < n; i++) expect(at(a, i)).toBe(at(b, i));
    leaky_relu_f32(x, y, n, 0.2);
    leaky_relu_bwd_f32(x, g, a, n, 0.2);
    leaky_relu_bwd_f32(y, g, b, n, 0.2);
    for (let i = 0; i < n; i++) expect(at(a, i)).toBe(at(b, i));
    heap.free(x); heap.free(y); heap.free(g); heap.free(a); heap.free(b);
  });
});
