import { gemm_f32, gemm_f32_scratch_bytes, gemm_f32_max_scratch_bytes, gemm_prepacked_f32, gemm_prepacked_f32_scratch_bytes,
  gemm_weights_f32, gemm_weights_f32_bytes } from '../../assembly/gemm';
import { seed, rnd, randBuf, copyBuf, at } from './helpers';
import { epilogue_f32x4 } from '../../assembly/conv_common';

const SIZES: i32[] = [1, 3, 7, 17, 33, 100];
const GUARD: f32 = 777.25;

// f32 accumulation over K terms can be off by about K·eps·Σ|terms| (eps = 2^-24); a wrong
// index or a missing term is off by the size of a term, far above this bound.
const EPS: f64 = 5.96e-8;

// Runs one case against a scalar f64 triple loop and returns the number of mismatches
// (elements out of tolerance, or guards / scratch tail changed).
function checkCase(tA: i32, tB: i32, M: i32, N: i32, K: i32, alpha: f32, beta: f32,
  useBias: bool, act: i32, padA: i32, padB: i32, padC: i32): i32 {
  const lda = (tA != 0 ? M : K) + padA;
  const ldb = (tB != 0 ? K : N) + padB;
  const ldc = N + padC;
  const rowsA = tA != 0 ? K : M;
  const rowsB = tB != 0 ? N : K;
  const a = randBuf(max(rowsA * lda, 1));
  const b = randBuf(max(rowsB * ldb, 1));
  const bias = useBias ? randBuf(N) : 0;
  // C with one guard before it and one guard row after it; gaps between rows are guards too.
  const cLen = M * ldc + ldc + 1;
  const cbuf = heap.alloc(<usize>cLen << 2);
  for (let i = 0; i < cLen; i++) store<f32>(cbuf + (<usize>i << 2), GUARD);
  const c = cbuf + 4;
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++)
      store<f32>(c + ((<usize>i * ldc + j) << 2), beta == 0 ? NaN : rnd());
  const c0 = heap.alloc(<usize>cLen << 2);
  memory.copy(c0, cbuf, <usize>cLen << 2);
  const sbytes = gemm_f32_scratch_bytes(M, N, K);
  const scratch = heap.alloc(sbytes + 16);
  store<f32>(scratch + sbytes, GUARD);

  gemm_f32(tA, tB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, bias, act, 0, 0, 0, scratch);

  let bad = 0;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let want: f64 = 0;
      let mag: f64 = 0;
      for (let k = 0; k < K; k++) {
        const av = <f64>at(a, tA != 0 ? k * lda + i : i * lda + k);
        const bv = <f64>at(b, tB != 0 ? j * ldb + k : k * ldb + j);
        want += av * bv;
        mag += Math.abs(av * bv);
      }
      want *= <f64>alpha;
      mag *= Math.abs(<f64>alpha);
      if (beta != 0) {
        const cv = <f64>beta * <f64>at(c0, 1 + i * ldc + j);
        want += cv;
        mag += Math.abs(cv);
      }
      if (useBias) {
        want += <f64>at(bias, j);
        mag += Math.abs(<f64>at(bias, j));
      }
      if (act == 1 && want < 0) want = 0;
      const got = <f64>at(c, i * ldc + j);
      const tol = <f64>(K + 3) * EPS * (mag + 1e-30);
      if (!(Math.abs(got - want) <= tol)) bad++;
    }
    for (let j = N; j < ldc; j++) if (at(c, i * ldc + j) != GUARD) bad++;
  }
  if (at(cbuf, 0) != GUARD) bad++;
  for (let j = 0; j < ldc; j++) if (at(c, M * ldc + j) != GUARD) bad++;
  if (load<f32>(scratch + sbytes) != GUARD) bad++;
  heap.free(a); heap.free(b); if (useBias) heap.free(bias);
  heap.free(cbuf); heap.free(c0); heap.free(scratch);
  return bad;
}

