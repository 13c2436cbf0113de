// Batch normalisation over NHWC viewed as [rows, C] (rows = N·H·W), and dropout.
//
// Per-channel reductions walk one 4-channel column block at a time down all rows (stride C),
// keeping their f64 accumulators in registers: no scratch, no mutable state. (Each cache line
// of x is then fetched by up to 4 consecutive blocks; that costs memory traffic only when
// the tensor does not fit in L2.) Elementwise passes run row by row along C. The last C % 4
// channels go through the same code on a partial vector.
import {
  load_f32x4_n, store_f32x4_n, widen_lo, widen_hi, narrow_f64x2,
} from './simd_math';

// Per-channel batch statistics: mean[c] = Σ x / rows and the biased (population) variance
// var[c] = Σ (x − mean)² / rows, as training-mode batch norm uses (for the running variance
// PyTorch stores the unbiased one: batchnorm_running_update_f32 rescales). Two passes, sums
// in f64; the second pass subtracts the f32-rounded mean, whose rounding changes var by
// (mean·2^-24)² at most.
// @ts-ignore: decorator
@inline function stats_block(x: usize, mean: usize, var_: usize, rows: i32, C: i32, c: i32, rem: i32): void {
  const stride = <usize>C << 2;
  const xc = x + (<usize>c << 2);
  const vinv = f64x2.splat(1.0 / <f64>rows);
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  for (let r = 0; r < rows; r++) {
    const v = load_f32x4_n(xc + <usize>r * stride, rem);
    lo = f64x2.add(lo, widen_lo(v));
    hi = f64x2.add(hi, widen_hi(v));
  }
  const m = narrow_f64x2(f64x2.mul(lo, vinv), f64x2.mul(hi, vinv));
  lo = f64x2.splat(0);
  hi = f64x2.splat(0);
  for (let r = 0; r < rows; r++) {
    const d = f32x4.sub(load_f32x4_n(xc + <usize>r * stride, rem), m);
    const d2 = f32x4.mul(d, d);
    lo = f64x2.add(lo, widen_lo(d2));
    hi = f64x2.add(hi, widen_hi(d2));
  }
  store_f32x4_n(mean + (<usize>c << 2), m, rem);
  store_f32x4_n(var_ + (<usize>c << 2), narrow_f64x2(f64x2.mul(lo, vinv), f64x2.mul(hi, vinv)), rem);
}

export function batchnorm_stats_f32(x: usize, mean: usize, var_: usize, rows: i32, C: i32): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) stats_block(x, mean, var_, rows, C, c, 4);
  if (c < C) stats_block(x, mean, var_, rows, C, c, C - c);
}

// invstd[c] = 1 / sqrt(var[c] + eps)
export function batchnorm_invstd_f32(var_: usize, invstd: usize, C: i32, eps: f32): void {
  // C floats once per step: scalar is enough
  for (let c = 0; c < C; c++) {
    const o = <usize>c << 2;
    store<f32>(invstd + o, <f32>(1.0 / Math.sqrt(<f64>load<f32>(var_ + o) + <f64>eps)));
  }
}

// Running averages: run = (1 − momentum)·run + momentum·batch, the variance made unbiased
// by rows / (rows − 1) first (PyTorch's convention; rows = 1 keeps the biased value).
export function batchnorm_running_update_f32(
  runMean: usize, runVar: usize, mean: usize, var_: usize, C: i32, momentum: f32, rows: i32,
): void {
  const unbias: f64 = rows > 1 ? <f64>rows / <f64>(rows - 1) : 1;
  const m = <f64>momentum;
  for (let c = 0; c < C; c++) {
    const o = <usize>c << 2;
    store<f32>(runMean + o, <f32>((1 - m) * <f64>load<f32>(runMean + o) + m * <f64>load<f32>(mean + o)));
    store<f32>(runVar + o, <f32>((1 - m) * <f64>load<f32>(runVar + o) + m * unbias * <f64>load<f32>(var_ + o)));
  }
}

