// Winograd convolution F(m×m, 3×3) for 3×3 kernels at stride 1, dilation 1, one group
// (inference path): m = 4 (6×6 tiles) or m = 2 (4×4 tiles).
//
// With T = m + 2, each T×T input tile d (top-left at (tm − padTop, tm − padLeft) for tile
// (t, s)) gives an m×m output tile Y = Aᵀ[ Σ_c U_c ⊙ Bᵀ d_c B ]A, U = G g Gᵀ the transformed
// 3×3 filter. Element e = (i, j) of the T×T products is one GEMM over the channels:
//   M[e] (tiles × K) = V[e] (tiles × C) · U[e] (C × K),
// so the work is T² GEMMs of [tiles × C]·[C × K] through gemm_f32, between an input
// transform (x → V) and an output transform (M → y, bias, residual and activation fused), both vectorised
// along channels in f32x4 (channel tails one lane at a time through the same code).
//
// Transformed filters (caller's buffer, *_weights_f32_bytes(C, K) bytes): U[e] for
// e = i·T + j (i along H, j along W of the tile), each C×K matrix packed by gemm.ts's
// gemm_weights_f32 (8-column panels, zero past K) so that the GEMMs read it in place. Packing
// U inside every GEMM instead cost a copy of T²·C·K floats per block of tiles: ResNet-18's
// F(4×4) layers took 7 % less time without it (kernel profile of `npm run bench -- resnet18`,
// CPU clock, under load); its 7×7×512 F(2×2) layers, one block each, did not change.
//
// Tiles go in blocks of at least MIN_BLOCK_TILES tiles, more if V + M for them fit in
// BLOCK_BUDGET bytes. Scratch is thus bounded whatever the image and batch: about
// max(2 MiB, 64·T²·(C + K)·4 bytes) plus gemm's packing buffer for a block of tiles. Within a block V is [tile][e][C] and M is [tile][e][K]: the GEMM
// for e reads rows of lda = T²·C, and each transform works on one tile's floats in one place.
//
// Accuracy (tests/assembly/winograd.spec.ts, N(0, 1) data, 'same' padding, error relative
// to max |y|): F(4×4) 4.4e-6 at C = K = 64 and 8.9e-6 at 256 (rms 1.7e-6 and 3.2e-6),
// against 3.1e-7 / 3.8e-7 for im2col + GEMM: the ±4, ±5, ±8 transform coefficients cost about
// a decimal digit. F(2×2): 3.1e-7 / 5.8e-7, as accurate as im2col.

import { gemm_prepacked_f32, gemm_prepacked_f32_scratch_bytes, gemm_weights_f32, gemm_weights_f32_bytes } from './gemm';
import { ld, st } from './simd_math';
import { epilogue_f32x4 } from './conv_common';
import { align16, part_start } from './conv_common';

// @ts-ignore: decorator
@inline const BLOCK_BUDGET: i32 = 2 << 20;
// @ts-ignore: decorator
@inline const MIN_BLOCK_TILES: i32 = 64;

// Tiles per block: BLOCK_BUDGET bytes of V + M but at least MIN_BLOCK_TILES, the blocks as
// even as possible and a multiple of 4 (gemm's row panel) unless one block takes all.
// @ts-ignore: decorator
@inline function block_tiles(tiles: i32, T: i32, C: i32, K: i32): i32 {
  let b = BLOCK_BUDGET / (T * T * (C + K) * 4);
  if (b < MIN_BLOCK_TILES) b = MIN_BLOCK_TILES;
  if (b >= tiles) return tiles;
  const nblocks = (tiles + b - 1) / b;
  b = ((tiles + nblocks - 1) / nblocks + 3) & ~3;
  return b < tiles ? b : tiles;
}

// @ts-ignore: decorator
@inline function mulk(k: f32, v: v128): v128 { return f32x4.mul(f32x4.splat(k), v); }