describe('gemm_f32', () => {
  it('matches a scalar f64 triple loop over all sizes, transposes, alpha/beta, bias, ReLU, strides', () => {
    seed(12345);
    let cases = 0;
    let failed = 0;
    for (let mi = 0; mi < SIZES.length; mi++)
      for (let ni = 0; ni < SIZES.length; ni++)
        for (let ki = 0; ki < SIZES.length; ki++)
          for (let t = 0; t < 4; t++) {
            // Cycle the options with the case number so every combination occurs.
            const v = cases;
            const beta: f32 = v % 3 == 0 ? 0 : v % 3 == 1 ? 1 : -0.5;
            const alpha: f32 = (v / 3) % 2 == 0 ? 1 : 0.75;
            const useBias = (v / 6) % 2 == 1;
            const act = (v / 12) % 2;
            const pad = (v / 24) % 2 == 0 ? 0 : 3;
            const bad = checkCase(t & 1, t >> 1, SIZES[mi], SIZES[ni], SIZES[ki],
              alpha, beta, useBias, act, pad, pad == 0 ? 5 : 0, pad == 0 ? 1 : 2);
            if (bad != 0) failed++;
            cases++;
          }
    expect(cases).toBe(864);
    expect(failed).toBe(0);
  });

  it('spans several k-blocks, row blocks and column blocks', () => {
    seed(777);
    let failed = 0;
    for (let t = 0; t < 4; t++) {
      // K = 300 > the 256 k-block; M = 300 > the 128-row block (and not a multiple of 4).
      failed += checkCase(t & 1, t >> 1, 301, 19, 300, 0.5, t == 3 ? 0 : 1, true, 1, 1, 2, 3);
      // N = 1030 > the 1024-column block.
      failed += checkCase(t & 1, t >> 1, 5, 1030, 9, 1, -2, t == 0, 0, 0, 1, 0);
    }
    expect(failed).toBe(0);
  });

  it('every epilogue activation gives the bits of the product, then + bias + residual, then epilogue_f32x4', () => {
    // The write-back's activations are inline (full tiles) and out of line (edge blocks):
    // both must be the formulas of conv_common.ts. M and N hit the row and column edges.
    seed(2468);
    const M = 13, N = 21, K = 9;
    const a = randBuf(M * K), b = randBuf(K * N), bias = randBuf(N), res = randBuf(M * N);
    for (let i = 0; i < M * K; i++) store<f32>(a + (<usize>i << 2), at(a, i) * 8);  // values past ±6
    const plain = heap.alloc(<usize>M * N << 2), got = heap.alloc(<usize>M * N << 2);
    const sc = heap.alloc(gemm_f32_scratch_bytes(M, N, K));
    gemm_f32(0, 0, M, N, K, 1, a, K, b, N, 0, plain, N, 0, 0, 0, 0, 0, sc);
    let diff = 0;
    for (let act = 0; act <= 6; act++) {
      const p0: f32 = act == 2 ? -0.5 : act == 4 ? 0.2 : 0.1, p1: f32 = act == 2 ? 6 : 0.5;
      gemm_f32(0, 0, M, N, K, 1, a, K, b, N, 0, got, N, bias, act, p0, p1, res, sc);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          const o = (<usize>(i * N + j)) << 2;
          const v = f32x4.splat(load<f32>(plain + o) + at(bias, j) + load<f32>(res + o));
          const want = f32x4.extract_lane(epilogue_f32x4(act, v, f32x4.splat(p0), f32x4.splat(p1)), 0);
          if (reinterpret<u32>(want) != load<u32>(got + o)) diff++;
        }
    }
    expect(diff).toBe(0);
    heap.free(a); heap.free(b); heap.free(bias); heap.free(res); heap.free(plain); heap.free(got); heap.free(sc);
  });

  it('fewer than 4 rows (accumulated along the rows of B) give the bits of those rows in a taller product', () => {
    // Rows i of a 7-row product go through 4-row tiles on packed panels; the same rows alone
    // (M = 1..3) take the row path: every element must be the same float. K spans k-blocks,
    // N the 1024-column block and a tail of 4 lanes.
    seed(8642);
    const Ns: i32[] = [1, 6, 13, 1031];
    const Ks: i32[] = [1, 7, 300, 530];
    let diff = 0;
    for (let ni = 0; ni < Ns.length; ni++)
      for (let ki = 0; ki < Ks.length; ki++)
        for (let tA = 0; tA < 2; tA++) {
          const N = Ns[ni], K = Ks[ki], M = 7;
          const a = randBuf(M * K), b = randBuf(K * N), bias = randBuf(N), res = randBuf(M * N);
          const c0 = randBuf(M * N), tall = copyBuf(c0, M * N), rows = copyBuf(c0, M * N);
          const beta: f32 = ki == 0 ? 0 : ki == 1 ? 1 : -0.5;
          const alpha: f32 = tA == 0 ? 1 : 0.75;
          const act = (ni + ki) % 7;
          const lda = tA != 0 ? M : K;
          let sc = heap.alloc(gemm_f32_scratch_bytes(M, N, K));
          gemm_f32(tA, 0, M, N, K, alpha, a, lda, b, N, beta, tall, N, bias, act, 0.25, 0.5, res, sc);
          heap.free(sc);
          for (let i0 = 0; i0 < M; ) {
            const m = min(1 + i0 % 3, M - i0);
            sc = heap.alloc(gemm_f32_scratch_bytes(m, N, K));
            const ap = a + (<usize>(tA != 0 ? i0 : i0 * lda) << 2);
            const off = <usize>i0 * N << 2;
            gemm_f32(tA, 0, m, N, K, alpha, ap, lda, b, N, beta, rows + off, N, bias, act, 0.25, 0.5, res + off, sc);
            heap.free(sc);
            i0 += m;
          }
          for (let i = 0; i < M * N; i++) if (load<u32>(tall + (<usize>i << 2)) != load<u32>(rows + (<usize>i << 2))) diff++;
          heap.free(a); heap.free(b); heap.free(bias); heap.free(res); heap.free(c0); heap.free(tall); heap.free(rows);
        }
    expect(diff).toBe(0);
  });

  it('K == 0 gives beta·C (+bias, ReLU) and never reads C when beta == 0', () => {
    seed(99);
    let failed = 0;
    failed += checkCase(0, 0, 7, 17, 0, 1, 0, true, 0, 0, 0, 1);
    failed += checkCase(1, 1, 7, 17, 0, 1, -0.5, true, 1, 0, 0, 1);
    failed += checkCase(0, 1, 3, 9, 0, 2, 1, false, 0, 2, 0, 0);
    expect(failed).toBe(0);
  });

  it('M == 0 or N == 0 leaves C untouched', () => {
    const c = randBuf(8);
    const a = randBuf(8);
    const c0 = at(c, 0);
    gemm_f32(0, 0, 0, 4, 2, 1, a, 2, a, 4, 0, c, 4, 0, 0, 0, 0, 0, 0);
    gemm_f32(0, 0, 2, 0, 2, 1, a, 2, a, 4, 0, c, 4, 0, 0, 0, 0, 0, 0);
    expect(at(c, 0)).toBe(c0);
    heap.free(c); heap.free(a);
  });

  it('a deliberately wrong result is caught (the check can fail)', () => {
    // Sanity of the tolerance: a C one term short of the product is out of tolerance.
    seed(5);
    const a = randBuf(17 * 33);
    const b = randBuf(33 * 7);
    const c = randBuf(17 * 7);
    const scratch = heap.alloc(gemm_f32_scratch_bytes(17, 7, 32));
    gemm_f32(0, 0, 17, 7, 32, 1, a, 33, b, 7, 0, c, 7, 0, 0, 0, 0, 0, scratch); // K short by one
    let mismatched = 0;
    for (let i = 0; i < 17; i++)
      for (let j = 0; j < 7; j++) {
        let want: f64 = 0, mag: f64 = 0;
        for (let k = 0; k < 33; k++) {
          const p = <f64>at(a, i * 33 + k) * <f64>at(b, k * 7 + j);
          want += p; mag += Math.abs(p);
        }
        if (!(Math.abs(<f64>at(c, i * 7 + j) - want) <= 36 * EPS * mag)) mismatched++;
      }
    expect(mismatched).toBeGreaterThan(100);
    heap.free(a); heap.free(b); heap.free(c); heap.free(scratch);
  });
});

