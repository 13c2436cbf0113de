// Batch norm, dropout, group norm (layer norm as G = 1, P = 1; instance norm as G = C) and
// local response normalisation against f64 scalar references; channel counts hit every tail;
// guard after every output; the training-mode backward against central differences of the
// f64 forward that recomputes the batch statistics (L = Σ y·g).
import {
  batchnorm_stats_f32, batchnorm_invstd_f32, batchnorm_running_update_f32, batchnorm_fwd_f32,
  batchnorm_bwd_f32, dropout_fwd_f32, dropout_bwd_f32,
  groupnorm_stats_f32, groupnorm_fwd_f32, groupnorm_bwd_f32, lrn_fwd_f32, lrn_bwd_f32,
} from '../../assembly/norm';
import { seed, rnd, randBuf, zeroBuf, outBuf, at, close, guarded, GUARD } from './helpers';

const ROWS: i32[] = [1, 3, 7, 33];
const CS: i32[] = [1, 3, 5, 7, 17, 33];
const EPS: f32 = 1e-5;



// Input column c: offset + spread·u. big: offsets up to 100 with spread 0.1, so that
// mean ≫ std (the statistics must survive it). Otherwise |mean|/std ≤ 10: the kernels take
// the mean as f32, and its rounding (2^-24·|mean|) enters dx and dgamma amplified by
// |mean|/std, by ~1e-3 relative at mean 100, std 0.06, rows 3 (as in any f32 batch norm).
function inputs(rows: i32, C: i32, big: bool): usize {
  const x = zeroBuf(rows * C);
  for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) {
    const off: f32 = c % 3 == 0 ? (big ? 100 : 1) : c % 3 == 1 ? -2 : 0;
    const spread: f32 = c % 2 == 0 ? 0.1 : 3;
    store<f32>(x + (<usize>(r * C + c) << 2), off + spread * rnd());
  }
  return x;
}

// x[r, c] as f64 with x[pi] replaced by x[pi] + d
function xv(x: usize, i: i32, pi: i32, d: f64): f64 { return <f64>at(x, i) + (i == pi ? d : 0); }

let refVar: f64 = 0;
function refMean(x: usize, rows: i32, C: i32, c: i32, pi: i32, d: f64): f64 {
  let s: f64 = 0;
  for (let r = 0; r < rows; r++) s += xv(x, r * C + c, pi, d);
  const m = s / <f64>rows;
  let v: f64 = 0;
  for (let r = 0; r < rows; r++) { const e = xv(x, r * C + c, pi, d) - m; v += e * e; }
  refVar = v / <f64>rows;
  return m;
}

// Σ_r g·y over channel c of the training-mode forward, with x[pi] += dx_, gamma[c] += dg,
// beta[c] += db.
function refL(x: usize, g: usize, gamma: usize, beta: usize, rows: i32, C: i32, c: i32,
              pi: i32, dx_: f64, dg: f64, db: f64): f64 {
  const m = refMean(x, rows, C, c, pi, dx_);
  const is = 1.0 / Math.sqrt(refVar + <f64>EPS);
  let L: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const y = (xv(x, r * C + c, pi, dx_) - m) * is * (<f64>at(gamma, c) + dg) + <f64>at(beta, c) + db;
    L += <f64>at(g, r * C + c) * y;
  }
  return L;
}

