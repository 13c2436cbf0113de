// The layers: thin Modules that own parameters and call ops.
import { opError } from '../backend/index';
import { Tensor } from '../tensor/tensor';
import { zeros, ones, full } from '../ops/creation';
import { batchNorm, dropout } from '../ops/norm';
import { linear } from '../ops/linalg';
import { conv2d, convTranspose2d } from '../ops/conv';
import {
  relu, leakyRelu, elu, sigmoid, tanh, softplus, relu6, hardSigmoid, hardSwish, silu, gelu, logSigmoid, prelu, clip,
} from '../ops/activation';
import { flatten, pad } from '../ops/shape';
import { maxPool2d, avgPool2d, lpPool2d, globalAvgPool, upsampleNearest, type Pool2dOptions } from '../ops/pool';
import { adaptiveAvgPool2d, globalMaxPool } from '../ops/pool';
import { layerNorm, groupNorm, localResponseNorm } from '../ops/norm';
import { logSoftmax } from '../ops/loss';
import { resize, type ResizeOptions } from '../ops/resize';
import { checkNumber } from '../ops/check';
import { pair, type Padding, type Pair, type RoundMode } from '../ops/window';
import { Module } from './module';
import { initTensor, type Init } from './init';

export interface LinearOptions {
  bias?: boolean;
  init?: Init;
  /** Fuse a ReLU into the GEMM epilogue. */
  activation?: 'relu' | null;
}

/** y = x·W + b, W [in, out]. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly options: LinearOptions = {},
  ) {
    super();
    checkNumber('Linear', 'inFeatures', inFeatures, { integer: true, min: 1 });
    checkNumber('Linear', 'outFeatures', outFeatures, { integer: true, min: 1 });
    this.weight = this.param('weight', initTensor([inFeatures, outFeatures], options.init ?? 'he'));
    this.bias = options.bias === false ? null : this.param('bias', zeros([outFeatures]));
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias, { activation: this.options.activation });
  }
  override flops(inShape: readonly number[]): number {
    return 2 * (inShape[0] ?? 1) * this.inFeatures * this.outFeatures;
  }
}

export interface Conv2dLayerOptions {
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  init?: Init;
  roundMode?: RoundMode;
  /** Fuse a ReLU into the convolution's epilogue. */
  activation?: 'relu' | null;
}

// What Conv2d and ConvTranspose2d share: channel/group checks, the kernel size, a weight
// of the given layout and an optional bias over the output channels.
abstract class ConvLayer extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernel: [number, number];
  readonly groups: number;
  constructor(
    name: string,
    readonly inChannels: number,
    readonly outChannels: number,
    kernel: Pair,
    opts: { groups?: number; bias?: boolean; init?: Init },
    weightShape: (kh: number, kw: number, groups: number) => number[],
    fans?: (kh: number, kw: number, groups: number) => [number, number],
  ) {
    super();
    checkNumber(name, 'inChannels', inChannels, { integer: true, min: 1 });
    checkNumber(name, 'outChannels', outChannels, { integer: true, min: 1 });
    const groups = checkNumber(name, 'groups', opts.groups ?? 1, { integer: true, min: 1 });
    if (inChannels % groups !== 0 || outChannels % groups !== 0)
      throw opError(name, `groups=${groups} must divide inChannels=${inChannels} and outChannels=${outChannels}`);
    this.groups = groups;
    this.kernel = pair(name, 'kernel', kernel, 1, 1);
    const [kh, kw] = this.kernel;
    this.weight = this.param('weight', initTensor(weightShape(kh, kw, groups), opts.init ?? 'he', fans?.(kh, kw, groups)));
    this.bias = opts.bias === false ? null : this.param('bias', zeros([outChannels]));
  }
}