// ---------------------------------------------------------------------------------------
// 1-D transforms of T-vectors of f32x4 (T = 6: F(4, 3); T = 4: F(2, 3)). Each loads all its
// inputs (L lanes, at src + i·ss) before storing its outputs (L lanes, at dst + i·ds), so
// dst may be src: every 2-D transform is two passes in place in its destination buffer.

// out = Bᵀ·d (T outputs)
// @ts-ignore: decorator
@inline function bt1(T: i32, L: i32, src: usize, ss: usize, dst: usize, ds: usize): void {
  const d0 = ld(L, src), d1 = ld(L, src + ss), d2 = ld(L, src + 2 * ss), d3 = ld(L, src + 3 * ss);
  if (T == 6) {
    const d4 = ld(L, src + 4 * ss), d5 = ld(L, src + 5 * ss);
    const a = f32x4.sub(d4, mulk(4, d2)), b = f32x4.sub(d3, mulk(4, d1));
    const c = f32x4.sub(d4, d2), e = mulk(2, f32x4.sub(d3, d1));
    st(L, dst, f32x4.add(f32x4.sub(mulk(4, d0), mulk(5, d2)), d4));
    st(L, dst + ds, f32x4.add(a, b));
    st(L, dst + 2 * ds, f32x4.sub(a, b));
    st(L, dst + 3 * ds, f32x4.add(c, e));
    st(L, dst + 4 * ds, f32x4.sub(c, e));
    st(L, dst + 5 * ds, f32x4.add(f32x4.sub(mulk(4, d1), mulk(5, d3)), d5));
  } else {
    st(L, dst, f32x4.sub(d0, d2));
    st(L, dst + ds, f32x4.add(d1, d2));
    st(L, dst + 2 * ds, f32x4.sub(d2, d1));
    st(L, dst + 3 * ds, f32x4.sub(d1, d3));
  }
}

// Where the outputs of at1 go: RAW stores all T − 2 of them; OUT adds the bias vector and
// the residual (at rd bytes from y, when hr), applies the activation and stores only the
// first n (the output tile's valid columns).
// @ts-ignore: decorator
@inline const RAW = 0;
// @ts-ignore: decorator
@inline const OUT = 1;

// @ts-ignore: decorator
@inline function put(mode: i32, L: i32, q: i32, p: usize, v: v128, bv: v128, act: i32, pv: v128, qv: v128, rd: usize, hr: bool, n: i32): void {
  if (mode == RAW) { st(L, p, v); return; }
  if (q < n) {
    v = f32x4.add(v, bv);
    if (hr) v = f32x4.add(v, ld(L, p + rd));
    st(L, p, epilogue_f32x4(act, v, pv, qv));
  }
}

// out = Aᵀ·m (T − 2 outputs)
// @ts-ignore: decorator
@inline function at1(T: i32, L: i32, mode: i32, src: usize, ss: usize, dst: usize, ds: usize,
  bv: v128, act: i32, pv: v128, qv: v128, rd: usize, hr: bool, n: i32): void {
  const m0 = ld(L, src), m1 = ld(L, src + ss), m2 = ld(L, src + 2 * ss), m3 = ld(L, src + 3 * ss);
  if (T == 6) {
    const m4 = ld(L, src + 4 * ss), m5 = ld(L, src + 5 * ss);
    const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2);
    const c = f32x4.add(m3, m4), e = f32x4.sub(m3, m4);
    put(mode, L, 0, dst, f32x4.add(f32x4.add(m0, a), c), bv, act, pv, qv, rd, hr, n);
    put(mode, L, 1, dst + ds, f32x4.add(b, mulk(2, e)), bv, act, pv, qv, rd, hr, n);
    put(mode, L, 2, dst + 2 * ds, f32x4.add(a, mulk(4, c)), bv, act, pv, qv, rd, hr, n);
    put(mode, L, 3, dst + 3 * ds, f32x4.add(f32x4.add(b, mulk(8, e)), m5), bv, act, pv, qv, rd, hr, n);
  } else {
    put(mode, L, 0, dst, f32x4.add(f32x4.add(m0, m1), m2), bv, act, pv, qv, rd, hr, n);
    put(mode, L, 1, dst + ds, f32x4.sub(f32x4.sub(m1, m2), m3), bv, act, pv, qv, rd, hr, n);
  }
}

