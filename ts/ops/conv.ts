// Convolutions (NHWC activations, HWIO weights): conv2d with stride, padding, dilation and
// groups (depthwise when groups == channels), and the transposed convolution.
import { getBackend, opError, fmtShape } from '../backend/index';
import { Tensor, empty } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { checkTensor, checkRank, checkNumber } from './check';
import { windowGeometry, pair, type Padding, type Pair, type RoundMode, type Window } from './window';
import { reluBackwardInPlace } from './activation';

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  groups?: number;
  /** Bias [Cout], added in the GEMM epilogue. */
  bias?: Tensor | null;
  /** Fused activation (inference and training): 'relu'. */
  activation?: 'relu' | null;
  roundMode?: RoundMode;
}

type Geometry = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];

// The argument run shared by every conv kernel: N, H, W, C, OH, OW, KH, KW, K, strides,
// top/left padding, dilations, groups.
function geom(N: number, H: number, W: number, C: number, g: Window, K: number, groups: number): Geometry {
  return [N, H, W, C, g.OH, g.OW, g.KH, g.KW, K, g.sh, g.sw, g.padTop, g.padLeft, g.dh, g.dw, groups];
}

// One conv kernel call (`<name>_part`), split into parts run by the threads when it is large
// enough: the kernels' parts put together are bit-identical to one call. `split` is false
// for the depthwise kernels that do not partition (their part 0 does everything). A filter
// gradient (`dw`) may sum slices of the pixels into a shared work area of `workBytes` (part
// of `scratchBytes`); add_partials_f32 then adds them to dw in slice order.
function runConv(name: string, ptrs: number[], args: Geometry, tail: number[], scratchBytes: number, split = true,
  dw?: { ptr: number; size: number; workBytes: number }): void {
  const be = getBackend();
  const [N, H, W, C, OH, OW, KH, KW, K, , , , , , , groups] = args;
  const flops = 2 * N * Math.max(H * W, OH * OW) * KH * KW * (C / groups) * K;
  let parts = split ? be.parts(flops) : 1;
  // Backward-data parts own rows of dx; a boundary inside an image recomputes the output
  // rows whose taps straddle it, so with images not shared evenly, one part per thread.
  const halo = name === 'conv2d_nhwc_bwd_data' || name === 'conv_transpose2d_nhwc_fwd';
  if (halo && N % parts !== 0) parts = Math.min(parts, be.threads);
  const arg = ptrs.length + args.length + tail.length;
  if (!dw) {
    be.runParts(`${name}_part`, parts, (p) => [...ptrs, ...args, ...tail, 0, p, parts], { arg, bytes: scratchBytes });
    return;
  }
  const work = dw.workBytes > 0 ? be.alloc(dw.workBytes) : 0;
  try {
    be.runParts(`${name}_part`, parts, (p) => [...ptrs, ...args, ...tail, 0, work, p, parts], { arg, bytes: scratchBytes - dw.workBytes });
    if (work) {
      const count = dw.workBytes / (4 * dw.size);
      const sumParts = be.parts(dw.size * count);
      be.runParts('add_partials_f32', sumParts, (p) => [dw.ptr, work, dw.size, count, p, sumParts]);
    }
  } finally {
    if (work) be.free(work);
  }
}

// Few input channels (a network's first layer): direct kernels vectorised along the output
// channels beat im2col + GEMM, whose column matrix is KH·KW times the input (measured: LeNet's
// 1 → 6 5×5 conv 3.0× forward, 4.3× filter gradient; 3-channel stems 1.1–1.3×).
const isDirect = (C: number, K: number, KH: number, KW: number, groups: number): boolean =>
  groups === 1 && KH * KW > 1 && C <= 8 && K <= 64 && C * K <= 256;

// The direct kernels take conv.ts's geometry without `groups` and need no scratch.
function runDirect(name: 'conv2d_nhwc_direct_fwd' | 'conv2d_nhwc_direct_bwd_filter', ptrs: number[], args: Geometry, tail: number[]): void {
  const be = getBackend();
  const [N, H, W, C, OH, OW, KH, KW, K] = args;
  let parts = be.parts(2 * N * Math.max(H * W, OH * OW) * KH * KW * C * K);
  // The filter gradient splits dw into runs of 4 taps.
  if (name === 'conv2d_nhwc_direct_bwd_filter') parts = Math.min(parts, Math.ceil((KH * KW * C) / 4));
  be.runParts(`${name}_part`, parts, (p) => [...ptrs, ...args.slice(0, 15), ...tail, p, parts]);
}

