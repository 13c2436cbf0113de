// Data movement: batched 2-D transposes in 4×4 and 8×8 SIMD blocks (permute NCHW ↔ NHWC), strided
// copies and accumulations over up to 4 dimensions (permute, slice, pad, broadcastTo, tile and
// their backward passes), and gathers along an axis. Strides are in floats and may be 0
// (broadcast) or negative; the caller merges dimensions so that the innermost run is as long
// as it can be. Element offsets fit in i32 (at most 2^30 floats in 4 GiB); they are turned
// into byte offsets unsigned, so negative strides wrap as they should.
import { load_f32x4_n, store_f32x4_n } from './simd_math';
import { part_start } from './conv_common';

// @ts-ignore: decorator
@inline function off(i: i32): usize { return <usize>i << 2; }

// One 4×4 block: source rows r..r+3 at columns c..c+3 of an [R, C] matrix, transposed in
// registers (two rounds of lane interleaves) into destination rows c..c+3 at r..r+3.
// @ts-ignore: decorator
@inline function block4x4(s: usize, d: usize, R: i32, C: i32, r: i32, c: i32): void {
  const p = s + off(r * C + c);
  const a0 = v128.load(p);
  const a1 = v128.load(p + off(C));
  const a2 = v128.load(p + off(2 * C));
  const a3 = v128.load(p + off(3 * C));
  const t0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
  const q = d + off(c * R + r);
  v128.store(q, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(q + off(R), v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(q + off(2 * R), v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(q + off(3 * R), v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

// 4×4 transposes of the blocks at (r, c) and (r + 4, c) written side by side: source rows
// r..r+7 at columns c..c+3 into destination rows c..c+3 at r..r+7 (32 bytes each).
// @ts-ignore: decorator
@inline function t4(a0: v128, a1: v128, a2: v128, a3: v128, q: usize, qs: usize): void {
  const t0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
  v128.store(q, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(q + qs, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(q + 2 * qs, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(q + 3 * qs, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

// One 8×8 block: all 16 vectors loaded (8 source rows × 8 columns), then four 4×4
// transposes store 8 destination rows of 8 floats. Loading the whole block before any store
// keeps the loads clear of the stores still in flight.
// @ts-ignore: decorator
@inline function block8x8(s: usize, d: usize, R: i32, C: i32, r: i32, c: i32): void {
  const p = s + off(r * C + c);
  const ps = off(C);
  const p4 = p + 4 * ps;
  const a0 = v128.load(p), a1 = v128.load(p + ps), a2 = v128.load(p + 2 * ps), a3 = v128.load(p + 3 * ps);
  const b0 = v128.load(p, 16), b1 = v128.load(p + ps, 16), b2 = v128.load(p + 2 * ps, 16), b3 = v128.load(p + 3 * ps, 16);
  const e0 = v128.load(p4), e1 = v128.load(p4 + ps), e2 = v128.load(p4 + 2 * ps), e3 = v128.load(p4 + 3 * ps);
  const f0 = v128.load(p4, 16), f1 = v128.load(p4 + ps, 16), f2 = v128.load(p4 + 2 * ps, 16), f3 = v128.load(p4 + 3 * ps, 16);
  const q = d + off(c * R + r);
  const qs = off(R);
  t4(a0, a1, a2, a3, q, qs);
  t4(e0, e1, e2, e3, q + 16, qs);
  t4(b0, b1, b2, b3, q + 4 * qs, qs);
  t4(f0, f1, f2, f3, q + 4 * qs + 16, qs);
}

// Source rows [r0, r1) × columns [c0, c1) of an [R, C] matrix: 4×4 blocks, scalar edges.
function transpose_rect(s: usize, d: usize, R: i32, C: i32, r0: i32, r1: i32, c0: i32, c1: i32): void {
  const rv = r0 + ((r1 - r0) & ~3);
  const cv = c0 + ((c1 - c0) & ~3);
  for (let r = r0; r < rv; r += 4) for (let c = c0; c < cv; c += 4) block4x4(s, d, R, C, r, c);
  for (let r = rv; r < r1; r++)
    for (let c = c0; c < c1; c++) store<f32>(d + off(c * R + r), load<f32>(s + off(r * C + c)));
  for (let c = cv; c < c1; c++)
    for (let r = r0; r < rv; r++) store<f32>(d + off(c * R + r), load<f32>(s + off(r * C + c)));
}

// One BS×BS block (8×8 or 4×4) at source row r, column c.
// @ts-ignore: decorator
@inline function block(BS: i32, s: usize, d: usize, R: i32, C: i32, r: i32, c: i32): void {
  if (BS == 8) block8x8(s, d, R, C, r, c);
  else block4x4(s, d, R, C, r, c);
}

// Rows [r0, r1) of one [R, C] matrix s transposed into d ([C, R]) in BS×BS blocks, walked in
// tiles of TR rows × TC columns, rows inner or columns inner; scalar-edged rectangles after.
// @ts-ignore: decorator
@inline function tiled(BS: i32, TR: i32, TC: i32, rowsInner: bool, s: usize, d: usize, R: i32, C: i32, r0: i32, r1: i32): void {
  const rv = r0 + ((r1 - r0) & ~(BS - 1));
  const Cv = C & ~(BS - 1);
  for (let ra = r0; ra < rv; ra += TR) {
    const rb = min(ra + TR, rv);
    for (let ca = 0; ca < Cv; ca += TC) {
      const cb = min(ca + TC, Cv);
      if (rowsInner) {
        for (let c = ca; c < cb; c += BS) for (let r = ra; r < rb; r += BS) block(BS, s, d, R, C, r, c);
      } else {
        for (let r = ra; r < rb; r += BS) for (let c = ca; c < cb; c += BS) block(BS, s, d, R, C, r, c);
      }
    }
  }
  if (Cv < C) transpose_rect(s, d, R, C, r0, rv, Cv, C);
  if (rv < r1) transpose_rect(s, d, R, C, rv, r1, 0, C);
}

// @ts-ignore: decorator
@inline const PLANAR3 = 0; // [3, P] → [P, 3]
// @ts-ignore: decorator
@inline const INTERLEAVED3 = 1; // [P, 3] → [3, P]
// @ts-ignore: decorator
@inline const TALL = 2; // R ≥ C (NHWC → NCHW: R pixels, C channels)
// @ts-ignore: decorator
@inline const WIDE = 3; // R < C (NCHW → NHWC)

// Rows [lo, hi) of the B·R source rows (each matrix's rows in turn), or for three channels
// pixels [lo, hi) of the B·P pixels, for one layout case (`kind`): each case below is its own
// function with its batch loop around its inlined tile loops (a separate function per matrix
// measured 0.41–0.46 of the copy against 0.58–0.65 inlined). Measured on a 64-image 64×64×64
// batch, A/B of whole builds in one process on the same buffers (6 processes, best of 30
// rounds each, the f32x4 copy loop 4.1–4.6 ms): one function dispatching between the cases
// around one batch loop with 512-row bands took 8.1–8.4 ms NHWC→NCHW and 7.4–7.7 ms NCHW→NHWC;
// this layout 7.5–8.2 and 7.2–7.4.
// - TALL: 8×8 blocks in tiles of 16 columns (one 64-byte line of each source row) by a band
//   of up to 1 MiB of source rows, the columns inner. 2048–16384-row bands measured alike on
//   16384×64 maps, 512-row ones 5 % slower; 4×4 blocks, 16×16 blocks (whole destination lines),
//   pairs of 8×8 blocks down the rows, 8- or 32-column tiles, touch-ahead loads of the
//   destination lines and staging through a cache-resident scratch were all slower (0.31–0.50
//   of the copy against 0.55–0.64 in the same runs).
// - WIDE: 4×4 blocks in tiles of 16 rows × 256 columns, rows inner; 8, 12, 20 or 32 rows, 8×8
//   blocks, 4×16 blocks (whole source lines) and the scratch were slower, the tile width does
//   not matter (64–4096 alike).
// @ts-ignore: decorator
@inline function each_matrix(kind: i32, src: usize, dst: usize, B: i32, R: i32, C: i32, lo: i32, hi: i32): void {
  const rows = kind == PLANAR3 ? C : R;
  const mat = off(R * C);
  // TALL: rows per band, 1 MiB of source.
  const band = max((1 << 18) / C, 8);
  for (let b = lo / rows; b < B && b * rows < hi; b++) {
    const a = max(lo - b * rows, 0);
    const z = min(hi - b * rows, rows);
    const s = src + <usize>b * mat;
    const d = dst + <usize>b * mat;
    if (kind == PLANAR3) planar3_to_interleaved(s, d, C, a, z);
    else if (kind == INTERLEAVED3) interleaved3_to_planar(s, d, R, a, z);
    else if (kind == TALL) tiled(8, band, 16, false, s, d, R, C, a, z);
    else tiled(4, 16, 256, true, s, d, R, C, a, z);
  }
}

function transpose_planar3(src: usize, dst: usize, B: i32, R: i32, C: i32, lo: i32, hi: i32): void { each_matrix(PLANAR3, src, dst, B, R, C, lo, hi); }
function transpose_interleaved3(src: usize, dst: usize, B: i32, R: i32, C: i32, lo: i32, hi: i32): void { each_matrix(INTERLEAVED3, src, dst, B, R, C, lo, hi); }
function transpose_tall(src: usize, dst: usize, B: i32, R: i32, C: i32, lo: i32, hi: i32): void { each_matrix(TALL, src, dst, B, R, C, lo, hi); }
function transpose_wide(src: usize, dst: usize, B: i32, R: i32, C: i32, lo: i32, hi: i32): void { each_matrix(WIDE, src, dst, B, R, C, lo, hi); }

// Rows [lo, hi) of the B·R source rows, or for three channels (an RGB batch between NCHW
// and NHWC: 4 pixels are 3 vectors either way) pixels [lo, hi) of the B·P pixels. Pure
// data movement: any split gives the same bytes.
function transpose_range(src: usize, dst: usize, B: i32, R: i32, C: i32, lo: i32, hi: i32): void {
  if (R <= 0 || C <= 0) return;
  if (R == 3) transpose_planar3(src, dst, B, R, C, lo, hi);
  else if (C == 3) transpose_interleaved3(src, dst, B, R, C, lo, hi);
  else if (R >= C) transpose_tall(src, dst, B, R, C, lo, hi);
  else transpose_wide(src, dst, B, R, C, lo, hi);
}

// dst[b, c, r] = src[b, r, c] for B matrices [R, C] (permute NHWC ↔ NCHW and any 2-D
// transpose of the trailing dimensions).
export function transpose_2d_f32(src: usize, dst: usize, B: i32, R: i32, C: i32): void {
  transpose_range(src, dst, B, R, C, 0, B * (R == 3 ? C : R));
}

// Part `part` of `parts` of transpose_2d_f32: an even share of the B·R source rows (B·P
// pixels with three channels), boundaries on multiples of 4.
export function transpose_2d_f32_part(src: usize, dst: usize, B: i32, R: i32, C: i32, part: i32, parts: i32): void {
  const total = B * (R == 3 ? C : R);
  transpose_range(src, dst, B, R, C, part_start(total, part, parts, 4), part_start(total, part + 1, parts, 4));
}

// One innermost run of a strided copy (add = 0) or accumulation (add = 1), add a literal.
// Copy: a contiguous run is one memory.copy, a broadcast one (s = 0) a SIMD fill.
// Accumulate: a contiguous run is a SIMD add, a run into one element (t = 0) a SIMD sum.
// @ts-ignore: decorator
@inline function strided_run(add: i32, ps: usize, pd: usize, n: i32, s: i32, t: i32): void {
  if (add == 0 && s == 1 && t == 1) {
    memory.copy(pd, ps, off(n));
  } else if (add == 0 && s == 0 && t == 1) {
    const v = v128.load32_splat(ps);
    for (let i = 0; i < n; i += 4) store_f32x4_n(pd + off(i), v, min(4, n - i));
  } else if (add == 1 && s == 1 && t == 1) {
    for (let i = 0; i < n; i += 4) {
      const r = min(4, n - i);
      store_f32x4_n(pd + off(i), f32x4.add(load_f32x4_n(pd + off(i), r), load_f32x4_n(ps + off(i), r)), r);
    }
  } else if (add == 1 && s == 1 && t == 0) {
    let acc = f32x4.splat(0);
    for (let i = 0; i < n; i += 4) acc = f32x4.add(acc, load_f32x4_n(ps + off(i), min(4, n - i)));
    const h = f32x4.add(acc, v128.shuffle<f32>(acc, acc, 2, 3, 0, 1));
    store<f32>(pd, load<f32>(pd) + (f32x4.extract_lane(h, 0) + f32x4.extract_lane(h, 1)));
  } else {
    for (let i = 0; i < n; i++) {
      const q = pd + off(i * t);
      const v = load<f32>(ps + off(i * s));
      store<f32>(q, add ? load<f32>(q) + v : v);
    }
  }
}

// @ts-ignore: decorator
@inline function strided(add: i32, src: usize, dst: usize, d0: i32, d1: i32, d2: i32, d3: i32,
  s0: i32, s1: i32, s2: i32, s3: i32, t0: i32, t1: i32, t2: i32, t3: i32): void {
  for (let i0 = 0; i0 < d0; i0++)
    for (let i1 = 0; i1 < d1; i1++)
      for (let i2 = 0; i2 < d2; i2++)
        strided_run(add, src + off(i0 * s0 + i1 * s1 + i2 * s2), dst + off(i0 * t0 + i1 * t1 + i2 * t2), d3, s3, t3);
}

// [3, P] planes → [P, 3] pixels, pixels [p0, p1) of one image: 4 pixels (one vector from
// each plane) are shuffled into 3 vectors [r0 g0 b0 r1] [g1 b1 r2 g2] [b2 r3 g3 b3].
function planar3_to_interleaved(s: usize, d: usize, P: i32, p0: i32, p1: i32): void {
  const P4 = p0 + ((p1 - p0) & ~3);
  for (let p = p0; p < P4; p += 4) {
    const r = v128.load(s + off(p));
    const g = v128.load(s + off(P + p));
    const bl = v128.load(s + off(2 * P + p));
    const t0 = v128.shuffle<f32>(r, g, 0, 4, 1, 5); // r0 g0 r1 g1
    const q = d + off(3 * p);
    v128.store(q, v128.shuffle<f32>(t0, bl, 0, 1, 4, 2));
    const u = v128.shuffle<f32>(r, g, 2, 6, 2, 6); // r2 g2 r2 g2
    const v = v128.shuffle<f32>(t0, bl, 3, 5, 3, 5); // g1 b1 g1 b1
    v128.store(q, v128.shuffle<f32>(v, u, 0, 1, 4, 5), 16);
    const w = v128.shuffle<f32>(r, g, 3, 7, 3, 7); // r3 g3 r3 g3
    v128.store(q, v128.shuffle<f32>(bl, w, 2, 4, 5, 3), 32);
  }
  for (let p = P4; p < p1; p++)
    for (let c = 0; c < 3; c++) store<f32>(d + off(3 * p + c), load<f32>(s + off(c * P + p)));
}

// [P, 3] pixels → [3, P] planes, the inverse shuffle.
function interleaved3_to_planar(s: usize, d: usize, P: i32, p0: i32, p1: i32): void {
  const P4 = p0 + ((p1 - p0) & ~3);
  for (let p = p0; p < P4; p += 4) {
    const q = s + off(3 * p);
    const x0 = v128.load(q); // r0 g0 b0 r1
    const x1 = v128.load(q, 16); // g1 b1 r2 g2
    const x2 = v128.load(q, 32); // b2 r3 g3 b3
    const rr = v128.shuffle<f32>(v128.shuffle<f32>(x0, x1, 0, 3, 6, 6), x2, 0, 1, 2, 5); // r0 r1 r2 r3
    const gg = v128.shuffle<f32>(v128.shuffle<f32>(x0, x1, 1, 4, 7, 7), x2, 0, 1, 2, 6); // g0 g1 g2 g3
    const bb = v128.shuffle<f32>(v128.shuffle<f32>(x0, x1, 2, 5, 5, 5), x2, 0, 1, 4, 7); // b0 b1 b2 b3
    v128.store(d + off(p), rr);
    v128.store(d + off(P + p), gg);
    v128.store(d + off(2 * P + p), bb);
  }
  for (let p = P4; p < p1; p++)
    for (let c = 0; c < 3; c++) store<f32>(d + off(c * P + p), load<f32>(s + off(3 * p + c)));
}

// dst[Σ ik·tk] = src[Σ ik·sk] over the index box d0×d1×d2×d3 (permute, slice, pad,
// broadcastTo, tile).
export function copy_strided_f32(src: usize, dst: usize, d0: i32, d1: i32, d2: i32, d3: i32,
  s0: i32, s1: i32, s2: i32, s3: i32, t0: i32, t1: i32, t2: i32, t3: i32): void {
  strided(0, src, dst, d0, d1, d2, d3, s0, s1, s2, s3, t0, t1, t2, t3);
}

// dst[Σ ik·tk] += src[Σ ik·sk]: the backward of copy_strided_f32 where the destination repeats
// (tk = 0 along a broadcast dimension sums it).
export function add_strided_f32(src: usize, dst: usize, d0: i32, d1: i32, d2: i32, d3: i32,
  s0: i32, s1: i32, s2: i32, s3: i32, t0: i32, t1: i32, t2: i32, t3: i32): void {
  strided(1, src, dst, d0, d1, d2, d3, s0, s1, s2, s3, t0, t1, t2, t3);
}

// dst[o, j, k] = src[o, idx[j], k] for o < outer, j < nIdx, k < inner; idx (i32) already in
// [0, axisLen).
export function gather_fwd_f32(src: usize, idx: usize, dst: usize, outer: i32, nIdx: i32, axisLen: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    const s = src + off(o * axisLen * inner);
    const d = dst + off(o * nIdx * inner);
    if (inner == 1) {
      for (let j = 0; j < nIdx; j++) store<f32>(d + off(j), load<f32>(s + off(load<i32>(idx + off(j)))));
    } else {
      for (let j = 0; j < nIdx; j++) memory.copy(d + off(j * inner), s + off(load<i32>(idx + off(j)) * inner), off(inner));
    }
  }
}

// gather's backward: dx[o, idx[j], k] += dy[o, j, k] (dx zeroed by the caller; repeated
// indices accumulate).
export function gather_bwd_f32(dy: usize, idx: usize, dx: usize, outer: i32, nIdx: i32, axisLen: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    const g = dy + off(o * nIdx * inner);
    const d = dx + off(o * axisLen * inner);
    for (let j = 0; j < nIdx; j++) {
      const ps = g + off(j * inner);
      const pd = d + off(load<i32>(idx + off(j)) * inner);
      for (let i = 0; i < inner; i += 4) {
        const r = min(4, inner - i);
        store_f32x4_n(pd + off(i), f32x4.add(load_f32x4_n(pd + off(i), r), load_f32x4_n(ps + off(i), r)), r);
      }
    }
  }
}
