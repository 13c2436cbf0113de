// Convolutions (NHWC activations, HWIO weights): conv2d with stride, padding, dilation and
// groups (depthwise when groups == channels), and the transposed convolution.
import { opError, fmtShape } from '../backend/index';
import { conv2dBwdData, conv2dBwdFilter, conv2dFwd, convTranspose2dBwdData, convTranspose2dBwdFilter, convTranspose2dFwd, isPointwise, type ConvGeometry, type WinogradWeightsOf } from '../kernels/conv';
import { sumRows, fillValue, binaryRows, OP } from '../kernels/elementwise';
import { reluFwd } from '../kernels/activation';
import { Tensor, empty } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { checkTensor, checkRank, checkNumber, optionsOf } from './check';
import { windowGeometry, pair, type Padding, type Pair, type RoundMode, type Window } from './window';
import { reluBackwardInPlace } from './activation';
import type { WinogradCache } from './winograd';
import { fusedEpilogue, type FusedActivation } from './epilogue';
import { ACT, epiloguePasses } from '../kernels/epilogue';

/** Options of conv2d. */
export interface Conv2dOptions {
  /** Step of the window [sh, sw] (a number for both; default 1). */
  stride?: Pair;
  /** 'valid' (default), 'same', or explicit pads: p, [ph, pw] or [top, bottom, left, right]. */
  padding?: Padding;
  /** Spacing of the kernel's taps (default 1). */
  dilation?: Pair;
  /** Channel groups: Cin and Cout split into `groups` independent convolutions (Cin for depthwise). */
  groups?: number;
  /** Bias [Cout], added in the GEMM epilogue. */
  bias?: Tensor | null;
  /** Fused activation: 'relu' (inference and training), or any FusedActivation when no gradient is recorded. */
  activation?: FusedActivation | null;
  /** Added before the activation (y = act(conv + bias + residual)), shape [N, OH, OW, Cout]; inference only. */
  residual?: Tensor | null;
  /** How an output size that does not divide evenly rounds (default 'floor'). */
  roundMode?: RoundMode;
}

// The launcher's geometry from the window and the shapes.
const geometry = (N: number, H: number, W: number, C: number, g: Window, K: number, groups: number): ConvGeometry => ({
  N, H, W, C, OH: g.OH, OW: g.OW, KH: g.KH, KW: g.KW, K, sh: g.sh, sw: g.sw, padTop: g.padTop, padLeft: g.padLeft, dh: g.dh, dw: g.dw, groups,
});

// x and w live rank-4 tensors; the validated group count.
function checkConvInputs(op: string, x: Tensor, w: Tensor, groups: number | undefined): number {
  checkTensor(op, 'x', x);
  checkTensor(op, 'w', w);
  checkRank(op, 'x', x, 4);
  checkRank(op, 'w', w, 4);
  return checkNumber(op, 'groups', groups ?? 1, { integer: true, min: 1 });
}

// A channel mismatch whose x has the expected channels in dimension 1 is an NCHW tensor.
function nchwHint(x: Tensor, channels: number): string {
  return x.shape[1] === channels && x.shape[3] !== channels ? `; x looks NCHW; simdnet is NHWC: permute(x, [0, 2, 3, 1])` : '';
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

/**
 * y[N, OH, OW, Cout] = conv(x[N, H, W, Cin], w[KH, KW, Cin/groups, Cout]) (+ bias, activation).
 *
 * @example
 * ```ts
 * const x = sn.randn([1, 28, 28, 1], { seed: 1 });       // NHWC
 * const w = sn.randn([3, 3, 1, 8], { seed: 2 });         // HWIO: [KH, KW, Cin, Cout]
 * console.log(sn.conv2d(x, w, { padding: 'same' }).shape); // [1, 28, 28, 8]
 * const dw = sn.randn([3, 3, 1, 8], { seed: 3 });         // depthwise: Cin/groups = 1
 * console.log(sn.conv2d(sn.relu(sn.conv2d(x, w)), dw, { groups: 8, stride: 2, bias: sn.zeros([8]), activation: 'relu' }).shape); // [1, 12, 12, 8]
 * ```
 */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  return convolve(x, w, options, null);
}