// The depthwise path (groups == C == K) partitions its forward only.
const isDepthwise = (C: number, K: number, groups: number): boolean => groups > 1 && groups === C && K === C;

// x and w live rank-4 tensors; the validated group count.
function checkConvInputs(op: string, x: Tensor, w: Tensor, groups: number | undefined): number {
  checkTensor(op, 'x', x);
  checkTensor(op, 'w', w);
  checkRank(op, 'x', x, 4);
  checkRank(op, 'w', w, 4);
  return checkNumber(op, 'groups', groups ?? 1, { integer: true, min: 1 });
}

function checkBias(op: string, bias: Tensor | null | undefined, K: number): Tensor | null {
  if (!bias) return null;
  checkTensor(op, 'bias', bias);
  if (bias.rank !== 1 || bias.shape[0] !== K)
    throw opError(op, `argument 'bias' must have shape [${K}] (the output channels), got ${fmtShape(bias.shape)}`);
  return bias;
}

function checkActivation(op: string, a: unknown): boolean {
  if (a === undefined || a === null) return false;
  if (a === 'relu') return true;
  throw opError(op, `argument 'activation' must be 'relu' or null, got ${JSON.stringify(a)}`);
}

// A transposed convolution's crop as [top, bottom, left, right].
function cropPads(op: string, p: Pair | [number, number, number, number] | undefined): [number, number, number, number] {
  if (Array.isArray(p) && p.length === 4) {
    for (const v of p) checkNumber(op, 'padding', v, { integer: true, min: 0 });
    return [p[0], p[1], p[2], p[3]];
  }
  const [h, w] = pair(op, 'padding', p as Pair | undefined, 0, 0);
  return [h, h, w, w];
}

/** y[N, OH, OW, Cout] = conv(x[N, H, W, Cin], w[KH, KW, Cin/groups, Cout]) (+ bias, activation). */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  const groups = checkConvInputs(op, x, w, options.groups);
  const [N, H, W, C] = x.shape;
  const [KH, KW, Cg, K] = w.shape;
  if (C % groups !== 0 || K % groups !== 0)
    throw opError(op, `groups=${groups} must divide the input channels (x ${fmtShape(x.shape)}) and output channels (w ${fmtShape(w.shape)})`);
  if (Cg !== C / groups)
    throw opError(op, `argument 'w' ${fmtShape(w.shape)} must have ${C / groups} input channels (x ${fmtShape(x.shape)} has ${C}, groups=${groups})`);
  if (KH < 1 || KW < 1 || K < 1) throw opError(op, `argument 'w' ${fmtShape(w.shape)} has an empty kernel`);
  const bias = checkBias(op, options.bias, K);
  const relu = checkActivation(op, options.activation);
  const g = windowGeometry(op, H, W, { kernel: [KH, KW], stride: options.stride, dilation: options.dilation, padding: options.padding, roundMode: options.roundMode });
  const be = getBackend();
  const k = be.k;
  const args = geom(N, H, W, C, g, K, groups);
  const y = empty([N, g.OH, g.OW, K]);
  const dwise = isDepthwise(C, K, groups);
  const direct = isDirect(C, K, KH, KW, groups);
  if (direct) runDirect('conv2d_nhwc_direct_fwd', [x.ptr, w.ptr, bias ? bias.ptr : 0, y.ptr], args, [relu ? 1 : 0]);
  else runConv('conv2d_nhwc_fwd', [x.ptr, w.ptr, bias ? bias.ptr : 0, y.ptr], args, [relu ? 1 : 0], k.conv2d_nhwc_fwd_scratch_bytes(...args));
  const inputs = bias ? [x, w, bias] : [x, w];
  return record(op, inputs, y, (dyIn) => {
    const dy = relu ? reluBackwardInPlace(dyIn, y) : dyIn;
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (x.requiresGrad) {
      dx = empty(x.shape);
      runConv('conv2d_nhwc_bwd_data', [dy.ptr, w.ptr, dx.ptr], args, [], k.conv2d_nhwc_bwd_data_scratch_bytes(...args), !dwise);
    }
    if (w.requiresGrad) {
      dw = empty(w.shape);
      if (direct) {
        runDirect('conv2d_nhwc_direct_bwd_filter', [x.ptr, dy.ptr, dw.ptr], args, []);
      } else {
        const workBytes = k.conv2d_nhwc_bwd_filter_work_bytes(...args);
        runConv('conv2d_nhwc_bwd_filter', [x.ptr, dy.ptr, dw.ptr], args, [], k.conv2d_nhwc_bwd_filter_scratch_bytes(...args), !dwise, { ptr: dw.ptr, size: dw.size, workBytes });
      }
    }
    if (bias?.requiresGrad) {
      db = empty([K]);
      k.sum_rows_f32(dy.ptr, db.ptr, N * g.OH * g.OW, K);
    }
    return [dx, dw, db];
  });
}

