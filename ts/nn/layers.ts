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
import { logSoftmax, softmax } from '../ops/loss';
import { resize, type ResizeOptions } from '../ops/resize';
import { checkNumber, optionsOf } from '../ops/check';
import { pair, type Padding, type Pair, type RoundMode } from '../ops/window';
import { Module } from './module';
import { initTensor, type Init } from './init';

/** Options of nn.Linear. */
export interface LinearOptions {
  /** Learn a bias (default true). */
  bias?: boolean;
  /** How the weight is drawn (default 'he'). */
  init?: Init;
  /** Fuse a ReLU into the GEMM epilogue. */
  activation?: 'relu' | null;
}

/**
 * y = x·W + b, W [in, out].
 *
 * @example
 * ```ts
 * const fc = new sn.nn.Linear(784, 10);
 * console.log(fc.weight.shape, fc.bias?.shape, fc.call(sn.zeros([32, 784])).shape); // [784, 10] [10] [32, 10]
 * ```
 */
export class Linear extends Module {
  /** [inFeatures, outFeatures]. */
  readonly weight: Tensor;
  /** [outFeatures], or null with bias: false. */
  readonly bias: Tensor | null;
  constructor(
    /** Input features (the last dimension of x). */
    readonly inFeatures: number,
    /** Output features. */
    readonly outFeatures: number,
    /** The options the layer was made with. */
    readonly options: LinearOptions = {},
  ) {
    super();
    checkNumber('Linear', 'inFeatures', inFeatures, { integer: true, min: 1, max: 2 ** 30 });
    checkNumber('Linear', 'outFeatures', outFeatures, { integer: true, min: 1, max: 2 ** 30 });
    const o = optionsOf('Linear', options);
    if (inFeatures * outFeatures > 2 ** 30)
      throw opError('Linear', `arguments 'inFeatures' ${inFeatures} and 'outFeatures' ${outFeatures} give weights of ${inFeatures * outFeatures} elements, more than 4 GiB of memory holds`);
    this.weight = this.param('weight', initTensor([inFeatures, outFeatures], o.init ?? 'he'));
    this.bias = o.bias === false ? null : this.param('bias', zeros([outFeatures]));
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias, { activation: this.options?.activation });
  }
  override flops(inShape: readonly number[]): number {
    return 2 * (inShape[0] ?? 1) * this.inFeatures * this.outFeatures;
  }
}

/** Options of nn.Conv2d (see conv2d's options). */
export interface Conv2dLayerOptions {
  /** Step of the window (default 1). */
  stride?: Pair;
  /** 'valid' (default), 'same', or explicit pads. */
  padding?: Padding;
  /** Spacing of the kernel's taps (default 1). */
  dilation?: Pair;
  /** Channel groups (default 1; inChannels for a depthwise convolution). */
  groups?: number;
  /** Learn a bias (default true). */
  bias?: boolean;
  /** How the weight is drawn (default 'he'). */
  init?: Init;
  /** How an uneven output size rounds (default 'floor'). */
  roundMode?: RoundMode;
  /** Fuse a ReLU into the convolution's epilogue. */
  activation?: 'relu' | null;
}