// y = (x − mean)·(invstd·gamma) + beta, per channel. Training passes the batch statistics,
// inference the running ones. y may alias x.
// @ts-ignore: decorator
@inline function fwd_block(
  xr: usize, yr: usize, mean: usize, invstd: usize, gamma: usize, beta: usize, c: i32, rem: i32,
): void {
  const o = <usize>c << 2;
  const s = f32x4.mul(load_f32x4_n(invstd + o, rem), load_f32x4_n(gamma + o, rem));
  const d = f32x4.sub(load_f32x4_n(xr + o, rem), load_f32x4_n(mean + o, rem));
  store_f32x4_n(yr + o, f32x4.add(f32x4.mul(d, s), load_f32x4_n(beta + o, rem)), rem);
}

export function batchnorm_fwd_f32(
  x: usize, y: usize, mean: usize, invstd: usize, gamma: usize, beta: usize, rows: i32, C: i32,
): void {
  const stride = <usize>C << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * stride;
    const yr = y + <usize>r * stride;
    let c = 0;
    for (; c + 4 <= C; c += 4) fwd_block(xr, yr, mean, invstd, gamma, beta, c, 4);
    if (c < C) fwd_block(xr, yr, mean, invstd, gamma, beta, c, C - c);
  }
}

// Column sums for the backward: dbeta = Σ dy, dgamma = invstd·Σ dy·(x − mean).
// @ts-ignore: decorator
@inline function bwd_sums_block(
  x: usize, dy: usize, mean: usize, invstd: usize, dgamma: usize, dbeta: usize,
  rows: i32, C: i32, c: i32, rem: i32,
): void {
  const stride = <usize>C << 2;
  const o = <usize>c << 2;
  const m = load_f32x4_n(mean + o, rem);
  let blo = f64x2.splat(0);
  let bhi = f64x2.splat(0);
  let glo = f64x2.splat(0);
  let ghi = f64x2.splat(0);
  for (let r = 0; r < rows; r++) {
    const p = <usize>r * stride + o;
    const g = load_f32x4_n(dy + p, rem);
    const gd = f32x4.mul(g, f32x4.sub(load_f32x4_n(x + p, rem), m));
    blo = f64x2.add(blo, widen_lo(g));
    bhi = f64x2.add(bhi, widen_hi(g));
    glo = f64x2.add(glo, widen_lo(gd));
    ghi = f64x2.add(ghi, widen_hi(gd));
  }
  store_f32x4_n(dbeta + o, narrow_f64x2(blo, bhi), rem);
  store_f32x4_n(dgamma + o, f32x4.mul(narrow_f64x2(glo, ghi), load_f32x4_n(invstd + o, rem)), rem);
}

// dx for one block of one row (p: byte offset of the row + block), inv = 1/rows.
// @ts-ignore: decorator
@inline function bwd_dx_block(
  x: usize, dy: usize, mean: usize, invstd: usize, gamma: usize, dx: usize, dgamma: usize,
  dbeta: usize, p: usize, c: i32, rem: i32, inv: v128,
): void {
  const o = <usize>c << 2;
  const is = load_f32x4_n(invstd + o, rem);
  const xh = f32x4.mul(f32x4.sub(load_f32x4_n(x + p, rem), load_f32x4_n(mean + o, rem)), is);
  const a = f32x4.mul(load_f32x4_n(dbeta + o, rem), inv);
  const b = f32x4.mul(load_f32x4_n(dgamma + o, rem), inv);
  const t = f32x4.sub(f32x4.sub(load_f32x4_n(dy + p, rem), a), f32x4.mul(xh, b));
  store_f32x4_n(dx + p, f32x4.mul(t, f32x4.mul(load_f32x4_n(gamma + o, rem), is)), rem);
}