/**
 * conv2d for an inference copy (nn.fuseForInference, loadOnnx): when no gradient is recorded,
 * 3×3 stride-1 layers may run through Winograd with weights transformed once into `winograd`,
 * and 1×1 stride-1 unpadded layers on weights packed once into it for the GEMM.
 *
 * @example
 * ```ts
 * const w = sn.randn([3, 3, 16, 16], { seed: 1 });
 * const cache = new sn.WinogradCache();
 * const x = sn.randn([1, 56, 56, 16], { seed: 2 });
 * const y = sn.noGrad(() => sn.conv2dInference(x, w, cache, { padding: 1, activation: 'relu' }));
 * console.log(y.shape); // [1, 56, 56, 16], as sn.conv2d up to rounding
 * cache.dispose();
 * ```
 */
export function conv2dInference(x: Tensor, w: Tensor, winograd: WinogradCache, options: Conv2dOptions = {}): Tensor {
  return convolve(x, w, options, winograd);
}

function convolve(x: Tensor, w: Tensor, options: Conv2dOptions, winograd: WinogradCache | null): Tensor {
  const op = 'conv2d';
  options = optionsOf(op, options);
  const groups = checkConvInputs(op, x, w, options.groups);
  const [N, H, W, C] = x.shape;
  const [KH, KW, Cg, K] = w.shape;
  if (C % groups !== 0 || K % groups !== 0)
    throw opError(op, `groups=${groups} must divide the input channels (x ${fmtShape(x.shape)}) and output channels (w ${fmtShape(w.shape)})`);
  if (Cg !== C / groups)
    throw opError(op, `argument 'w' ${fmtShape(w.shape)} must have ${C / groups} input channels (x ${fmtShape(x.shape)} has ${C}, groups=${groups})${nchwHint(x, Cg * groups)}`);
  if (KH < 1 || KW < 1 || K < 1) throw opError(op, `argument 'w' ${fmtShape(w.shape)} has an empty kernel`);
  const bias = checkBias(op, options.bias, K);
  const win = windowGeometry(op, H, W, { kernel: [KH, KW], stride: options.stride, dilation: options.dilation, padding: options.padding, roundMode: options.roundMode });
  const g = geometry(N, H, W, C, win, K, groups);
  const inputs = bias ? [x, w, bias] : [x, w];
  const epi = fusedEpilogue(op, options.activation, options.residual, [N, g.OH, g.OW, K], inputs);
  const relu = epi.act === ACT.relu;
  const y = empty([N, g.OH, g.OW, K]);
  if (y.size === 0 || C === 0) {
    const out = emptyConv(op, x, w, bias, relu, y);
    if (!relu && (epi.act !== ACT.none || epi.res)) epiloguePasses(epi, y.ptr, y.size);
    return out;
  }
  const transformed: WinogradWeightsOf | undefined = winograd && !x.requiresGrad ? (tile) => winograd.weights(w, tile) : undefined;
  const packed = winograd && !x.requiresGrad && isPointwise(g) ? () => winograd.packed(w) : undefined;
  conv2dFwd(x.ptr, w.ptr, bias ? bias.ptr : 0, y.ptr, g, epi, transformed, packed);
  return record(op, inputs, y, (dyIn) => {
    const dy = relu ? reluBackwardInPlace(dyIn, y) : dyIn;
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (x.requiresGrad) {
      dx = empty(x.shape);
      conv2dBwdData(dy.ptr, w.ptr, dx.ptr, g);
    }
    if (w.requiresGrad) {
      dw = empty(w.shape);
      conv2dBwdFilter(x.ptr, dy.ptr, dw.ptr, g);
    }
    if (bias?.requiresGrad) {
      db = empty([K]);
      sumRows(dy.ptr, db.ptr, N * g.OH * g.OW, K);
    }
    return [dx, dw, db];
  });
}