// Threads split a GEMM by rows of C (offset A and C) or by columns (offset B, C and bias),
// each part with its own scratch: the parts must give C bit for bit as one call does.
function splitCase(tA: i32, tB: i32, M: i32, N: i32, K: i32, byRows: bool, parts: i32): i32 {
  const lda = tA != 0 ? M : K, ldb = tB != 0 ? K : N;
  const a = randBuf(max(M * K, 1)), b = randBuf(max(K * N, 1)), bias = randBuf(N);
  const want = randBuf(M * N + 1), got = heap.alloc(<usize>(M * N + 1) << 2);
  memory.copy(got, want, <usize>(M * N + 1) << 2);  // same C for beta, same guard after it
  const s0 = gemm_f32_scratch_bytes(M, N, K);
  const scratch = heap.alloc(s0);
  gemm_f32(tA, tB, M, N, K, 0.5, a, lda, b, ldb, -1, want, N, bias, 1, 0, 0, 0, scratch);
  heap.free(scratch);
  const total = byRows ? M : N;
  for (let p = 0; p < parts; p++) {
    const lo = total * p / parts, hi = total * (p + 1) / parts;
    if (lo >= hi) continue;
    const m = byRows ? hi - lo : M, n = byRows ? N : hi - lo;
    const ap = byRows ? a + (<usize>(tA != 0 ? lo : lo * lda) << 2) : a;
    const bp = byRows ? b : b + (<usize>(tB != 0 ? lo * ldb : lo) << 2);
    const cp = got + (<usize>(byRows ? lo * N : lo) << 2);
    const biasp = byRows ? bias : bias + (<usize>lo << 2);
    const bytes = gemm_f32_scratch_bytes(m, n, K);
    const sp = heap.alloc(bytes + 16);
    store<f32>(sp + bytes, GUARD);
    gemm_f32(tA, tB, m, n, K, 0.5, ap, lda, bp, ldb, -1, cp, N, biasp, 1, 0, 0, 0, sp);
    if (load<f32>(sp + bytes) != GUARD) return 1;
    heap.free(sp);
  }
  let diff = 0;
  for (let i = 0; i <= M * N; i++) if (load<u32>(got + (<usize>i << 2)) != load<u32>(want + (<usize>i << 2))) diff++;
  heap.free(a); heap.free(b); heap.free(bias); heap.free(want); heap.free(got);
  return diff;
}