/** 2-D convolution over NHWC input; weight [KH, KW, Cin/groups, Cout]. */
export class Conv2d extends ConvLayer {
  constructor(inChannels: number, outChannels: number, kernel: Pair, readonly options: Conv2dLayerOptions = {}) {
    super('Conv2d', inChannels, outChannels, kernel, options, (kh, kw, g) => [kh, kw, inChannels / g, outChannels]);
  }
  forward(x: Tensor): Tensor {
    const o = this.options;
    return conv2d(x, this.weight, {
      stride: o.stride, padding: o.padding, dilation: o.dilation, groups: o.groups,
      bias: this.bias, activation: o.activation, roundMode: o.roundMode,
    });
  }
  override flops(_in: readonly number[], out: readonly number[]): number {
    const [kh, kw] = this.kernel;
    return 2 * out[0] * out[1] * out[2] * out[3] * kh * kw * (this.inChannels / this.groups);
  }
}

export interface ConvTranspose2dLayerOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  init?: Init;
}

/** Transposed convolution; weight [KH, KW, Cout/groups, Cin]. */
export class ConvTranspose2d extends ConvLayer {
  constructor(inChannels: number, outChannels: number, kernel: Pair, readonly options: ConvTranspose2dLayerOptions = {}) {
    // Each input pixel spreads over kh·kw outputs of each output channel.
    super('ConvTranspose2d', inChannels, outChannels, kernel, options, (kh, kw, g) => [kh, kw, outChannels / g, inChannels],
      (kh, kw, g) => [(kh * kw * inChannels) / g, kh * kw * outChannels]);
  }
  forward(x: Tensor): Tensor {
    const o = this.options;
    return convTranspose2d(x, this.weight, { stride: o.stride, padding: o.padding, outputPadding: o.outputPadding, dilation: o.dilation, groups: o.groups, bias: this.bias });
  }
  override flops(inShape: readonly number[]): number {
    const [kh, kw] = this.kernel;
    return 2 * inShape[0] * inShape[1] * inShape[2] * this.inChannels * kh * kw * (this.outChannels / this.groups);
  }
}

/** A parameter-free layer around one function of its input. */
class Lambda extends Module {
  constructor(private readonly fn: (x: Tensor) => Tensor) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

export class ReLU extends Lambda {
  constructor() {
    super(relu);
  }
}
export class LeakyReLU extends Lambda {
  constructor(readonly slope = 0.01) {
    super((x) => leakyRelu(x, slope));
  }
}
export class ELU extends Lambda {
  constructor(readonly alpha = 1) {
    super((x) => elu(x, alpha));
  }
}
export class Sigmoid extends Lambda {
  constructor() {
    super(sigmoid);
  }
}
export class Tanh extends Lambda {
  constructor() {
    super(tanh);
  }
}
export class Softplus extends Lambda {
  constructor() {
    super(softplus);
  }
}
export class Flatten extends Lambda {
  constructor() {
    super(flatten);
  }
}

/** Max pooling; stride defaults to the kernel. */
export class MaxPool2d extends Lambda {
  constructor(readonly kernel: Pair, readonly options: Omit<Pool2dOptions, 'kernel'> = {}) {
    super((x) => maxPool2d(x, { kernel, ...options }));
  }
}

/** Average pooling; countIncludePad (default true) divides by the full window. */
export class AvgPool2d extends Lambda {
  constructor(readonly kernel: Pair, readonly options: Omit<Pool2dOptions, 'kernel'> & { countIncludePad?: boolean } = {}) {
    super((x) => avgPool2d(x, { kernel, ...options }));
  }
}

/** L2 pooling (LP with p = 2). */
export class LPPool2d extends Lambda {
  constructor(readonly kernel: Pair, readonly options: Omit<Pool2dOptions, 'kernel'> = {}) {
    super((x) => lpPool2d(x, { kernel, ...options }));
  }
}

/** [N, H, W, C] → [N, C]. */
export class GlobalAvgPool extends Lambda {
  constructor() {
    super(globalAvgPool);
  }
}

/** Nearest-neighbour upsampling by an integer factor, or any resize (ResizeOptions: size or scale, nearest or bilinear, coordinate rule). */
export class Upsample extends Lambda {
  constructor(readonly scale: Pair | ResizeOptions) {
    super(typeof scale === 'object' && !Array.isArray(scale) ? (x) => resize(x, scale) : (x) => upsampleNearest(x, { scale: scale as Pair }));
  }
}

/** Batch normalisation over the channel (last) axis, with running statistics for eval(). */
export class BatchNorm2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(
    readonly channels: number,
    readonly options: { momentum?: number; eps?: number } = {},
  ) {
    super();
    checkNumber('BatchNorm2d', 'channels', channels, { integer: true, min: 1 });
    this.weight = this.param('weight', ones([channels]));
    this.bias = this.param('bias', zeros([channels]));
    this.buffer('runningMean', zeros([channels]));
    this.buffer('runningVar', ones([channels]));
  }
  get runningMean(): Tensor {
    return this.getBuffer('runningMean');
  }
  get runningVar(): Tensor {
    return this.getBuffer('runningVar');
  }
  forward(x: Tensor): Tensor {
    return batchNorm(x, this.weight, this.bias, this.runningMean, this.runningVar, { training: this.training, ...this.options });
  }
  override flops(inShape: readonly number[]): number {
    return 2 * inShape.reduce((a, b) => a * b, 1);
  }
}

