// Depthwise convolution (groups == C == K): weights [KH, KW, 1, C], one filter per channel
// (multiplier 1). Direct loops vectorised along C (f32x4, channel tails one lane at a time through the
// same code). Interior output pixels (all KW taps inside the row) go 8 or 4 at a time
// sharing each weight load; the forward of 3-wide kernels at stride 1 or 2 shares the input
// columns of 4 neighbouring pixels (dw_fwd_k3), the forward of 5-wide kernels walks the
// interior of each row instead (dw_fwd_row). Border pixels go one at a time over
// their valid tap range, so no bounds checks run inside the tap loops. Forward, backward-
// data and backward-filter are one traversal (dw_run) with a different tap update.

import { ld, st } from './simd_math';
import {
  tap_lo, tap_hi, part_start, bias_act_rows, epilogue_inline_f32x4, ACT_NONE, ACT_RELU, ACT_CLIP, ACT_HARDSWISH,
} from './conv_common';

// @ts-ignore: decorator
@inline const DW_FWD = 0;
// @ts-ignore: decorator
@inline const DW_BWD_DATA = 1;
// @ts-ignore: decorator
@inline const DW_BWD_FILTER = 2;

// One group of P output pixels (P = 8, 4 or 1, `ps` bytes apart in x, consecutive in y)
// over taps [khLo, khLo+nkh) × [kwLo, kwLo+nkw), channels [c, c+L). xt/wt point at the
// first valid tap of the first pixel, channel 0; y at the first pixel, channel 0.
//   DW_FWD:        y = act(bias + Σ x·w)
//   DW_BWD_DATA:   x(= dx) += dy·w  at every tap
//   DW_BWD_FILTER: w(= dw) += Σ_pixels x·dy  at every tap
// P independent accumulators hide the add latency and share each weight load.
// @ts-ignore: decorator
@inline function dw_lanes(mode: i32, P: i32, L: i32, c: i32, xt: usize, wt: usize,
  bias: usize, y: usize, C: i32, nkh: i32, nkw: i32, ps: usize, hstep: usize,
  wstep: usize, wrow: usize, wcb: usize, act: i32, p: v128, q: v128, rd: usize): void {
  const o = <usize>c << 2;
  const cb = <usize>C << 2;
  const z = f32x4.splat(0);
  // Per pixel: the running sum (forward) or the dy value (backward).
  let a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
  if (mode == DW_FWD) {
    if (bias != 0) { a0 = ld(L, bias + o); a1 = a0; a2 = a0; a3 = a0; a4 = a0; a5 = a0; a6 = a0; a7 = a0; }
  } else {
    const yo = y + o;
    a0 = ld(L, yo);
    if (P >= 4) { a1 = ld(L, yo + cb); a2 = ld(L, yo + 2 * cb); a3 = ld(L, yo + 3 * cb); }
    if (P == 8) { a4 = ld(L, yo + 4 * cb); a5 = ld(L, yo + 5 * cb); a6 = ld(L, yo + 6 * cb); a7 = ld(L, yo + 7 * cb); }
  }
  for (let kh = 0; kh < nkh; kh++) {
    let xp = xt + <usize>kh * hstep + o;
    let wp = wt + <usize>kh * wrow + o;
    for (let kw = 0; kw < nkw; kw++) {
      if (mode == DW_FWD) {
        const wv = ld(L, wp);
        a0 = madd(L, a0, xp, wv);
        if (P >= 4) { a1 = madd(L, a1, xp + ps, wv); a2 = madd(L, a2, xp + 2 * ps, wv); a3 = madd(L, a3, xp + 3 * ps, wv); }
        if (P == 8) {
          a4 = madd(L, a4, xp + 4 * ps, wv); a5 = madd(L, a5, xp + 5 * ps, wv);
          a6 = madd(L, a6, xp + 6 * ps, wv); a7 = madd(L, a7, xp + 7 * ps, wv);
        }
      } else if (mode == DW_BWD_DATA) {
        // In order, pixel by pixel: with stride < kernel the taps of neighbours overlap.
        const wv = ld(L, wp);
        st(L, xp, f32x4.add(ld(L, xp), f32x4.mul(a0, wv)));
        if (P >= 4) {
          st(L, xp + ps, f32x4.add(ld(L, xp + ps), f32x4.mul(a1, wv)));
          st(L, xp + 2 * ps, f32x4.add(ld(L, xp + 2 * ps), f32x4.mul(a2, wv)));
          st(L, xp + 3 * ps, f32x4.add(ld(L, xp + 3 * ps), f32x4.mul(a3, wv)));
        }
        if (P == 8) {
          st(L, xp + 4 * ps, f32x4.add(ld(L, xp + 4 * ps), f32x4.mul(a4, wv)));
          st(L, xp + 5 * ps, f32x4.add(ld(L, xp + 5 * ps), f32x4.mul(a5, wv)));
          st(L, xp + 6 * ps, f32x4.add(ld(L, xp + 6 * ps), f32x4.mul(a6, wv)));
          st(L, xp + 7 * ps, f32x4.add(ld(L, xp + 7 * ps), f32x4.mul(a7, wv)));
        }
      } else {
        let s = f32x4.mul(ld(L, xp), a0);
        if (P >= 4) { s = madd(L, s, xp + ps, a1); s = madd(L, s, xp + 2 * ps, a2); s = madd(L, s, xp + 3 * ps, a3); }
        if (P == 8) {
          s = madd(L, s, xp + 4 * ps, a4); s = madd(L, s, xp + 5 * ps, a5);
          s = madd(L, s, xp + 6 * ps, a6); s = madd(L, s, xp + 7 * ps, a7);
        }
        st(L, wp, f32x4.add(ld(L, wp), s));
      }
      xp += wstep;
      wp += wcb;
    }
  }
  if (mode == DW_FWD) {
    const yo = y + o;
    dw_store(L, yo, a0, act, p, q, rd);
    if (P >= 4) { dw_store(L, yo + cb, a1, act, p, q, rd); dw_store(L, yo + 2 * cb, a2, act, p, q, rd); dw_store(L, yo + 3 * cb, a3, act, p, q, rd); }
    if (P == 8) {
      dw_store(L, yo + 4 * cb, a4, act, p, q, rd); dw_store(L, yo + 5 * cb, a5, act, p, q, rd);
      dw_store(L, yo + 6 * cb, a6, act, p, q, rd); dw_store(L, yo + 7 * cb, a7, act, p, q, rd);
    }
  }
}