describe('gemm_f32 in parts (threads)', () => {
  it('row and column parts are bit-identical to one call (odd sizes, all transposes)', () => {
    seed(4242);
    const sizes: i32[] = [1, 7, 33, 130, 301];
    let bad = 0;
    for (let i = 0; i < sizes.length; i++)
      for (let t = 0; t < 4; t++) {
        const M = sizes[i], N = sizes[(i + t) % sizes.length], K = sizes[(i + 2) % sizes.length];
        bad += splitCase(t & 1, t >> 1, M, N, K, true, 2);
        bad += splitCase(t & 1, t >> 1, M, N, K, true, 3);
        bad += splitCase(t & 1, t >> 1, M, N, K, false, 2);
        bad += splitCase(t & 1, t >> 1, M, N, K, false, 5);
      }
    expect(bad).toBe(0);
  });

  it('gemm_f32_max_scratch_bytes(M, N, K) covers every smaller M and K', () => {
    const Ms: i32[] = [1, 5, 64, 128, 129, 300, 1000];
    const Ks: i32[] = [0, 1, 9, 256, 257, 600];
    let bad = 0;
    for (let i = 0; i < Ms.length; i++)
      for (let j = 0; j < Ks.length; j++) {
        const M = Ms[i], K = Ks[j];
        const bound = gemm_f32_max_scratch_bytes(M, 37, K);
        for (let m = 1; m <= M; m += max(1, M / 50))
          for (let k = 0; k <= K; k += max(1, K / 40)) if (gemm_f32_scratch_bytes(m, 37, k) > bound) bad++;
        if (gemm_f32_scratch_bytes(M, 37, K) > bound) bad++;
      }
    expect(bad).toBe(0);
  });
});

