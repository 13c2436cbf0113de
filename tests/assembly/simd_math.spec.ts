// Vector math against f64 Math over dense sweeps. Bounds asserted (relative, |g − w|/|w|):
// exp 1.2e-7 (≈1 ulp; measured 7.6e-8), expm1 1.5e-7, log1p 2.4e-7, sigmoid 2.4e-7,
// tanh 2.4e-7 (≈2 ulp; measured 1.1–1.7e-7). Denormal exp results: within 2^-149 (one
// denormal ulp). Edges: overflow → inf, ±inf, NaN, ±0.
import {
  expm1_f32x4, log1p_f32x4, log_f32x4, erf_f32x4, pow_f32x4, load_f32x4_n, store_f32x4_n,
} from '../../assembly/simd_math';
import { exp_fwd_f32, sigmoid_fwd_f32, tanh_fwd_f32 } from '../../assembly/activation';
import { zeroBuf, at, erf64 } from './helpers';

const F_EXP = 0;
const F_EXPM1 = 1;
const F_LOG1P = 2;
const F_SIGMOID = 3;
const F_TANH = 4;
const F_LOG = 5;
const F_ERF = 6;

const CHUNK = 4099; // odd: every chunk ends in a 3-lane tail

function apply(f: i32, x: usize, y: usize, n: i32): void {
  if (f == F_EXP) exp_fwd_f32(x, y, n);
  else if (f == F_SIGMOID) sigmoid_fwd_f32(x, y, n);
  else if (f == F_TANH) tanh_fwd_f32(x, y, n);
  else {
    // the v128 helpers, driven through the partial-vector tail helpers
    for (let i = 0; i < n; i += 4) {
      const o = <usize>i << 2;
      const r = min(4, n - i);
      const v = load_f32x4_n(x + o, r);
      store_f32x4_n(y + o, f == F_EXPM1 ? expm1_f32x4(v) : f == F_LOG ? log_f32x4(v) : f == F_ERF ? erf_f32x4(v) : log1p_f32x4(v), r);
    }
  }
}

function ref(f: i32, x: f64): f64 {
  if (f == F_EXP) return Math.exp(x);
  if (f == F_EXPM1) return Math.expm1(x);
  if (f == F_LOG1P) return Math.log1p(x);
  if (f == F_SIGMOID) return 1.0 / (1.0 + Math.exp(-x));
  if (f == F_LOG) return Math.log(x);
  if (f == F_ERF) return erf64(x);
  return Math.tanh(x);
}

function pow1(x: f32, y: f32): f32 {
  return f32x4.extract_lane(pow_f32x4(f32x4.splat(x), f32x4.splat(y)), 0);
}

// Max relative error of f over x = lo, lo + step, … < hi (x rounded to f32); absolute with abs.
function sweep(f: i32, lo: f64, hi: f64, step: f64, abs: bool = false): f64 {
  const x = zeroBuf(CHUNK);
  const y = zeroBuf(CHUNK);
  let worst: f64 = 0;
  let a = lo;
  while (a < hi) {
    let k = 0;
    for (; k < CHUNK && a < hi; k++, a += step) store<f32>(x + (<usize>k << 2), <f32>a);
    apply(f, x, y, k);
    for (let i = 0; i < k; i++) {
      const w = ref(f, <f64>at(x, i));
      const e = Math.abs(<f64>at(y, i) - w) / (abs ? 1 : Math.abs(w));
      if (!(e <= worst)) worst = e;
    }
  }
  heap.free(x); heap.free(y);
  return worst;
}

// f at single points (n = 1: the tail path)
function one(f: i32, v: f32): f32 {
  const x = zeroBuf(1);
  const y = zeroBuf(1);
  store<f32>(x, v);
  apply(f, x, y, 1);
  const r = at(y, 0);
  heap.free(x); heap.free(y);
  return r;
}

function isNegZero(v: f32): bool { return v == 0 && (reinterpret<u32>(v) >> 31) != 0; }

