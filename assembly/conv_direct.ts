// Direct convolution for layers with few input channels (groups = 1; ts/kernels/conv_direct.ts
// sends C ≤ 8, K ≤ 64, C·K ≤ 256 here: the first layer of image networks). im2col + GEMM is a poor fit there: the im2col matrix is KH·KW
// times the input, written in runs of KW·C floats, and the GEMM's inner dimension is tiny.
// These kernels read x and w where they lie and keep no scratch.
//
// Layout and geometry as in conv.ts: x [N, H, W, C], w [KH, KW, C, K] (HWIO: KH·KW·C rows of
// K), y/dy [N, OH, OW, K]; padTop/padLeft and OH/OW give the padding; taps outside x read 0.
//
// Both kernels are vectorised along the output channels K in f32x4 (except the forward with
// one input channel and stride 1 along W, whose row interiors go along the pixels: see
// row_block) and register-blocked so that each loaded vector feeds several mul+adds:
//   forward:         P output pixels × V vectors of K (4×2, or 8×1 when K ≤ 4; 2×2 for
//                    a row's last 2-3 interior pixels); x values are broadcast, the tap
//                    loop is the reduction.
//   filter gradient: TB taps × V vectors of K (4×2, or 8×1 for a single vector); the pixel
//                    loop is the reduction, x broadcast, dy loaded.
// When K is not a multiple of 4 (K >= 4), the last vector is placed to end at channel K and
// overlaps the one before it (K = 6: channels 0-3 and 2-5), so every load and store is a
// whole vector and one code path serves every tail: the forward writes the overlapped
// channels twice with identical values, the filter gradient masks them out of one of its
// sums. Two exceptions take partial loads: K < 4, and the forward's 4-pixel blocks (the
// bulk of its work), whose last 1-3 channels have their own literal-lane copies (K = 6:
// 15-20 % faster than the overlapping vector, measured).
// 8 accumulators (+ 2 operands, 1 broadcast) stay below the 14 v128 values V8 keeps in
// registers. Binaryen folds the literal P/V/L/TB arguments of the @inline blocks, so one
// body serves every block shape.

import { ld, st } from './simd_math';
import { tap_lo, tap_hi, part_start, epilogue_f32x4 } from './conv_common';

// a + x·w
// @ts-ignore: decorator
@inline function fma(a: v128, x: v128, w: v128): v128 {
  return f32x4.add(a, f32x4.mul(x, w));
}

// First output index o in [0, O) whose input index o·s − pad + off is >= 0.
// @ts-ignore: decorator
@inline function out_lo(pad: i32, off: i32, s: i32, O: i32): i32 {
  const t = pad - off;
  const o = t <= 0 ? 0 : (t + s - 1) / s;
  return o < O ? o : O;
}

// One past the last output index o < O whose input index o·s − pad + off is < size.
// @ts-ignore: decorator
@inline function out_hi(pad: i32, off: i32, s: i32, size: i32, O: i32): i32 {
  const t = size - 1 + pad - off;
  const o = t < 0 ? 0 : t / s + 1;
  return o < O ? o : O;
}

// ---------------------------------------------------------------------------------------
// Forward