// a + x[p]·v (L lanes of x loaded)
// @ts-ignore: decorator
@inline function madd(L: i32, a: v128, p: usize, v: v128): v128 {
  return f32x4.add(a, f32x4.mul(ld(L, p), v));
}

// The forward over the interior of one output row (n pixels, every tap inside the row) for a
// K-wide kernel (K = 3 or 5) at stride S (1 or 2), channels [c, c+L): channel-blocked, the
// block's K weights of a kernel row and its bias held in registers while the walk goes
// along the row. Each pass adds the taps of one kernel row (in kh, kw order, as every path
// sums) to the partial sums the pass before left in y; the first pass starts from the
// bias, the last applies the epilogue. Along a pass each pixel reuses the K − S input
// columns it shares with the previous pixel: S new columns for K taps.
// x0: input pixel (first valid kernel row, first column of the first pixel), channel 0;
// w0: weights of that kernel row, kw 0, channel 0; y0: the first output pixel, channel 0.
// @ts-ignore: decorator
@inline function dw_fwd_row(K: i32, S: i32, L: i32, c: i32, x0: usize, w0: usize, bias: usize,
  y0: usize, n: i32, C: i32, nkh: i32, hstep: usize, wrow: usize, wcb: usize, act: i32,
  p: v128, q: v128, rd: usize): void {
  const o = <usize>c << 2;
  const cb = <usize>C << 2;
  const sb = <usize>S * cb;
  const z = f32x4.splat(0);
  const bv = bias != 0 ? ld(L, bias + o) : z;
  for (let kh = 0; kh < nkh; kh++) {
    const wp = w0 + <usize>kh * wrow + o;
    const w_0 = ld(L, wp), w_1 = ld(L, wp + wcb), w_2 = ld(L, wp + 2 * wcb);
    let w_3 = z, w_4 = z;
    if (K == 5) { w_3 = ld(L, wp + 3 * wcb); w_4 = ld(L, wp + 4 * wcb); }
    // The epilogue (residual, activation) on the last pass only.
    dw_walk(K, S, L, x0 + <usize>kh * hstep + o, y0 + o, w_0, w_1, w_2, w_3, w_4, kh == 0, bv,
      kh == nkh - 1, act, p, q, rd, n, cb, sb);
  }
}