// out = G·g (T outputs from 3)
// @ts-ignore: decorator
@inline function g1(T: i32, L: i32, src: usize, ss: usize, dst: usize, ds: usize): void {
  const g0 = ld(L, src), g1 = ld(L, src + ss), g2 = ld(L, src + 2 * ss);
  const p = f32x4.add(g0, g2);
  if (T == 6) {
    const q = f32x4.add(mulk(1.0 / 24, g0), mulk(1.0 / 6, g2)), r = mulk(1.0 / 12, g1);
    st(L, dst, mulk(0.25, g0));
    st(L, dst + ds, mulk(-1.0 / 6, f32x4.add(p, g1)));
    st(L, dst + 2 * ds, mulk(-1.0 / 6, f32x4.sub(p, g1)));
    st(L, dst + 3 * ds, f32x4.add(q, r));
    st(L, dst + 4 * ds, f32x4.sub(q, r));
    st(L, dst + 5 * ds, g2);
  } else {
    st(L, dst, g0);
    st(L, dst + ds, mulk(0.5, f32x4.add(p, g1)));
    st(L, dst + 2 * ds, mulk(0.5, f32x4.sub(p, g1)));
    st(L, dst + 3 * ds, g2);
  }
}

// ---------------------------------------------------------------------------------------
// Filter transform: U = G g Gᵀ for every (c, k), vectorised along k.

// g1 over the K columns of a row: src and dst walk along k.
// @ts-ignore: decorator
@inline function g1_run(T: i32, src: usize, ss: usize, dst: usize, ds: usize, K: i32): void {
  let k = 0;
  for (; k + 4 <= K; k += 4) g1(T, 4, src + (<usize>k << 2), ss, dst + (<usize>k << 2), ds);
  for (; k < K; k++) g1(T, 1, src + (<usize>k << 2), ss, dst + (<usize>k << 2), ds);
}