// Training-mode backward with batch statistics (mean, invstd of this batch), x̂ = (x − mean)·invstd:
//   dbeta = Σ dy,  dgamma = Σ dy·x̂   (overwritten, not accumulated)
//   dx = gamma·invstd·(dy − dbeta/rows − x̂·dgamma/rows)
// dx may alias dy. The mean arrives as f32: its rounding (2^-24·|mean|) reaches dx and
// dgamma multiplied by |mean|/std (1e-3 relative at |mean|/std ≈ 1700 over 3 rows), as in
// any f32 batch norm.
export function batchnorm_bwd_f32(
  x: usize, dy: usize, mean: usize, invstd: usize, gamma: usize,
  dx: usize, dgamma: usize, dbeta: usize, rows: i32, C: i32,
): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) bwd_sums_block(x, dy, mean, invstd, dgamma, dbeta, rows, C, c, 4);
  if (c < C) bwd_sums_block(x, dy, mean, invstd, dgamma, dbeta, rows, C, c, C - c);
  const inv = f32x4.splat(<f32>(1.0 / <f64>rows));
  for (let r = 0; r < rows; r++) {
    const p = <usize>r * C << 2;
    for (c = 0; c + 4 <= C; c += 4) bwd_dx_block(x, dy, mean, invstd, gamma, dx, dgamma, dbeta, p + (<usize>c << 2), c, 4, inv);
    if (c < C) bwd_dx_block(x, dy, mean, invstd, gamma, dx, dgamma, dbeta, p + (<usize>c << 2), c, C - c, inv);
  }
}

// Dropout. Element i is dropped when the top 24 bits of hash(seed, i) fall below p·2^24:
// a counter-based hash, so the mask depends only on (seed, i, p), needs no RNG state and
// any slice of the array can be computed alone. Hash: lowbias32 (Wellons), applied twice,
// hash(seed, i) = lowbias32(lowbias32(i ^ lowbias32(seed)) + seed): two seeds whose first
// keys collide still diverge in the second round.
// @ts-ignore: decorator
@inline function lowbias32(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(0x846ca68b));
  return v128.xor(x, i32x4.shr_u(x, 16));
}

// One block of dropout forward: elements i .. i + rem − 1.
// @ts-ignore: decorator
@inline function drop_block(
  x: usize, y: usize, mask: usize, i: i32, rem: i32, k1: v128, k2: v128, thr: v128, scale: v128,
): void {
  const idx = i32x4.add(i32x4.splat(i), i32x4(0, 1, 2, 3));
  const h = lowbias32(i32x4.add(lowbias32(v128.xor(idx, k1)), k2));
  const drop = i32x4.lt_s(i32x4.shr_u(h, 8), thr); // top 24 bits: a non-negative i32
  const o = <usize>i << 2;
  store_f32x4_n(y + o, v128.andnot(f32x4.mul(load_f32x4_n(x + o, rem), scale), drop), rem);
  // lanes 0/−1 → kept 1/0 → bytes
  const b = i32x4.add(drop, i32x4.splat(1));
  const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(b, b), b);
  if (rem >= 4) {
    v128.store32_lane(mask + i, bytes, 0);
  } else {
    store<u8>(mask + i, <u8>i8x16.extract_lane_u(bytes, 0));
    if (rem > 1) store<u8>(mask + i + 1, <u8>i8x16.extract_lane_u(bytes, 1));
    if (rem > 2) store<u8>(mask + i + 2, <u8>i8x16.extract_lane_u(bytes, 2));
  }
}

// y = keep ? x / (1 − p) : 0, mask[i] = 1 (kept) or 0, one u8 per element. 0 ≤ p ≤ 1;
// p = 1 drops everything (y = 0). y may alias x.
export function dropout_fwd_f32(x: usize, y: usize, mask: usize, n: i32, p: f32, seed: u32): void {
  const k2 = i32x4.splat(<i32>seed);
  const k1 = lowbias32(k2);
  const thr = i32x4.splat(<i32>(<f64>p * 16777216.0));
  const scale = f32x4.splat(<f32>(1.0 / (1.0 - <f64>p)));
  let i = 0;
  for (; i + 4 <= n; i += 4) drop_block(x, y, mask, i, 4, k1, k2, thr, scale);
  if (i < n) drop_block(x, y, mask, i, n - i, k1, k2, thr, scale);
}