// A convolution with no input channels or an empty output sums over nothing: the output is
// the bias (ReLU'd) or zeros, as in PyTorch; dx and dw are zeros, db sums dy. The kernels
// are not called (their loops divide by these sizes).
function emptyConv(op: string, x: Tensor, w: Tensor, bias: Tensor | null, relu: boolean, y: Tensor): Tensor {
  const K = y.shape[3];
  const rows = y.size / Math.max(K, 1);
  fillValue(y.ptr, 0, y.size);
  if (bias && y.size > 0) binaryRows(OP.ADD, y.ptr, bias.ptr, y.ptr, rows, K);
  if (relu) reluFwd(y.ptr, y.ptr, y.size);
  const zerosLike = (t: Tensor): Tensor => {
    const z = empty(t.shape);
    fillValue(z.ptr, 0, z.size);
    return z;
  };
  return record(op, bias ? [x, w, bias] : [x, w], y, (dyIn) => {
    const dy = relu ? reluBackwardInPlace(dyIn, y) : dyIn;
    let db: Tensor | null = null;
    if (bias?.requiresGrad) {
      db = zerosLike(bias);
      if (rows > 0) sumRows(dy.ptr, db.ptr, rows, K);
    }
    return [x.requiresGrad ? zerosLike(x) : null, w.requiresGrad ? zerosLike(w) : null, db];
  });
}

/** Options of convTranspose2d. */
export interface ConvTranspose2dOptions {
  /** Stride of the convolution this one transposes (the upsampling factor). */
  stride?: Pair;
  /** Cropped from the full output, as in PyTorch: a number, [h, w], or [top, bottom, left, right] (ONNX's asymmetric pads). */
  padding?: Pair | [number, number, number, number];
  /** Extra rows/columns at the bottom/right of the output (to pick among sizes a stride allows). */
  outputPadding?: Pair;
  /** Spacing of the kernel's taps (default 1). */
  dilation?: Pair;
  /** Channel groups (default 1). */
  groups?: number;
  /** Bias [Cout]. */
  bias?: Tensor | null;
  /** Fused activation: 'relu'. */
  activation?: 'relu' | null;
}

/**
 * The transposed ("fractionally strided") convolution: the gradient of conv2d with respect
 * to its input, run forward. x[N, H, W, Cin], w[KH, KW, Cout/groups, Cin] (the HWIO weights
 * of the conv it transposes), output [N, (H−1)·s − 2p + d·(KH−1) + op + 1, …, Cout].
 *
 * @example
 * ```ts
 * const x = sn.randn([1, 7, 7, 16], { seed: 1 });
 * const w = sn.randn([2, 2, 8, 16], { seed: 2 }); // [KH, KW, Cout, Cin]
 * console.log(sn.convTranspose2d(x, w, { stride: 2 }).shape); // [1, 14, 14, 8]
 * ```
 */
export function convTranspose2d(x: Tensor, w: Tensor, options: ConvTranspose2dOptions = {}): Tensor {
  const op = 'convTranspose2d';
  options = optionsOf(op, options);
  const groups = checkConvInputs(op, x, w, options.groups);
  const [N, H, W, C] = x.shape;
  const [KH, KW, Kg, Cw] = w.shape;
  if (Cw !== C || C % groups !== 0)
    throw opError(op, `argument 'w' ${fmtShape(w.shape)} must end in the ${C} input channels of x ${fmtShape(x.shape)} (divisible by groups=${groups})`);
  const K = Kg * groups;
  if (KH < 1 || KW < 1 || K < 1) throw opError(op, `argument 'w' ${fmtShape(w.shape)} has an empty kernel`);
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
  const g: ConvGeometry = { N, H, W, C, OH, OW, KH, KW, K, sh, sw, padTop: ph, padLeft: pw, dh, dw, groups };
  const y = empty([N, OH, OW, K]);
  if (y.size === 0 || C === 0) return emptyConv(op, x, w, bias, relu, y);
  convTranspose2dFwd(x.ptr, w.ptr, bias ? bias.ptr : 0, y.ptr, g, relu);
  const inputs = bias ? [x, w, bias] : [x, w];
  return record(op, inputs, y, (dyIn) => {
    const dy = relu ? reluBackwardInPlace(dyIn, y) : dyIn;
    let dx: Tensor | null = null;
    let dwt: Tensor | null = null;
    let db: Tensor | null = null;
    if (x.requiresGrad) {
      dx = empty(x.shape);
      convTranspose2dBwdData(dy.ptr, w.ptr, dx.ptr, g);
    }
    if (w.requiresGrad) {
      dwt = empty(w.shape);
      convTranspose2dBwdFilter(x.ptr, dy.ptr, dwt.ptr, g);
    }
    if (bias?.requiresGrad) {
      db = empty([K]);
      sumRows(dy.ptr, db.ptr, N * OH * OW, K);
    }
    return [dx, dwt, db];
  });
}