// P output pixels (ps bytes apart in x, K floats apart in y) × the channels of V vectors,
// the first at channel j0 with L lanes, the second (V = 2) at j1 with L2 lanes:
// y = act(bias + Σ taps x·w). Taps: nkh kernel rows (hstep bytes apart in x, wrow in w), each
// nruns runs of runLen consecutive taps (x 4 bytes apart, w rows K floats apart), runs
// runStep bytes apart in x and back to back in w. xt/wt: the first tap of the first pixel.
// A single pixel (P = 1) spreads its taps over 4 partial sums: one chain of adds would
// leave the adder waiting on its latency.
// @ts-ignore: decorator
@inline function fwd_block(P: i32, V: i32, L: i32, L2: i32, j0: i32, j1: i32, xt: usize, wt: usize,
  bias: usize, y: usize, K: i32, nkh: i32, nruns: i32, runLen: i32, ps: usize, hstep: usize,
  runStep: usize, wrow: usize, act: i32, p: v128, q: v128): void {
  const jo = <usize>j0 << 2;
  const j2 = <usize>(j1 - j0) << 2;   // the second vector, bytes after the first
  const kb = <usize>K << 2;
  const z = f32x4.splat(0);
  let a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
  let b0 = z, b1 = z, b2 = z, b3 = z;
  if (bias != 0) {
    a0 = ld(L, bias + jo);
    if (V == 2) b0 = ld(L2, bias + jo + j2);
    if (P >= 2) { a1 = a0; b1 = b0; }
    if (P >= 4) { a2 = a0; a3 = a0; b2 = b0; b3 = b0; }
    if (P == 8) { a4 = a0; a5 = a0; a6 = a0; a7 = a0; }
  }
  for (let kh = 0; kh < nkh; kh++) {
    let xr = xt + <usize>kh * hstep;
    let wp = wt + <usize>kh * wrow + jo;
    for (let r = 0; r < nruns; r++) {
      let xp = xr;
      for (let i = 0; i < runLen; i++) {
        const w0 = ld(L, wp);
        const w1 = V == 2 ? ld(L2, wp + j2) : z;
        let xs = v128.load32_splat(xp);
        if (P == 1) {
          // a single pixel rotates its taps over 4 partial sums
          const s0 = fma(a0, xs, w0);
          a0 = a1; a1 = a2; a2 = a3; a3 = s0;
          if (V == 2) {
            const s1 = fma(b0, xs, w1);
            b0 = b1; b1 = b2; b2 = b3; b3 = s1;
          }
        } else {
          a0 = fma(a0, xs, w0);
          if (V == 2) b0 = fma(b0, xs, w1);
          xs = v128.load32_splat(xp + ps);
          a1 = fma(a1, xs, w0);
          if (V == 2) b1 = fma(b1, xs, w1);
          if (P >= 4) {
            xs = v128.load32_splat(xp + 2 * ps);
            a2 = fma(a2, xs, w0);
            if (V == 2) b2 = fma(b2, xs, w1);
            xs = v128.load32_splat(xp + 3 * ps);
            a3 = fma(a3, xs, w0);
            if (V == 2) b3 = fma(b3, xs, w1);
          }
        }
        if (P == 8) {
          a4 = fma(a4, v128.load32_splat(xp + 4 * ps), w0);
          a5 = fma(a5, v128.load32_splat(xp + 5 * ps), w0);
          a6 = fma(a6, v128.load32_splat(xp + 6 * ps), w0);
          a7 = fma(a7, v128.load32_splat(xp + 7 * ps), w0);
        }
        xp += 4;
        wp += kb;
      }
      xr += runStep;
    }
  }
  if (P == 1) {
    a0 = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
    b0 = f32x4.add(f32x4.add(b0, b1), f32x4.add(b2, b3));
  }
  const yo = y + jo;
  st(L, yo, epilogue_f32x4(act, a0, p, q));
  if (V == 2) st(L2, yo + j2, epilogue_f32x4(act, b0, p, q));
  if (P >= 2) {
    st(L, yo + kb, epilogue_f32x4(act, a1, p, q));
    if (V == 2) st(L2, yo + kb + j2, epilogue_f32x4(act, b1, p, q));
  }
  if (P >= 4) {
    st(L, yo + 2 * kb, epilogue_f32x4(act, a2, p, q));
    st(L, yo + 3 * kb, epilogue_f32x4(act, a3, p, q));
    if (V == 2) {
      st(L2, yo + 2 * kb + j2, epilogue_f32x4(act, b2, p, q));
      st(L2, yo + 3 * kb + j2, epilogue_f32x4(act, b3, p, q));
    }
  }
  if (P == 8) {
    st(L, yo + 4 * kb, epilogue_f32x4(act, a4, p, q));
    st(L, yo + 5 * kb, epilogue_f32x4(act, a5, p, q));
    st(L, yo + 6 * kb, epilogue_f32x4(act, a6, p, q));
    st(L, yo + 7 * kb, epilogue_f32x4(act, a7, p, q));
  }
}