describe('gemm_prepacked_f32 (B packed once by gemm_weights_f32)', () => {
  it('gives the bits of gemm_f32 and the scalar reference\'s values (odd sizes, k-blocks, the 1024-column block, every epilogue), within its scratch', () => {
    seed(97531);
    const Ms: i32[] = [1, 3, 4, 49, 133];
    const Ns: i32[] = [1, 8, 13, 1030];
    const Ks: i32[] = [1, 5, 16, 300];
    let diff = 0, guards = 0, cases = 0, scalarBad = 0;
    for (let mi = 0; mi < Ms.length; mi++)
      for (let ni = 0; ni < Ns.length; ni++)
        for (let ki = 0; ki < Ks.length; ki++) {
          const M = Ms[mi], N = Ns[ni], K = Ks[ki];
          const lda = K + (mi & 1) * 3, ldb = N + (ni & 1) * 2;
          const a = randBuf(M * lda), b = randBuf(K * ldb), bias = randBuf(N), res = randBuf(M * N);
          const act = cases % 7, useBias = cases % 2 == 0, useRes = cases % 3 != 0;
          cases++;
          const want = randBuf(M * N), got = copyBuf(want, M * N);
          const sc = heap.alloc(gemm_f32_scratch_bytes(M, N, K));
          gemm_f32(0, 0, M, N, K, 1, a, lda, b, ldb, 0, want, N, useBias ? bias : 0, act, 0.25, 0.75, useRes ? res : 0, sc);
          heap.free(sc);
          const wbytes = gemm_weights_f32_bytes(K, N);
          const wp = heap.alloc(wbytes + 16);
          store<f32>(wp + wbytes, GUARD);
          gemm_weights_f32(b, ldb, K, N, wp);
          const sbytes = gemm_prepacked_f32_scratch_bytes(M, N, K);
          const sp = heap.alloc(sbytes + 16);
          store<f32>(sp + sbytes, GUARD);
          gemm_prepacked_f32(M, N, K, a, lda, wp, got, N, useBias ? bias : 0, act, 0.25, 0.75, useRes ? res : 0, sp);
          if (load<f32>(wp + wbytes) != GUARD || load<f32>(sp + sbytes) != GUARD) guards++;
          for (let i = 0; i < M * N; i++) if (load<u32>(want + (<usize>i << 2)) != load<u32>(got + (<usize>i << 2))) diff++;
          // And against the scalar f64 reference where the activation is none or ReLU.
          if (act <= 1) {
            for (let i = 0; i < M; i++)
              for (let j = 0; j < N; j++) {
                let ref: f64 = 0, mag: f64 = 0;
                for (let k = 0; k < K; k++) {
                  const t = <f64>at(a, i * lda + k) * <f64>at(b, k * ldb + j);
                  ref += t; mag += Math.abs(t);
                }
                if (useBias) { ref += <f64>at(bias, j); mag += Math.abs(<f64>at(bias, j)); }
                if (useRes) { ref += <f64>at(res, i * N + j); mag += Math.abs(<f64>at(res, i * N + j)); }
                if (act == 1 && ref < 0) ref = 0;
                if (!(Math.abs(<f64>at(got, i * N + j) - ref) <= <f64>(K + 3) * EPS * (mag + 1e-30))) scalarBad++;
              }
          }
          heap.free(a); heap.free(b); heap.free(bias); heap.free(res); heap.free(want); heap.free(got);
          heap.free(wp); heap.free(sp);
        }
    expect(cases).toBe(80);
    expect(diff).toBe(0);
    expect(guards).toBe(0);
    expect(scalarBad).toBe(0);
  });

  it('gemm_prepacked_f32_scratch_bytes(M, N, K) is enough for every smaller M and K (threaded parts)', () => {
    // Runs the smaller products in the larger one's scratch, a guard after it.
    seed(1357);
    const M = 300, N = 21, K = 600;
    const bytes = gemm_prepacked_f32_scratch_bytes(M, N, K);
    const sp = heap.alloc(bytes + 16);
    const a = randBuf(M * K), b = randBuf(K * N), c = heap.alloc(<usize>M * N << 2);
    const wp = heap.alloc(gemm_weights_f32_bytes(K, N));
    let bad = 0;
    const ms: i32[] = [1, 3, 5, 64, 127, 128, 129, 200, 300];
    const ks: i32[] = [1, 2, 255, 256, 257, 511, 513, 600];
    for (let i = 0; i < ms.length; i++)
      for (let j = 0; j < ks.length; j++) {
        store<f32>(sp + bytes, GUARD);
        gemm_weights_f32(b, N, ks[j], N, wp);
        gemm_prepacked_f32(ms[i], N, ks[j], a, ks[j], wp, c, N, 0, 0, 0, 0, 0, sp);
        if (load<f32>(sp + bytes) != GUARD) bad++;
      }
    expect(bad).toBe(0);
    heap.free(sp); heap.free(a); heap.free(b); heap.free(c); heap.free(wp);
  });
});