// One row of K taps along the interior (see dw_fwd_row).
// @ts-ignore: decorator
@inline function dw_walk(K: i32, S: i32, L: i32, xp: usize, yp: usize, w_0: v128, w_1: v128,
  w_2: v128, w_3: v128, w_4: v128, first: bool, bv: v128, last: bool, act: i32, p: v128, q: v128,
  rd: usize, n: i32, cb: usize, sb: usize): void {
  // Columns 0 .. K − S − 1 of the first pixel; each step loads columns K − S .. K − 1.
  const z = f32x4.splat(0);
  let c0 = ld(L, xp), c1 = z, c2 = z, c3 = z, c4 = z;
  if (K - S >= 2) c1 = ld(L, xp + cb);
  if (K - S >= 3) c2 = ld(L, xp + 2 * cb);
  if (K - S >= 4) c3 = ld(L, xp + 3 * cb);
  for (let i = 0; i < n; i++) {
    if (K - S <= 1) c1 = ld(L, xp + cb);
    if (K - S <= 2) c2 = ld(L, xp + 2 * cb);
    if (K == 5) {
      if (K - S <= 3) c3 = ld(L, xp + 3 * cb);
      c4 = ld(L, xp + 4 * cb);
    }
    let a = first ? bv : ld(L, yp);
    a = f32x4.add(a, f32x4.mul(c0, w_0));
    a = f32x4.add(a, f32x4.mul(c1, w_1));
    a = f32x4.add(a, f32x4.mul(c2, w_2));
    if (K == 5) {
      a = f32x4.add(a, f32x4.mul(c3, w_3));
      a = f32x4.add(a, f32x4.mul(c4, w_4));
    }
    if (last) dw_store(L, yp, a, act, p, q, rd);
    else st(L, yp, a);
    if (S == 1) {
      c0 = c1; c1 = c2;
      if (K == 5) { c2 = c3; c3 = c4; }
    } else {
      c0 = c2;
      if (K == 5) { c1 = c3; c2 = c4; }
    }
    xp += sb;
    yp += cb;
  }
}

// The forward's store with its epilogue (the bias already summed first): every forward path
// stores through it. y[i] = act(v + res[i]), res at y + rd (rd = res − y; 0: no residual),
// the order of the separate passes it replaces (the residual's add, then the activation),
// so the same bits. The activation inline (a call with the accumulators live spills them).
// @ts-ignore: decorator
@inline function dw_store(L: i32, yp: usize, v: v128, act: i32, p: v128, q: v128, rd: usize): void {
  if (rd != 0) v = f32x4.add(v, ld(L, yp + rd));
  st(L, yp, epilogue_inline_f32x4(act, v, p, q));
}

// @ts-ignore: decorator
@inline function dw_fwd_rows(K: i32, S: i32, x0: usize, w0: usize, bias: usize, y0: usize,
  n: i32, C: i32, nkh: i32, hstep: usize, wrow: usize, wcb: usize, act: i32, p: v128, q: v128, rd: usize): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) dw_fwd_row(K, S, 4, c, x0, w0, bias, y0, n, C, nkh, hstep, wrow, wcb, act, p, q, rd);
  for (; c < C; c++) dw_fwd_row(K, S, 1, c, x0, w0, bias, y0, n, C, nkh, hstep, wrow, wcb, act, p, q, rd);
}