// @ts-ignore: decorator
@inline function drop_bwd_block(dy: usize, mask: usize, dx: usize, i: i32, rem: i32, scale: v128): void {
  let m: v128;
  if (rem >= 4) {
    m = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(mask + i)));
  } else {
    m = i32x4.splat(<i32>load<u8>(mask + i));
    if (rem > 1) m = i32x4.replace_lane(m, 1, <i32>load<u8>(mask + i + 1));
    if (rem > 2) m = i32x4.replace_lane(m, 2, <i32>load<u8>(mask + i + 2));
  }
  const o = <usize>i << 2;
  // bytes 1/0 → lanes −1/0
  store_f32x4_n(dx + o, v128.and(f32x4.mul(load_f32x4_n(dy + o, rem), scale), i32x4.neg(m)), rem);
}

// dx = mask ? dy·scale : 0, with scale = 1/(1 − p) as in the forward. dx may alias dy.
export function dropout_bwd_f32(dy: usize, mask: usize, dx: usize, n: i32, scale: f32): void {
  const vs = f32x4.splat(scale);
  let i = 0;
  for (; i + 4 <= n; i += 4) drop_bwd_block(dy, mask, dx, i, 4, vs);
  if (i < n) drop_bwd_block(dy, mask, dx, i, n - i, vs);
}

// Group normalisation over x viewed as [N, P, C] (P positions, C channels in G groups of
// Cg = C/G adjacent channels): the statistics of (n, g) run over its P·Cg values. Layer norm
// is G = 1 with P = 1 (C the normalised size, gamma per element); instance norm is G = C.
// SIMD along each group's channel run (a partial vector for its last Cg % 4), sums in f64.

// Σ over group (n, g) of (x − m)^pow (pow 1 with m = 0: the sum; pow 2: squared deviations).
// @ts-ignore: decorator
@inline function group_sum(xn: usize, P: i32, C: i32, c0: i32, Cg: i32, m: f32, pow: i32): f64 {
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  const mv = f32x4.splat(m);
  for (let p = 0; p < P; p++) {
    const row = xn + ((<usize>p * C + c0) << 2);
    for (let c = 0; c < Cg; c += 4) {
      const rem = min(4, Cg - c);
      // lanes past rem load as 0: zero them after the subtraction too
      let d = f32x4.sub(load_f32x4_n(row + (<usize>c << 2), rem), mv);
      if (pow == 2) d = f32x4.mul(d, d);
      if (rem < 4) d = v128.and(d, i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(rem)));
      lo = f64x2.add(lo, widen_lo(d));
      hi = f64x2.add(hi, widen_hi(d));
    }
  }
  const t = f64x2.add(lo, hi);
  return f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
}

// mean[n·G + g] and invstd[n·G + g] = 1/sqrt(var + eps), the biased variance, two passes.
export function groupnorm_stats_f32(x: usize, mean: usize, invstd: usize, N: i32, P: i32, C: i32, G: i32, eps: f32): void {
  const Cg = C / G;
  const M = <f64>P * <f64>Cg;
  for (let n = 0; n < N; n++) {
    const xn = x + (<usize>n * P * C << 2);
    for (let g = 0; g < G; g++) {
      const m = <f32>(group_sum(xn, P, C, g * Cg, Cg, 0, 1) / M);
      const v = group_sum(xn, P, C, g * Cg, Cg, m, 2) / M;
      const o = <usize>(n * G + g) << 2;
      store<f32>(mean + o, m);
      store<f32>(invstd + o, <f32>(1.0 / Math.sqrt(v + <f64>eps)));
    }
  }
}