describe('simd_math', () => {
  it('exp: relative error ≤ 1.2e-7 every 1e-3 over the normal range, and near 0', () => {
    expect(sweep(F_EXP, -87.33, 88.72, 1e-3)).toBeLessThanOrEqual(1.2e-7);
    expect(sweep(F_EXP, -1, 1, 1.3e-5)).toBeLessThanOrEqual(1.2e-7);
  });

  it('exp: denormal results within one denormal ulp, then 0', () => {
    const x = zeroBuf(CHUNK);
    const y = zeroBuf(CHUNK);
    let worst: f64 = 0;
    let a: f64 = -104.5;
    while (a < -87.33) {
      let k = 0;
      for (; k < CHUNK && a < -87.33; k++, a += 1e-4) store<f32>(x + (<usize>k << 2), <f32>a);
      exp_fwd_f32(x, y, k);
      for (let i = 0; i < k; i++) {
        const e = Math.abs(<f64>at(y, i) - Math.exp(<f64>at(x, i)));
        if (!(e <= worst)) worst = e;
      }
    }
    expect(worst).toBeLessThanOrEqual(1.401298464324817e-45);
    expect(one(F_EXP, -104)).toBe(0);
    expect(one(F_EXP, -1000)).toBe(0);
    // the smallest denormal, e^-103.97 ≈ 1.4e-45
    expect(one(F_EXP, -103.97)).toBe(1.401298464324817e-45);
    heap.free(x); heap.free(y);
  });

  it('exp: overflow, infinities, NaN, zeros', () => {
    expect(one(F_EXP, 88.72283935546875)).toBe(Infinity); // first f32 above ln(FLT_MAX)
    expect(one(F_EXP, 88.72283172607422)).toBe(<f32>Math.exp(88.72283172607422)); // last below
    expect(one(F_EXP, 88)).toBe(<f32>Math.exp(88));
    expect(one(F_EXP, -88)).toBe(<f32>Math.exp(-88));
    expect(one(F_EXP, 1000)).toBe(Infinity);
    expect(one(F_EXP, Infinity)).toBe(Infinity);
    expect(one(F_EXP, -Infinity)).toBe(0);
    expect(isNaN(one(F_EXP, NaN))).toBe(true);
    expect(one(F_EXP, 0)).toBe(1);
    expect(one(F_EXP, -0.0)).toBe(1);
  });

  it('expm1: relative error ≤ 1.5e-7, exact for tiny x, −1 and inf at the ends', () => {
    expect(sweep(F_EXPM1, -30, 88.72, 1e-3)).toBeLessThanOrEqual(1.5e-7);
    expect(sweep(F_EXPM1, -1, 1, 1.3e-5)).toBeLessThanOrEqual(1.5e-7);
    expect(sweep(F_EXPM1, -1e-3, 1e-3, 1.3e-8)).toBeLessThanOrEqual(1.5e-7);
    expect(one(F_EXPM1, 1e-30)).toBe(1e-30);
    expect(one(F_EXPM1, 88.7228)).toBe(<f32>Math.expm1(<f64><f32>88.7228)); // finite, n = 128 path
    expect(one(F_EXPM1, 88.72283935546875)).toBe(Infinity);
    expect(one(F_EXPM1, Infinity)).toBe(Infinity);
    expect(one(F_EXPM1, -Infinity)).toBe(-1);
    expect(one(F_EXPM1, -100)).toBe(-1);
    expect(isNaN(one(F_EXPM1, NaN))).toBe(true);
  });

  it('log1p on [−0.5, 1]: relative error ≤ 2.4e-7, tiny u exact', () => {
    expect(sweep(F_LOG1P, -0.5, 1, 1.1e-6)).toBeLessThanOrEqual(2.4e-7);
    expect(sweep(F_LOG1P, 1e-7, 1e-3, 1.1e-8)).toBeLessThanOrEqual(2.4e-7);
    expect(one(F_LOG1P, 0)).toBe(0);
    expect(one(F_LOG1P, 1e-30)).toBe(1e-30);
    expect(isNaN(one(F_LOG1P, NaN))).toBe(true);
  });

  it('sigmoid: relative error ≤ 2.4e-7 every 1e-3 over [−88, 88]; 0, 1 and NaN at the edges', () => {
    expect(sweep(F_SIGMOID, -87, 88, 1e-3)).toBeLessThanOrEqual(2.4e-7);
    expect(sweep(F_SIGMOID, -1, 1, 1.3e-5)).toBeLessThanOrEqual(2.4e-7);
    expect(one(F_SIGMOID, 0)).toBe(0.5);
    expect(one(F_SIGMOID, Infinity)).toBe(1);
    expect(one(F_SIGMOID, -Infinity)).toBe(0);
    expect(one(F_SIGMOID, 100)).toBe(1);
    // no overflow on the negative side: e^-100 comes out (a denormal), not 0
    expect(Math.abs(<f64>one(F_SIGMOID, -100) - Math.exp(-100.0))).toBeLessThanOrEqual(1.4e-45);
    expect(isNaN(one(F_SIGMOID, NaN))).toBe(true);
  });

  it('tanh: relative error ≤ 2.4e-7 over [−88, 88] and near 0; ±1, ±0 and NaN at the edges', () => {
    expect(sweep(F_TANH, -88, 88, 1e-3)).toBeLessThanOrEqual(2.4e-7);
    expect(sweep(F_TANH, -1e-2, 1e-2, 1.3e-7)).toBeLessThanOrEqual(2.4e-7);
    expect(one(F_TANH, 1e-30)).toBe(1e-30);
    expect(one(F_TANH, -1e-30)).toBe(-1e-30);
    expect(one(F_TANH, 0)).toBe(0);
    expect(isNegZero(one(F_TANH, -0.0))).toBe(true);
    expect(one(F_TANH, Infinity)).toBe(1);
    expect(one(F_TANH, -Infinity)).toBe(-1);
    expect(isNaN(one(F_TANH, NaN))).toBe(true);
  });

  it('log: relative error ≤ 2.4e-7 from the denormals to FLT_MAX; 0, 1, inf, negatives and NaN', () => {
    expect(sweep(F_LOG, 0.5, 2, 3e-7)).toBeLessThanOrEqual(2.4e-7);
    expect(sweep(F_LOG, 1 - 1e-3, 1 + 1e-3, 3e-9)).toBeLessThanOrEqual(2.4e-7);
    for (let e = -149; e < 128; e++) {
      const b = Math.pow(2, <f64>e);
      expect(sweep(F_LOG, b, b * 2, b / 64)).toBeLessThanOrEqual(2.4e-7);
    }
    expect(one(F_LOG, 1)).toBe(0);
    expect(one(F_LOG, 0)).toBe(-Infinity);
    expect(one(F_LOG, Infinity)).toBe(Infinity);
    expect(isNaN(one(F_LOG, -1))).toBe(true);
    expect(isNaN(one(F_LOG, NaN))).toBe(true);
  });

  it('erf: absolute error ≤ 5e-7 over [−6, 6], relative ≤ 3e-7 near 0; ±1 at the ends, NaN', () => {
    expect(sweep(F_ERF, -6, 6, 2.3e-5, true)).toBeLessThanOrEqual(5e-7);
    expect(sweep(F_ERF, 1e-6, 0.5, 1.1e-6)).toBeLessThanOrEqual(3e-7);
    expect(sweep(F_ERF, -0.5, -1e-6, 1.1e-6)).toBeLessThanOrEqual(3e-7);
    expect(one(F_ERF, 0)).toBe(0);
    expect(one(F_ERF, 10)).toBe(1);
    expect(one(F_ERF, -Infinity)).toBe(-1);
    expect(isNaN(one(F_ERF, NaN))).toBe(true);
  });

  it('pow: x^y within 1e-6 relative on a grid, signs of odd powers, NaN for negative x^fraction, x^0 = 1', () => {
    let worst: f64 = 0;
    for (let i = 1; i <= 40; i++)
      for (let j = -12; j <= 12; j++) {
        const x = <f32>(i * 0.173);
        const y = <f32>(j * 0.37);
        const w = Math.pow(<f64>x, <f64>y);
        const e = Math.abs(<f64>pow1(x, y) - w) / w;
        if (!(e <= worst)) worst = e;
      }
    expect(worst).toBeLessThanOrEqual(1e-6);
    expect(pow1(-2, 3)).toBeCloseTo(-8, 5);
    expect(pow1(-2, 2)).toBeCloseTo(4, 5);
    expect(isNaN(pow1(-2, 0.5))).toBe(true);
    expect(pow1(0, 2)).toBe(0);
    expect(pow1(0, -1)).toBe(Infinity);
    expect(pow1(0, 0)).toBe(1);
    expect(pow1(NaN, 0)).toBe(1);
  });

  it('partial-vector load/store touch only the requested lanes', () => {
    const p = zeroBuf(8);
    for (let r = 1; r <= 4; r++) {
      for (let i = 0; i < 8; i++) store<f32>(p + (<usize>i << 2), <f32>(i + 1));
      const v = load_f32x4_n(p, r);
      for (let l = 0; l < 4; l++) {
        const want: f32 = l < r ? <f32>(l + 1) : 0;
        const got = l == 0 ? f32x4.extract_lane(v, 0) : l == 1 ? f32x4.extract_lane(v, 1)
          : l == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3);
        expect(got).toBe(want);
      }
      store_f32x4_n(p + 16, f32x4.splat(-1), r);
      for (let i = 0; i < 4; i++) expect(at(p, i)).toBe(<f32>(i + 1));
      for (let i = 0; i < 4; i++) expect(at(p, 4 + i)).toBe(i < r ? -1 : <f32>(i + 5));
    }
    heap.free(p);
  });
});