// Forward of 4 adjacent output pixels for a 3-wide kernel at stride S (1 or 2): neighbours
// share input columns, so 3 + 4S − S loads of x per kernel row (6 at stride 1, 9 at
// stride 2) feed 12 multiply-adds, against 12 loads tap by tap. Column i feeds pixel j at
// tap i − S·j; each pixel sums bias, then its taps in (kh, kw) order, as every path does.
// @ts-ignore: decorator
@inline function dw_fwd_k3(S: i32, L: i32, c: i32, xt: usize, wt: usize, bias: usize, y: usize,
  C: i32, nkh: i32, hstep: usize, wrow: usize, wcb: usize, act: i32, p: v128, q: v128, rd: usize): void {
  const o = <usize>c << 2;
  const cb = <usize>C << 2;
  let a0 = f32x4.splat(0);
  if (bias != 0) a0 = ld(L, bias + o);
  let a1 = a0, a2 = a0, a3 = a0;
  for (let kh = 0; kh < nkh; kh++) {
    let p = xt + <usize>kh * hstep + o;
    const wp = wt + <usize>kh * wrow + o;
    const w0 = ld(L, wp), w1 = ld(L, wp + wcb), w2 = ld(L, wp + 2 * wcb);
    if (S == 1) {
      let v = ld(L, p);
      a0 = mac(a0, v, w0);
      p += cb; v = ld(L, p);
      a0 = mac(a0, v, w1); a1 = mac(a1, v, w0);
      p += cb; v = ld(L, p);
      a0 = mac(a0, v, w2); a1 = mac(a1, v, w1); a2 = mac(a2, v, w0);
      p += cb; v = ld(L, p);
      a1 = mac(a1, v, w2); a2 = mac(a2, v, w1); a3 = mac(a3, v, w0);
      p += cb; v = ld(L, p);
      a2 = mac(a2, v, w2); a3 = mac(a3, v, w1);
      p += cb; v = ld(L, p);
      a3 = mac(a3, v, w2);
    } else {
      a0 = mac(a0, ld(L, p), w0);
      a0 = mac(a0, ld(L, p + cb), w1);
      let v = ld(L, p + 2 * cb);
      a0 = mac(a0, v, w2); a1 = mac(a1, v, w0);
      a1 = mac(a1, ld(L, p + 3 * cb), w1);
      v = ld(L, p + 4 * cb);
      a1 = mac(a1, v, w2); a2 = mac(a2, v, w0);
      a2 = mac(a2, ld(L, p + 5 * cb), w1);
      v = ld(L, p + 6 * cb);
      a2 = mac(a2, v, w2); a3 = mac(a3, v, w0);
      a3 = mac(a3, ld(L, p + 7 * cb), w1);
      a3 = mac(a3, ld(L, p + 8 * cb), w2);
    }
  }
  const yo = y + o;
  dw_store(L, yo, a0, act, p, q, rd);
  dw_store(L, yo + cb, a1, act, p, q, rd);
  dw_store(L, yo + 2 * cb, a2, act, p, q, rd);
  dw_store(L, yo + 3 * cb, a3, act, p, q, rd);
}

// a + v·w, the forward's multiply-add (two roundings, as on every path).
// @ts-ignore: decorator
@inline function mac(a: v128, v: v128, w: v128): v128 { return f32x4.add(a, f32x4.mul(v, w)); }

// The forward of a 3×3 kernel at stride 2 along the interior of one output row (n pixels)
// whose three kernel rows are all inside: channel-blocked, the block's 9 weights and bias
// in registers for the whole walk; each pixel loads 2 new input columns per kernel row and
// takes the third from the pixel before: 6 loads for 9 multiply-adds (dw_fwd_k3 loads 9 of
// x and 3 of w per 12). Sums bias, then the taps in (kh, kw) order, as every path does.
// x0: input (first kernel row, first column of the first pixel), channel 0; w0: tap (0, 0).
// @ts-ignore: decorator
@inline function dw_walk3s2(L: i32, c: i32, x0: usize, w0: usize, bias: usize, y0: usize, n: i32,
  C: i32, hstep: usize, wrow: usize, wcb: usize, act: i32, p: v128, q: v128, rd: usize): void {
  const o = <usize>c << 2;
  const cb = <usize>C << 2;
  const sb = cb << 1;
  const wa = w0 + o, wb = wa + wrow, wc = wb + wrow;
  const w00 = ld(L, wa), w01 = ld(L, wa + wcb), w02 = ld(L, wa + 2 * wcb);
  const w10 = ld(L, wb), w11 = ld(L, wb + wcb), w12 = ld(L, wb + 2 * wcb);
  const w20 = ld(L, wc), w21 = ld(L, wc + wcb), w22 = ld(L, wc + 2 * wcb);
  const bv = bias != 0 ? ld(L, bias + o) : f32x4.splat(0);
  let xa = x0 + o;
  let yp = y0 + o;
  let ca = ld(L, xa), cbv = ld(L, xa + hstep), cc = ld(L, xa + 2 * hstep);
  for (let i = 0; i < n; i++) {
    let a = mac(bv, ca, w00);
    a = mac(a, ld(L, xa + cb), w01);
    ca = ld(L, xa + sb);
    a = mac(a, ca, w02);
    const xb = xa + hstep;
    a = mac(a, cbv, w10);
    a = mac(a, ld(L, xb + cb), w11);
    cbv = ld(L, xb + sb);
    a = mac(a, cbv, w12);
    const xc = xb + hstep;
    a = mac(a, cc, w20);
    a = mac(a, ld(L, xc + cb), w21);
    cc = ld(L, xc + sb);
    a = mac(a, cc, w22);
    dw_store(L, yp, a, act, p, q, rd);
    xa += sb;
    yp += cb;
  }
}