// One input channel with stride 1 along W (a grey-scale first layer): 4 consecutive output
// pixels read 4 consecutive x values per tap, so a row is vectorised along the pixels
// instead of the channels: PV vectors of 4 pixels × KC channels, each x vector loaded once
// and multiplied by KC broadcast weights, every lane useful whatever K is (along the
// channels K = 6 fills 6 of 8 lanes). The sums are transposed to NHWC for the store.
// 2 × 4 accumulators + 2 x vectors + 1 weight stay in registers (measured against 3 × 3,
// 3 × 4 and 1 × 4: 2 × 4 fastest on K = 6, 8, 16, 32; LeNet's 1 → 6 1.5× faster than along
// the channels). Interior pixels only (every tap inside x). xt: x of the first pixel's first
// tap; taps: nkh rows hstep bytes apart (wrow in w) of KW columns dwb bytes apart (K floats
// apart in w).
// @ts-ignore: decorator
@inline function row_block(PV: i32, KC: i32, xt: usize, wt: usize, bias: usize, y: usize, K: i32,
  nkh: i32, KW: i32, hstep: usize, dwb: usize, wrow: usize, act: i32, p: v128, q: v128): void {
  const kb = <usize>K << 2;
  const z = f32x4.splat(0);
  // a<i><p>: channel i, pixel vector p
  let a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
  if (bias != 0) {
    a00 = v128.load32_splat(bias); a01 = a00;
    if (KC >= 2) { a10 = v128.load32_splat(bias + 4); a11 = a10; }
    if (KC >= 3) { a20 = v128.load32_splat(bias + 8); a21 = a20; }
    if (KC >= 4) { a30 = v128.load32_splat(bias + 12); a31 = a30; }
  }
  for (let kh = 0; kh < nkh; kh++) {
    let xp = xt + <usize>kh * hstep;
    let wp = wt + <usize>kh * wrow;
    for (let kw = 0; kw < KW; kw++) {
      const x0 = v128.load(xp);
      const x1 = PV == 2 ? v128.load(xp, 16) : z;
      let wv = v128.load32_splat(wp);
      a00 = fma(a00, x0, wv);
      if (PV == 2) a01 = fma(a01, x1, wv);
      if (KC >= 2) {
        wv = v128.load32_splat(wp + 4);
        a10 = fma(a10, x0, wv);
        if (PV == 2) a11 = fma(a11, x1, wv);
      }
      if (KC >= 3) {
        wv = v128.load32_splat(wp + 8);
        a20 = fma(a20, x0, wv);
        if (PV == 2) a21 = fma(a21, x1, wv);
      }
      if (KC >= 4) {
        wv = v128.load32_splat(wp + 12);
        a30 = fma(a30, x0, wv);
        if (PV == 2) a31 = fma(a31, x1, wv);
      }
      xp += dwb;
      wp += kb;
    }
  }
  row_store(KC, y, kb, epilogue_f32x4(act, a00, p, q), epilogue_f32x4(act, a10, p, q), epilogue_f32x4(act, a20, p, q), epilogue_f32x4(act, a30, p, q));
  if (PV == 2) row_store(KC, y + 4 * kb, kb, epilogue_f32x4(act, a01, p, q), epilogue_f32x4(act, a11, p, q), epilogue_f32x4(act, a21, p, q), epilogue_f32x4(act, a31, p, q));
}

