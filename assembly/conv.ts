// 2-D convolution kernels: forward, backward-data, backward-filter, bias gradient,
// depthwise, and transposed convolution (which is backward-data run forward).
//
// Layout: activations NHWC, weights HWIO [KH, KW, C/groups, K], bias [K]. The caller
// computes the output size OH×OW and the top/left padding; asymmetric padding is
// padTop/padLeft plus the output size (bottom/right padding is whatever OH/OW imply). Taps
// that fall outside the input read zeros. Output channel k belongs to group k / (K/groups)
// and sees input channels [g·C/groups, (g+1)·C/groups), as in TensorFlow.
//
// The dense path is GEMM: each output pixel is one row of K = KH·KW·C/groups im2col
// values, built for a block of rows at a time in caller scratch (so scratch stays a few MB
// whatever the batch), and multiplied with the group's weight columns in place (lda/ldb/ldc
// strides pick the group's slice, no copies). A 1×1, stride-1, unpadded conv skips im2col:
// x already is the row matrix. Depthwise convs (groups == C == K) have their own kernels
// (dwconv.ts) and few-channel ones conv_direct.ts; the launcher (ts/kernels/conv.ts) chooses.

import { gemm_f32, gemm_f32_max_scratch_bytes } from './gemm';
import { ld, st } from './simd_math';
import { tap_lo, tap_hi, part_start, align16, bias_act_rows } from './conv_common';

// Rows of im2col per block: about COL_BUDGET bytes, but at least MIN_BLOCK_ROWS so the GEMM
// keeps a useful M (and the filter gradient, which reduces over rows, few beta = 1 passes).
// @ts-ignore: decorator
@inline const COL_BUDGET: i32 = 2 << 20;
// @ts-ignore: decorator
@inline const MIN_BLOCK_ROWS: i32 = 128;

// @ts-ignore: decorator
@inline function block_rows(rows: i32, kdim: i32): i32 {
  let r = COL_BUDGET / (kdim << 2);
  if (r < MIN_BLOCK_ROWS) r = MIN_BLOCK_ROWS;
  return r < rows ? r : rows;
}

// A 1×1 kernel at stride 1 without padding maps pixel i to pixel i: no im2col needed.
// @ts-ignore: decorator
@inline function is_pointwise(H: i32, W: i32, OH: i32, OW: i32, KH: i32, KW: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32): bool {
  return KH == 1 && KW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0 &&
    OH == H && OW == W;
}


// ---------------------------------------------------------------------------------------
// im2col / col2im

// @ts-ignore: decorator
@inline const GATHER = 0;   // col row = input taps (zeros outside)
// @ts-ignore: decorator
@inline const SCATTER = 1;  // input taps += col row

