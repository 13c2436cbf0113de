// The convolution launcher: the one place that picks a convolution's algorithm, splits it
// across threads and sizes its scratch. Ops hand it pointers and a ConvGeometry.
//
//   conv2d forward:  Winograd F(4×4) / F(2×2)   inference with transformed weights at hand
//                                               (winograd.ts: 3×3, stride 1, measured rule)
//                    few-channel direct          groups 1, C ≤ 8, K ≤ 64, C·K ≤ 256, KH·KW > 1
//                                               (conv_direct.ts: a network's first layer)
//                    depthwise                   groups = C = K (dwconv.ts)
//                    1×1, weights packed         inference of a 1×1 stride-1 unpadded one-group
//                                               convolution whose caller packed the weights
//                                               once (gemm.ts's gemmPrepacked on x in place)
//                    im2col + GEMM               everything else; 1×1 stride-1 unpadded
//                                               convolutions skip im2col inside the kernel
//   backward-data:   depthwise, else im2col + GEMM (col2im)
//   backward-filter: few-channel direct, depthwise, else im2col + GEMM
//   transposed:      the same kernels with the roles of input and output swapped
//
// Threads: parts are fixed by the problem (Backend.parts), never by which thread runs them,
// so any number of threads gives bit-identical results.
import { getBackend, type PartKernel } from '../backend/index';
import { directBwdFilter, directFwd, isFewChannels } from './conv_direct';
import { dwconvBwdData, dwconvBwdFilter, dwconvFwd, dwconvTransposeFwd, isDepthwise } from './dwconv';
import { winogradFwd, winogradTileFor, type WinogradTile } from './winograd';
import { epilogueOf, type EpilogueArg } from './epilogue';
import { gemmPrepacked } from './gemm';

/**
 * Geometry of a convolution: input [N, H, W, C], output [N, OH, OW, K], kernel KH × KW,
 * strides, top/left padding (bottom/right follow from OH/OW), dilations, groups. For a
 * transposed convolution H, W, C are its input's and OH, OW, K its output's.
 */
export interface ConvGeometry {
  N: number; H: number; W: number; C: number;
  OH: number; OW: number; KH: number; KW: number; K: number;
  sh: number; sw: number; padTop: number; padLeft: number; dh: number; dw: number;
  groups: number;
}

type G = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];

/** The kernels' positional geometry run: N, H, W, C, OH, OW, KH, KW, K, strides, pads, dilations, groups. */
export const convArgs = (g: ConvGeometry): G => [g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K, g.sh, g.sw, g.padTop, g.padLeft, g.dh, g.dw, g.groups];

/** Multiply-adds × 2 of a call, for the thread split (either direction of the window). */
export const convFlops = (g: ConvGeometry): number => 2 * g.N * Math.max(g.H * g.W, g.OH * g.OW) * g.KH * g.KW * (g.C / g.groups) * g.K;

/** Transformed 3×3 weights for a Winograd tile, when the caller (an inference copy) has them. */
export type WinogradWeightsOf = (tile: WinogradTile) => number;

/** w [1, 1, C, K] packed by gemm.ts's gemmWeights, when the caller (an inference copy) has it. */
export type PackedWeightsOf = () => number;

/** A 1×1 convolution at stride 1 without padding, one group: y = x·w over pixels. */
export const isPointwise = (g: ConvGeometry): boolean =>
  g.KH === 1 && g.KW === 1 && g.sh === 1 && g.sw === 1 && g.padTop === 0 && g.padLeft === 0 && g.OH === g.H && g.OW === g.W && g.groups === 1;

/**
 * y = act(conv(x, w) + bias + residual); bias 0 for none; `epi` ReLU or not, or a full
 * epilogue. `winograd` lets 3×3 stride-1 layers take Winograd, `packed` 1×1 layers skip
 * packing their weights on every call. The few-channel direct kernels take no residual
 * (such layers run im2col + GEMM).
 */
export function conv2dFwd(x: number, w: number, bias: number, y: number, g: ConvGeometry, epi: EpilogueArg, winograd?: WinogradWeightsOf, packed?: PackedWeightsOf): void {
  const e = epilogueOf(epi);
  const tile = winograd ? winogradTileFor(g) : null;
  if (tile) winogradFwd(tile, x, winograd!(tile), bias, y, g, e);
  else if (packed && isPointwise(g)) gemmPrepacked(g.N * g.H * g.W, g.K, g.C, x, packed(), y, bias, e);
  else if (isFewChannels(g) && !e.res) directFwd(x, w, bias, y, g, e);
  else if (isDepthwise(g.C, g.K, g.groups)) dwconvFwd(x, w, bias, y, g, e);
  else {
    const k = getBackend().k;
    dense('conv2d_nhwc_fwd_f32_part', [x, w, bias, y], g, [e.act, e.p0, e.p1, e.res], k.conv2d_nhwc_fwd_f32_scratch_bytes(...convArgs(g)));
  }
}

/** dx of conv2d from dy; dx overwritten. */
export function conv2dBwdData(dy: number, w: number, dx: number, g: ConvGeometry): void {
  if (isDepthwise(g.C, g.K, g.groups)) dwconvBwdData(dy, w, dx, g);
  else dense('conv2d_nhwc_bwd_data_f32_part', [dy, w, dx], g, [], getBackend().k.conv2d_nhwc_bwd_data_f32_scratch_bytes(...convArgs(g)));
}