/** Inverted dropout with probability p, active in train() mode only. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkNumber('Dropout', 'p', p, { min: 0, max: 1 });
  }
  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training });
  }
}

export class ReLU6 extends Lambda {
  constructor() {
    super(relu6);
  }
}
/** clip(alpha·x + beta, 0, 1); PyTorch's 1/6, 1/2 by default (ONNX: 0.2, 0.5). */
export class Hardsigmoid extends Lambda {
  constructor(readonly options: { alpha?: number; beta?: number } = {}) {
    super((x) => hardSigmoid(x, options));
  }
}
export class Hardswish extends Lambda {
  constructor() {
    super(hardSwish);
  }
}
export class SiLU extends Lambda {
  constructor() {
    super(silu);
  }
}
/** GELU, the erf form, or approximate: 'tanh'. */
export class GELU extends Lambda {
  constructor(options: { approximate?: 'none' | 'tanh' } = {}) {
    super((x) => gelu(x, options));
  }
}
export class LogSigmoid extends Lambda {
  constructor() {
    super(logSigmoid);
  }
}

/** PReLU with numParameters learned slopes (1, or the channel count C of NHWC input), each starting at init. */
export class PReLU extends Module {
  readonly weight: Tensor;
  constructor(numParameters = 1, init = 0.25) {
    super();
    checkNumber('PReLU', 'numParameters', numParameters, { integer: true, min: 1 });
    checkNumber('PReLU', 'init', init);
    this.weight = this.param('weight', full([numParameters], init));
  }
  forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }
}

/** Layer normalisation over the trailing normalizedShape, with a learnt weight and bias (elementwiseAffine, default true). */
export class LayerNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly normalizedShape: number[];
  constructor(normalizedShape: number | readonly number[], readonly options: { eps?: number; elementwiseAffine?: boolean } = {}) {
    super();
    const ns = typeof normalizedShape === 'number' ? [normalizedShape] : Array.isArray(normalizedShape) ? normalizedShape.slice() : [];
    if (ns.length === 0) throw opError('LayerNorm', `argument 'normalizedShape' must be a size or a non-empty array of sizes, got ${JSON.stringify(normalizedShape)}`);
    for (const d of ns) checkNumber('LayerNorm', 'normalizedShape', d, { integer: true, min: 1 });
    this.normalizedShape = ns;
    const affine = options.elementwiseAffine !== false;
    this.weight = affine ? this.param('weight', ones(ns)) : null;
    this.bias = affine ? this.param('bias', zeros(ns)) : null;
  }
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.options.eps });
  }
}

/** Group normalisation of channels-last input: numGroups groups of numChannels/numGroups channels, learnt per-channel weight and bias (affine, default true). */
export class GroupNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  constructor(readonly numGroups: number, readonly numChannels: number, readonly options: { eps?: number; affine?: boolean } = {}) {
    super();
    checkNumber('GroupNorm', 'numGroups', numGroups, { integer: true, min: 1 });
    checkNumber('GroupNorm', 'numChannels', numChannels, { integer: true, min: 1 });
    if (numChannels % numGroups !== 0) throw opError('GroupNorm', `argument 'numGroups' (${numGroups}) must divide 'numChannels' (${numChannels})`);
    const affine = options.affine !== false;
    this.weight = affine ? this.param('weight', ones([numChannels])) : null;
    this.bias = affine ? this.param('bias', zeros([numChannels])) : null;
  }
  forward(x: Tensor): Tensor {
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.options.eps });
  }
}