// GATHER: col[i] = src[i]; SCATTER: src[i] += col[i], for i < n.
// @ts-ignore: decorator
@inline function move_run(mode: i32, col: usize, src: usize, n: i32): void {
  if (mode == GATHER && n >= 16) { memory.copy(col, src, <usize>n << 2); return; }
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    if (mode == GATHER) v128.store(col + o, v128.load(src + o));
    else v128.store(src + o, f32x4.add(v128.load(src + o), v128.load(col + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    if (mode == GATHER) store<f32>(col + o, load<f32>(src + o));
    else store<f32>(src + o, load<f32>(src + o) + load<f32>(col + o));
  }
}

// Walks im2col rows [r0, r0+nrows) for the channel slice [c0, c0+Cg) of x: GATHER fills
// col (rows of KH·KW·Cg, tap-major, channel-minor), SCATTER adds col back into x (= dx).
// Two clips serve the threaded parts (both are no-ops at ihLo = 0, ihHi = H, q0 = 0,
// q1 = KH·KW·Cg): only taps on input rows [ihLo, ihHi) are visited (a backward-data part
// owns those rows of dx), and only the columns [q0, q1) of each im2col row are produced, col
// rows then being q1 − q0 wide (a backward-filter part owns those rows of dw).
function col_pass(mode: i32, x: usize, col: usize, r0: i32, nrows: i32,
  H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, Cg: i32, c0: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  ihLo: i32, ihHi: i32, q0: i32, q1: i32): void {
  const rowBytes = <usize>(q1 - q0) << 2;
  const kwc = KW * Cg;  // columns of one kernel row
  // Kernel rows whose columns meet [q0, q1).
  const khFirst = q0 / kwc, khEnd = (q1 + kwc - 1) / kwc;
  // With one group and dilW == 1 the valid taps of a kernel row are one contiguous run.
  const contiguous = dilW == 1 && Cg == C;
  const ohw = OH * OW;
  let n = r0 / ohw;
  const rem = r0 - n * ohw;
  let oh = rem / OW;
  let ow = rem - oh * OW;
  for (let r = 0; r < nrows; r++) {
    const crow = col + <usize>r * rowBytes;
    const ih0 = oh * strideH - padTop;
    const iw0 = ow * strideW - padLeft;
    const khLo = tap_lo(ih0 - ihLo, dilH, KH), khHi = tap_hi(ih0 - ihLo, dilH, ihHi - ihLo, KH, khLo);
    const kwLo = tap_lo(iw0, dilW, KW), kwHi = tap_hi(iw0, dilW, W, KW, kwLo);
    if (mode == GATHER && (khLo > 0 || khHi < KH || kwLo > 0 || kwHi < KW)) {
      memory.fill(crow, 0, rowBytes);  // border pixel: padding taps are zero
    }
    const kh0 = max(khLo, khFirst), kh1 = min(khHi, khEnd);
    for (let kh = kh0; kh < kh1; kh++) {
      const ih = ih0 + kh * dilH;
      const xrow = (n * H + ih) * W;  // pixel index of (n, ih, 0)
      const q = kh * kwc;             // im2col column of (kh, 0, 0)
      if (contiguous) {
        const iw = iw0 + kwLo;
        clip_run(mode, crow, q0, q1, q + kwLo * Cg, x + ((<usize>(xrow + iw) * C + c0) << 2),
          (kwHi - kwLo) * C);
      } else {
        for (let kw = kwLo; kw < kwHi; kw++) {
          const iw = iw0 + kw * dilW;
          clip_run(mode, crow, q0, q1, q + kw * Cg, x + ((<usize>(xrow + iw) * C + c0) << 2), Cg);
        }
      }
    }
    if (++ow == OW) { ow = 0; if (++oh == OH) { oh = 0; n++; } }
  }
}

// move_run for the n columns [start, start+n) of an im2col row (src: the first of them in
// x), keeping only those in [q0, q1); crow holds the row's columns from q0 on.
// @ts-ignore: decorator
@inline function clip_run(mode: i32, crow: usize, q0: i32, q1: i32, start: i32, src: usize,
  n: i32): void {
  const s = max(start, q0), e = min(start + n, q1);
  if (s < e) move_run(mode, crow + (<usize>(s - q0) << 2), src + (<usize>(s - start) << 2), e - s);
}

// ---------------------------------------------------------------------------------------
// Dense (GEMM) convolution
//
// Threads: every dense kernel has a `_part` twin taking (part, parts) that computes only
// its slice of the output, so parts can run concurrently over one shared memory, each with
// its own scratch; the plain kernel is part 0 of 1. Each output element is computed by the
// same sequence of float operations whatever the partition (block sizes follow from the
// whole problem, never from the part), so the parts together are bit-identical to one call.
//   forward:         rows of y (output pixels), in multiples of 4
//   backward-data:   rows of dx (input image rows n·H + ih); a part recomputes the few
//                    output rows whose taps straddle its boundary and keeps only its taps
//   backward-filter: fixed slices of the pixels, each into its own partial sum, added in
//                    slice order afterwards; or, when dw is large, rows of dw (the
//                    KH·KW·C/groups im2col columns) in multiples of 4 (see filter_slices)

// GEMM scratch for any block of at most R rows (parts see shorter blocks than R; gemm's
// scratch is not monotone in its sizes, so its bound over smaller sizes is asked).
// `which` says how the block enters the GEMM: 0 forward (M = rows), 1 backward-data
// (M = rows, N = kdim), 2 backward-filter (M ≤ kdim, K = rows).
function gemm_scratch_for(which: i32, R: i32, kdim: i32, Kg: i32): usize {
  return which == 0 ? gemm_f32_max_scratch_bytes(R, Kg, kdim)
    : which == 1 ? gemm_f32_max_scratch_bytes(R, kdim, Kg)
      : gemm_f32_max_scratch_bytes(kdim, Kg, R);
}

// Scratch of a dense kernel: enough for every part of any partition.
function dense_scratch_bytes(which: i32, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  KH: i32, KW: i32, K: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32,
  groups: i32): usize {
  const kdim = KH * KW * (C / groups);
  const rows = N * OH * OW;
  if (rows <= 0) return 0;
  const R = block_rows(rows, kdim);
  const col: usize = is_pointwise(H, W, OH, OW, KH, KW, strideH, strideW, padTop, padLeft)
    ? 0 : align16(<usize>R * kdim << 2);
  return col + gemm_scratch_for(which, R, kdim, K / groups);
}

// y[N, OH, OW, K] = act(conv(x, w) + bias + res). bias and res ([N, OH, OW, K], not
// overlapping y) may be 0 (none); act an epilogue code of conv_common.ts with parameters p0, p1.
// scratch: conv2d_nhwc_fwd_f32_scratch_bytes(...) bytes, 16-byte aligned.
export function conv2d_nhwc_fwd_f32(x: usize, w: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, act: i32, p0: f32, p1: f32, res: usize, scratch: usize): void {
  conv2d_nhwc_fwd_f32_part(x, w, bias, y, N, H, W, C, OH, OW, KH, KW, K, strideH, strideW,
    padTop, padLeft, dilH, dilW, groups, act, p0, p1, res, scratch, 0, 1);
}

// Part `part` of `parts` of conv2d_nhwc_fwd_f32: the output rows (pixels) of that part.
export function conv2d_nhwc_fwd_f32_part(x: usize, w: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, act: i32, p0: f32, p1: f32, res: usize, scratch: usize, part: i32, parts: i32): void {
  const Cg = C / groups, Kg = K / groups;
  const kdim = KH * KW * Cg;
  const rows = N * OH * OW;
  const R = block_rows(rows, kdim);
  const direct = is_pointwise(H, W, OH, OW, KH, KW, strideH, strideW, padTop, padLeft);
  const col = scratch;
  const gs = direct ? scratch : scratch + align16(<usize>R * kdim << 2);
  const end = part_start(rows, part + 1, parts, 4);
  for (let r0 = part_start(rows, part, parts, 4); r0 < end; r0 += R) {
    const nr = min(R, end - r0);
    for (let g = 0; g < groups; g++) {
      let a = col, lda = kdim;
      if (direct) {
        a = x + ((<usize>r0 * C + g * Cg) << 2);
        lda = C;
      } else {
        col_pass(GATHER, x, col, r0, nr, H, W, C, OH, OW, KH, KW, Cg, g * Cg,
          strideH, strideW, padTop, padLeft, dilH, dilW, 0, H, 0, kdim);
      }
      const yo = (<usize>r0 * K + g * Kg) << 2;
      gemm_f32(0, 0, nr, Kg, kdim, 1, a, lda, w + (<usize>(g * Kg) << 2), K, 0,
        y + yo, K, bias != 0 ? bias + (<usize>(g * Kg) << 2) : 0,
        act, p0, p1, res != 0 ? res + yo : 0, gs);
    }
  }
}

export function conv2d_nhwc_fwd_f32_scratch_bytes(N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  KH: i32, KW: i32, K: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32,
  dilH: i32, dilW: i32, groups: i32): usize {
  return dense_scratch_bytes(0, N, H, W, C, OH, OW, KH, KW, K, strideH, strideW, padTop,
    padLeft, groups);
}

// dx = col2im(dy · Wᵀ), then act(dx + bias) (bias over the C input channels), for the rows
// of dx (n·H + ih) of part `part` of `parts`. Shared by conv2d backward-data (bias 0, act 0)
// and the transposed convolution forward.
function bwd_data_into(dy: usize, w: usize, dx: usize, bias: usize, act: i32,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, scratch: usize, part: i32, parts: i32): void {
  const NH = N * H;
  const q0 = part_start(NH, part, parts, 1), q1 = part_start(NH, part + 1, parts, 1);
  if (q0 >= q1) return;
  const direct = is_pointwise(H, W, OH, OW, KH, KW, strideH, strideW, padTop, padLeft);
  const dxPart = dx + (<usize>q0 * W * C << 2);
  const pixels = (q1 - q0) * W;
  if (direct) {
    // Output pixel i is input pixel i: the GEMM writes dx rows outright, epilogue included.
    bwd_data_rows(dy, w, dx, bias, act, N, H, W, C, OH, OW, KH, KW, K, strideH, strideW,
      padTop, padLeft, dilH, dilW, groups, scratch, true, q0 * W, q1 * W, 0, H);
    return;
  }
  memory.fill(dxPart, 0, <usize>pixels * C << 2);  // col2im adds
  // Whole images run as one row range; an image the part shares with a neighbour runs on
  // its own, over the output rows whose taps reach the part's input rows.
  const ohw = OH * OW;
  let q = q0;
  while (q < q1) {
    const n = q / H;
    const ihLo = q - n * H;
    if (ihLo == 0 && q + H <= q1) {
      const n1 = q1 / H;  // images [n, n1) are whole
      bwd_data_rows(dy, w, dx, 0, 0, N, H, W, C, OH, OW, KH, KW, K, strideH, strideW,
        padTop, padLeft, dilH, dilW, groups, scratch, false, n * ohw, n1 * ohw, 0, H);
      q = n1 * H;
    } else {
      const ihHi = min(H, q1 - n * H);
      // Output rows oh with a tap ih = oh·strideH − padTop + kh·dilH in [ihLo, ihHi).
      const lo = ihLo + padTop - (KH - 1) * dilH;
      const ohLo = lo <= 0 ? 0 : (lo + strideH - 1) / strideH;
      const hi = ihHi - 1 + padTop;
      const ohHi = hi < 0 ? 0 : min(OH, hi / strideH + 1);
      if (ohLo < ohHi) {
        bwd_data_rows(dy, w, dx, 0, 0, N, H, W, C, OH, OW, KH, KW, K, strideH, strideW,
          padTop, padLeft, dilH, dilW, groups, scratch, false,
          n * ohw + ohLo * OW, n * ohw + ohHi * OW, ihLo, ihHi);
      }
      q = n * H + ihHi;
    }
  }
  if (bias != 0 || act != 0) bias_act_rows(dxPart, bias, pixels, C, act);
}

// dy rows [r0, r1) through the GEMM with Wᵀ: written into dx when direct (with the
// epilogue), else scattered by col2im into the dx rows [ihLo, ihHi) of each image.
function bwd_data_rows(dy: usize, w: usize, dx: usize, bias: usize, act: i32,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, scratch: usize, direct: bool, r0: i32, r1: i32, ihLo: i32, ihHi: i32): void {
  const Cg = C / groups, Kg = K / groups;
  const kdim = KH * KW * Cg;
  const R = block_rows(N * OH * OW, kdim);
  const col = scratch;
  const gs = direct ? scratch : scratch + align16(<usize>R * kdim << 2);
  for (let rb = r0; rb < r1; rb += R) {
    const nr = min(R, r1 - rb);
    for (let g = 0; g < groups; g++) {
      const dyg = dy + ((<usize>rb * K + g * Kg) << 2);
      const wg = w + (<usize>(g * Kg) << 2);
      if (direct) {
        gemm_f32(0, 1, nr, Cg, Kg, 1, dyg, K, wg, K, 0,
          dx + ((<usize>rb * C + g * Cg) << 2), C,
          bias != 0 ? bias + (<usize>(g * Cg) << 2) : 0, act, 0, 0, 0, gs);
      } else {
        gemm_f32(0, 1, nr, kdim, Kg, 1, dyg, K, wg, K, 0, col, kdim, 0, 0, 0, 0, 0, gs);
        col_pass(SCATTER, dx, col, rb, nr, H, W, C, OH, OW, KH, KW, Cg, g * Cg,
          strideH, strideW, padTop, padLeft, dilH, dilW, ihLo, ihHi, 0, kdim);
      }
    }
  }
}

// dx[N, H, W, C] = ∂L/∂x given dy[N, OH, OW, K]; dx is overwritten.
// scratch: conv2d_nhwc_bwd_data_f32_scratch_bytes(...) bytes, 16-byte aligned.
export function conv2d_nhwc_bwd_data_f32(dy: usize, w: usize, dx: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, scratch: usize): void {
  bwd_data_into(dy, w, dx, 0, 0, N, H, W, C, OH, OW, KH, KW, K,
    strideH, strideW, padTop, padLeft, dilH, dilW, groups, scratch, 0, 1);
}

// Part `part` of `parts` of conv2d_nhwc_bwd_data_f32: the rows n·H + ih of dx of that part.
export function conv2d_nhwc_bwd_data_f32_part(dy: usize, w: usize, dx: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, scratch: usize, part: i32, parts: i32): void {
  bwd_data_into(dy, w, dx, 0, 0, N, H, W, C, OH, OW, KH, KW, K,
    strideH, strideW, padTop, padLeft, dilH, dilW, groups, scratch, part, parts);
}

export function conv2d_nhwc_bwd_data_f32_scratch_bytes(N: i32, H: i32, W: i32, C: i32, OH: i32,
  OW: i32, KH: i32, KW: i32, K: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32,
  dilH: i32, dilW: i32, groups: i32): usize {
  return dense_scratch_bytes(1, N, H, W, C, OH, OW, KH, KW, K, strideH, strideW, padTop,
    padLeft, groups);
}

// The filter gradient reduces over pixels. Threads split it one of two ways, chosen from the
// problem alone (so one call and any parts compute the same sums):
//   pixel slices: when dw is small next to the pixels (LeNet's convolutions: splitting dw's
//     few rows would repeat the per-pixel gather and packing in every part), the pixels are
//     cut into FILTER_SLICES fixed slices; slice 0 sums into dw, slice j into partial j of a
//     shared work area, and add_partials_f32 then adds the partials to dw in slice order;
//   dw rows: otherwise each part computes some rows of dw over all pixels.
// @ts-ignore: decorator
@inline const FILTER_SLICES: i32 = 8;

// Pixel slices of the filter gradient (1: split dw's rows instead).
function filter_slices(rows: i32, kdim: i32, K: i32): i32 {
  if (rows < FILTER_SLICES * 256) return 1;                              // few pixels a slice
  if (<i64>(FILTER_SLICES - 1) * kdim * K > (2 << 20)) return 1;         // partials over 8 MiB
  return FILTER_SLICES;
}

// Bytes of the shared work area of the pixel slices' partial sums (0 when dw's rows split).
function filter_work_bytes(N: i32, OH: i32, OW: i32, C: i32, KH: i32, KW: i32, K: i32,
  groups: i32): usize {
  const kdim = KH * KW * (C / groups);
  const S = filter_slices(N * OH * OW, kdim, K);
  return S > 1 ? <usize>(S - 1) * kdim * K << 2 : 0;
}

// out rows [q0, q1) of dw = Σ over pixels [r0, r1) of im2col(x)ᵀ · dy, in blocks of R pixels
// counted from r0 (the first block overwrites, later ones accumulate with beta = 1).
function filter_rows(x: usize, dy: usize, out: usize,
  H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, scratch: usize, R: i32, direct: bool, r0: i32, r1: i32, q0: i32, q1: i32): void {
  const Cg = C / groups, Kg = K / groups;
  const col = scratch;
  const gs = direct ? scratch : scratch + align16(<usize>R * (q1 - q0) << 2);
  for (let rb = r0; rb < r1; rb += R) {
    const nr = min(R, r1 - rb);
    for (let g = 0; g < groups; g++) {
      let a = col, lda = q1 - q0;
      if (direct) {
        a = x + ((<usize>rb * C + g * Cg + q0) << 2);
        lda = C;
      } else {
        col_pass(GATHER, x, col, rb, nr, H, W, C, OH, OW, KH, KW, Cg, g * Cg,
          strideH, strideW, padTop, padLeft, dilH, dilW, 0, H, q0, q1);
      }
      gemm_f32(1, 0, q1 - q0, Kg, nr, 1, a, lda, dy + ((<usize>rb * K + g * Kg) << 2), K,
        rb == r0 ? 0 : 1, out + ((<usize>q0 * K + g * Kg) << 2), K, 0, 0, 0, 0, 0, gs);
    }
  }
}

// dw[KH, KW, C/groups, K] = ∂L/∂w = Σ over pixels im2col(x)ᵀ · dy; dw is overwritten.
// scratch: conv2d_nhwc_bwd_filter_f32_scratch_bytes(...) bytes, 16-byte aligned (a part's
// scratch followed by the work area of conv2d_nhwc_bwd_filter_f32_work_bytes(...) bytes).
export function conv2d_nhwc_bwd_filter_f32(x: usize, dy: usize, dw: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, scratch: usize): void {
  const work = scratch + dense_scratch_bytes(2, N, H, W, C, OH, OW, KH, KW, K, strideH,
    strideW, padTop, padLeft, groups);
  conv2d_nhwc_bwd_filter_f32_part(x, dy, dw, N, H, W, C, OH, OW, KH, KW, K, strideH, strideW,
    padTop, padLeft, dilH, dilW, groups, scratch, work, 0, 1);
  const n = KH * KW * (C / groups) * K;
  const wb = filter_work_bytes(N, OH, OW, C, KH, KW, K, groups);
  add_partials_f32(dw, work, n, <i32>(wb / (<usize>n << 2)), 0, 1);
}

// Part `part` of `parts` of conv2d_nhwc_bwd_filter_f32: its pixel slices (their partial sums in
// `work`, of conv2d_nhwc_bwd_filter_f32_work_bytes(...) bytes shared by all parts: when that is
// not 0, add_partials_f32(dw, work, dw's length, work bytes / dw's bytes) must follow the
// parts), or its rows of dw (of every group) over all pixels. scratch: a part's scratch,
// conv2d_nhwc_bwd_filter_f32_scratch_bytes(...) − conv2d_nhwc_bwd_filter_f32_work_bytes(...) bytes.
export function conv2d_nhwc_bwd_filter_f32_part(x: usize, dy: usize, dw: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, scratch: usize, work: usize, part: i32, parts: i32): void {
  const kdim = KH * KW * (C / groups);
  const rows = N * OH * OW;
  const R = block_rows(rows, kdim);
  const direct = is_pointwise(H, W, OH, OW, KH, KW, strideH, strideW, padTop, padLeft);
  const S = filter_slices(rows, kdim, K);
  if (S > 1) {
    const j1 = part_start(S, part + 1, parts, 1);
    for (let j = part_start(S, part, parts, 1); j < j1; j++) {
      const out = j == 0 ? dw : work + (<usize>(j - 1) * kdim * K << 2);
      filter_rows(x, dy, out, H, W, C, OH, OW, KH, KW, K, strideH, strideW, padTop, padLeft,
        dilH, dilW, groups, scratch, R, direct, part_start(rows, j, S, 1),
        part_start(rows, j + 1, S, 1), 0, kdim);
    }
    return;
  }
  const q0 = part_start(kdim, part, parts, 4), q1 = part_start(kdim, part + 1, parts, 4);
  if (q0 >= q1) return;
  if (rows <= 0) { memory.fill(dw + (<usize>q0 * K << 2), 0, <usize>(q1 - q0) * K << 2); return; }
  filter_rows(x, dy, dw, H, W, C, OH, OW, KH, KW, K, strideH, strideW, padTop, padLeft,
    dilH, dilW, groups, scratch, R, direct, 0, rows, q0, q1);
}

export function conv2d_nhwc_bwd_filter_f32_scratch_bytes(N: i32, H: i32, W: i32, C: i32, OH: i32,
  OW: i32, KH: i32, KW: i32, K: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32,
  dilH: i32, dilW: i32, groups: i32): usize {
  return dense_scratch_bytes(2, N, H, W, C, OH, OW, KH, KW, K, strideH, strideW, padTop,
    padLeft, groups) + filter_work_bytes(N, OH, OW, C, KH, KW, K, groups);
}

export function conv2d_nhwc_bwd_filter_f32_work_bytes(N: i32, H: i32, W: i32, C: i32, OH: i32,
  OW: i32, KH: i32, KW: i32, K: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32,
  dilH: i32, dilW: i32, groups: i32): usize {
  return filter_work_bytes(N, OH, OW, C, KH, KW, K, groups);
}

// dst[i] = (…((dst[i] + src[0][i]) + src[1][i]) …) + src[count−1][i] for i in the part
// `part` of `parts` of [0, n) (src[j] at src + 4·j·n): the partial sums of the filter
// gradient's pixel slices, added in slice order whatever the parts.
export function add_partials_f32(dst: usize, src: usize, n: i32, count: i32, part: i32,
  parts: i32): void {
  const i1 = part_start(n, part + 1, parts, 4);
  const stride = <usize>n << 2;
  let i = part_start(n, part, parts, 4);
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    let v = v128.load(dst + o);
    for (let j = 0; j < count; j++) v = f32x4.add(v, v128.load(src + <usize>j * stride + o));
    v128.store(dst + o, v);
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    let v = load<f32>(dst + o);
    for (let j = 0; j < count; j++) v += load<f32>(src + <usize>j * stride + o);
    store<f32>(dst + o, v);
  }
}

// ---------------------------------------------------------------------------------------
// Transposed convolution
//
// conv_transpose2d maps x[N, H, W, C] to y[N, OH, OW, K] and is exactly the backward-data
// of the ordinary conv that maps y-shaped inputs [N, OH, OW, K] to x-shaped outputs
// [N, H, W, C] with the same strides, padding and dilation. Its weights are that conv's
// HWIO weights: [KH, KW, K/groups, C] = [KH, KW, Cout/groups, Cin] of the transposed conv
// (TensorFlow's conv2d_transpose filter layout; PyTorch's ConvTranspose2d weight
// [Cin, Cout/groups, KH, KW] permuted (2, 3, 1, 0)). padTop/padLeft are PyTorch's padding
// (cropped from the full output); output_padding only makes OH/OW larger. bias is [K].
// Its gradients: data = conv2d forward of dy with the same weights, filter = conv2d
// backward-filter with the input and output roles swapped; both wrappers below do that.

// y[N, OH, OW, K] = act(conv_transpose(x, w) + bias), y overwritten.
export function conv_transpose2d_nhwc_fwd_f32(x: usize, w: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, act: i32, scratch: usize): void {
  conv_transpose2d_nhwc_fwd_f32_part(x, w, bias, y, N, H, W, C, OH, OW, KH, KW, K,
    strideH, strideW, padTop, padLeft, dilH, dilW, groups, act, scratch, 0, 1);
}

// Part `part` of `parts`: the rows n·OH + oh of y of that part.
export function conv_transpose2d_nhwc_fwd_f32_part(x: usize, w: usize, bias: usize, y: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, act: i32, scratch: usize, part: i32, parts: i32): void {
  bwd_data_into(x, w, y, bias, act, N, OH, OW, K, H, W, KH, KW, C,
    strideH, strideW, padTop, padLeft, dilH, dilW, groups, scratch, part, parts);
}

export function conv_transpose2d_nhwc_fwd_f32_scratch_bytes(N: i32, H: i32, W: i32, C: i32,
  OH: i32, OW: i32, KH: i32, KW: i32, K: i32, strideH: i32, strideW: i32, padTop: i32,
  padLeft: i32, dilH: i32, dilW: i32, groups: i32): usize {
  return conv2d_nhwc_bwd_data_f32_scratch_bytes(N, OH, OW, K, H, W, KH, KW, C,
    strideH, strideW, padTop, padLeft, dilH, dilW, groups);
}

// dx[N, H, W, C] of the transposed conv from dy[N, OH, OW, K]; dx overwritten.
export function conv_transpose2d_nhwc_bwd_data_f32(dy: usize, w: usize, dx: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, scratch: usize): void {
  conv_transpose2d_nhwc_bwd_data_f32_part(dy, w, dx, N, H, W, C, OH, OW, KH, KW, K,
    strideH, strideW, padTop, padLeft, dilH, dilW, groups, scratch, 0, 1);
}

// Part `part` of `parts`: the pixels of dx of that part (a conv2d forward part).
export function conv_transpose2d_nhwc_bwd_data_f32_part(dy: usize, w: usize, dx: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, scratch: usize, part: i32, parts: i32): void {
  conv2d_nhwc_fwd_f32_part(dy, w, 0, dx, N, OH, OW, K, H, W, KH, KW, C,
    strideH, strideW, padTop, padLeft, dilH, dilW, groups, 0, 0, 0, 0, scratch, part, parts);
}

export function conv_transpose2d_nhwc_bwd_data_f32_scratch_bytes(N: i32, H: i32, W: i32, C: i32,
  OH: i32, OW: i32, KH: i32, KW: i32, K: i32, strideH: i32, strideW: i32, padTop: i32,
  padLeft: i32, dilH: i32, dilW: i32, groups: i32): usize {
  return conv2d_nhwc_fwd_f32_scratch_bytes(N, OH, OW, K, H, W, KH, KW, C,
    strideH, strideW, padTop, padLeft, dilH, dilW, groups);
}

// dw[KH, KW, K/groups, C] of the transposed conv from x and dy; dw overwritten.
export function conv_transpose2d_nhwc_bwd_filter_f32(x: usize, dy: usize, dw: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, scratch: usize): void {
  conv2d_nhwc_bwd_filter_f32(dy, x, dw, N, OH, OW, K, H, W, KH, KW, C,
    strideH, strideW, padTop, padLeft, dilH, dilW, groups, scratch);
}

// Part `part` of `parts` (a conv2d backward-filter part: its work area, of
// conv_transpose2d_nhwc_bwd_filter_f32_work_bytes(...) bytes, and add_partials_f32 likewise).
export function conv_transpose2d_nhwc_bwd_filter_f32_part(x: usize, dy: usize, dw: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, KH: i32, KW: i32, K: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilH: i32, dilW: i32,
  groups: i32, scratch: usize, work: usize, part: i32, parts: i32): void {
  conv2d_nhwc_bwd_filter_f32_part(dy, x, dw, N, OH, OW, K, H, W, KH, KW, C,
    strideH, strideW, padTop, padLeft, dilH, dilW, groups, scratch, work, part, parts);
}

export function conv_transpose2d_nhwc_bwd_filter_f32_work_bytes(N: i32, H: i32, W: i32, C: i32,
  OH: i32, OW: i32, KH: i32, KW: i32, K: i32, strideH: i32, strideW: i32, padTop: i32,
  padLeft: i32, dilH: i32, dilW: i32, groups: i32): usize {
  return filter_work_bytes(N, H, W, K, KH, KW, C, groups);
}

export function conv_transpose2d_nhwc_bwd_filter_f32_scratch_bytes(N: i32, H: i32, W: i32, C: i32,
  OH: i32, OW: i32, KH: i32, KW: i32, K: i32, strideH: i32, strideW: i32, padTop: i32,
  padLeft: i32, dilH: i32, dilW: i32, groups: i32): usize {
  return conv2d_nhwc_bwd_filter_f32_scratch_bytes(N, OH, OW, K, H, W, KH, KW, C,
    strideH, strideW, padTop, padLeft, dilH, dilW, groups);
}