// What Conv2d and ConvTranspose2d share: channel/group checks, the kernel size, a weight
// of the given layout and an optional bias over the output channels.
abstract class ConvLayer extends Module {
  /** HWIO [KH, KW, Cin/groups, Cout] for Conv2d; [KH, KW, Cout/groups, Cin] for ConvTranspose2d. */
  readonly weight: Tensor;
  /** [outChannels], or null with bias: false. */
  readonly bias: Tensor | null;
  /** [KH, KW]. */
  readonly kernel: [number, number];
  /** Channel groups. */
  readonly groups: number;
  constructor(
    name: string,
    /** Input channels (the last dimension of NHWC x). */
    readonly inChannels: number,
    /** Output channels. */
    readonly outChannels: number,
    kernel: Pair,
    opts: { groups?: number; bias?: boolean; init?: Init },
    weightShape: (kh: number, kw: number, groups: number) => number[],
    fans?: (kh: number, kw: number, groups: number) => [number, number],
  ) {
    super();
    opts = optionsOf(name, opts);
    checkNumber(name, 'inChannels', inChannels, { integer: true, min: 1, max: 2 ** 30 });
    checkNumber(name, 'outChannels', outChannels, { integer: true, min: 1, max: 2 ** 30 });
    const groups = checkNumber(name, 'groups', opts.groups ?? 1, { integer: true, min: 1 });
    if (inChannels % groups !== 0 || outChannels % groups !== 0)
      throw opError(name, `groups=${groups} must divide inChannels=${inChannels} and outChannels=${outChannels}`);
    this.groups = groups;
    this.kernel = pair(name, 'kernel', kernel, 1, 1);
    const [kh, kw] = this.kernel;
    const shape = weightShape(kh, kw, groups);
    if (shape.reduce((x, y) => x * y, 1) > 2 ** 30)
      throw opError(name, `arguments 'kernel' [${kh}, ${kw}], inChannels ${inChannels} and outChannels ${outChannels} give weights [${shape.join(', ')}], more than 4 GiB of memory holds`);
    this.weight = this.param('weight', initTensor(shape, opts.init ?? 'he', fans?.(kh, kw, groups)));
    this.bias = opts.bias === false ? null : this.param('bias', zeros([outChannels]));
  }
}

/**
 * 2-D convolution over NHWC input; weight [KH, KW, Cin/groups, Cout].
 *
 * @example
 * ```ts
 * const conv = new sn.nn.Conv2d(3, 16, 3, { padding: 'same', stride: 2 });
 * console.log(conv.weight.shape, conv.call(sn.zeros([1, 32, 32, 3])).shape); // [3, 3, 3, 16] [1, 16, 16, 16]
 * const depthwise = new sn.nn.Conv2d(16, 16, 3, { groups: 16, padding: 1 });
 * console.log(depthwise.weight.shape); // [3, 3, 1, 16]
 * ```
 */