describe('batchnorm', () => {
  it('stats: mean and biased variance match two-pass f64, guards untouched', () => {
    seed(31);
    for (let a = 0; a < ROWS.length; a++) for (let b = 0; b < CS.length; b++) {
      const rows = ROWS[a];
      const C = CS[b];
      const x = inputs(rows, C, true);
      const mean = guarded(C);
      const var_ = guarded(C);
      batchnorm_stats_f32(x, mean, var_, rows, C);
      let bad = 0;
      for (let c = 0; c < C; c++) {
        const m = refMean(x, rows, C, c, -1, 0);
        if (!close(<f64>at(mean, c), m, 1e-7, 1e-7)) bad++;
        // mean 100 with std 0.06: var to 1e-6 relative needs the two-pass form
        if (!close(<f64>at(var_, c), refVar, 1e-12, 1e-6)) { bad++; trace('var', 3, <f64>c, <f64>at(var_, c), refVar); }
      }
      expect(bad).toBe(0);
      expect(at(mean, C)).toBe(GUARD);
      expect(at(var_, C)).toBe(GUARD);
      heap.free(x); heap.free(mean); heap.free(var_);
    }
  });

  it('invstd and running update', () => {
    const C = 7;
    const var_ = randBuf(C);
    for (let c = 0; c < C; c++) store<f32>(var_ + (<usize>c << 2), Mathf.abs(at(var_, c)));
    const invstd = guarded(C);
    batchnorm_invstd_f32(var_, invstd, C, EPS);
    for (let c = 0; c < C; c++) expect(close(<f64>at(invstd, c), 1.0 / Math.sqrt(<f64>at(var_, c) + <f64>EPS), 0, 1e-7)).toBe(true);
    expect(at(invstd, C)).toBe(GUARD);
    const rm = randBuf(C);
    const rv = randBuf(C);
    const rm0 = zeroBuf(C);
    const rv0 = zeroBuf(C);
    memory.copy(rm0, rm, C << 2);
    memory.copy(rv0, rv, C << 2);
    const mean = randBuf(C);
    batchnorm_running_update_f32(rm, rv, mean, var_, C, 0.1, 5);
    for (let c = 0; c < C; c++) {
      expect(close(<f64>at(rm, c), 0.9 * <f64>at(rm0, c) + 0.1 * <f64>at(mean, c), 1e-7, 1e-6)).toBe(true);
      expect(close(<f64>at(rv, c), 0.9 * <f64>at(rv0, c) + 0.1 * 1.25 * <f64>at(var_, c), 1e-7, 1e-6)).toBe(true);
    }
    heap.free(var_); heap.free(invstd); heap.free(rm); heap.free(rv); heap.free(rm0); heap.free(rv0); heap.free(mean);
  });

  it('forward matches (x − mean)·invstd·gamma + beta, guard untouched, in place too', () => {
    seed(32);
    for (let a = 0; a < ROWS.length; a++) for (let b = 0; b < CS.length; b++) {
      const rows = ROWS[a];
      const C = CS[b];
      const n = rows * C;
      const x = inputs(rows, C, false);
      const mean = randBuf(C);
      const invstd = randBuf(C);
      const gamma = randBuf(C);
      const beta = randBuf(C);
      const y = guarded(n);
      batchnorm_fwd_f32(x, y, mean, invstd, gamma, beta, rows, C);
      let bad = 0;
      for (let i = 0; i < n; i++) {
        const c = i % C;
        const want = (<f64>at(x, i) - <f64>at(mean, c)) * <f64>at(invstd, c) * <f64>at(gamma, c) + <f64>at(beta, c);
        if (!close(<f64>at(y, i), want, 1e-5, 1e-5)) bad++;
      }
      expect(bad).toBe(0);
      expect(at(y, n)).toBe(GUARD);
      batchnorm_fwd_f32(x, x, mean, invstd, gamma, beta, rows, C);
      for (let i = 0; i < n; i++) if (at(x, i) != at(y, i)) bad++;
      expect(bad).toBe(0);
      heap.free(x); heap.free(mean); heap.free(invstd); heap.free(gamma); heap.free(beta); heap.free(y);
    }
  });

  it('training backward (dx, dgamma, dbeta) matches central differences with batch statistics', () => {
    seed(33);
    const h: f64 = 1e-4;
    for (let a = 0; a < ROWS.length; a++) for (let b = 0; b < CS.length; b++) {
      const rows = ROWS[a];
      const C = CS[b];
      const n = rows * C;
      const x = inputs(rows, C, false);
      const mean = zeroBuf(C);
      const var_ = zeroBuf(C);
      const invstd = zeroBuf(C);
      batchnorm_stats_f32(x, mean, var_, rows, C);
      batchnorm_invstd_f32(var_, invstd, C, EPS);
      const gamma = randBuf(C);
      const beta = randBuf(C);
      const g = randBuf(n);
      const dx = guarded(n);
      const dgamma = guarded(C);
      const dbeta = guarded(C);
      batchnorm_bwd_f32(x, g, mean, invstd, gamma, dx, dgamma, dbeta, rows, C);
      let bad = 0;
      for (let i = 0; i < n; i++) {
        const c = i % C;
        // scale h with the channel's spread so the step stays small relative to std
        const hh = h * (c % 2 == 0 ? 0.1 : 3);
        const want = (refL(x, g, gamma, beta, rows, C, c, i, hh, 0, 0) - refL(x, g, gamma, beta, rows, C, c, i, -hh, 0, 0)) / (2 * hh);
        if (!close(<f64>at(dx, i), want, 1e-4, 1e-4)) { bad++; trace('dx', 4, <f64>rows, <f64>C, <f64>at(dx, i), want); }
      }
      for (let c = 0; c < C; c++) {
        const wg = (refL(x, g, gamma, beta, rows, C, c, -1, 0, h, 0) - refL(x, g, gamma, beta, rows, C, c, -1, 0, -h, 0)) / (2 * h);
        const wb = (refL(x, g, gamma, beta, rows, C, c, -1, 0, 0, h) - refL(x, g, gamma, beta, rows, C, c, -1, 0, 0, -h)) / (2 * h);
        if (!close(<f64>at(dgamma, c), wg, 1e-5, 1e-5)) { bad++; trace('dgamma', 3, <f64>c, <f64>at(dgamma, c), wg); }
        if (!close(<f64>at(dbeta, c), wb, 1e-5, 1e-5)) { bad++; trace('dbeta', 3, <f64>c, <f64>at(dbeta, c), wb); }
      }
      expect(bad).toBe(0);
      expect(at(dx, n)).toBe(GUARD);
      expect(at(dgamma, C)).toBe(GUARD);
      expect(at(dbeta, C)).toBe(GUARD);
      // dx may alias dy
      batchnorm_bwd_f32(x, g, mean, invstd, gamma, g, dgamma, dbeta, rows, C);
      for (let i = 0; i < n; i++) if (at(g, i) != at(dx, i)) bad++;
      expect(bad).toBe(0);
      heap.free(x); heap.free(mean); heap.free(var_); heap.free(invstd); heap.free(gamma);
      heap.free(beta); heap.free(g); heap.free(dx); heap.free(dgamma); heap.free(dbeta);
    }
  });
});