// @ts-ignore: decorator
@inline function dw_walk3s2_rows(x0: usize, w0: usize, bias: usize, y0: usize, n: i32, C: i32,
  hstep: usize, wrow: usize, wcb: usize, act: i32, p: v128, q: v128, rd: usize): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) dw_walk3s2(4, c, x0, w0, bias, y0, n, C, hstep, wrow, wcb, act, p, q, rd);
  for (; c < C; c++) dw_walk3s2(1, c, x0, w0, bias, y0, n, C, hstep, wrow, wcb, act, p, q, rd);
}

// @ts-ignore: decorator
@inline function dw_k3_pixels(S: i32, xt: usize, wt: usize, bias: usize, y: usize, C: i32,
  nkh: i32, hstep: usize, wrow: usize, wcb: usize, act: i32, p: v128, q: v128, rd: usize): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) dw_fwd_k3(S, 4, c, xt, wt, bias, y, C, nkh, hstep, wrow, wcb, act, p, q, rd);
  for (; c < C; c++) dw_fwd_k3(S, 1, c, xt, wt, bias, y, C, nkh, hstep, wrow, wcb, act, p, q, rd);
}

// @ts-ignore: decorator
@inline function dw_pixels(mode: i32, P: i32, xt: usize, wt: usize, bias: usize, y: usize,
  C: i32, nkh: i32, nkw: i32, ps: usize, hstep: usize, wstep: usize, wrow: usize,
  wcb: usize, act: i32, p: v128, q: v128, rd: usize, c0: i32, c1: i32): void {
  let c = c0;
  for (; c + 4 <= c1; c += 4) dw_lanes(mode, P, 4, c, xt, wt, bias, y, C, nkh, nkw, ps, hstep, wstep, wrow, wcb, act, p, q, rd);
  for (; c < c1; c++) dw_lanes(mode, P, 1, c, xt, wt, bias, y, C, nkh, nkw, ps, hstep, wstep, wrow, wcb, act, p, q, rd);
}

