// Launcher of assembly/dwconv.ts: depthwise convolution (groups = C = K), direct SIMD loops
// along the channels, no scratch. On the thread pool the forward splits by output rows, the
// data gradient by input rows (each part sums its rows' taps in one call's order), the
// filter gradient by channels (blocks of 4): bit-identical for any thread count. conv.ts
// decides when they run.
import { getBackend } from '../backend/index';
import { convFlops, type ConvGeometry } from './conv';
import type { Epilogue } from './epilogue';

/** groups = C = K (one filter per channel); for a transposed convolution pass (K, C). */
export const isDepthwise = (C: number, K: number, groups: number): boolean => groups > 1 && groups === C && K === C;

type DW = [number, number, number, number, number, number, number, number, number, number, number, number, number, number];
const dwArgs = (g: ConvGeometry): DW => [g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.sh, g.sw, g.padTop, g.padLeft, g.dh, g.dw];

/** y = act(depthwise(x, w) + bias + residual), the epilogue fused. `flops` sizes the thread split (default: this call's). */
export function dwconvFwd(x: number, w: number, bias: number, y: number, g: ConvGeometry, e: Epilogue, flops = convFlops(g)): void {
  const be = getBackend();
  const parts = be.parts(flops);
  const args = dwArgs(g);
  be.runParts('dwconv2d_nhwc_fwd_f32_part', parts, (p) => [x, w, bias, y, ...args, e.act, e.p0, e.p1, e.res, p, parts]);
}

export function dwconvBwdData(dy: number, w: number, dx: number, g: ConvGeometry): void {
  const be = getBackend();
  const parts = be.parts(convFlops(g), g.N * g.H);
  const args = dwArgs(g);
  be.runParts('dwconv2d_nhwc_bwd_data_f32_part', parts, (p) => [dy, w, dx, ...args, p, parts]);
}

export function dwconvBwdFilter(x: number, dy: number, dw: number, g: ConvGeometry): void {
  const be = getBackend();
  const parts = be.parts(convFlops(g), Math.ceil(g.C / 4));
  const args = dwArgs(g);
  be.runParts('dwconv2d_nhwc_bwd_filter_f32_part', parts, (p) => [x, dy, dw, ...args, p, parts]);
}

/** The depthwise transposed convolution (its geometry as the transposed convolution's). */
export const dwconvTransposeFwd = (x: number, w: number, bias: number, y: number, g: ConvGeometry, relu: boolean): void =>
  getBackend().k.dwconv_transpose2d_nhwc_fwd_f32(x, w, bias, y, ...dwArgs(g), +relu);