// Each pass runs along whole rows of K: the taps and the T² elements are C·K floats apart
// (often a multiple of 4 KiB), so going (c, k) by (c, k) through all of them at once would
// hit one cache set with 45 lines (measured 20× slower).
// @ts-ignore: decorator
@inline function weights_rows(T: i32, w: usize, wt: usize, C: i32, K: i32): void {
  const es = <usize>C * K << 2;   // bytes between taps of w, and between elements e of wt
  for (let c = 0; c < C; c++) {
    const o = <usize>c * K << 2;
    // Columns kw of g into elements (i, kw): (G g)[i][kw]. Then each row i in place.
    for (let kw = 0; kw < 3; kw++) {
      g1_run(T, w + o + <usize>kw * es, 3 * es, wt + o + <usize>kw * es, <usize>T * es, K);
    }
    for (let i = 0; i < T; i++) {
      const r = wt + o + <usize>(i * T) * es;
      g1_run(T, r, es, r, es, K);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Input transform: V[tile][e][c] = (Bᵀ d B)[i][j] for channel c of the tile's input patch.

// Channels [c, c+L) of one tile. vt: the tile's V ([e][C]); interior: all T×T taps inside
// the image, read straight from x at xt (the tile's top-left pixel); otherwise the taps are
// first gathered into vt (zeros outside rows [kLo, kHi), columns [jLo, jHi)).
// @ts-ignore: decorator
@inline function in_lanes(T: i32, L: i32, interior: bool, xt: usize, vt: usize, c: i32,
  W: i32, C: i32, kLo: i32, kHi: i32, jLo: i32, jHi: i32): void {
  const o = <usize>c << 2;
  const cb = <usize>C << 2;             // bytes between pixels of x, and elements e of V
  const rb = <usize>W * cb;             // bytes between rows of x
  const v = vt + o;
  if (interior) {
    for (let k = 0; k < T; k++) bt1(T, L, xt + <usize>k * rb + o, cb, v + <usize>(k * T) * cb, cb);
  } else {
    const z = f32x4.splat(0);
    for (let k = 0; k < T; k++) {
      const inRow = k >= kLo && k < kHi;
      for (let j = 0; j < T; j++) {
        const p = v + <usize>(k * T + j) * cb;
        if (inRow && j >= jLo && j < jHi) st(L, p, ld(L, xt + <usize>k * rb + <usize>j * cb + o));
        else st(L, p, z);
      }
      bt1(T, L, v + <usize>(k * T) * cb, cb, v + <usize>(k * T) * cb, cb);
    }
  }
  for (let j = 0; j < T; j++) bt1(T, L, v + <usize>j * cb, <usize>T * cb, v + <usize>j * cb, <usize>T * cb);
}

// Tiles [t0, t0+nb) into V. Tile t is (n, th, tw) with tw fastest; tH×tW tiles per image.
// @ts-ignore: decorator
@inline function input_block(T: i32, x: usize, V: usize, t0: i32, nb: i32,
  H: i32, W: i32, C: i32, tH: i32, tW: i32, padTop: i32, padLeft: i32): void {
  const m = T - 2;
  const tileBytes = <usize>(T * T) * C << 2;
  let n = t0 / (tH * tW);
  const rem = t0 - n * tH * tW;
  let th = rem / tW, tw = rem - th * tW;
  for (let b = 0; b < nb; b++) {
    const ih0 = th * m - padTop, iw0 = tw * m - padLeft;
    const vt = V + <usize>b * tileBytes;
    // The tile's top-left pixel; outside the image for border tiles, but only taps inside
    // are read. (Two's-complement wrap keeps the address arithmetic right.)
    const xt = x + (<usize>((n * H + ih0) * W + iw0) * C << 2);
    if (ih0 >= 0 && iw0 >= 0 && ih0 + T <= H && iw0 + T <= W) {
      let c = 0;
      for (; c + 4 <= C; c += 4) in_lanes(T, 4, true, xt, vt, c, W, C, 0, T, 0, T);
      for (; c < C; c++) in_lanes(T, 1, true, xt, vt, c, W, C, 0, T, 0, T);
    } else {
      const kLo = max(0, -ih0), kHi = min(T, H - ih0);
      const jLo = max(0, -iw0), jHi = min(T, W - iw0);
      let c = 0;
      for (; c + 4 <= C; c += 4) in_lanes(T, 4, false, xt, vt, c, W, C, kLo, kHi, jLo, jHi);
      for (; c < C; c++) in_lanes(T, 1, false, xt, vt, c, W, C, kLo, kHi, jLo, jHi);
    }
    if (++tw == tW) { tw = 0; if (++th == tH) { th = 0; n++; } }
  }
}

// ---------------------------------------------------------------------------------------
// Output transform: y tile = act(Aᵀ M A + bias), only its rows < nr and columns < nc.

// @ts-ignore: decorator
@inline function out_lanes(T: i32, L: i32, mt: usize, yt: usize, k: i32, K: i32, OW: i32,
  bias: usize, act: i32, pv: v128, qv: v128, rd: usize, hr: bool, nr: i32, nc: i32): void {
  const o = <usize>k << 2;
  const kb = <usize>K << 2;             // bytes between elements e of M, and pixels of y
  const bv = bias != 0 ? ld(L, bias + o) : f32x4.splat(0);
  const mp = mt + o;
  // Columns j: rows i < T − 2 of (Aᵀ M) in place; then each valid row i into y.
  for (let j = 0; j < T; j++) {
    at1(T, L, RAW, mp + <usize>j * kb, <usize>T * kb, mp + <usize>j * kb, <usize>T * kb, bv, 0, pv, qv, 0, false, 0);
  }
  for (let i = 0; i < nr; i++) {
    at1(T, L, OUT, mp + <usize>(i * T) * kb, kb, yt + <usize>i * OW * kb + o, kb, bv, act, pv, qv, rd, hr, nc);
  }
}

// @ts-ignore: decorator
@inline function output_block(T: i32, Mb: usize, y: usize, bias: usize, t0: i32, nb: i32,
  OH: i32, OW: i32, K: i32, tH: i32, tW: i32, act: i32, pv: v128, qv: v128, rd: usize, hr: bool, k0: i32, k1: i32): void {
  const m = T - 2;
  const tileBytes = <usize>(T * T) * K << 2;
  let n = t0 / (tH * tW);
  const rem = t0 - n * tH * tW;
  let th = rem / tW, tw = rem - th * tW;
  for (let b = 0; b < nb; b++) {
    const oh0 = th * m, ow0 = tw * m;
    const nr = min(m, OH - oh0), nc = min(m, OW - ow0);
    const mt = Mb + <usize>b * tileBytes;
    const yt = y + (<usize>((n * OH + oh0) * OW + ow0) * K << 2);
    let k = k0;
    for (; k + 4 <= k1; k += 4) out_lanes(T, 4, mt, yt, k, K, OW, bias, act, pv, qv, rd, hr, nr, nc);
    for (; k < k1; k++) out_lanes(T, 1, mt, yt, k, K, OW, bias, act, pv, qv, rd, hr, nr, nc);
    if (++tw == tW) { tw = 0; if (++th == tH) { th = 0; n++; } }
  }
}

// ---------------------------------------------------------------------------------------
// The convolution

// @ts-ignore: decorator
@inline function scratch_bytes(T: i32, N: i32, C: i32, OH: i32, OW: i32, K: i32): usize {
  const m = T - 2;
  const tiles = N * ((OH + m - 1) / m) * ((OW + m - 1) / m);
  if (tiles <= 0) return 0;
  return part_scratch_bytes(T, N, C, OH, OW, K);
}

// Scratch of the whole call and of any part: V and M for a block of B tiles, and the GEMM's
// A-packing buffer (enough for every smaller block and column range).
// @ts-ignore: decorator
@inline function part_scratch_bytes(T: i32, N: i32, C: i32, OH: i32, OW: i32, K: i32): usize {
  const m = T - 2;
  const tiles = N * ((OH + m - 1) / m) * ((OW + m - 1) / m);
  if (tiles <= 0) return 0;
  const B = block_tiles(tiles, T, C, K);
  return align16(<usize>B * (T * T) * C << 2) + align16(<usize>B * (T * T) * K << 2) +
    gemm_prepacked_f32_scratch_bytes(B, K, C);
}

// Tiles [t0, t1) and output channels [k0, k1) of the convolution, in blocks of the whole
// problem's block size B. Every output element is the same whatever the ranges: a tile's
// transforms do not depend on its neighbours, and a GEMM element's sum runs over the same
// k-blocks of C whatever rows and columns the call covers.
// @ts-ignore: decorator
@inline function fwd_range(T: i32, x: usize, wt: usize, bias: usize, y: usize, N: i32, H: i32,
  W: i32, C: i32, OH: i32, OW: i32, K: i32, padTop: i32, padLeft: i32, act: i32,
  p0: f32, p1: f32, res: usize, scratch: usize, t0: i32, t1: i32, k0: i32, k1: i32): void {
  const pv = f32x4.splat(p0), qv = f32x4.splat(p1);
  const rd = res - y;   // the residual's offset from y (wrapping)
  const m = T - 2;
  const tH = (OH + m - 1) / m, tW = (OW + m - 1) / m;
  const tiles = N * tH * tW;
  if (tiles <= 0 || t1 <= t0 || k1 <= k0) return;
  const TT = T * T;
  const B = block_tiles(tiles, T, C, K);
  const V = scratch;
  const Mb = V + align16(<usize>B * TT * C << 2);
  const gs = Mb + align16(<usize>B * TT * K << 2);
  const cb = <usize>C << 2, kb = <usize>K << 2, ko = <usize>k0 << 2;
  const ub = gemm_weights_f32_bytes(C, K); // one packed U[e]; columns k0… start at panel k0/8
  for (let tb = t0; tb < t1; tb += B) {
    const nb = min(B, t1 - tb);
    input_block(T, x, V, tb, nb, H, W, C, tH, tW, padTop, padLeft);
    for (let e = 0; e < TT; e++) {
      gemm_prepacked_f32(nb, k1 - k0, C, V + <usize>e * cb, TT * C, wt + <usize>e * ub + (<usize>k0 * C << 2),
        Mb + <usize>e * kb + ko, TT * K, 0, 0, 0, 0, 0, gs);
    }
    output_block(T, Mb, y, bias, tb, nb, OH, OW, K, tH, tW, act, pv, qv, rd, res != 0, k0, k1);
  }
}

// @ts-ignore: decorator
@inline function fwd(T: i32, x: usize, wt: usize, bias: usize, y: usize, N: i32, H: i32,
  W: i32, C: i32, OH: i32, OW: i32, K: i32, padTop: i32, padLeft: i32, act: i32,
  p0: f32, p1: f32, res: usize, scratch: usize): void {
  const m = T - 2;
  const tiles = N * ((OH + m - 1) / m) * ((OW + m - 1) / m);
  fwd_range(T, x, wt, bias, y, N, H, W, C, OH, OW, K, padTop, padLeft, act, p0, p1, res, scratch, 0, tiles, 0, K);
}

// Part `part` of `parts` (a kparts-wide grid: tile ranges × output-channel ranges, channel
// boundaries on gemm's 8-column panels): many tiles split by tiles, few tiles by channels.
// @ts-ignore: decorator
@inline function fwd_part(T: i32, x: usize, wt: usize, bias: usize, y: usize, N: i32, H: i32,
  W: i32, C: i32, OH: i32, OW: i32, K: i32, padTop: i32, padLeft: i32, act: i32,
  p0: f32, p1: f32, res: usize, scratch: usize, kparts: i32, part: i32, parts: i32): void {
  const m = T - 2;
  const tiles = N * ((OH + m - 1) / m) * ((OW + m - 1) / m);
  if (kparts < 1) kparts = 1;
  const tparts = max(1, parts / kparts);
  const tp = part / kparts, kp = part - tp * kparts;
  if (tp >= tparts) return;
  fwd_range(T, x, wt, bias, y, N, H, W, C, OH, OW, K, padTop, padLeft, act, p0, p1, res, scratch,
    part_start(tiles, tp, tparts, 1), part_start(tiles, tp + 1, tparts, 1),
    part_start(K, kp, kparts, 8), part_start(K, kp + 1, kparts, 8));
}

// The T² transformed filters U[e] = G g Gᵀ of the HWIO filters w [3, 3, C, K], first as
// row-major C×K matrices in scratch (T²·C·K floats), then each packed into wt.
// @ts-ignore: decorator
@inline function weights_packed(T: i32, w: usize, wt: usize, C: i32, K: i32, scratch: usize): void {
  weights_rows(T, w, scratch, C, K);
  const rb = <usize>C * K << 2, ub = gemm_weights_f32_bytes(C, K);
  for (let e = 0; e < T * T; e++) gemm_weights_f32(scratch + <usize>e * rb, K, C, K, wt + <usize>e * ub);
}

// Bytes of the transformed filters: 36 packed C×K matrices (K rounded up to 8 columns).
export function conv2d_winograd_f4x4_3x3_weights_f32_bytes(C: i32, K: i32): usize {
  return 36 * gemm_weights_f32_bytes(C, K);
}

// Bytes of the weights transform's scratch: 36·C·K floats.
export function conv2d_winograd_f4x4_3x3_weights_f32_scratch_bytes(C: i32, K: i32): usize {
  return <usize>36 * C * K << 2;
}

// wt = the F(4×4, 3×3) transforms of the HWIO filters w [3, 3, C, K] (element e = i·6 + j
// of the 6×6 transform), packed; wt and scratch are overwritten, w is not touched.
export function conv2d_winograd_f4x4_3x3_weights_f32(w: usize, wt: usize, C: i32, K: i32, scratch: usize): void {
  weights_packed(6, w, wt, C, K, scratch);
}

// y[N, OH, OW, K] = act(conv3×3(x, w) + bias) at stride 1, groups 1, with wt the output of
// conv2d_winograd_f4x4_3x3_weights_f32. x [N, H, W, C]; padTop/padLeft any; taps outside the input
// read zero. bias and res (a residual [N, OH, OW, K] added before the activation, not
// overlapping y) may be 0 (none); act an epilogue code of conv_common.ts with p0, p1.
// scratch: conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_scratch_bytes(...) bytes, 16-byte aligned.
export function conv2d_nhwc_winograd_f4x4_3x3_fwd_f32(x: usize, wt: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, K: i32, padTop: i32, padLeft: i32,
  act: i32, p0: f32, p1: f32, res: usize, scratch: usize): void {
  fwd(6, x, wt, bias, y, N, H, W, C, OH, OW, K, padTop, padLeft, act, p0, p1, res, scratch);
}

export function conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_scratch_bytes(N: i32, H: i32, W: i32, C: i32,
  OH: i32, OW: i32, K: i32): usize {
  return scratch_bytes(6, N, C, OH, OW, K);
}

// Thread slice: part `part` of `parts` of the f4x4 convolution, the grid's output channels
// in `kparts` ranges (parts a multiple of kparts); bit-identical to the whole call. scratch:
// conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_max_scratch_bytes(...) bytes per thread.
export function conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_part(x: usize, wt: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, K: i32, padTop: i32, padLeft: i32,
  act: i32, p0: f32, p1: f32, res: usize, scratch: usize, kparts: i32, part: i32, parts: i32): void {
  fwd_part(6, x, wt, bias, y, N, H, W, C, OH, OW, K, padTop, padLeft, act, p0, p1, res, scratch, kparts, part, parts);
}

export function conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_max_scratch_bytes(N: i32, H: i32, W: i32, C: i32,
  OH: i32, OW: i32, K: i32): usize {
  return part_scratch_bytes(6, N, C, OH, OW, K);
}

// The same with F(2×2, 3×3): 16 packed matrices, 4×4 tiles.
export function conv2d_winograd_f2x2_3x3_weights_f32_bytes(C: i32, K: i32): usize {
  return 16 * gemm_weights_f32_bytes(C, K);
}

export function conv2d_winograd_f2x2_3x3_weights_f32_scratch_bytes(C: i32, K: i32): usize {
  return <usize>16 * C * K << 2;
}

export function conv2d_winograd_f2x2_3x3_weights_f32(w: usize, wt: usize, C: i32, K: i32, scratch: usize): void {
  weights_packed(4, w, wt, C, K, scratch);
}

export function conv2d_nhwc_winograd_f2x2_3x3_fwd_f32(x: usize, wt: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, K: i32, padTop: i32, padLeft: i32,
  act: i32, p0: f32, p1: f32, res: usize, scratch: usize): void {
  fwd(4, x, wt, bias, y, N, H, W, C, OH, OW, K, padTop, padLeft, act, p0, p1, res, scratch);
}

export function conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_scratch_bytes(N: i32, H: i32, W: i32, C: i32,
  OH: i32, OW: i32, K: i32): usize {
  return scratch_bytes(4, N, C, OH, OW, K);
}

// Thread slice: part `part` of `parts` of the f2x2 convolution, the grid's output channels
// in `kparts` ranges (parts a multiple of kparts); bit-identical to the whole call. scratch:
// conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_max_scratch_bytes(...) bytes per thread.
export function conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_part(x: usize, wt: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, K: i32, padTop: i32, padLeft: i32,
  act: i32, p0: f32, p1: f32, res: usize, scratch: usize, kparts: i32, part: i32, parts: i32): void {
  fwd_part(4, x, wt, bias, y, N, H, W, C, OH, OW, K, padTop, padLeft, act, p0, p1, res, scratch, kparts, part, parts);
}

export function conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_max_scratch_bytes(N: i32, H: i32, W: i32, C: i32,
  OH: i32, OW: i32, K: i32): usize {
  return part_scratch_bytes(4, N, C, OH, OW, K);
}