export class Conv2d extends ConvLayer {
  /**
   * @param inChannels Input channels (the last dimension of NHWC x).
   * @param outChannels Output channels.
   * @param kernel [KH, KW], or one number for both.
   * @param options Stride, padding, dilation, groups, bias, init, roundMode, fused activation.
   */
  constructor(inChannels: number, outChannels: number, kernel: Pair, readonly options: Conv2dLayerOptions = {}) {
    super('Conv2d', inChannels, outChannels, kernel, options, (kh, kw, g) => [kh, kw, inChannels / g, outChannels]);
  }
  forward(x: Tensor): Tensor {
    const o = this.options ?? {};
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

/** Options of nn.ConvTranspose2d (see convTranspose2d's options). */
export interface ConvTranspose2dLayerOptions {
  /** Stride of the convolution this one transposes (the upsampling factor; default 1). */
  stride?: Pair;
  /** Cropped from the full output, as PyTorch's padding (default 0). */
  padding?: Pair;
  /** Extra rows/columns at the bottom/right of the output (default 0). */
  outputPadding?: Pair;
  /** Spacing of the kernel's taps (default 1). */
  dilation?: Pair;
  /** Channel groups (default 1). */
  groups?: number;
  /** Learn a bias (default true). */
  bias?: boolean;
  /** How the weight is drawn (default 'he'). */
  init?: Init;
}

/**
 * Transposed convolution; weight [KH, KW, Cout/groups, Cin].
 *
 * @example
 * ```ts
 * const up = new sn.nn.ConvTranspose2d(16, 8, 2, { stride: 2 });
 * console.log(up.weight.shape, up.call(sn.zeros([1, 7, 7, 16])).shape); // [2, 2, 8, 16] [1, 14, 14, 8]
 * ```
 */
export class ConvTranspose2d extends ConvLayer {
  /**
   * @param inChannels Input channels (the last dimension of NHWC x).
   * @param outChannels Output channels.
   * @param kernel [KH, KW], or one number for both.
   * @param options Stride, padding, outputPadding, dilation, groups, bias, init.
   */
  constructor(inChannels: number, outChannels: number, kernel: Pair, readonly options: ConvTranspose2dLayerOptions = {}) {
    // Each input pixel spreads over kh·kw outputs of each output channel.
    super('ConvTranspose2d', inChannels, outChannels, kernel, options, (kh, kw, g) => [kh, kw, outChannels / g, inChannels],
      (kh, kw, g) => [(kh * kw * inChannels) / g, kh * kw * outChannels]);
  }
  forward(x: Tensor): Tensor {
    const o = this.options ?? {};
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

/**
 * max(x, 0) as a layer.
 *
 * @example
 * ```ts
 * console.log(new sn.nn.ReLU().call(sn.tensor([-1, 2])).toArray()); // [0, 2]
 * ```
 */
export class ReLU extends Lambda {
  constructor() {
    super(relu);
  }
}
/**
 * x > 0 ? x : slope·x as a layer (default slope 0.01).
 *
 * @example
 * ```ts
 * console.log(new sn.nn.LeakyReLU(0.1).call(sn.tensor([-1, 2])).toArray()); // [-0.1, 2]
 * ```
 */
export class LeakyReLU extends Lambda {
  /** @param slope The slope below 0. */
  constructor(readonly slope = 0.01) {
    super((x) => leakyRelu(x, slope));
  }
}
/**
 * ELU as a layer (default alpha 1).
 *
 * @example
 * ```ts
 * console.log(new sn.nn.ELU().call(sn.tensor([0, 2])).toArray()); // [0, 2]
 * ```
 */
export class ELU extends Lambda {
  /** @param alpha The saturation value below 0 is −alpha. */
  constructor(readonly alpha = 1) {
    super((x) => elu(x, alpha));
  }
}
/**
 * Sigmoid as a layer.
 *
 * @example
 * ```ts
 * console.log(new sn.nn.Sigmoid().call(sn.tensor([0])).toArray()); // [0.5]
 * ```
 */
export class Sigmoid extends Lambda {
  constructor() {
    super(sigmoid);
  }
}
/**
 * tanh as a layer.
 *
 * @example
 * ```ts
 * console.log(new sn.nn.Tanh().call(sn.tensor([0])).toArray()); // [0]
 * ```
 */
export class Tanh extends Lambda {
  constructor() {
    super(tanh);
  }
}
/**
 * log(1 + eˣ) as a layer.
 *
 * @example
 * ```ts
 * console.log(new sn.nn.Softplus().call(sn.tensor([0])).toArray()); // [0.693…]
 * ```
 */
export class Softplus extends Lambda {
  constructor() {
    super(softplus);
  }
}
/**
 * [N, ...] → [N, rest], between the convolutions and the dense layers.
 *
 * @example
 * ```ts
 * console.log(new sn.nn.Flatten().call(sn.zeros([2, 5, 5, 16])).shape); // [2, 400]
 * ```
 */
export class Flatten extends Lambda {
  constructor() {
    super(flatten);
  }
}

/**
 * Max pooling; stride defaults to the kernel.
 *
 * @example
 * ```ts
 * console.log(new sn.nn.MaxPool2d(2).call(sn.zeros([1, 28, 28, 6])).shape); // [1, 14, 14, 6]
 * console.log(new sn.nn.MaxPool2d(3, { stride: 2, padding: 1 }).call(sn.zeros([1, 112, 112, 64])).shape); // [1, 56, 56, 64]
 * ```
 */
export class MaxPool2d extends Lambda {
  /**
   * @param kernel The window [KH, KW], or one number for both.
   * @param options Stride (default: the kernel), padding, dilation, roundMode.
   */
  constructor(readonly kernel: Pair, readonly options: Omit<Pool2dOptions, 'kernel'> = {}) {
    super((x) => maxPool2d(x, { kernel, ...options }));
  }
}

/**
 * Average pooling; countIncludePad (default true) divides by the full window.
 *
 * @example
 * ```ts
 * console.log(new sn.nn.AvgPool2d(2).call(sn.tensor([1, 2, 3, 4], [1, 2, 2, 1])).toArray()); // [[[[2.5]]]]
 * ```
 */
export class AvgPool2d extends Lambda {
  /**
   * @param kernel The window [KH, KW], or one number for both.
   * @param options Stride (default: the kernel), padding, dilation, roundMode, countIncludePad.
   */
  constructor(readonly kernel: Pair, readonly options: Omit<Pool2dOptions, 'kernel'> & {
    /** Divide by the whole window, padding included (default true, as PyTorch). */
    countIncludePad?: boolean;
  } = {}) {
    super((x) => avgPool2d(x, { kernel, ...options }));
  }
}

/**
 * L2 pooling (LP with p = 2).
 *
 * @example
 * ```ts
 * console.log(new sn.nn.LPPool2d(2).call(sn.tensor([3, 4, 0, 0], [1, 2, 2, 1])).toArray()); // [[[[5]]]]
 * ```
 */
export class LPPool2d extends Lambda {
  /**
   * @param kernel The window [KH, KW], or one number for both.
   * @param options Stride (default: the kernel), padding, dilation, roundMode.
   */
  constructor(readonly kernel: Pair, readonly options: Omit<Pool2dOptions, 'kernel'> = {}) {
    super((x) => lpPool2d(x, { kernel, ...options }));
  }
}

/**
 * [N, H, W, C] → [N, C].
 *
 * @example
 * ```ts
 * console.log(new sn.nn.GlobalAvgPool().call(sn.zeros([2, 7, 7, 512])).shape); // [2, 512]
 * ```
 */
export class GlobalAvgPool extends Lambda {
  constructor() {
    super(globalAvgPool);
  }
}

/**
 * Nearest-neighbour upsampling by an integer factor, or any resize (ResizeOptions: size or scale, nearest or bilinear, coordinate rule).
 *
 * @example
 * ```ts
 * console.log(new sn.nn.Upsample(2).call(sn.zeros([1, 8, 8, 3])).shape); // [1, 16, 16, 3]
 * console.log(new sn.nn.Upsample({ size: [20, 30], mode: 'bilinear' }).call(sn.zeros([1, 8, 8, 3])).shape); // [1, 20, 30, 3]
 * ```
 */
export class Upsample extends Lambda {
  /** @param scale An integer factor per axis (nearest), or resize's options. */
  constructor(readonly scale: Pair | ResizeOptions) {
    super(typeof scale === 'object' && !Array.isArray(scale) ? (x) => resize(x, scale) : (x) => upsampleNearest(x, { scale: scale as Pair }));
  }
}

/**
 * Batch normalisation over the channel (last) axis, with running statistics for eval().
 *
 * @example
 * ```ts
 * const bn = new sn.nn.BatchNorm2d(16, { momentum: 0.1 });
 * const x = sn.randn([8, 4, 4, 16], { seed: 1 });
 * bn.call(x);                      // training: the batch's statistics, running averages updated
 * console.log(bn.runningMean.shape); // [16]
 * bn.eval();
 * console.log(bn.call(x).shape);   // [8, 4, 4, 16], normalised with the running statistics
 * ```
 */
export class BatchNorm2d extends Module {
  /** gamma [channels], starting at 1. */
  readonly weight: Tensor;
  /** beta [channels], starting at 0. */
  readonly bias: Tensor;
  constructor(
    /** Channels (the last dimension of NHWC x). */
    readonly channels: number,
    /** The options the layer was made with. */
    readonly options: {
      /** Weight of the batch statistics in the running averages (default 0.1). */
      momentum?: number;
      /** Added to the variance (default 1e-5). */
      eps?: number;
    } = {},
  ) {
    super();
    checkNumber('BatchNorm2d', 'channels', channels, { integer: true, min: 1, max: 2 ** 30 });
    this.weight = this.param('weight', ones([channels]));
    this.bias = this.param('bias', zeros([channels]));
    this.buffer('runningMean', zeros([channels]));
    this.buffer('runningVar', ones([channels]));
  }
  /** The running mean [channels] used by eval(). */
  get runningMean(): Tensor {
    return this.getBuffer('runningMean');
  }
  /** The running variance [channels] used by eval(). */
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

/**
 * Inverted dropout with probability p, active in train() mode only.
 *
 * @example
 * ```ts
 * const drop = new sn.nn.Dropout(0.5);
 * console.log(drop.call(sn.ones([1, 8])).toArray()); // 0s and 2s in train() mode
 * drop.eval();
 * console.log(drop.call(sn.ones([1, 8])).toArray()); // all 1s
 * ```
 */
export class Dropout extends Module {
  /** @param p The probability of zeroing an element. */
  constructor(readonly p = 0.5) {
    super();
    checkNumber('Dropout', 'p', p, { min: 0, max: 1 });
  }
  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training });
  }
}

/**
 * min(max(x, 0), 6) as a layer (MobileNetV2).
 *
 * @example
 * ```ts
 * console.log(new sn.nn.ReLU6().call(sn.tensor([-1, 8])).toArray()); // [0, 6]
 * ```
 */
export class ReLU6 extends Lambda {
  constructor() {
    super(relu6);
  }
}
/**
 * clip(alpha·x + beta, 0, 1); PyTorch's 1/6, 1/2 by default (ONNX: 0.2, 0.5).
 *
 * @example
 * ```ts
 * console.log(new sn.nn.Hardsigmoid().call(sn.tensor([0, 3])).toArray()); // [0.5, 1]
 * ```
 */
export class Hardsigmoid extends Lambda {
  /** @param options alpha and beta. */
  constructor(readonly options: {
    /** Slope (default 1/6). */
    alpha?: number;
    /** Offset (default 1/2). */
    beta?: number;
  } = {}) {
    super((x) => hardSigmoid(x, options));
  }
}
/**
 * x·relu6(x + 3)/6 as a layer (MobileNetV3).
 *
 * @example
 * ```ts
 * console.log(new sn.nn.Hardswish().call(sn.tensor([4])).toArray()); // [4]
 * ```
 */
export class Hardswish extends Lambda {
  constructor() {
    super(hardSwish);
  }
}
/**
 * x·sigmoid(x) as a layer.
 *
 * @example
 * ```ts
 * console.log(new sn.nn.SiLU().call(sn.tensor([0])).toArray()); // [0]
 * ```
 */
export class SiLU extends Lambda {
  constructor() {
    super(silu);
  }
}
/**
 * GELU, the erf form, or approximate: 'tanh'.
 *
 * @example
 * ```ts
 * console.log(new sn.nn.GELU({ approximate: 'tanh' }).call(sn.tensor([0, 1])).toArray()); // [0, 0.841…]
 * ```
 */
export class GELU extends Lambda {
  constructor(options: { approximate?: 'none' | 'tanh' } = {}) {
    super((x) => gelu(x, options));
  }
}
/**
 * log(sigmoid(x)) as a layer.
 *
 * @example
 * ```ts
 * console.log(new sn.nn.LogSigmoid().call(sn.tensor([0])).toArray()); // [-0.693…]
 * ```
 */
export class LogSigmoid extends Lambda {
  constructor() {
    super(logSigmoid);
  }
}

/**
 * PReLU with numParameters learned slopes (1, or the channel count C of NHWC input), each starting at init.
 *
 * @example
 * ```ts
 * const act = new sn.nn.PReLU(3); // one slope per channel of NHWC input
 * console.log(act.call(sn.full([1, 1, 1, 3], -1)).toArray()); // [[[[-0.25, -0.25, -0.25]]]]
 * ```
 */
export class PReLU extends Module {
  /** The slopes [numParameters]. */
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

/**
 * Layer normalisation over the trailing normalizedShape, with a learnt weight and bias (elementwiseAffine, default true).
 *
 * @example
 * ```ts
 * const ln = new sn.nn.LayerNorm(64);
 * console.log(ln.call(sn.randn([2, 10, 64], { seed: 1 })).shape, ln.weight?.shape); // [2, 10, 64] [64]
 * ```
 */
export class LayerNorm extends Module {
  /** Scale of the normalised shape, or null without elementwiseAffine. */
  readonly weight: Tensor | null;
  /** Shift of the normalised shape, or null without elementwiseAffine. */
  readonly bias: Tensor | null;
  /** The trailing shape normalised together. */
  readonly normalizedShape: number[];
  /**
   * @param normalizedShape The trailing shape normalised together.
   * @param options eps and elementwiseAffine.
   */
  constructor(normalizedShape: number | readonly number[], readonly options: {
    /** Added to the variance (default 1e-5). */
    eps?: number;
    /** Learn a weight and a bias (default true). */
    elementwiseAffine?: boolean;
  } = {}) {
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

/**
 * Group normalisation of channels-last input: numGroups groups of numChannels/numGroups channels, learnt per-channel weight and bias (affine, default true).
 *
 * @example
 * ```ts
 * const gn = new sn.nn.GroupNorm(8, 32);
 * console.log(gn.call(sn.randn([2, 8, 8, 32], { seed: 1 })).shape); // [2, 8, 8, 32]
 * ```
 */
export class GroupNorm extends Module {
  /** Per-channel scale [numChannels], or null without affine. */
  readonly weight: Tensor | null;
  /** Per-channel shift [numChannels], or null without affine. */
  readonly bias: Tensor | null;
  /**
   * @param numGroups Groups of adjacent channels sharing statistics.
   * @param numChannels Channels C (numGroups must divide it).
   * @param options eps (default 1e-5), affine (learn weight and bias, default true).
   */
  constructor(readonly numGroups: number, readonly numChannels: number, readonly options: {
    /** Added to the variance (default 1e-5). */
    eps?: number;
    /** Learn a per-channel weight and bias (default true). */
    affine?: boolean;
  } = {}) {
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

/**
 * Instance normalisation of NHWC images (each sample's channel over H·W); as PyTorch, no affine parameters unless affine: true, no running statistics.
 *
 * @example
 * ```ts
 * const norm = new sn.nn.InstanceNorm2d(3);
 * console.log(norm.call(sn.rand([2, 16, 16, 3], { seed: 1 })).shape, norm.numParameters()); // [2, 16, 16, 3] 0
 * ```
 */
export class InstanceNorm2d extends GroupNorm {
  constructor(numFeatures: number, options: { eps?: number; affine?: boolean } = {}) {
    super(numFeatures, numFeatures, { eps: options.eps, affine: options.affine ?? false });
  }
}

/**
 * Local response normalisation across channels (AlexNet, GoogLeNet).
 *
 * @example
 * ```ts
 * console.log(new sn.nn.LocalResponseNorm(5, { alpha: 1e-4, beta: 0.75, k: 2 }).call(sn.zeros([1, 13, 13, 96])).shape); // [1, 13, 13, 96]
 * ```
 */
export class LocalResponseNorm extends Lambda {
  constructor(size: number, options: { alpha?: number; beta?: number; k?: number } = {}) {
    checkNumber('LocalResponseNorm', 'size', size, { integer: true, min: 1 });
    super((x) => localResponseNorm(x, size, options));
  }
}

/**
 * Average pooling to a fixed [OH, OW] (torchvision's VGG/AlexNet heads).
 *
 * @example
 * ```ts
 * console.log(new sn.nn.AdaptiveAvgPool2d([7, 7]).call(sn.zeros([1, 14, 14, 512])).shape); // [1, 7, 7, 512]
 * ```
 */
export class AdaptiveAvgPool2d extends Lambda {
  constructor(outputSize: Pair) {
    pair('AdaptiveAvgPool2d', 'outputSize', outputSize, 0, 1);
    super((x) => adaptiveAvgPool2d(x, outputSize));
  }
}

/**
 * [N, H, W, C] → [N, C]: each channel's maximum.
 *
 * @example
 * ```ts
 * console.log(new sn.nn.GlobalMaxPool().call(sn.zeros([2, 7, 7, 64])).shape); // [2, 64]
 * ```
 */
export class GlobalMaxPool extends Lambda {
  constructor() {
    super(globalMaxPool);
  }
}

/**
 * log(softmax(x)) along options.axis (default the last).
 *
 * @example
 * ```ts
 * const head = new sn.nn.Sequential(new sn.nn.Linear(8, 3), new sn.nn.LogSoftmax());
 * console.log(sn.exp(head.call(sn.ones([1, 8]))).toArray()); // probabilities summing to 1
 * ```
 */
export class LogSoftmax extends Lambda {
  constructor(options: { axis?: number } = {}) {
    super((x) => logSoftmax(x, options));
  }
}


/**
 * clip(x, min, max) (PyTorch's Hardtanh: −1, 1 by default; at exactly min or max the gradient passes, as clamp's does).
 *
 * @example
 * ```ts
 * console.log(new sn.nn.Hardtanh().call(sn.tensor([-3, 0.5, 3])).toArray()); // [-1, 0.5, 1]
 * ```
 */
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
/**
 * Pads H and W of NHWC input with a constant (PyTorch's ConstantPad2d).
 *
 * @example
 * ```ts
 * const x = sn.ones([1, 2, 2, 1]);
 * console.log(new sn.nn.ConstantPad2d([1, 0, 0, 0], 9).call(x).toArray()); // [[[[9], [1], [1]], [[9], [1], [1]]]]
 * ```
 */
export class ConstantPad2d extends Lambda {
  constructor(padding: number | [number, number, number, number], value: number) {
    const pads = pad2d('ConstantPad2d', padding);
    checkNumber('ConstantPad2d', 'value', value);
    super((x) => pad(x, pads, { value }));
  }
}
/**
 * Pads H and W of NHWC input with zeros.
 *
 * @example
 * ```ts
 * console.log(new sn.nn.ZeroPad2d(1).call(sn.ones([1, 28, 28, 1])).shape); // [1, 30, 30, 1]
 * ```
 */
export class ZeroPad2d extends Lambda {
  constructor(padding: number | [number, number, number, number]) {
    const pads = pad2d('ZeroPad2d', padding);
    super((x) => pad(x, pads));
  }
}
/**
 * Pads H and W of NHWC input by mirroring (without repeating the edge).
 *
 * @example
 * ```ts
 * const x = sn.tensor([1, 2, 3], [1, 1, 3, 1]);
 * console.log(sn.flatten(new sn.nn.ReflectionPad2d([2, 0, 0, 0]).call(x)).toArray()); // [[3, 2, 1, 2, 3]]
 * ```
 */
export class ReflectionPad2d extends Lambda {
  constructor(padding: number | [number, number, number, number]) {
    const pads = pad2d('ReflectionPad2d', padding);
    super((x) => pad(x, pads, { mode: 'reflect' }));
  }
}
/**
 * Pads H and W of NHWC input by repeating the edge.
 *
 * @example
 * ```ts
 * const x = sn.tensor([1, 2, 3], [1, 1, 3, 1]);
 * console.log(sn.flatten(new sn.nn.ReplicationPad2d([0, 2, 0, 0]).call(x)).toArray()); // [[1, 2, 3, 3, 3]]
 * ```
 */
export class ReplicationPad2d extends Lambda {
  constructor(padding: number | [number, number, number, number]) {
    const pads = pad2d('ReplicationPad2d', padding);
    super((x) => pad(x, pads, { mode: 'edge' }));
  }
}

/**
 * Softmax along options.axis (default the last): turns a classifier's logits into probabilities (for inference; train on logits with crossEntropy).
 *
 * @example
 * ```ts
 * const probs = new sn.nn.Softmax().call(sn.tensor([0, 0, 1, 1], [2, 2]));
 * console.log(probs.toArray()); // [[0.5, 0.5], [0.5, 0.5]]
 * ```
 */
export class Softmax extends Lambda {
  constructor(options: { axis?: number } = {}) {
    super((x) => softmax(x, options));
  }
}