/** dw of conv2d from x and dy; dw overwritten. */
export function conv2dBwdFilter(x: number, dy: number, dw: number, g: ConvGeometry): void {
  if (isFewChannels(g)) directBwdFilter(x, dy, dw, g);
  else if (isDepthwise(g.C, g.K, g.groups)) dwconvBwdFilter(x, dy, dw, g);
  else {
    const k = getBackend().k;
    const args = convArgs(g);
    denseFilter('conv2d_nhwc_bwd_filter_f32_part', [x, dy, dw], g, k.conv2d_nhwc_bwd_filter_f32_scratch_bytes(...args),
      k.conv2d_nhwc_bwd_filter_f32_work_bytes(...args), g.KH * g.KW * (g.C / g.groups) * g.K);
  }
}

/** y = act(convᵀ(x, w) + bias) of the transposed convolution; w [KH, KW, K/groups, C]. */
export function convTranspose2dFwd(x: number, w: number, bias: number, y: number, g: ConvGeometry, relu: boolean): void {
  if (isDepthwise(g.K, g.C, g.groups)) dwconvTransposeFwd(x, w, bias, y, g, relu);
  else dense('conv_transpose2d_nhwc_fwd_f32_part', [x, w, bias, y], g, [+relu], getBackend().k.conv_transpose2d_nhwc_fwd_f32_scratch_bytes(...convArgs(g)));
}

/** dx of the transposed convolution (a conv2d forward of dy). */
export function convTranspose2dBwdData(dy: number, w: number, dx: number, g: ConvGeometry): void {
  if (isDepthwise(g.K, g.C, g.groups)) dwconvFwd(dy, w, 0, dx, swapped(g), epilogueOf(false), convFlops(g));
  else dense('conv_transpose2d_nhwc_bwd_data_f32_part', [dy, w, dx], g, [], getBackend().k.conv_transpose2d_nhwc_bwd_data_f32_scratch_bytes(...convArgs(g)));
}

/** dw of the transposed convolution (a conv2d backward-filter with x and dy swapped). */
export function convTranspose2dBwdFilter(x: number, dy: number, dw: number, g: ConvGeometry): void {
  if (isDepthwise(g.K, g.C, g.groups)) dwconvBwdFilter(dy, x, dw, swapped(g));
  else {
    const k = getBackend().k;
    const args = convArgs(g);
    denseFilter('conv_transpose2d_nhwc_bwd_filter_f32_part', [x, dy, dw], g, k.conv_transpose2d_nhwc_bwd_filter_f32_scratch_bytes(...args),
      k.conv_transpose2d_nhwc_bwd_filter_f32_work_bytes(...args), g.KH * g.KW * (g.K / g.groups) * g.C);
  }
}

// The conv2d whose backward-data a transposed convolution is: input and output exchanged.
const swapped = (g: ConvGeometry): ConvGeometry => ({ ...g, H: g.OH, W: g.OW, C: g.K, OH: g.H, OW: g.W, K: g.C });

type DenseKernel = 'conv2d_nhwc_fwd_f32_part' | 'conv2d_nhwc_bwd_data_f32_part' | 'conv_transpose2d_nhwc_fwd_f32_part' | 'conv_transpose2d_nhwc_bwd_data_f32_part';

// One im2col + GEMM kernel call in parts. Backward-data parts own rows of dx; a boundary
// inside an image recomputes the output rows whose taps straddle it, so with images not
// shared evenly, one part per thread.
function dense(name: DenseKernel, ptrs: number[], g: ConvGeometry, tail: number[], scratchBytes: number): void {
  const be = getBackend();
  const args = convArgs(g);
  let parts = be.parts(convFlops(g));
  const halo = name === 'conv2d_nhwc_bwd_data_f32_part' || name === 'conv_transpose2d_nhwc_fwd_f32_part';
  if (halo && g.N % parts !== 0) parts = Math.min(parts, be.threads);
  const arg = ptrs.length + args.length + tail.length;
  be.runParts(name, parts, (p) => [...ptrs, ...args, ...tail, 0, p, parts], { arg, bytes: scratchBytes });
}

// A filter gradient in parts: either rows of dw, or fixed slices of the pixels summed into
// a shared work area of `workBytes` (part of `scratchBytes`) that add_partials_f32 then adds
// to dw (`size` floats) in slice order.
function denseFilter(name: PartKernel & `${string}_bwd_filter_f32_part`, ptrs: [number, number, number], g: ConvGeometry, scratchBytes: number, workBytes: number, size: number): void {
  const be = getBackend();
  const args = convArgs(g);
  const parts = be.parts(convFlops(g));
  const arg = ptrs.length + args.length;
  const dw = ptrs[2];
  const work = workBytes > 0 ? be.alloc(workBytes) : 0;
  try {
    be.runParts(name, parts, (p) => [...ptrs, ...args, 0, work, p, parts], { arg, bytes: scratchBytes - workBytes });
    if (work) {
      const count = workBytes / (4 * size);
      const sumParts = be.parts(size * count);
      be.runParts('add_partials_f32', sumParts, (p) => [dw, work, size, count, p, sumParts]);
    }
  } finally {
    if (work) be.free(work);
  }
}