// y = (x − mean)·invstd·gamma[c] + beta[c] (gamma = 0: 1, beta = 0: 0). y may alias x.
export function groupnorm_fwd_f32(
  x: usize, y: usize, mean: usize, invstd: usize, gamma: usize, beta: usize, N: i32, P: i32, C: i32, G: i32,
): void {
  const Cg = C / G;
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const o = <usize>(n * G + g) << 2;
      const m = f32x4.splat(load<f32>(mean + o));
      const is = f32x4.splat(load<f32>(invstd + o));
      for (let p = 0; p < P; p++) {
        const base = (<usize>(n * P + p) * C + g * Cg) << 2;
        for (let c = 0; c < Cg; c += 4) {
          const rem = min(4, Cg - c);
          const cb = <usize>(g * Cg + c) << 2;
          let v = f32x4.mul(f32x4.sub(load_f32x4_n(x + base + (<usize>c << 2), rem), m), is);
          if (gamma) v = f32x4.mul(v, load_f32x4_n(gamma + cb, rem));
          if (beta) v = f32x4.add(v, load_f32x4_n(beta + cb, rem));
          store_f32x4_n(y + base + (<usize>c << 2), v, rem);
        }
      }
    }
  }
}

// Backward, x̂ = (x − mean)·invstd, ĝ = dy·gamma, M = P·Cg values per group:
//   dx = invstd·(ĝ − Σĝ/M − x̂·Σĝx̂/M)  (sums over the group, in f64)
//   dgamma[c] = Σ_{n,p} dy·x̂, dbeta[c] = Σ_{n,p} dy  (overwritten; 0 pointers skip them)
export function groupnorm_bwd_f32(
  x: usize, dy: usize, mean: usize, invstd: usize, gamma: usize,
  dx: usize, dgamma: usize, dbeta: usize, N: i32, P: i32, C: i32, G: i32,
): void {
  const Cg = C / G;
  const invM = 1.0 / (<f64>P * <f64>Cg);
  if (dgamma) memory.fill(dgamma, 0, <usize>C << 2);
  if (dbeta) memory.fill(dbeta, 0, <usize>C << 2);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const o = <usize>(n * G + g) << 2;
      const m = f32x4.splat(load<f32>(mean + o));
      const is = f32x4.splat(load<f32>(invstd + o));
      let alo = f64x2.splat(0);
      let ahi = f64x2.splat(0);
      let blo = f64x2.splat(0);
      let bhi = f64x2.splat(0);
      for (let p = 0; p < P; p++) {
        const base = (<usize>(n * P + p) * C + g * Cg) << 2;
        for (let c = 0; c < Cg; c += 4) {
          const rem = min(4, Cg - c);
          const cb = <usize>(g * Cg + c) << 2;
          const q = base + (<usize>c << 2);
          const d = load_f32x4_n(dy + q, rem); // lanes past rem are 0
          const xh = f32x4.mul(f32x4.sub(load_f32x4_n(x + q, rem), m), is);
          const gh = gamma ? f32x4.mul(d, load_f32x4_n(gamma + cb, rem)) : d;
          const ghx = f32x4.mul(gh, xh);
          alo = f64x2.add(alo, widen_lo(gh));
          ahi = f64x2.add(ahi, widen_hi(gh));
          blo = f64x2.add(blo, widen_lo(ghx));
          bhi = f64x2.add(bhi, widen_hi(ghx));
          if (dgamma) store_f32x4_n(dgamma + cb, f32x4.add(load_f32x4_n(dgamma + cb, rem), f32x4.mul(d, xh)), rem);
          if (dbeta) store_f32x4_n(dbeta + cb, f32x4.add(load_f32x4_n(dbeta + cb, rem), d), rem);
        }
      }
      const at = f64x2.add(alo, ahi);
      const bt = f64x2.add(blo, bhi);
      const a = f32x4.splat(<f32>((f64x2.extract_lane(at, 0) + f64x2.extract_lane(at, 1)) * invM));
      const b = f32x4.splat(<f32>((f64x2.extract_lane(bt, 0) + f64x2.extract_lane(bt, 1)) * invM));
      for (let p = 0; p < P; p++) {
        const base = (<usize>(n * P + p) * C + g * Cg) << 2;
        for (let c = 0; c < Cg; c += 4) {
          const rem = min(4, Cg - c);
          const cb = <usize>(g * Cg + c) << 2;
          const q = base + (<usize>c << 2);
          const xh = f32x4.mul(f32x4.sub(load_f32x4_n(x + q, rem), m), is);
          const d = load_f32x4_n(dy + q, rem);
          const gh = gamma ? f32x4.mul(d, load_f32x4_n(gamma + cb, rem)) : d;
          store_f32x4_n(dx + q, f32x4.mul(is, f32x4.sub(f32x4.sub(gh, a), f32x4.mul(xh, b))), rem);
        }
      }
    }
  }
}