describe('dropout', () => {
  it('keeps ≈ 1 − p, scales kept values by 1/(1 − p), mask agrees, deterministic per seed', () => {
    const sizes: i32[] = [1, 3, 5, 7, 17, 33, 20001];
    for (let s = 0; s < sizes.length; s++) {
      const n = sizes[s];
      const x = randBuf(n);
      const y = guarded(n);
      const mask = heap.alloc(<usize>n + 1);
      store<u8>(mask + n, 77);
      const p: f32 = 0.3;
      dropout_fwd_f32(x, y, mask, n, p, 1234);
      const scale: f32 = <f32>(1.0 / (1.0 - <f64>p));
      let kept = 0;
      let bad = 0;
      for (let i = 0; i < n; i++) {
        const m = load<u8>(mask + i);
        if (m > 1) bad++;
        if (m == 1) { kept++; if (at(y, i) != at(x, i) * scale) bad++; }
        else if (at(y, i) != 0) bad++;
      }
      expect(bad).toBe(0);
      expect(at(y, n)).toBe(GUARD);
      expect(load<u8>(mask + n)).toBe(77);
      if (n > 10000) {
        // σ of the kept fraction is 0.0032 here: ±0.02 is over 6σ
        expect(Math.abs(<f64>kept / <f64>n - 0.7)).toBeLessThan(0.02);
      }
      // same seed, same mask (and in place)
      const mask2 = heap.alloc(<usize>n);
      dropout_fwd_f32(x, x, mask2, n, p, 1234);
      for (let i = 0; i < n; i++) if (load<u8>(mask2 + i) != load<u8>(mask + i) || at(x, i) != at(y, i)) bad++;
      expect(bad).toBe(0);
      heap.free(x); heap.free(y); heap.free(mask); heap.free(mask2);
    }
  });

  it('neighbouring seeds and neighbouring elements are uncorrelated', () => {
    const n = 40000;
    const x = zeroBuf(n);
    const y = zeroBuf(n);
    const m1 = heap.alloc(<usize>n);
    const m2 = heap.alloc(<usize>n);
    dropout_fwd_f32(x, y, m1, n, 0.5, 7);
    dropout_fwd_f32(x, y, m2, n, 0.5, 8);
    let agree = 0;
    let nextAgree = 0;
    for (let i = 0; i < n; i++) {
      if (load<u8>(m1 + i) == load<u8>(m2 + i)) agree++;
      if (i + 1 < n && load<u8>(m1 + i) == load<u8>(m1 + i + 1)) nextAgree++;
    }
    // independent masks with p = 0.5 agree half the time; σ = 0.0025
    expect(Math.abs(<f64>agree / <f64>n - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(<f64>nextAgree / <f64>(n - 1) - 0.5)).toBeLessThan(0.015);
    heap.free(x); heap.free(y); heap.free(m1); heap.free(m2);
  });

  it('p = 0 is the identity, p = 1 drops everything (no NaN)', () => {
    const n = 7;
    const x = randBuf(n);
    store<f32>(x, 0);
    const y = zeroBuf(n);
    const mask = heap.alloc(<usize>n);
    dropout_fwd_f32(x, y, mask, n, 0, 5);
    for (let i = 0; i < n; i++) { expect(at(y, i)).toBe(at(x, i)); expect(load<u8>(mask + i)).toBe(1); }
    dropout_fwd_f32(x, y, mask, n, 1, 5);
    for (let i = 0; i < n; i++) { expect(reinterpret<u32>(at(y, i))).toBe(0); expect(load<u8>(mask + i)).toBe(0); }
    heap.free(x); heap.free(y); heap.free(mask);
  });

  it('backward matches central differences of the forward with its mask fixed', () => {
    const sizes: i32[] = [1, 3, 5, 7, 17, 33];
    const h: f64 = 1e-3;
    for (let s = 0; s < sizes.length; s++) {
      const n = sizes[s];
      const x = randBuf(n);
      const y = zeroBuf(n);
      const mask = heap.alloc(<usize>n);
      const p: f32 = 0.4;
      dropout_fwd_f32(x, y, mask, n, p, 99);
      const scale: f32 = <f32>(1.0 / (1.0 - <f64>p));
      const g = randBuf(n);
      const dx = guarded(n);
      dropout_bwd_f32(g, mask, dx, n, scale);
      let bad = 0;
      for (let i = 0; i < n; i++) {
        const k: f64 = load<u8>(mask + i) ? <f64>scale : 0;
        const xi = <f64>at(x, i);
        const want = <f64>at(g, i) * ((xi + h) * k - (xi - h) * k) / (2 * h);
        if (!close(<f64>at(dx, i), want, 1e-6, 1e-6)) bad++;
      }
      expect(bad).toBe(0);
      expect(at(dx, n)).toBe(GUARD);
      heap.free(x); heap.free(y); heap.free(mask); heap.free(g); heap.free(dx);
    }
  });
});

// [N, P, C, G] cases: layer norm rows, group norm, instance norm, group widths 1–9
const CASES: i32[] = [
  3, 1, 7, 1, 2, 1, 33, 1, 1, 5, 6, 2, 2, 3, 12, 4, 2, 7, 10, 5, 1, 4, 27, 3, 2, 5, 5, 5, 1, 9, 18, 2, 2, 2, 9, 1,
];

function ref64(x: usize, n: i32, g: i32, P: i32, C: i32, G: i32): Float64Array {
  const Cg = C / G;
  let s: f64 = 0;
  for (let p = 0; p < P; p++) for (let c = 0; c < Cg; c++) s += <f64>at(x, (n * P + p) * C + g * Cg + c);
  const M = <f64>(P * Cg);
  const m = s / M;
  let v: f64 = 0;
  for (let p = 0; p < P; p++) for (let c = 0; c < Cg; c++) {
    const d = <f64>at(x, (n * P + p) * C + g * Cg + c) - m;
    v += d * d;
  }
  const r = new Float64Array(2);
  r[0] = m;
  r[1] = 1 / Math.sqrt(v / M + 1e-5);
  return r;
}

describe('groupnorm', () => {
  it('statistics, forward (with and without affine) and backward match f64 references', () => {
    seed(21);
    for (let t = 0; t < CASES.length / 4; t++) {
      const N = CASES[t * 4];
      const P = CASES[t * 4 + 1];
      const C = CASES[t * 4 + 2];
      const G = CASES[t * 4 + 3];
      const Cg = C / G;
      const n = N * P * C;
      const x = randBuf(n);
      for (let i = 0; i < n; i++) store<f32>(x + (<usize>i << 2), at(x, i) * 3 + <f32>(i % C == 0 ? 2 : 0));
      const gamma = randBuf(C);
      const beta = randBuf(C);
      const dy = randBuf(n);
      const mean = outBuf(N * G);
      const invstd = outBuf(N * G);
      groupnorm_stats_f32(x, mean, invstd, N, P, C, G, 1e-5);
      let bad = 0;
      for (let a = 0; a < N; a++) for (let g = 0; g < G; g++) {
        const r = ref64(x, a, g, P, C, G);
        if (!close(<f64>at(mean, a * G + g), r[0], 1e-6, 1e-6)) bad++;
        if (!close(<f64>at(invstd, a * G + g), r[1], 1e-6, 1e-5)) bad++;
      }
      expect(bad).toBe(0);
      expect(at(mean, N * G)).toBe(GUARD);
      expect(at(invstd, N * G)).toBe(GUARD);
      for (let affine = 0; affine < 2; affine++) {
        const y = outBuf(n);
        const dx = outBuf(n);
        const dg = outBuf(C);
        const db = outBuf(C);
        groupnorm_fwd_f32(x, y, mean, invstd, affine ? gamma : 0, affine ? beta : 0, N, P, C, G);
        groupnorm_bwd_f32(x, dy, mean, invstd, affine ? gamma : 0, dx, affine ? dg : 0, affine ? db : 0, N, P, C, G);
        const wg = new Float64Array(C);
        const wb = new Float64Array(C);
        for (let a = 0; a < N; a++) for (let g = 0; g < G; g++) {
          const r = ref64(x, a, g, P, C, G);
          let sa: f64 = 0;
          let sb: f64 = 0;
          for (let p = 0; p < P; p++) for (let c = g * Cg; c < (g + 1) * Cg; c++) {
            const i = (a * P + p) * C + c;
            const xh = (<f64>at(x, i) - r[0]) * r[1];
            const gh = <f64>at(dy, i) * (affine ? <f64>at(gamma, c) : 1);
            sa += gh;
            sb += gh * xh;
            wg[c] += <f64>at(dy, i) * xh;
            wb[c] += <f64>at(dy, i);
            const want = affine ? xh * <f64>at(gamma, c) + <f64>at(beta, c) : xh;
            if (!close(<f64>at(y, i), want, 1e-5, 1e-5)) bad++;
          }
          const M = <f64>(P * Cg);
          for (let p = 0; p < P; p++) for (let c = g * Cg; c < (g + 1) * Cg; c++) {
            const i = (a * P + p) * C + c;
            const xh = (<f64>at(x, i) - r[0]) * r[1];
            const gh = <f64>at(dy, i) * (affine ? <f64>at(gamma, c) : 1);
            if (!close(<f64>at(dx, i), r[1] * (gh - sa / M - xh * sb / M), 1e-4, 1e-4)) bad++;
          }
        }
        if (affine) for (let c = 0; c < C; c++) {
          if (!close(<f64>at(dg, c), wg[c], 1e-5, 1e-5)) bad++;
          if (!close(<f64>at(db, c), wb[c], 1e-5, 1e-5)) bad++;
        }
        expect(bad).toBe(0);
        expect(at(y, n)).toBe(GUARD);
        expect(at(dx, n)).toBe(GUARD);
        expect(at(dg, C)).toBe(GUARD);
        expect(at(db, C)).toBe(GUARD);
        heap.free(y); heap.free(dx); heap.free(dg); heap.free(db);
      }
      heap.free(x); heap.free(gamma); heap.free(beta); heap.free(dy); heap.free(mean); heap.free(invstd);
    }
  });
});

describe('lrn', () => {
  it('forward and backward match f64 references for odd and even window sizes', () => {
    seed(22);
    const CS: i32[] = [1, 2, 5, 7, 16];
    const SIZES: i32[] = [1, 2, 3, 5, 6];
    for (let a = 0; a < CS.length; a++) for (let b = 0; b < SIZES.length; b++) {
      const P = 3;
      const C = CS[a];
      const size = SIZES[b];
      const alpha: f32 = 0.3;
      const beta: f32 = 0.75;
      const k: f32 = b % 2 == 0 ? 1 : 2;
      const n = P * C;
      const x = randBuf(n);
      const dy = randBuf(n);
      const y = outBuf(n);
      const s = outBuf(n);
      const dx = outBuf(n);
      lrn_fwd_f32(x, y, s, P, C, size, alpha, beta, k);
      lrn_bwd_f32(x, s, dy, dx, P, C, size, alpha, beta);
      // f64 forward of row p with x[q] + d; backward by central differences of L = Σ y·dy
      let bad = 0;
      for (let i = 0; i < n; i++) {
        const p = i / C;
        let yi: f64 = 0;
        const h: f64 = 1e-3;
        let up: f64 = 0;
        let dn: f64 = 0;
        for (let sgn = -1; sgn <= 1; sgn++) {
          let L: f64 = 0;
          for (let c = 0; c < C; c++) {
            let acc: f64 = 0;
            for (let j = max(0, c - size / 2); j <= min(C - 1, c + (size - 1) / 2); j++) {
              const v = <f64>at(x, p * C + j) + (p * C + j == i ? <f64>sgn * h : 0);
              acc += v * v;
            }
            const xv = <f64>at(x, p * C + c) + (p * C + c == i ? <f64>sgn * h : 0);
            const yv = xv * Math.pow(<f64>k + <f64>alpha / <f64>size * acc, -<f64>beta);
            if (sgn == 0 && p * C + c == i) yi = yv;
            L += yv * <f64>at(dy, p * C + c);
          }
          if (sgn == 1) up = L;
          if (sgn == -1) dn = L;
        }
        if (!close(<f64>at(y, i), yi, 1e-6, 1e-6)) bad++;
        if (!close(<f64>at(dx, i), (up - dn) / (2 * h), 1e-4, 1e-4)) bad++;
      }
      expect(bad).toBe(0);
      expect(at(y, n)).toBe(GUARD);
      expect(at(s, n)).toBe(GUARD);
      expect(at(dx, n)).toBe(GUARD);
      heap.free(x); heap.free(dy); heap.free(y); heap.free(s); heap.free(dx);
    }
  });
});