// The shared traversal: x is x or dx, w is w or dw, y is y or dy (see dw_lanes), over
// channels [c0, c1) and, forward and backward-filter, the output rows n·OH + oh in
// [row0, row1); backward-data, the input rows n·H + ih in [row0, row1): the output rows of
// those images with their taps clipped to those rows. A part changes which elements are
// written, never the order in which any element sums (so threaded parts are bit-identical).
// @ts-ignore: decorator
@inline function dw_run(mode: i32, x: usize, w: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  act: i32, p: v128, q: v128, rd: usize, row0: i32, row1: i32, c0: i32, c1: i32, flip: bool): void {
  const cb = <usize>C << 2;
  if (mode == DW_BWD_DATA && row1 > row0) memory.fill(x + <usize>row0 * W * cb, 0, <usize>(row1 - row0) * W * cb);
  if (mode == DW_BWD_FILTER) {
    for (let t = 0; t < KH * KW; t++) memory.fill(w + <usize>t * cb + (<usize>c0 << 2), 0, <usize>(c1 - c0) << 2);
  }
  const ps = <usize>strideW * cb;
  const hstep = <usize>dilH * W * cb;
  const wstep = <usize>dilW * cb;
  // Weights tap by tap: forward from tap (0, 0), or flipped (the data gradient at stride 1
  // as a forward of dy) backward from tap (KH − 1, KW − 1); steps wrap modulo 2^32.
  const wcb = flip ? <usize>0 - cb : cb;
  const wrow = <usize>KW * wcb;
  const wb = flip ? w + <usize>(KH * KW - 1) * cb : w;
  // Interior columns [owLo, owHi): every kw tap inside [0, W).
  let owLo = padLeft <= 0 ? 0 : (padLeft + strideW - 1) / strideW;
  if (owLo > OW) owLo = OW;
  const t = W - 1 - (KW - 1) * dilW + padLeft;
  let owHi = t < 0 ? 0 : t / strideW + 1;
  if (owHi > OW) owHi = OW;
  if (owHi < owLo) owHi = owLo;
  // 3-wide rows at stride 1 or 2: 4 pixels sharing input columns (dw_fwd_k3); 5-wide at
  // stride 1 or 2: the row walk (dw_fwd_row) over the interior. Measured (bench depthwise):
  // at 3×3/1 112²×32 the row walk reaches 0.9× dw_fwd_k3, at 5×5/1 1.7× the 8-pixel path;
  // at 3×3/2 dw_fwd_k3 takes over from the row walk (3×3/2 112²×32 and 56²×144).
  const slide = mode == DW_FWD && KW == 3 && strideW <= 2 && dilW == 1;
  const walk = mode == DW_FWD && KW == 5 && strideW <= 2 && dilW == 1 && owHi > owLo;
  // 3×3 at stride 2 with all three kernel rows inside: the row walk with 9 weights held
  // (dw_walk3s2) in segments. Measured (bench depthwise, paired with tfjs-wasm, under
  // load): 3×3/2 56²×144 1.26–1.33× → 1.83–1.98× tfjs, 3×3/2 112²×96 0.82–0.99× →
  // 1.50–1.56×, 3×3/2 112²×32 1.42–1.72× → 1.68–2.14× (without segments it was slower there).
  const walk3s2 = mode == DW_FWD && KH == 3 && KW == 3 && strideW == 2 && dilW == 1 && owHi > owLo;
  const bwdData = mode == DW_BWD_DATA;
  const rA = bwdData ? row0 / H * OH : row0;
  const rB = bwdData ? (row1 <= row0 ? rA : ((row1 - 1) / H + 1) * OH) : row1;
  for (let row = rA; row < rB; row++) {
    const n = row / OH, oh = row - n * OH;
    const ih0 = oh * strideH - padTop;
    // Input rows [lo, hi) of this image are this run's.
    const lo = bwdData ? max(row0 - n * H, 0) : 0;
    const hi = bwdData ? min(row1 - n * H, H) : H;
    const khLo = tap_lo(ih0 - lo, dilH, KH), khHi = tap_hi(ih0, dilH, hi, KH, khLo);
    const nkh = khHi - khLo;
    if (bwdData && nkh == 0) continue;
    const xrow = (n * H + ih0 + khLo * dilH) * W;  // pixel index of (n, first valid ih, 0)
    const wkh = wb + <usize>khLo * wrow;
    const yrow = y + (<usize>((n * OH + oh) * OW) * C << 2);
    const walkRow = walk && nkh > 0;
    const walk3 = walk3s2 && nkh == 3;
    if (walk3) {
      const x0 = x + (<usize>(xrow + owLo * 2 - padLeft) * C << 2);
      const m = owHi - owLo;
      // In segments whose three input rows stay in L1 (24 KiB) across the channel blocks:
      // 3×3/2 112²×96 (bench depthwise, under load) 0.41-0.46 → 0.31-0.35 ms.
      const seg = max(4, (24576 / (12 * C) - 1) / 2);
      for (let s = 0; s < m; s += seg) {
        dw_walk3s2_rows(x0 + <usize>s * 2 * cb, wkh, bias, yrow + <usize>(owLo + s) * cb, min(seg, m - s), C, hstep, wrow, wcb, act, p, q, rd);
      }
    }
    if (walkRow) {
      const x0 = x + (<usize>(xrow + owLo * strideW - padLeft) * C << 2);
      const y0 = yrow + <usize>owLo * cb;
      const m = owHi - owLo;
      if (strideW == 1) dw_fwd_rows(5, 1, x0, wkh, bias, y0, m, C, nkh, hstep, wrow, wcb, act, p, q, rd);
      else dw_fwd_rows(5, 2, x0, wkh, bias, y0, m, C, nkh, hstep, wrow, wcb, act, p, q, rd);
    }
    let ow = 0;
    while (ow < OW) {
      if ((walkRow || walk3) && ow == owLo) { ow = owHi; continue; }
      const iw0 = ow * strideW - padLeft;
      const yp = yrow + <usize>ow * cb;
      if (slide && ow >= owLo && ow + 4 <= owHi) {
        const xt = x + (<usize>(xrow + iw0) * C << 2);
        if (strideW == 1) dw_k3_pixels(1, xt, wkh, bias, yp, C, nkh, hstep, wrow, wcb, act, p, q, rd);
        else dw_k3_pixels(2, xt, wkh, bias, yp, C, nkh, hstep, wrow, wcb, act, p, q, rd);
        ow += 4;
      } else if (ow >= owLo && ow + 8 <= owHi) {
        const xt = x + (<usize>(xrow + iw0) * C << 2);
        dw_pixels(mode, 8, xt, wkh, bias, yp, C, nkh, KW, ps, hstep, wstep, wrow, wcb, act, p, q, rd, c0, c1);
        ow += 8;
      } else if (ow >= owLo && ow + 4 <= owHi) {
        const xt = x + (<usize>(xrow + iw0) * C << 2);
        dw_pixels(mode, 4, xt, wkh, bias, yp, C, nkh, KW, ps, hstep, wstep, wrow, wcb, act, p, q, rd, c0, c1);
        ow += 4;
      } else {
        const kwLo = tap_lo(iw0, dilW, KW), kwHi = tap_hi(iw0, dilW, W, KW, kwLo);
        const xt = x + (<usize>(xrow + iw0 + kwLo * dilW) * C << 2);
        const wt = wkh + <usize>kwLo * wcb;
        dw_pixels(mode, 1, xt, wt, bias, yp, C, nkh, kwHi - kwLo, ps, hstep, wstep, wrow, wcb, act, p, q, rd, c0, c1);
        ow++;
      }
    }
  }
}