// Local response normalisation across channels (AlexNet, GoogLeNet), x viewed as [P, C]:
//   s[c] = k + alpha/size · Σ_{c' = c − ⌊size/2⌋ … c + ⌊(size − 1)/2⌋} x[c']²  (channels past the
//   ends count as 0, as PyTorch), y = x·s^−beta; s is kept for the backward.
// Scalar in f64: a power per element (exp·log: AssemblyScript's Math.pow keeps a mutable
// global), and a legacy op off the hot paths of today's networks.
export function lrn_fwd_f32(x: usize, y: usize, s: usize, P: i32, C: i32, size: i32, alpha: f32, beta: f32, k: f32): void {
  const lo = size / 2;
  const hi = (size - 1) / 2;
  const a = <f64>alpha / <f64>size;
  for (let p = 0; p < P; p++) {
    const row = <usize>p * C << 2;
    for (let c = 0; c < C; c++) {
      let acc: f64 = 0;
      for (let j = max(0, c - lo); j <= min(C - 1, c + hi); j++) {
        const v = <f64>load<f32>(x + row + (<usize>j << 2));
        acc += v * v;
      }
      const sc = <f64>k + a * acc;
      const o = row + (<usize>c << 2);
      store<f32>(s + o, <f32>sc);
      store<f32>(y + o, <f32>(<f64>load<f32>(x + o) * Math.exp(-<f64>beta * Math.log(sc))));
    }
  }
}

// dx[c] = dy[c]·s[c]^−beta − 2·alpha·beta/size · x[c] · Σ_{c' : c in the window of c'}
// dy[c']·x[c']·s[c']^(−beta−1). dx overwritten (must not alias dy).
export function lrn_bwd_f32(x: usize, s: usize, dy: usize, dx: usize, P: i32, C: i32, size: i32, alpha: f32, beta: f32): void {
  const lo = size / 2;
  const hi = (size - 1) / 2;
  const f = 2.0 * <f64>alpha * <f64>beta / <f64>size;
  for (let p = 0; p < P; p++) {
    const row = <usize>p * C << 2;
    for (let c = 0; c < C; c++) {
      let acc: f64 = 0;
      for (let j = max(0, c - hi); j <= min(C - 1, c + lo); j++) {
        const q = row + (<usize>j << 2);
        acc += <f64>load<f32>(dy + q) * <f64>load<f32>(x + q) * Math.exp((-<f64>beta - 1) * Math.log(<f64>load<f32>(s + q)));
      }
      const o = row + (<usize>c << 2);
      const sc = <f64>load<f32>(s + o);
      store<f32>(dx + o, <f32>(<f64>load<f32>(dy + o) * Math.exp(-<f64>beta * Math.log(sc)) - f * <f64>load<f32>(x + o) * acc));
    }
  }
}
