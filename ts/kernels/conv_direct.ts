// Launcher of assembly/conv_direct.ts: the direct kernels for few input channels (groups 1),
// vectorised along the output channels, no scratch. conv.ts decides when they run.
import { getBackend } from '../backend/index';
import { convArgs, convFlops, type ConvGeometry } from './conv';
import { epilogueOf, type EpilogueArg } from './epilogue';

// Few input channels (a network's first layer): direct kernels vectorised along the output
// channels beat im2col + GEMM, whose column matrix is KH·KW times the input (measured: LeNet's
// 1 → 6 5×5 conv 3.0× forward, 4.3× filter gradient; 3-channel stems 1.1–1.3×).
export const isFewChannels = (g: ConvGeometry): boolean => g.groups === 1 && g.KH * g.KW > 1 && g.C <= 8 && g.K <= 64 && g.C * g.K <= 256;

// conv.ts's geometry without `groups` (15 numbers).
const args15 = (g: ConvGeometry): number[] => convArgs(g).slice(0, 15);

/** y = act(conv(x, w) + bias): the epilogue's activation (the direct kernels take no residual). */
export function directFwd(x: number, w: number, bias: number, y: number, g: ConvGeometry, epi: EpilogueArg): void {
  const { act, p0, p1, res } = epilogueOf(epi);
  if (res) throw new Error('simdnet.conv2d: the few-channel direct kernels take no residual');
  const be = getBackend();
  const parts = be.parts(convFlops(g));
  const args = args15(g);
  be.runParts('conv2d_nhwc_direct_fwd_f32_part', parts, (p) => [x, w, bias, y, ...args, act, p0, p1, p, parts]);
}

export function directBwdFilter(x: number, dy: number, dw: number, g: ConvGeometry): void {
  const be = getBackend();
  // The filter gradient splits dw into runs of 4 taps.
  const parts = Math.min(be.parts(convFlops(g)), Math.ceil((g.KH * g.KW * g.C) / 4));
  const args = args15(g);
  be.runParts('conv2d_nhwc_direct_bwd_filter_f32_part', parts, (p) => [x, dy, dw, ...args, p, parts]);
}