/** Instance normalisation of NHWC images (each sample's channel over H·W); as PyTorch, no affine parameters unless affine: true, no running statistics. */
export class InstanceNorm2d extends GroupNorm {
  constructor(numFeatures: number, options: { eps?: number; affine?: boolean } = {}) {
    super(numFeatures, numFeatures, { eps: options.eps, affine: options.affine ?? false });
  }
}

/** Local response normalisation across channels (AlexNet, GoogLeNet). */
export class LocalResponseNorm extends Lambda {
  constructor(size: number, options: { alpha?: number; beta?: number; k?: number } = {}) {
    checkNumber('LocalResponseNorm', 'size', size, { integer: true, min: 1 });
    super((x) => localResponseNorm(x, size, options));
  }
}

/** Average pooling to a fixed [OH, OW] (torchvision's VGG/AlexNet heads). */
export class AdaptiveAvgPool2d extends Lambda {
  constructor(outputSize: Pair) {
    pair('AdaptiveAvgPool2d', 'outputSize', outputSize, 0, 1);
    super((x) => adaptiveAvgPool2d(x, outputSize));
  }
}

/** [N, H, W, C] → [N, C]: each channel's maximum. */
export class GlobalMaxPool extends Lambda {
  constructor() {
    super(globalMaxPool);
  }
}

/** log(softmax(x)) along options.axis (default the last). */
export class LogSoftmax extends Lambda {
  constructor(options: { axis?: number } = {}) {
    super((x) => logSoftmax(x, options));
  }
}


/** clip(x, min, max) (PyTorch's Hardtanh: −1, 1 by default; at exactly min or max the gradient passes, as clamp's does). */
export class Hardtanh extends Lambda {
  constructor(min = -1, max = 1) {
    checkNumber('Hardtanh', 'min', min);
    checkNumber('Hardtanh', 'max', max);
    super((x) => clip(x, min, max));
  }
}

// PyTorch's 2-D padding layers on NHWC input: padding a number or [left, right, top, bottom].
function pad2d(op: string, padding: number | [number, number, number, number]): [number, number][] {
  const p = typeof padding === 'number' ? [padding, padding, padding, padding] : padding;
  if (!Array.isArray(p) || p.length !== 4 || p.some((v) => !Number.isInteger(v) || v < 0))
    throw opError(op, `argument 'padding' must be a non-negative integer or [left, right, top, bottom], got ${JSON.stringify(padding)}`);
  return [[0, 0], [p[2], p[3]], [p[0], p[1]], [0, 0]];
}
/** Pads H and W of NHWC input with a constant (PyTorch's ConstantPad2d). */
export class ConstantPad2d extends Lambda {
  constructor(padding: number | [number, number, number, number], value: number) {
    const pads = pad2d('ConstantPad2d', padding);
    checkNumber('ConstantPad2d', 'value', value);
    super((x) => pad(x, pads, { value }));
  }
}
/** Pads H and W of NHWC input with zeros. */
export class ZeroPad2d extends Lambda {
  constructor(padding: number | [number, number, number, number]) {
    const pads = pad2d('ZeroPad2d', padding);
    super((x) => pad(x, pads));
  }
}
/** Pads H and W of NHWC input by mirroring (without repeating the edge). */
export class ReflectionPad2d extends Lambda {
  constructor(padding: number | [number, number, number, number]) {
    const pads = pad2d('ReflectionPad2d', padding);
    super((x) => pad(x, pads, { mode: 'reflect' }));
  }
}
/** Pads H and W of NHWC input by repeating the edge. */
export class ReplicationPad2d extends Lambda {
  constructor(padding: number | [number, number, number, number]) {
    const pads = pad2d('ReplicationPad2d', padding);
    super((x) => pad(x, pads, { mode: 'edge' }));
  }
}