export interface ConvTranspose2dOptions {
  stride?: Pair;
  /** Cropped from the full output, as in PyTorch: a number, [h, w], or [top, bottom, left, right] (ONNX's asymmetric pads). */
  padding?: Pair | [number, number, number, number];
  /** Extra rows/columns at the bottom/right of the output (to pick among sizes a stride allows). */
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: Tensor | null;
  activation?: 'relu' | null;
}

/**
 * The transposed ("fractionally strided") convolution: the gradient of conv2d with respect
 * to its input, run forward. x[N, H, W, Cin], w[KH, KW, Cout/groups, Cin] (the HWIO weights
 * of the conv it transposes), output [N, (H−1)·s − 2p + d·(KH−1) + op + 1, …, Cout].
 */
export function convTranspose2d(x: Tensor, w: Tensor, options: ConvTranspose2dOptions = {}): Tensor {
  const op = 'convTranspose2d';
  const groups = checkConvInputs(op, x, w, options.groups);
  const [N, H, W, C] = x.shape;
  const [KH, KW, Kg, Cw] = w.shape;
  if (Cw !== C || C % groups !== 0)
    throw opError(op, `argument 'w' ${fmtShape(w.shape)} must end in the ${C} input channels of x ${fmtShape(x.shape)} (divisible by groups=${groups})`);
  const K = Kg * groups;
  const bias = checkBias(op, options.bias, K);
  const relu = checkActivation(op, options.activation);
  const [sh, sw] = pair(op, 'stride', options.stride, 1, 1);
  const [ph, phb, pw, pwb] = cropPads(op, options.padding);
  const [oph, opw] = pair(op, 'outputPadding', options.outputPadding, 0, 0);
  const [dh, dw] = pair(op, 'dilation', options.dilation, 1, 1);
  if (oph >= Math.max(sh, dh) || opw >= Math.max(sw, dw))
    throw opError(op, `argument 'outputPadding' [${oph}, ${opw}] must be smaller than the stride or the dilation`);
  const OH = (H - 1) * sh - ph - phb + dh * (KH - 1) + oph + 1;
  const OW = (W - 1) * sw - pw - pwb + dw * (KW - 1) + opw + 1;
  if (OH < 1 || OW < 1) throw opError(op, `the output would be empty (${OH}×${OW}) for x ${fmtShape(x.shape)}, w ${fmtShape(w.shape)}`);
  const g: Window = { KH, KW, sh, sw, dh, dw, OH, OW, padTop: ph, padLeft: pw, padBottom: ph, padRight: pw };
  const be = getBackend();
  const k = be.k;
  const args = geom(N, H, W, C, g, K, groups);
  const y = empty([N, OH, OW, K]);
  // The transposed conv's kernels are the conv's with input and output swapped: its forward
  // and filter gradient are the depthwise backward kernels, which do not partition.
  const dwise = isDepthwise(K, C, groups);
  runConv('conv_transpose2d_nhwc_fwd', [x.ptr, w.ptr, bias ? bias.ptr : 0, y.ptr], args, [relu ? 1 : 0], k.conv_transpose2d_nhwc_fwd_scratch_bytes(...args), !dwise);
  const inputs = bias ? [x, w, bias] : [x, w];
  return record(op, inputs, y, (dyIn) => {
    const dy = relu ? reluBackwardInPlace(dyIn, y) : dyIn;
    let dx: Tensor | null = null;
    let dwt: Tensor | null = null;
    let db: Tensor | null = null;
    if (x.requiresGrad) {
      dx = empty(x.shape);
      runConv('conv_transpose2d_nhwc_bwd_data', [dy.ptr, w.ptr, dx.ptr], args, [], k.conv_transpose2d_nhwc_bwd_data_scratch_bytes(...args));
    }
    if (w.requiresGrad) {
      dwt = empty(w.shape);
      const workBytes = k.conv_transpose2d_nhwc_bwd_filter_work_bytes(...args);
      runConv('conv_transpose2d_nhwc_bwd_filter', [x.ptr, dy.ptr, dwt.ptr], args, [], k.conv_transpose2d_nhwc_bwd_filter_scratch_bytes(...args), !dwise, { ptr: dwt.ptr, size: dwt.size, workBytes });
    }
    if (bias?.requiresGrad) {
      db = empty([K]);
      k.sum_rows_f32(dy.ptr, db.ptr, N * OH * OW, K);
    }
    return [dx, dwt, db];
  });
}