// Channels c0..c3 (lane q: pixel q) transposed into pixels q (lane i: channel i); KC lanes
// of pixel q stored at y + q·kb.
// @ts-ignore: decorator
@inline function row_store(KC: i32, y: usize, kb: usize, c0: v128, c1: v128, c2: v128, c3: v128): void {
  const t0 = v128.shuffle<f32>(c0, c1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(c2, c3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(c0, c1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(c2, c3, 2, 6, 3, 7);
  st(KC, y, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  st(KC, y + kb, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  st(KC, y + 2 * kb, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  st(KC, y + 3 * kb, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

// Channels [j0, j0 + KC) of the interior columns [lo, hi) of one output row (every tap
// inside x; hi − lo >= 4): blocks of 8 pixels, then of 4, the last one ending at hi: it may
// overlap the block before it, which took the same taps in the same order, so the same
// values are written again.
// @ts-ignore: decorator
@inline function row_chunk(KC: i32, j0: i32, lo: i32, hi: i32, xrow: usize, w: usize,
  bias: usize, yrow: usize, K: i32, nkh: i32, KW: i32, hstep: usize, dwb: usize, wrow: usize,
  padLeft: i32, act: i32, p: v128, q: v128): void {
  const kb = <usize>K << 2;
  const jo = <usize>j0 << 2;
  const wj = w + jo;
  const b = bias != 0 ? bias + jo : 0;
  const yj = yrow + jo;
  let ow = lo;
  for (; ow + 8 <= hi; ow += 8) {
    row_block(2, KC, xrow + (<usize>(ow - padLeft) << 2), wj, b, yj + <usize>ow * kb, K, nkh, KW,
      hstep, dwb, wrow, act, p, q);
  }
  for (; ow < hi; ow += 4) {
    const o = min(ow, hi - 4);
    row_block(1, KC, xrow + (<usize>(o - padLeft) << 2), wj, b, yj + <usize>o * kb, K, nkh, KW,
      hstep, dwb, wrow, act, p, q);
  }
}

// All K channels of the interior columns [lo, hi) of one output row along the pixels: 4
// channels at a time, then the last 1-3.
// @ts-ignore: decorator
@inline function row_channels(lo: i32, hi: i32, xrow: usize, w: usize, bias: usize, yrow: usize,
  K: i32, nkh: i32, KW: i32, hstep: usize, dwb: usize, wrow: usize, padLeft: i32, act: i32, p: v128, q: v128): void {
  let j = 0;
  for (; j + 4 <= K; j += 4) {
    row_chunk(4, j, lo, hi, xrow, w, bias, yrow, K, nkh, KW, hstep, dwb, wrow, padLeft, act, p, q);
  }
  const r = K - j;
  if (r == 3) row_chunk(3, j, lo, hi, xrow, w, bias, yrow, K, nkh, KW, hstep, dwb, wrow, padLeft, act, p, q);
  else if (r == 2) row_chunk(2, j, lo, hi, xrow, w, bias, yrow, K, nkh, KW, hstep, dwb, wrow, padLeft, act, p, q);
  else if (r == 1) row_chunk(1, j, lo, hi, xrow, w, bias, yrow, K, nkh, KW, hstep, dwb, wrow, padLeft, act, p, q);
}

// All K channels of P pixels: pairs of vectors, then the last 1-7 channels as one or two
// vectors ending at K (4-pixel blocks: a pair whose second vector has 1-3 lanes). P = 8 is
// used only when K <= 4 (one vector), so 8 × 2 accumulators are never built.
// @ts-ignore: decorator
@inline function fwd_pixels(P: i32, xt: usize, wt: usize, bias: usize, y: usize, K: i32,
  nkh: i32, nruns: i32, runLen: i32, ps: usize, hstep: usize, runStep: usize, wrow: usize,
  act: i32, p: v128, q: v128): void {
  if (K < 4) {
    fwd_block(P, 1, K, 4, 0, 0, xt, wt, bias, y, K, nkh, nruns, runLen, ps, hstep, runStep, wrow, act, p, q);
    return;
  }
  let j = 0;
  if (P != 8) {
    for (; j + 8 <= K; j += 8) {
      fwd_block(P, 2, 4, 4, j, j + 4, xt, wt, bias, y, K, nkh, nruns, runLen, ps, hstep, runStep, wrow, act, p, q);
    }
  }
  const r = K - j;
  if (P == 4 && r > 4) {
    if (r == 5) fwd_block(P, 2, 4, 1, j, j + 4, xt, wt, bias, y, K, nkh, nruns, runLen, ps, hstep, runStep, wrow, act, p, q);
    else if (r == 6) fwd_block(P, 2, 4, 2, j, j + 4, xt, wt, bias, y, K, nkh, nruns, runLen, ps, hstep, runStep, wrow, act, p, q);
    else fwd_block(P, 2, 4, 3, j, j + 4, xt, wt, bias, y, K, nkh, nruns, runLen, ps, hstep, runStep, wrow, act, p, q);
  } else if (P != 8 && r > 4) {
    fwd_block(P, 2, 4, 4, j, K - 4, xt, wt, bias, y, K, nkh, nruns, runLen, ps, hstep, runStep, wrow, act, p, q);
  } else if (r > 0) {
    fwd_block(P, 1, 4, 4, K - 4, 0, xt, wt, bias, y, K, nkh, nruns, runLen, ps, hstep, runStep, wrow, act, p, q);
  }
}

// y[N, OH, OW, K] = act(conv(x, w) + bias) for groups = 1; bias [K] or 0, act an epilogue
// code of conv_common.ts with its parameters p0, p1.
// No scratch. Meant for few input channels (any C is computed correctly; the launcher's rule
// is in ts/kernels/conv_direct.ts).
export function conv2d_nhwc_direct_fwd_f32(x: usize, w: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  act: i32, p0: f32, p1: f32): void {
  conv2d_nhwc_direct_fwd_f32_part(x, w, bias, y, N, H, W, C, OH, OW, KH, KW, K, strideH, strideW,
    padTop, padLeft, dilH, dilW, act, p0, p1, 0, 1);
}

// Part `part` of `parts` of conv2d_nhwc_direct_fwd_f32: the output rows (n·OH + oh) of that part.
// Parts may run concurrently; together they are bit-identical to one call.
export function conv2d_nhwc_direct_fwd_f32_part(x: usize, w: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  act: i32, p0: f32, p1: f32, part: i32, parts: i32): void {
  const p = f32x4.splat(p0), q = f32x4.splat(p1);
  const cb = <usize>C << 2;
  const kb = <usize>K << 2;
  const ps = <usize>strideW * cb;
  const hstep = <usize>dilH * W * cb;
  const runStep = <usize>dilW * cb;
  const tapw = <usize>C * kb;           // w bytes per kw step
  const wrow = <usize>KW * tapw;        // w bytes per kh step
  // With dilW == 1 the taps of a kernel row are one run of nkw·C floats of x.
  const d1 = dilW == 1;
  const nruns = d1 ? 1 : KW, runLen = d1 ? KW * C : C;   // for a pixel with all KW taps
  // Interior columns [owLo, owHi): every kw tap inside [0, W).
  const owLo = out_lo(padLeft, 0, strideW, OW);
  let owHi = out_hi(padLeft, (KW - 1) * dilW, strideW, W, OW);
  if (owHi < owLo) owHi = owLo;
  const wide = K <= 4;
  const rows = N * OH;
  const rEnd = part_start(rows, part + 1, parts, 1);
  for (let r = part_start(rows, part, parts, 1); r < rEnd; r++) {
    const n = r / OH;
    const ih0 = (r - n * OH) * strideH - padTop;
    const khLo = tap_lo(ih0, dilH, KH), khHi = tap_hi(ih0, dilH, H, KH, khLo);
    const nkh = khHi - khLo;
    const xrow = (n * H + ih0 + khLo * dilH) * W;   // pixel index of (n, first valid ih, 0)
    const wkh = w + <usize>khLo * wrow;
    const yrow = y + <usize>r * OW * kb;
    let ow = 0;
    // C = 1, stride 1 along W: the interior columns along the pixels (row_channels), the
    // edge columns one pixel at a time below (along the channels; measured faster than
    // 4-pixel blocks with their out-of-row taps zeroed by a swizzle).
    const rowvec = C == 1 && strideW == 1 && owHi - owLo >= 4;
    if (rowvec) {
      row_channels(owLo, owHi, x + (<usize>xrow << 2), wkh, bias, yrow, K, nkh, KW, hstep,
        <usize>dilW << 2, wrow, padLeft, act, p, q);
    }
    while (ow < OW) {
      if (rowvec && ow == owLo) { ow = owHi; continue; }
      const iw0 = ow * strideW - padLeft;
      const yp = yrow + <usize>ow * kb;
      if (ow >= owLo && ow + 2 <= owHi) {
        // Interior pixels in blocks of 8 (K <= 4) or 4; a row's last 2-3 as a block of 2
        // (LeNet's 10-pixel rows: 4 + 4 + 2; one at a time these 2 took as long as the 8).
        const xt = x + <usize>(xrow + iw0) * cb;
        if (wide && ow + 8 <= owHi) {
          fwd_pixels(8, xt, wkh, bias, yp, K, nkh, nruns, runLen, ps, hstep, runStep, wrow, act, p, q);
          ow += 8;
        } else if (ow + 4 <= owHi) {
          fwd_pixels(4, xt, wkh, bias, yp, K, nkh, nruns, runLen, ps, hstep, runStep, wrow, act, p, q);
          ow += 4;
        } else {
          fwd_pixels(2, xt, wkh, bias, yp, K, nkh, nruns, runLen, ps, hstep, runStep, wrow, act, p, q);
          ow += 2;
        }
      } else {
        const kwLo = tap_lo(iw0, dilW, KW), kwHi = tap_hi(iw0, dilW, W, KW, kwLo);
        const nkw = kwHi - kwLo;
        const xt = x + <usize>(xrow + iw0 + kwLo * dilW) * cb;
        const wt = wkh + <usize>kwLo * tapw;
        fwd_pixels(1, xt, wt, bias, yp, K, nkh, d1 ? 1 : nkw, d1 ? nkw * C : C, ps, hstep,
          runStep, wrow, act, p, q);
        ow++;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Filter gradient

// Pixels per partial sum: each block of taps sums at most this many products in f32
// registers before adding them to dw (accuracy: one running f32 sum over 25 k pixels of
// one sign erred 6e-6 relative, chunks stay under 1.5e-6, see the spec), and the chunk's
// dy (at most DY_CHUNK_BYTES) stays in L2 across the passes of all tap blocks while the
// per-block setup is amortised over enough pixels (with 32 KiB, one 112-pixel row of the
// ResNet stem, the setup was a large share).
// @ts-ignore: decorator
@inline const CHUNK_PIXELS: i32 = 2048;
// @ts-ignore: decorator
@inline const DY_CHUNK_BYTES: i32 = 128 << 10;

// Channel of the tap after one of channel c (taps in (kh, kw, c) order).
// @ts-ignore: decorator
@inline function next_c(c: i32, C: i32): i32 { return c + 1 == C ? 0 : c + 1; }

// Tap i of a block: byte offset of its x value from the pixel's origin (ih0, iw0, 0).
// @ts-ignore: decorator
@inline function tap_off(khd: i32, kwd: i32, c: i32, W: i32, C: i32): usize {
  return <usize>((khd * W + kwd) * C + c) << 2;
}

// Whether tap (khd, kwd) of the pixel with origin (ih0, iw0) lies inside x.
// @ts-ignore: decorator
@inline function tap_valid(ih0: i32, iw0: i32, khd: i32, kwd: i32, H: i32, W: i32): bool {
  return <u32>(ih0 + khd) < <u32>H && <u32>(iw0 + kwd) < <u32>W;
}

// dw[taps t0 .. t0+nt, the channels of V vectors at j0 (L lanes) and j1] += Σ over the
// output rows [r0, r1) of x[tap]·dy, with TB = 8/V taps in registers (taps past nt repeat
// the last one; their sums are dropped). The lanes of m0/m1 that are zero are channels
// another block sums (overlapping vectors): they are not added. Output rows: r = n·OH + oh.
// Pixels whose every tap lies inside x go through a loop without checks; edge pixels test
// each tap. A tap is kept as displacements (khd = kh·dilH, kwd = kw·dilW) and its x offset.
// @ts-ignore: decorator
@inline function filter_block(V: i32, L: i32, j0: i32, j1: i32, m0: v128, m1: v128, t0: i32,
  nt: i32, x: usize, dy: usize, dw: usize, H: i32, W: i32, C: i32, OH: i32, OW: i32, KW: i32,
  K: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  r0: i32, r1: i32): void {
  const TB = V == 2 ? 4 : 8;
  const jo = <usize>j0 << 2;
  const j2 = <usize>(j1 - j0) << 2;   // the second vector, bytes after the first
  const kb = <usize>K << 2;
  const cb = <usize>C << 2;
  const ps = <usize>strideW * cb;
  // The block's taps, walked from t0 = (kh, kw, c) in order.
  const KWC = KW * C;
  let kh = t0 / KWC;
  let kw = (t0 - kh * KWC) / C;
  let c = t0 - kh * KWC - kw * C;
  const h0 = kh * dilH, v0 = kw * dilW, o0 = tap_off(h0, v0, c, W, C);
  let h1 = h0, v1 = v0, o1 = o0, h2 = h0, v2 = v0, o2 = o0, h3 = h0, v3 = v0, o3 = o0;
  let h4 = h0, v4 = v0, o4 = o0, h5 = h0, v5 = v0, o5 = o0;
  let h6 = h0, v6 = v0, o6 = o0, h7 = h0, v7 = v0, o7 = o0;
  for (let i = 1; i < nt; i++) {
    c = next_c(c, C);
    if (c == 0) { if (++kw == KW) { kw = 0; kh++; } }
    const h = kh * dilH, v = kw * dilW, o = tap_off(h, v, c, W, C);
    // later taps repeat this one until overwritten
    if (i <= 1) { h1 = h; v1 = v; o1 = o; }
    if (i <= 2) { h2 = h; v2 = v; o2 = o; }
    if (i <= 3) { h3 = h; v3 = v; o3 = o; }
    if (TB == 8) {
      if (i <= 4) { h4 = h; v4 = v; o4 = o; }
      if (i <= 5) { h5 = h; v5 = v; o5 = o; }
      if (i <= 6) { h6 = h; v6 = v; o6 = o; }
      h7 = h; v7 = v; o7 = o;
    }
  }
  // kh grows along the block (smallest at t0, largest at its last tap); kw wraps.
  const hMin = h0, hMax = TB == 8 ? h7 : h3;
  let vMin = min(min(v0, v1), min(v2, v3)), vMax = max(max(v0, v1), max(v2, v3));
  if (TB == 8) {
    vMin = min(vMin, min(min(v4, v5), min(v6, v7)));
    vMax = max(vMax, max(max(v4, v5), max(v6, v7)));
  }
  // Output rows/columns where every tap of the block is inside x (I) or some tap is (U).
  const rI0 = out_lo(padTop, hMin, strideH, OH), rI1 = out_hi(padTop, hMax, strideH, H, OH);
  const rU0 = out_lo(padTop, hMax, strideH, OH), rU1 = out_hi(padTop, hMin, strideH, H, OH);
  const cU0 = out_lo(padLeft, vMax, strideW, OW), cU1 = out_hi(padLeft, vMin, strideW, W, OW);
  const cI0 = out_lo(padLeft, vMin, strideW, OW);
  let cI1 = out_hi(padLeft, vMax, strideW, W, OW);
  if (cI1 < cI0) cI1 = cI0;

  const z = f32x4.splat(0);
  let a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
  let n = r0 / OH;
  let oh = r0 - n * OH;
  for (let r = r0; r < r1; r++) {
    if (oh >= rU0 && oh < rU1) {
      const ih0 = oh * strideH - padTop;
      const xrow = x + <usize>((n * H + ih0) * W) * cb;   // pixel (n, ih0, 0); may lie outside x
      const dyrow = dy + <usize>r * OW * kb + jo;
      const inner = oh >= rI0 && oh < rI1;
      // Edge pixels: [cU0, cI0) and [cI1, cU1) of an inner row, all of [cU0, cU1) otherwise.
      let ow = cU0;
      let end = inner ? cI0 : cU1;
      while (true) {
        for (; ow < end; ow++) {
          const iw0 = ow * strideW - padLeft;
          const px = xrow + (<usize>iw0 * cb);
          const dp = dyrow + <usize>ow * kb;
          const d0 = ld(L, dp);
          const d1 = V == 2 ? v128.load(dp + j2) : z;
          if (tap_valid(ih0, iw0, h0, v0, H, W)) {
            const xs = v128.load32_splat(px + o0);
            a0 = fma(a0, xs, d0);
            if (V == 2) a4 = fma(a4, xs, d1);
          }
          if (tap_valid(ih0, iw0, h1, v1, H, W)) {
            const xs = v128.load32_splat(px + o1);
            a1 = fma(a1, xs, d0);
            if (V == 2) a5 = fma(a5, xs, d1);
          }
          if (tap_valid(ih0, iw0, h2, v2, H, W)) {
            const xs = v128.load32_splat(px + o2);
            a2 = fma(a2, xs, d0);
            if (V == 2) a6 = fma(a6, xs, d1);
          }
          if (tap_valid(ih0, iw0, h3, v3, H, W)) {
            const xs = v128.load32_splat(px + o3);
            a3 = fma(a3, xs, d0);
            if (V == 2) a7 = fma(a7, xs, d1);
          }
          if (TB == 8) {
            if (tap_valid(ih0, iw0, h4, v4, H, W)) a4 = fma(a4, v128.load32_splat(px + o4), d0);
            if (tap_valid(ih0, iw0, h5, v5, H, W)) a5 = fma(a5, v128.load32_splat(px + o5), d0);
            if (tap_valid(ih0, iw0, h6, v6, H, W)) a6 = fma(a6, v128.load32_splat(px + o6), d0);
            if (tap_valid(ih0, iw0, h7, v7, H, W)) a7 = fma(a7, v128.load32_splat(px + o7), d0);
          }
        }
        if (!inner || end == cU1) break;
        ow = cI1 > ow ? cI1 : ow;
        end = cU1;
      }
      if (inner) {
        // Interior pixels: no checks.
        let px = xrow + (<usize>(cI0 * strideW - padLeft) * cb);
        let dp = dyrow + <usize>cI0 * kb;
        for (let q = cI0; q < cI1; q++) {
          const d0 = ld(L, dp);
          const d1 = V == 2 ? v128.load(dp + j2) : z;
          let xs = v128.load32_splat(px + o0);
          a0 = fma(a0, xs, d0);
          if (V == 2) a4 = fma(a4, xs, d1);
          xs = v128.load32_splat(px + o1);
          a1 = fma(a1, xs, d0);
          if (V == 2) a5 = fma(a5, xs, d1);
          xs = v128.load32_splat(px + o2);
          a2 = fma(a2, xs, d0);
          if (V == 2) a6 = fma(a6, xs, d1);
          xs = v128.load32_splat(px + o3);
          a3 = fma(a3, xs, d0);
          if (V == 2) a7 = fma(a7, xs, d1);
          if (TB == 8) {
            a4 = fma(a4, v128.load32_splat(px + o4), d0);
            a5 = fma(a5, v128.load32_splat(px + o5), d0);
            a6 = fma(a6, v128.load32_splat(px + o6), d0);
            a7 = fma(a7, v128.load32_splat(px + o7), d0);
          }
          px += ps;
          dp += kb;
        }
      }
    }
    if (++oh == OH) { oh = 0; n++; }
  }
  // Tap i's sums: a_i (first vector) and, for V == 2, a_{i+4} (second vector).
  const wp = dw + (<usize>t0 * K << 2) + jo;
  acc_add(L, wp, a0, m0);
  if (V == 2) acc_add(4, wp + j2, a4, m1);
  if (nt > 1) { acc_add(L, wp + kb, a1, m0); if (V == 2) acc_add(4, wp + kb + j2, a5, m1); }
  if (nt > 2) { acc_add(L, wp + 2 * kb, a2, m0); if (V == 2) acc_add(4, wp + 2 * kb + j2, a6, m1); }
  if (nt > 3) { acc_add(L, wp + 3 * kb, a3, m0); if (V == 2) acc_add(4, wp + 3 * kb + j2, a7, m1); }
  if (TB == 8) {
    if (nt > 4) acc_add(L, wp + 4 * kb, a4, m0);
    if (nt > 5) acc_add(L, wp + 5 * kb, a5, m0);
    if (nt > 6) acc_add(L, wp + 6 * kb, a6, m0);
    if (nt > 7) acc_add(L, wp + 7 * kb, a7, m0);
  }
}

// p[0..L) += v & m
// @ts-ignore: decorator
@inline function acc_add(L: i32, p: usize, v: v128, m: v128): void {
  st(L, p, f32x4.add(ld(L, p), v128.and(v, m)));
}

// Lanes i >= s all ones, the others zero.
// @ts-ignore: decorator
@inline function lanes_from(s: i32): v128 {
  return i32x4.gt_s(i32x4(0, 1, 2, 3), i32x4.splat(s - 1));
}

// The tap blocks in taps [tA, tB) (multiples of 8, or T) of the channels of V vectors at j0
// and j1. Blocks start at multiples of TB whatever the tap range, so a dw entry gets the
// same sums in the same order however the taps are split into parts.
// @ts-ignore: decorator
@inline function filter_slice(V: i32, L: i32, j0: i32, j1: i32, m0: v128, m1: v128, x: usize,
  dy: usize, dw: usize, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  r0: i32, r1: i32, tA: i32, tB: i32): void {
  const TB = V == 2 ? 4 : 8;
  const T = KH * KW * C;
  for (let t0 = tA; t0 < tB; t0 += TB) {
    filter_block(V, L, j0, j1, m0, m1, t0, min(TB, T - t0), x, dy, dw, H, W, C, OH, OW, KW, K,
      strideH, strideW, padTop, padLeft, dilH, dilW, r0, r1);
  }
}

// dw rows [tA, tB) += the filter gradient over output rows [r0, r1): pairs of vectors, then
// the last 1-7 channels as one or two vectors ending at K (as in fwd_pixels), their lanes
// that overlap channels already summed masked out (those lanes are in the same dw rows, so
// a part never touches another part's rows).
function filter_rows(x: usize, dy: usize, dw: usize, H: i32, W: i32, C: i32, OH: i32,
  OW: i32, KH: i32, KW: i32, K: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32,
  dilH: i32, dilW: i32, r0: i32, r1: i32, tA: i32, tB: i32): void {
  const all = i32x4.splat(-1);
  if (K < 4) {
    filter_slice(1, K, 0, 0, all, all, x, dy, dw, H, W, C, OH, OW, KH, KW, K, strideH, strideW,
      padTop, padLeft, dilH, dilW, r0, r1, tA, tB);
    return;
  }
  let j = 0;
  for (; j + 8 <= K; j += 8) {
    filter_slice(2, 4, j, j + 4, all, all, x, dy, dw, H, W, C, OH, OW, KH, KW, K, strideH,
      strideW, padTop, padLeft, dilH, dilW, r0, r1, tA, tB);
  }
  const r = K - j;
  if (r > 4) {
    filter_slice(2, 4, j, K - 4, all, lanes_from(8 - r), x, dy, dw, H, W, C, OH, OW, KH, KW, K,
      strideH, strideW, padTop, padLeft, dilH, dilW, r0, r1, tA, tB);
  } else if (r > 0) {
    filter_slice(1, 4, K - 4, 0, lanes_from(4 - r), all, x, dy, dw, H, W, C, OH, OW, KH, KW, K,
      strideH, strideW, padTop, padLeft, dilH, dilW, r0, r1, tA, tB);
  }
}

// dw[KH, KW, C, K] = Σ over n, oh, ow of x[n, ih, iw, c]·dy[n, oh, ow, k] for groups = 1;
// dw overwritten, no scratch. Partial sums cover at most CHUNK_PIXELS pixels in f32 before
// they are added to dw.
export function conv2d_nhwc_direct_bwd_filter_f32(x: usize, dy: usize, dw: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32): void {
  conv2d_nhwc_direct_bwd_filter_f32_part(x, dy, dw, N, H, W, C, OH, OW, KH, KW, K, strideH, strideW,
    padTop, padLeft, dilH, dilW, 0, 1);
}

// Part `part` of `parts` of conv2d_nhwc_direct_bwd_filter_f32: the dw rows (taps kh, kw, c) of
// that part, in runs of 4 taps (8 when K < 4 or K mod 8 is 1-4: a single-vector slice takes
// taps 8 at a time), so at most ⌈KH·KW·C / 4⌉ parts do work. Parts may run concurrently, no
// work area; together they are bit-identical to one call.
export function conv2d_nhwc_direct_bwd_filter_f32_part(x: usize, dy: usize, dw: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  part: i32, parts: i32): void {
  const T = KH * KW * C;
  const align = K >= 4 && (K & 7) == 0 || (K & 7) > 4 ? 4 : 8;
  const tA = part_start(T, part, parts, align), tB = part_start(T, part + 1, parts, align);
  if (tA >= tB) return;
  memory.fill(dw + (<usize>tA * K << 2), 0, <usize>(tB - tA) * K << 2);
  const rows = N * OH;
  if (rows <= 0 || OW <= 0) return;
  let chunk = min(CHUNK_PIXELS / OW, DY_CHUNK_BYTES / (OW * K * 4));
  if (chunk < 1) chunk = 1;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    filter_rows(x, dy, dw, H, W, C, OH, OW, KH, KW, K, strideH, strideW, padTop, padLeft,
      dilH, dilW, r0, min(r0 + chunk, rows), tA, tB);
  }
}