// Geometry as in conv.ts without K (= C) and groups (= C): N, H, W, C, OH, OW, KH, KW,
// strideH, strideW, padTop, padLeft, dilH, dilW. The launcher (ts/kernels/conv.ts) picks
// these kernels when groups == C == K.

// y[N, OH, OW, C] = act(depthwise(x, w) + bias + res); w [KH, KW, 1, C], bias [C] or 0;
// act an epilogue code of conv_common.ts with parameters p0, p1; res 0 (none) or a tensor
// shaped like y that does not overlap it.
export function dwconv2d_nhwc_fwd_f32(x: usize, w: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  act: i32, p0: f32, p1: f32, res: usize): void {
  dwconv2d_nhwc_fwd_f32_part(x, w, bias, y, N, H, W, C, OH, OW, KH, KW,
    strideH, strideW, padTop, padLeft, dilH, dilW, act, p0, p1, res, 0, 1);
}

// Part `part` of `parts` of dwconv2d_nhwc_fwd_f32: the output rows n·OH + oh of that part.
// The common activations get a traversal of their own with the code a literal, so each
// store site holds only its formula (as gemm.ts's gemm_f32_4x8 does); each is a function of
// its own (traversals inlined into one function crash Binaryen's optimizer).
export function dwconv2d_nhwc_fwd_f32_part(x: usize, w: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  act: i32, p0: f32, p1: f32, res: usize, part: i32, parts: i32): void {
  const nrows = N * OH;
  const r0 = part_start(nrows, part, parts, 1), r1 = part_start(nrows, part + 1, parts, 1);
  const p = f32x4.splat(p0), q = f32x4.splat(p1);
  const rd = res != 0 ? res - y : 0;
  if (act == ACT_NONE) dw_fwd_none(x, w, bias, y, N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop, padLeft, dilH, dilW, rd, r0, r1);
  else if (act == ACT_RELU) dw_fwd_relu(x, w, bias, y, N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop, padLeft, dilH, dilW, rd, r0, r1);
  else if (act == ACT_CLIP) dw_fwd_clip(x, w, bias, y, N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop, padLeft, dilH, dilW, p, q, rd, r0, r1);
  else if (act == ACT_HARDSWISH) dw_fwd_hardswish(x, w, bias, y, N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop, padLeft, dilH, dilW, rd, r0, r1);
  else dw_fwd_other(x, w, bias, y, N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop, padLeft, dilH, dilW, act, p0, p1, res, r0, r1);
}

// The forward over output rows [r0, r1) with the activation its name says, the residual at
// y + rd (rd 0: none).
function dw_fwd_none(x: usize, w: usize, bias: usize, y: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32, rd: usize, r0: i32, r1: i32): void {
  const z = f32x4.splat(0);
  dw_run(DW_FWD, x, w, bias, y, N, H, W, C, OH, OW, KH, KW, sh, sw, pt, pl, dh, dw, ACT_NONE, z, z, rd, r0, r1, 0, C, false);
}
function dw_fwd_relu(x: usize, w: usize, bias: usize, y: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32, rd: usize, r0: i32, r1: i32): void {
  const z = f32x4.splat(0);
  dw_run(DW_FWD, x, w, bias, y, N, H, W, C, OH, OW, KH, KW, sh, sw, pt, pl, dh, dw, ACT_RELU, z, z, rd, r0, r1, 0, C, false);
}
function dw_fwd_clip(x: usize, w: usize, bias: usize, y: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32, p: v128, q: v128, rd: usize, r0: i32, r1: i32): void {
  dw_run(DW_FWD, x, w, bias, y, N, H, W, C, OH, OW, KH, KW, sh, sw, pt, pl, dh, dw, ACT_CLIP, p, q, rd, r0, r1, 0, C, false);
}
function dw_fwd_hardswish(x: usize, w: usize, bias: usize, y: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32, rd: usize, r0: i32, r1: i32): void {
  const z = f32x4.splat(0);
  dw_run(DW_FWD, x, w, bias, y, N, H, W, C, OH, OW, KH, KW, sh, sw, pt, pl, dh, dw, ACT_HARDSWISH, z, z, rd, r0, r1, 0, C, false);
}
// The rarer activations (sigmoid, hard sigmoid, leaky ReLU): each output row without the
// epilogue, then the epilogue over that row while it is in cache (bias_act_rows: the same
// order, residual then activation, so the same bits), rather than a fifth traversal.
function dw_fwd_other(x: usize, w: usize, bias: usize, y: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32, act: i32, p0: f32, p1: f32, res: usize, r0: i32, r1: i32): void {
  const rowBytes = <usize>OW * C << 2;
  for (let r = r0; r < r1; r++) {
    dw_fwd_none(x, w, bias, y, N, H, W, C, OH, OW, KH, KW, sh, sw, pt, pl, dh, dw, 0, r, r + 1);
    const o = <usize>r * rowBytes;
    bias_act_rows(y + o, 0, 1, OW * C, act, p0, p1, res != 0 ? res + o : 0);
  }
}

// dx[N, H, W, C] from dy[N, OH, OW, C]; dx overwritten.
export function dwconv2d_nhwc_bwd_data_f32(dy: usize, w: usize, dx: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32): void {
  dwconv2d_nhwc_bwd_data_f32_part(dy, w, dx, N, H, W, C, OH, OW, KH, KW,
    strideH, strideW, padTop, padLeft, dilH, dilW, 0, 1);
}

// Part `part` of `parts` of dwconv2d_nhwc_bwd_data_f32: the input rows n·H + ih of that part.
// At stride 1 the data gradient is the forward of dy with the kernel flipped (pads
// dil·(K − 1) − pad), so it runs the forward's row kernels: taps summed kh, kw descending.
export function dwconv2d_nhwc_bwd_data_f32_part(dy: usize, w: usize, dx: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  part: i32, parts: i32): void {
  const nrows = N * H;
  const r0 = part_start(nrows, part, parts, 1), r1 = part_start(nrows, part + 1, parts, 1);
  if (strideH == 1 && strideW == 1) {
    const z = f32x4.splat(0);
    dw_run(DW_FWD, dy, w, 0, dx, N, OH, OW, C, H, W, KH, KW, 1, 1, dilH * (KH - 1) - padTop,
      dilW * (KW - 1) - padLeft, dilH, dilW, ACT_NONE, z, z, 0, r0, r1, 0, C, true);
  } else {
    const z = f32x4.splat(0);
    dw_run(DW_BWD_DATA, dx, w, 0, dy, N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop,
      padLeft, dilH, dilW, ACT_NONE, z, z, 0, r0, r1, 0, C, false);
  }
}

// dw[KH, KW, 1, C] from x and dy; dw overwritten.
export function dwconv2d_nhwc_bwd_filter_f32(x: usize, dy: usize, dw: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32): void {
  dwconv2d_nhwc_bwd_filter_f32_part(x, dy, dw, N, H, W, C, OH, OW, KH, KW,
    strideH, strideW, padTop, padLeft, dilH, dilW, 0, 1);
}

// Part `part` of `parts` of dwconv2d_nhwc_bwd_filter_f32: the channels of that part
// (boundaries on multiples of 4), each summed over every pixel as in one call.
export function dwconv2d_nhwc_bwd_filter_f32_part(x: usize, dy: usize, dw: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  part: i32, parts: i32): void {
  const z = f32x4.splat(0);
  dw_run(DW_BWD_FILTER, x, dw, 0, dy, N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop,
    padLeft, dilH, dilW, ACT_NONE, z, z, 0, 0, N * OH, part_start(C, part, parts, 4), part_start(C, part + 1, parts, 4), false);
}

// The depthwise transposed convolution y[N, OH, OW, C] = act(conv_transpose(x, w) + bias)
// (geometry as conv_transpose2d's: x [N, H, W, C], w [KH, KW, 1, C]): the depthwise
// backward-data run forward, then the epilogue. Its backward is dwconv2d_nhwc_fwd_f32_part
// (data) and dwconv2d_nhwc_bwd_filter_f32 (filter) with the roles of x and y swapped.
export function dwconv_transpose2d_nhwc_fwd_f32(x: usize, w: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  act: i32): void {
  dwconv2d_nhwc_bwd_data_f32(x, w, y, N, OH, OW, C, H, W, KH, KW,
    strideH, strideW, padTop, padLeft, dilH, dilW);
  if (bias != 0 || act != 0) bias_act_rows(y, bias, N * OH * OW, C, act);
}
