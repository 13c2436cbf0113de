// ONNX operators on simdnet's ops. Each entry checks a node's attributes and constant
// inputs once, at import (turning weights into parameters in simdnet's layouts), and
// returns the function that runs the node on runtime values (see layout.ts for how a value
// is held). Ops whose simdnet counterpart does not exist yet are absent from this table,
// so a model using them fails at import with the op named.
import * as sn from '../../index';
import type { OnnxNode } from './decode';
import { Const, onnxError, axisOf, transposeConst, reshapeTarget, squeezeShape, unsqueezeShape, broadcastShapes } from './values';
import { type Val, type TVal, isConst, tval, plainOf, nhwcOf, constFor, NHWC_AXIS } from './layout';

type Tensor = sn.Tensor;

/**
 * A node's Module: its parameters and buffers, and the layer summary() lists. An OnnxModel's
 * children are OnnxLayers, named after the nodes' scopes.
 *
 * @example
 * ```ts
 * import { saveOnnx, loadOnnx, OnnxLayer } from 'simdnet/onnx';
 * const model = loadOnnx(saveOnnx(new sn.nn.Sequential(new sn.nn.Conv2d(3, 4, 3), new sn.nn.GlobalAvgPool(), new sn.nn.Linear(4, 2)), { inputShape: [1, 8, 8, 3] }));
 * for (const [name, layer] of model.children()) console.log(name, layer instanceof OnnxLayer && layer.opType); // Conv_2 Conv, Gemm_7 Gemm, …
 * ```
 */
export class OnnxLayer extends sn.nn.Module {
  private fn: ((...xs: Tensor[]) => Tensor) | null = null;
  /** @internal Where each parameter and buffer came from in the file, and how to write it back there. */
  readonly sources: { tensor: Tensor; from: Const; back: (values: Float32Array) => Float32Array }[] = [];
  /** @internal The node's floating-point operations for summary(), when the op counts them. */
  flopsOf: ((inShape: readonly number[], outShape: readonly number[]) => number) | null = null;
  private winograd: sn.WinogradCache | null = null;
  /**
   * @internal The importer makes one per node.
   * @param opType The node's ONNX operator ('Conv', 'Gemm'...).
   */
  constructor(readonly opType: string) {
    super();
  }
  /**
   * Transformed Winograd weights for inference runs (no gradient recorded, eval mode), made
   * on first use. Dropped whenever the weights may change: a run that records gradients or
   * is in training mode, train(), loadStateDict on the model, dispose.
   * @internal
   */
  inferenceWeights(): sn.WinogradCache | null {
    if (this.training || sn.isGradEnabled()) {
      this.dropCaches();
      return null;
    }
    return (this.winograd ??= new sn.WinogradCache());
  }
  /** @internal Frees the cached inference weights (the parameters changed). */
  dropCaches(): void {
    this.winograd?.dispose();
    this.winograd = null;
  }
  override train(on = true): this {
    if (on) this.dropCaches(); // not on eval(): predict() calls it every time
    return super.train(on);
  }
  override dispose(): void {
    super.dispose();
    this.dropCaches();
  }
  /** @internal A parameter of the node (a weight of the file). */
  addParam(name: string, t: Tensor): Tensor {
    return this.param(name, t);
  }
  /** @internal A buffer of the node (batch-norm statistics of the file). */
  addBuffer(name: string, t: Tensor): Tensor {
    return this.buffer(name, t);
  }
  /** @internal Runs fn on the tensors as this layer (so summary() and hooks see it). */
  apply(name: string, fn: (...xs: Tensor[]) => Tensor, ...xs: Tensor[]): Tensor {
    this.fn = fn;
    try {
      return sn.nn.callChild(name, this, xs[0], ...xs.slice(1));
    } finally {
      this.fn = null;
    }
  }
  forward(x: Tensor, ...rest: Tensor[]): Tensor {
    return this.fn!(x, ...rest);
  }
  override flops(inShape: readonly number[], outShape: readonly number[]): number {
    return this.flopsOf ? this.flopsOf(inShape, outShape) : 0;
  }
}

export interface Ctx {
  node: OnnxNode;
  opset: number;
  /** `node 'name' (Op)`, for messages. */
  where: string;
  attr<T>(name: string, dflt: T): T;
  /** Input i if it is a constant known at import (initializer, Constant, folded), else null. */
  constIn(i: number): Const | null;
  layer: OnnxLayer;
  /** A kept, non-trainable tensor of a constant (cached per constant). */
  tensorOf(c: Const): Tensor;
  /**
   * The activation node that alone consumed this node's output, fused into it (model.ts's
   * fuseActivations): `act` for the kernel's epilogue, `exec` the activation node's own
   * step, run after this node instead when a gradient is recorded (only ReLU is fused then).
   */
  fused: { act: FusedActivation; exec: Exec } | null;
}

/** An activation a convolution or dense layer applies in its epilogue. */
export type FusedActivation = NonNullable<sn.Conv2dOptions['activation']>;

/**
 * The node's output through its fused activation: `apply(activation)` computes the node with
 * that activation in its epilogue. Without a gradient recorded every fused activation goes
 * into the epilogue; with one, ReLU does and the others run as their own step after it.
 */
function withFused(ctx: Ctx, apply: (activation: FusedActivation | null) => Val[], inputs: (Tensor | null)[]): Val[] {
  const f = ctx.fused;
  if (!f || f.act === 'relu') return apply(f ? 'relu' : null);
  const grad = sn.isGradEnabled() && inputs.some((t) => t?.requiresGrad);
  return grad ? f.exec(apply(null)) : apply(f.act);
}

export type Exec = (ins: (Val | null)[]) => Val[];
type Builder = (ctx: Ctx) => Exec;

function need(ctx: Ctx, i: number, what: string): Const {
  const c = ctx.constIn(i);
  if (!c) throw onnxError(`${ctx.where}: the ${what} (input ${i}, '${ctx.node.inputs[i]}') must be a constant (an initializer); a computed ${what} is not supported`);
  return c;
}

const run = (ctx: Ctx, fn: (...xs: Tensor[]) => Tensor, ...xs: Tensor[]) => ctx.layer.apply(ctx.node.name, fn, ...xs);

const same = (v: Float32Array) => v;

/** A parameter made from constant `from` (converted to `c`); `back` converts its values back. */
function param(ctx: Ctx, name: string, c: Const, shape = c.shape, from = c, back = same, buffer = false): Tensor {
  const t = sn.tensor(c.data, shape);
  ctx.layer.sources.push({ tensor: t, from, back });
  return buffer ? ctx.layer.addBuffer(name, t) : ctx.layer.addParam(name, t);
}

/** Inverse of a transposeConst by `perm` of a constant of (transposed) shape `shape`. */
const untranspose = (shape: number[], perm: number[]) => (v: Float32Array) =>
  transposeConst(new Const('float', shape, v), perm.map((_, i) => perm.indexOf(i))).data as Float32Array;

function tensorIn(ctx: Ctx, v: Val | null, i: number): TVal {
  if (!v) throw onnxError(`${ctx.where}: input ${i} is missing`);
  if (isConst(v)) return tval(ctx.tensorOf(v), 'plain', v.shape);
  return v;
}

function spatial(ctx: Ctx, name: string, dflt: number): [number, number] {
  const v = ctx.attr<number[] | null>(name, null);
  if (!v) return [dflt, dflt];
  if (v.length !== 2) throw onnxError(`${ctx.where}: '${name}' ${JSON.stringify(v)} has ${v.length} values; only 2-D (NCHW) windows are supported`);
  return [v[0], v[1]];
}

/** ONNX pads [top, left, bottom, right] and auto_pad as simdnet padding for an input size. */
function padding(ctx: Ctx, k: [number, number], s: [number, number], d: [number, number]): (H: number, W: number) => sn.Padding {
  const auto = ctx.attr('auto_pad', 'NOTSET');
  const pads = ctx.attr<number[]>('pads', [0, 0, 0, 0]);
  if (pads.length !== 4) throw onnxError(`${ctx.where}: 'pads' ${JSON.stringify(pads)} must have 4 values (2-D windows)`);
  if (auto === 'NOTSET') return () => [pads[0], pads[2], pads[1], pads[3]];
  if (auto === 'VALID') return () => 'valid';
  if (auto === 'SAME_UPPER') return () => 'same';
  if (auto === 'SAME_LOWER')
    return (H, W) => {
      const total = (n: number, i: 0 | 1) => Math.max((Math.ceil(n / s[i]) - 1) * s[i] + d[i] * (k[i] - 1) + 1 - n, 0);
      const th = total(H, 0);
      const tw = total(W, 1);
      return [th - (th >> 1), th >> 1, tw - (tw >> 1), tw >> 1];
    };
  throw onnxError(`${ctx.where}: auto_pad '${auto}' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER`);
}

const unary = (f: (x: Tensor) => Tensor): Builder => (ctx) => ([x]) => {
  const v = tensorIn(ctx, x, 0);
  return [{ ...v, t: run(ctx, f, v.t) }];
};

/** Brings two operands of an elementwise op to one layout; constants follow the tensor. */
function binary(f: (a: Tensor | number, b: Tensor | number) => Tensor): Builder {
  return (ctx) => ([a, b]) => {
    if (!a || !b) throw onnxError(`${ctx.where}: needs two inputs`);
    const shape = broadcastShapes(ctx.where, a.shape, b.shape);
    const side = (v: Val, other: TVal): Tensor | number => {
      if (!isConst(v)) return v.t;
      const c = constFor(v, other);
      return c.size === 1 ? c.data[0] : ctx.tensorOf(c);
    };
    if (isConst(a) || isConst(b)) {
      const t = (isConst(a) ? b : a) as TVal;
      const out = run(ctx, (...xs) => f(isConst(a) ? side(a, t) : xs[0], isConst(b) ? side(b, t) : xs[0]), t.t);
      return [{ ...t, t: out, shape }];
    }
    let [x, y] = [a, b];
    if (x.layout !== y.layout) {
      // Meet in NHWC when either is; otherwise in the plain order.
      if (x.layout === 'nhwc' || y.layout === 'nhwc') {
        x = tval(nhwcOf(ctx.where, x), 'nhwc');
        y = tval(nhwcOf(ctx.where, y), 'nhwc');
      } else {
        x = tval(plainOf(ctx.where, x), 'plain');
        y = tval(plainOf(ctx.where, y), 'plain');
      }
    }
    const out = run(ctx, (p, q) => f(p, q), x.t, y.t);
    return [{ t: out, layout: x.layout, shape, chw: x.chw ?? y.chw }];
  };
}

function conv(ctx: Ctx): Exec {
  const w = need(ctx, 1, 'weight');
  if (w.rank !== 4) throw onnxError(`${ctx.where}: weight ${JSON.stringify(w.shape)} is not 4-D; only 2-D convolutions are supported`);
  const [K, Cg, KH, KW] = w.shape;
  const groups = ctx.attr('group', 1);
  const k = spatial(ctx, 'kernel_shape', 0);
  if (k[0] && (k[0] !== KH || k[1] !== KW)) throw onnxError(`${ctx.where}: kernel_shape ${JSON.stringify(k)} does not match the weight ${JSON.stringify(w.shape)}`);
  const stride = spatial(ctx, 'strides', 1);
  const dilation = spatial(ctx, 'dilations', 1);
  const pad = padding(ctx, [KH, KW], stride, dilation);
  const weight = param(ctx, 'weight', transposeConst(w, [2, 3, 1, 0]), undefined, w, untranspose([KH, KW, Cg, K], [2, 3, 1, 0]));
  const b = ctx.node.inputs[2] ? need(ctx, 2, 'bias') : null;
  const bias = b ? param(ctx, 'bias', b, [K]) : null;
  ctx.layer.flopsOf = (_i, o) => 2 * o[0] * o[1] * o[2] * o[3] * KH * KW * Cg;
  return ([x]) => {
    const t = nhwcOf(ctx.where, tensorIn(ctx, x, 0));
    if (t.shape[3] !== Cg * groups)
      throw onnxError(`${ctx.where}: input has ${t.shape[3]} channels, the weight ${JSON.stringify(w.shape)} with group=${groups} expects ${Cg * groups}`);
    return withFused(ctx, (activation) => {
      const o: sn.Conv2dOptions = { stride, dilation, groups, padding: pad(t.shape[1], t.shape[2]), bias, activation, roundMode: 'floor' };
      // 3×3 stride-1 layers may run through Winograd with weights transformed once (as fuseForInference's).
      const y = run(ctx, (xt) => {
        const cache = ctx.layer.inferenceWeights();
        return cache ? sn.conv2dInference(xt, weight, cache, o) : sn.conv2d(xt, weight, o);
      }, t);
      return [tval(y, 'nhwc')];
    }, [t, weight, bias]);
  };
}

function convTranspose(ctx: Ctx): Exec {
  const w = need(ctx, 1, 'weight');
  if (w.rank !== 4) throw onnxError(`${ctx.where}: weight ${JSON.stringify(w.shape)} is not 4-D; only 2-D transposed convolutions are supported`);
  const [C, Kg, KH, KW] = w.shape;
  const groups = ctx.attr('group', 1);
  const stride = spatial(ctx, 'strides', 1);
  const dilation = spatial(ctx, 'dilations', 1);
  const outputPadding = spatial(ctx, 'output_padding', 0);
  if (ctx.attr('auto_pad', 'NOTSET') !== 'NOTSET' || ctx.attr<number[] | null>('output_shape', null))
    throw onnxError(`${ctx.where}: auto_pad and output_shape are not supported; export with explicit pads`);
  const pads = ctx.attr<number[]>('pads', [0, 0, 0, 0]);
  if (pads.length !== 4 || pads.some((p) => !Number.isInteger(p) || p < 0))
    throw onnxError(`${ctx.where}: pads ${JSON.stringify(pads)} must be 4 non-negative integers (2-D windows)`);
  const weight = param(ctx, 'weight', transposeConst(w, [2, 3, 1, 0]), undefined, w, untranspose([KH, KW, Kg, C], [2, 3, 1, 0]));
  const b = ctx.node.inputs[2] ? need(ctx, 2, 'bias') : null;
  const bias = b ? param(ctx, 'bias', b, [Kg * groups]) : null;
  const activation = ctx.fused ? 'relu' : null; // only ReLU is fused into a ConvTranspose
  ctx.layer.flopsOf = (i) => 2 * i[0] * i[1] * i[2] * C * KH * KW * Kg;
  return ([x]) => {
    const t = nhwcOf(ctx.where, tensorIn(ctx, x, 0));
    const y = run(ctx, (xt) => sn.convTranspose2d(xt, weight, { stride, dilation, groups, padding: [pads[0], pads[2], pads[1], pads[3]], outputPadding, bias, activation }), t);
    return [tval(y, 'nhwc')];
  };
}

function batchNorm(ctx: Ctx): Exec {
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => need(ctx, i, ['scale', 'bias', 'mean', 'variance'][i - 1]));
  const C = scale.size;
  const eps = ctx.attr('epsilon', 1e-5);
  const momentum = 1 - ctx.attr('momentum', 0.9); // ONNX weighs the running value, simdnet the batch's
  if (ctx.node.outputs.filter(Boolean).length > 1) throw onnxError(`${ctx.where}: the training outputs (running mean and variance) are not supported`);
  const g = param(ctx, 'weight', scale, [C]);
  const b = param(ctx, 'bias', bias, [C]);
  const rm = param(ctx, 'runningMean', mean, [C], mean, same, true);
  const rv = param(ctx, 'runningVar', variance, [C], variance, same, true);
  ctx.layer.flopsOf = (i) => 2 * i.reduce((p, d) => p * d, 1);
  return ([x]) => {
    const v = tensorIn(ctx, x, 0);
    const t = v.shape.length === 4 ? nhwcOf(ctx.where, v) : v.shape.length === 2 ? plainOf(ctx.where, v) : null;
    if (!t) throw onnxError(`${ctx.where}: input ${JSON.stringify(v.shape)} must be [N, C] or [N, C, H, W]`);
    const y = run(ctx, (xt) => sn.batchNorm(xt, g, b, rm, rv, { training: ctx.layer.training, eps, momentum }), t);
    return [tval(y, v.shape.length === 4 ? 'nhwc' : 'plain')];
  };
}

/** Gemm (and MatMul with a constant right-hand side) as a dense layer: W [in, out]. */
function dense(ctx: Ctx, w: Const, bias: Const | null, alpha: number, from: { w: Const; transB: boolean; c: Const | null; beta: number }): Exec {
  const [In, Out] = w.shape;
  let rowsFrom: string | null = null; // the 'flat' layout the weight rows were permuted to
  const back = (v: Float32Array) => {
    let d = v;
    if (rowsFrom !== null) {
      const [C, H, W] = rowsFrom.split(',').map(Number);
      d = transposeConst(new Const('float', [H, W, C, Out], d), [2, 0, 1, 3]).data as Float32Array;
    }
    if (alpha !== 1) d = d.map((q) => q / alpha);
    return from.transB ? (transposeConst(new Const('float', [In, Out], d), [1, 0]).data as Float32Array) : d;
  };
  const weight = param(ctx, 'weight', alpha === 1 ? w : w.with(w.shape, Array.from(w.data, (v) => v * alpha)), undefined, from.w, back);
  const c = from.c;
  const b = bias ? param(ctx, 'bias', bias, [Out], c ?? bias, (v) => {
    if (c && c.size !== Out) throw onnxError(`${ctx.where}: the bias C ${JSON.stringify(c.shape)} was broadcast to ${Out} values and cannot be written back`);
    return from.beta === 1 ? v : v.map((q) => q / from.beta);
  }) : null;
  ctx.layer.flopsOf = (i) => 2 * (i[0] ?? 1) * In * Out;
  return ([x]) => {
    const v = tensorIn(ctx, x, 0);
    if (v.shape.length !== 2 || v.shape[1] !== In)
      throw onnxError(`${ctx.where}: input ${JSON.stringify(v.shape)} must be [N, ${In}]`);
    let t: Tensor;
    if (v.layout === 'flat' && v.chw![1] * v.chw![2] > 1 && v.chw![0] > 1) {
      // Rows of W follow C, H, W; the activation is H, W, C: permute the rows once.
      const key = v.chw!.join(',');
      if (rowsFrom === null) {
        const [C, H, W] = v.chw!;
        const rows = transposeConst(new Const('float', [C, H, W, Out], weight.dataSync()), [1, 2, 0, 3]);
        weight.assign(rows.data);
        rowsFrom = key;
      } else if (rowsFrom !== key) throw onnxError(`${ctx.where}: the flattened input changed from [C, H, W] = [${rowsFrom}] to [${key}]`);
      t = v.t;
    } else {
      if (rowsFrom !== null) throw onnxError(`${ctx.where}: the input layout changed between runs`);
      t = plainOf(ctx.where, v);
    }
    return withFused(ctx, (activation) => [tval(run(ctx, (xt) => sn.linear(xt, weight, b, { activation }), t), 'plain')], [t, weight, b]);
  };
}

function gemm(ctx: Ctx): Exec {
  if (ctx.attr('transA', 0)) throw onnxError(`${ctx.where}: transA=1 is not supported`);
  const B = need(ctx, 1, 'weight (B)');
  if (B.rank !== 2) throw onnxError(`${ctx.where}: B ${JSON.stringify(B.shape)} must be 2-D`);
  const w = ctx.attr('transB', 0) ? transposeConst(B, [1, 0]) : B;
  const c0 = ctx.node.inputs[2] ? need(ctx, 2, 'bias (C)') : null;
  const beta = ctx.attr('beta', 1);
  let c = c0;
  if (c0) {
    if (c0.size !== w.shape[1] && c0.size !== 1) throw onnxError(`${ctx.where}: C ${JSON.stringify(c0.shape)} must broadcast over rows ([${w.shape[1]}] or a scalar)`);
    c = c0.with([w.shape[1]], Array.from({ length: w.shape[1] }, (_, i) => c0.data[c0.size === 1 ? 0 : i] * beta));
  }
  return dense(ctx, w, c, ctx.attr('alpha', 1), { w: B, transB: !!ctx.attr('transB', 0), c: c0, beta });
}

function matmul(ctx: Ctx): Exec {
  const B = ctx.constIn(1);
  if (B && B.rank === 2) return dense(ctx, B, null, 1, { w: B, transB: false, c: null, beta: 1 });
  return ([a, b]) => {
    const [x, y] = [tensorIn(ctx, a, 0), tensorIn(ctx, b, 1)];
    if (x.shape.length < 2 || y.shape.length < 2)
      throw onnxError(`${ctx.where}: MatMul of ${JSON.stringify(x.shape)} and ${JSON.stringify(y.shape)}: 1-D operands are not supported`);
    // Batched (rank > 2, broadcast batch dimensions) as numpy's matmul; a fused activation
    // runs as its own step after it (sn.matmul has no epilogue).
    const out: Val[] = [tval(run(ctx, (p, q) => sn.matmul(p, q), plainOf(ctx.where, x), plainOf(ctx.where, y)), 'plain')];
    return ctx.fused ? ctx.fused.exec(out) : out;
  };
}

function pool(kind: 'max' | 'avg'): Builder {
  return (ctx) => {
    const kernel = spatial(ctx, 'kernel_shape', 0);
    if (!kernel[0]) throw onnxError(`${ctx.where}: kernel_shape is missing or not 2-D`);
    const stride = spatial(ctx, 'strides', 1);
    const dil = spatial(ctx, 'dilations', 1);
    if (kind === 'avg' && (dil[0] !== 1 || dil[1] !== 1)) throw onnxError(`${ctx.where}: average pooling with dilations ${JSON.stringify(dil)} is not supported`);
    if (ctx.node.outputs.filter(Boolean).length > 1) throw onnxError(`${ctx.where}: the Indices output is not supported`);
    const pad = padding(ctx, kernel, stride, dil);
    const roundMode = ctx.attr('ceil_mode', 0) ? 'ceil' : 'floor';
    const countIncludePad = ctx.attr<number>('count_include_pad', 0) === 1;
    return ([x]) => {
      const t = nhwcOf(ctx.where, tensorIn(ctx, x, 0));
      const o = { kernel, stride, padding: pad(t.shape[1], t.shape[2]), roundMode } as const;
      const y = run(ctx, (xt) => (kind === 'max' ? sn.maxPool2d(xt, { ...o, dilation: dil }) : sn.avgPool2d(xt, { ...o, countIncludePad })), t);
      return [tval(y, 'nhwc')];
    };
  };
}

/** Mean (or max) over H and W of an NHWC value: [N, C, 1, 1] (keepdims) or [N, C]. */
function spatialMean(ctx: Ctx, v: TVal, keep: boolean, max = false): Val {
  const t = nhwcOf(ctx.where, v);
  const [N, , , C] = t.shape;
  const y = run(ctx, (xt) => (max ? sn.globalMaxPool(xt) : sn.globalAvgPool(xt)), t);
  return keep ? tval(sn.reshape(y, [N, 1, 1, C]), 'nhwc') : tval(y, 'plain');
}

function flatten(ctx: Ctx): Exec {
  const axis = ctx.attr('axis', 1);
  return ([x]) => {
    const v = tensorIn(ctx, x, 0);
    const a = axisOf(ctx.where, axis, v.shape.length + 1);
    const lead = v.shape.slice(0, a).reduce((p, d) => p * d, 1);
    const shape = [lead, v.shape.slice(a).reduce((p, d) => p * d, 1)];
    if (v.layout === 'nhwc' && a === 1) {
      const [, C, H, W] = v.shape;
      return [tval(sn.reshape(v.t, shape), 'flat', shape, [C, H, W])];
    }
    return [tval(sn.reshape(plainOf(ctx.where, v), shape), 'plain')];
  };
}

function reshape(ctx: Ctx): Exec {
  const allowZero = ctx.attr<number>('allowzero', 0) === 1;
  return ([x, s]) => {
    const v = tensorIn(ctx, x, 0);
    if (!isConst(s)) throw onnxError(`${ctx.where}: the target shape must be computable from shapes and constants`);
    const shape = reshapeTarget(ctx.where, v.shape, s.list(), allowZero);
    if (v.layout === 'nhwc' && shape.length === 2 && shape[0] === v.shape[0]) {
      const [, C, H, W] = v.shape;
      return [tval(sn.reshape(v.t, shape), 'flat', shape, [C, H, W])];
    }
    return [tval(sn.reshape(plainOf(ctx.where, v), shape), 'plain')];
  };
}

/**
 * The channel shuffle model.ts's fuseShuffle makes of Reshape → Transpose [0, 2, 1, 3, 4] →
 * Reshape (inputs: x, the two target shapes). On a value held NHWC whose first reshape splits
 * the channels and whose second merges them back, each pixel's channels [g, C/g] become
 * [C/g, g] in one permute; otherwise the three ops run as written.
 */
export function channelShuffle(ctx: Ctx): Exec {
  return ([x, s1, s2]) => {
    const v = tensorIn(ctx, x, 0);
    if (!isConst(s1) || !isConst(s2)) throw onnxError(`${ctx.where}: the target shapes must be computable from shapes and constants`);
    const a = reshapeTarget(ctx.where, v.shape, s1.list(), ctx.attr<number>('allowzero1', 0) === 1);
    if (a.length !== 5) throw onnxError(`${ctx.where}: Transpose perm [0, 2, 1, 3, 4] needs a 5-D input, the Reshape before it gives ${JSON.stringify(a)}`);
    const b = reshapeTarget(ctx.where, [a[0], a[2], a[1], a[3], a[4]], s2.list(), ctx.attr<number>('allowzero2', 0) === 1);
    const [N, C, H, W] = v.shape;
    const same = (s: number[]) => s.length === 4 && s[0] === N && s[1] === C && s[2] === H && s[3] === W;
    if (v.layout === 'nhwc' && a[0] === N && a[1] * a[2] === C && a[3] === H && a[4] === W && same(b)) {
      const y = run(ctx, (xt) => sn.reshape(sn.permute(sn.reshape(xt, [N, H, W, a[1], a[2]]), [0, 1, 2, 4, 3]), [N, H, W, C]), v.t);
      return [tval(y, 'nhwc')];
    }
    return [tval(run(ctx, (xt) => sn.reshape(sn.permute(sn.reshape(xt, a), [0, 2, 1, 3, 4]), b), plainOf(ctx.where, v)), 'plain')];
  };
}

function squeezeLike(kind: 'Squeeze' | 'Unsqueeze'): Builder {
  return (ctx) => ([x, axesIn]) => {
    const v = tensorIn(ctx, x, 0);
    const axes = ctx.opset >= 13 ? (isConst(axesIn) ? axesIn.list() : null) : ctx.attr<number[] | null>('axes', null);
    const shape = kind === 'Squeeze' ? squeezeShape(ctx.where, v.shape, axes) : unsqueezeShape(ctx.where, v.shape, axes ?? []);
    // [N, C, 1, 1] ⇄ [N, C] costs nothing in NHWC.
    if (v.layout === 'nhwc' && shape.length === 2 && v.shape[2] * v.shape[3] === 1 && shape[1] === v.shape[1]) return [tval(sn.reshape(v.t, shape), 'plain')];
    if (shape.length === 4 && v.shape.length === 2 && shape[2] * shape[3] === 1 && shape[1] === v.shape[1] && v.layout === 'plain')
      return [tval(sn.reshape(v.t, [shape[0], 1, 1, shape[1]]), 'nhwc')];
    return [tval(sn.reshape(plainOf(ctx.where, v), shape), 'plain')];
  };
}

function concat(ctx: Ctx): Exec {
  const axis = ctx.attr<number | null>('axis', null);
  if (axis === null) throw onnxError(`${ctx.where}: attribute 'axis' is required`);
  return (ins) => {
    const vs = ins.map((v, i) => tensorIn(ctx, v, i));
    const rank = vs[0].shape.length;
    const a = axisOf(ctx.where, axis, rank);
    // Rank-4 maps meet in NHWC (the channel axis is then the last one); others in their order.
    if (rank === 4 && vs.some((v) => v.layout === 'nhwc')) {
      const ts = vs.map((v) => nhwcOf(ctx.where, v));
      return [tval(run(ctx, (...xs) => sn.concat(xs, NHWC_AXIS[a]), ...ts), 'nhwc')];
    }
    return [tval(run(ctx, (...xs) => sn.concat(xs, a), ...vs.map((v) => plainOf(ctx.where, v))), 'plain')];
  };
}

function softmax(kind: 'softmax' | 'logSoftmax'): Builder {
  return (ctx) => {
    const axis = ctx.attr('axis', ctx.opset >= 13 ? -1 : 1);
    const f = kind === 'softmax' ? sn.softmax : sn.logSoftmax;
    return ([x]) => {
      const v = tensorIn(ctx, x, 0);
      const r = v.shape.length;
      const a = axisOf(ctx.where, axis, r);
      if (ctx.opset < 13 && a < r - 1) {
        // Before opset 13 the input is coerced to 2-D at the axis: one softmax over all of a…end.
        const t = plainOf(ctx.where, v);
        const lead = v.shape.slice(0, a).reduce((p, d) => p * d, 1);
        return [tval(sn.reshape(run(ctx, (xt) => f(sn.reshape(xt, [lead, t.size / lead])), t), v.shape), 'plain')];
      }
      const [t, pa, nhwc] = physical(ctx, v, a);
      return [tval(run(ctx, (xt) => f(xt, { axis: pa }), t), nhwc ? 'nhwc' : 'plain')];
    };
  };
}

/** ReduceMean/Sum/Max/Min over the axes (attribute, or input from opsets 13/18), keepdims. */
function reduce(f: (x: Tensor, o: sn.ReduceOptions) => Tensor, axesInputFrom: number): Builder {
  return (ctx) => {
    const keep = ctx.attr<number>('keepdims', 1) === 1;
    const noopEmpty = ctx.attr<number>('noop_with_empty_axes', 0) === 1;
    return ([x, axesIn]) => {
      const v = tensorIn(ctx, x, 0);
      const r = v.shape.length;
      const list = ctx.opset >= axesInputFrom ? (axesIn ? (isConst(axesIn) ? axesIn.list() : null) : []) : ctx.attr<number[]>('axes', []);
      if (!list) throw onnxError(`${ctx.where}: the axes must be computable from shapes and constants`);
      if (list.length === 0 && noopEmpty) return [v];
      const axes = (list.length ? list : v.shape.map((_, i) => i)).map((q) => axisOf(ctx.where, q, r));
      const shape = keep ? v.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : v.shape.filter((_, i) => !axes.includes(i));
      if (v.layout === 'nhwc') {
        const rest = [0, 1, 2, 3].filter((i) => !axes.includes(i));
        // Reduced in place when what remains keeps its order (or the rank stays 4).
        if (keep || !(rest.includes(1) && (rest.includes(2) || rest.includes(3)))) {
          const y = run(ctx, (xt) => f(xt, { axis: axes.map((q) => NHWC_AXIS[q]), keepDims: keep }), v.t);
          return [keep ? tval(y, 'nhwc') : tval(sn.reshape(y, shape), 'plain')];
        }
      }
      return [tval(run(ctx, (xt) => f(xt, { axis: axes, keepDims: keep }), plainOf(ctx.where, v)), 'plain')];
    };
  };
}

/** Resize (opset 10+) and Upsample (opset 7–9) of the H and W axes of an NCHW map. */
function resize(ctx: Ctx): Exec {
  const raw = ctx.attr('mode', 'nearest');
  if (raw !== 'nearest' && raw !== 'linear' && raw !== 'bilinear') throw onnxError(`${ctx.where}: mode '${raw}' is not supported (nearest, linear)`);
  const upsample = ctx.node.op === 'Upsample' || ctx.opset < 11;
  const coord = upsample ? 'asymmetric' : ctx.attr('coordinate_transformation_mode', 'half_pixel');
  if (!['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'].includes(coord))
    throw onnxError(`${ctx.where}: coordinate_transformation_mode '${coord}' is not supported (half_pixel, pytorch_half_pixel, align_corners, asymmetric)`);
  const nearestMode = upsample ? 'floor' : ctx.attr('nearest_mode', 'round_prefer_floor');
  return (ins) => {
    const v = tensorIn(ctx, ins[0], 0);
    if (v.shape.length !== 4) throw onnxError(`${ctx.where}: only 4-D (NCHW) inputs are supported, got ${JSON.stringify(v.shape)}`);
    const scalesIn = ctx.node.op === 'Upsample' ? (ctx.opset >= 9 ? ins[1] : null) : ctx.opset >= 11 ? ins[2] : ins[1];
    const sizesIn = ctx.node.op === 'Resize' && ctx.opset >= 11 ? ins[3] : null;
    const scales = scalesIn && isConst(scalesIn) && scalesIn.size ? scalesIn.list() : ctx.node.op === 'Upsample' && ctx.opset < 9 ? ctx.attr<number[] | null>('scales', null) : null;
    const sizes = sizesIn && isConst(sizesIn) && sizesIn.size ? sizesIn.list() : null;
    if (!scales && !sizes) throw onnxError(`${ctx.where}: the scales or sizes must be computable from shapes and constants`);
    if (scales ? scales[0] !== 1 || scales[1] !== 1 : sizes![0] !== v.shape[0] || sizes![1] !== v.shape[1])
      throw onnxError(`${ctx.where}: only the spatial axes (H, W) can be resized`);
    const o: sn.ResizeOptions = {
      ...(scales ? { scale: [scales[2], scales[3]] as [number, number] } : { size: [sizes![2], sizes![3]] as [number, number] }),
      mode: raw === 'nearest' ? 'nearest' : 'bilinear',
      coordinate: coord as sn.ResizeOptions['coordinate'],
      ...(raw === 'nearest' ? { nearestMode: nearestMode as sn.ResizeOptions['nearestMode'] } : {}),
    };
    return [tval(run(ctx, (xt) => sn.resize(xt, o), nhwcOf(ctx.where, v)), 'nhwc')];
  };
}

function argmax(ctx: Ctx): Exec {
  const axis = ctx.attr('axis', 0);
  const keep = ctx.attr<number>('keepdims', 1) === 1;
  if (ctx.attr<number>('select_last_index', 0)) throw onnxError(`${ctx.where}: select_last_index=1 is not supported`);
  return ([x]) => {
    const v = tensorIn(ctx, x, 0);
    const a = axisOf(ctx.where, axis, v.shape.length);
    return [tval(sn.argmax(plainOf(ctx.where, v), a, { keepDims: keep }), 'plain')];
  };
}

function layerNorm(ctx: Ctx): Exec {
  const axis = ctx.attr('axis', -1);
  const eps = ctx.attr('epsilon', 1e-5);
  const s = need(ctx, 1, 'scale');
  const b = ctx.node.inputs[2] ? need(ctx, 2, 'bias') : null;
  const weight = param(ctx, 'weight', s);
  const bias = b ? param(ctx, 'bias', b) : null;
  if (ctx.node.outputs.filter(Boolean).length > 1) throw onnxError(`${ctx.where}: the Mean and InvStdDev outputs are not supported`);
  return ([x]) => {
    const v = tensorIn(ctx, x, 0);
    const a = axisOf(ctx.where, axis, v.shape.length);
    const ns = v.shape.slice(a);
    return [tval(run(ctx, (xt) => sn.layerNorm(xt, ns, { weight: sn.reshape(weight, ns), bias: bias && sn.reshape(bias, ns), eps }), plainOf(ctx.where, v)), 'plain')];
  };
}

function instanceNorm(ctx: Ctx): Exec {
  const eps = ctx.attr('epsilon', 1e-5);
  const [s, b] = [need(ctx, 1, 'scale'), need(ctx, 2, 'bias')];
  const weight = param(ctx, 'weight', s);
  const bias = param(ctx, 'bias', b);
  return ([x]) => {
    const v = tensorIn(ctx, x, 0);
    if (v.shape.length !== 4) throw onnxError(`${ctx.where}: only 4-D (NCHW) inputs are supported, got ${JSON.stringify(v.shape)}`);
    const t = nhwcOf(ctx.where, v);
    return [tval(run(ctx, (xt) => sn.groupNorm(xt, s.size, { weight, bias, eps }), t), 'nhwc')];
  };
}

function lrn(ctx: Ctx): Exec {
  const size = ctx.attr<number | null>('size', null);
  if (!size) throw onnxError(`${ctx.where}: attribute 'size' is required`);
  const o = { alpha: ctx.attr('alpha', 1e-4), beta: ctx.attr('beta', 0.75), k: ctx.attr('bias', 1) };
  return ([x]) => [tval(run(ctx, (xt) => sn.localResponseNorm(xt, size, o), nhwcOf(ctx.where, tensorIn(ctx, x, 0))), 'nhwc')];
}

function clip(ctx: Ctx): Exec {
  const bound = (i: number, name: string, dflt: number) =>
    ctx.opset >= 11 ? (ctx.node.inputs[i] ? need(ctx, i, name).data[0] : dflt) : ctx.attr(name, dflt);
  const lo = bound(1, 'min', -Infinity);
  const hi = bound(2, 'max', Infinity);
  if (lo === 0 && hi === 6) return unary(sn.relu6)(ctx);
  if (lo === 0 && hi >= 3.4e38) return unary(sn.relu)(ctx);
  return unary((x) => sn.clip(x, lo, hi))(ctx);
}

function pad(ctx: Ctx): Exec {
  const mode = ctx.attr('mode', 'constant');
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') throw onnxError(`${ctx.where}: mode '${mode}' is not supported (constant, reflect, edge)`);
  return ([x, p, value, axesIn]) => {
    const v = tensorIn(ctx, x, 0);
    const r = v.shape.length;
    const raw = ctx.opset >= 11 ? (isConst(p) ? p.list() : null) : ctx.attr<number[]>('pads', []);
    if (!raw) throw onnxError(`${ctx.where}: the pads must be computable from shapes and constants`);
    const axes = isConst(axesIn) ? axesIn.list().map((a) => axisOf(ctx.where, a, r)) : Array.from({ length: r }, (_, i) => i);
    if (raw.length !== 2 * axes.length) throw onnxError(`${ctx.where}: pads ${JSON.stringify(raw)} must hold 2 values per padded axis`);
    if (raw.some((q) => q < 0)) throw onnxError(`${ctx.where}: negative pads (cropping) are not supported`);
    const c = ctx.opset >= 11 ? (isConst(value) ? value.data[0] : 0) : ctx.attr('value', 0);
    const pairs: [number, number][] = Array.from({ length: r }, () => [0, 0]);
    axes.forEach((a, i) => (pairs[a] = [raw[i], raw[i + axes.length]]));
    if (pairs.every(([b, e]) => b === 0 && e === 0)) return [v];
    const nhwc = v.layout === 'nhwc';
    const t = nhwc ? v.t : plainOf(ctx.where, v);
    const phys = nhwc ? NHWC_AXIS.map((_, i) => pairs[NHWC_AXIS.indexOf(i)]) : pairs;
    const y = run(ctx, (xt) => sn.pad(xt, phys, mode === 'constant' ? { value: c } : { mode }), t);
    return [tval(y, nhwc ? 'nhwc' : 'plain')];
  };
}

/** The physical axis of a value's logical axis, and its tensor (an 'nhwc' value stays as it is). */
function physical(ctx: Ctx, v: TVal, axis: number): [Tensor, number, boolean] {
  const a = axisOf(ctx.where, axis, v.shape.length);
  if (v.layout === 'nhwc') return [v.t, NHWC_AXIS[a], true];
  return [plainOf(ctx.where, v), a, false];
}

function transpose(ctx: Ctx): Exec {
  return ([x]) => {
    const v = tensorIn(ctx, x, 0);
    const r = v.shape.length;
    const perm = ctx.attr<number[] | null>('perm', null) ?? Array.from({ length: r }, (_, i) => r - 1 - i);
    if (v.layout === 'nhwc') {
      const q = perm.map((p) => NHWC_AXIS[p]);
      // NCHW → NHWC of a value held NHWC is free: it becomes a plain NHWC-shaped value.
      return [tval(q.every((p, i) => p === i) ? v.t : run(ctx, (xt) => sn.permute(xt, q), v.t), 'plain')];
    }
    return [tval(run(ctx, (xt) => sn.permute(xt, perm), plainOf(ctx.where, v)), 'plain')];
  };
}

function slice(ctx: Ctx): Exec {
  return ([x, s, e, a, st]) => {
    const v = tensorIn(ctx, x, 0);
    const r = v.shape.length;
    const get = (c: Val | null, name: string) => {
      if (c && !isConst(c)) throw onnxError(`${ctx.where}: '${name}' must be computable from shapes and constants`);
      return c ? (c as Const).list() : null;
    };
    const [starts, ends, axes, steps] = ctx.opset >= 10
      ? [get(s, 'starts')!, get(e, 'ends')!, get(a, 'axes'), get(st, 'steps')]
      : [ctx.attr<number[]>('starts', []), ctx.attr<number[]>('ends', []), ctx.attr<number[] | null>('axes', null), null];
    const ax = (axes ?? starts.map((_, i) => i)).map((q) => axisOf(ctx.where, q, r));
    const nhwc = v.layout === 'nhwc';
    const t = nhwc ? v.t : plainOf(ctx.where, v);
    const clampBig = (q: number) => Math.max(Math.min(q, 2 ** 52), -(2 ** 52));
    const y = run(ctx, (xt) => sn.slice(xt, {
      begin: starts.map(clampBig), end: ends.map(clampBig), axes: ax.map((q) => (nhwc ? NHWC_AXIS[q] : q)), ...(steps ? { step: steps } : {}),
    }), t);
    return [tval(y, nhwc ? 'nhwc' : 'plain')];
  };
}

function split(ctx: Ctx): Exec {
  const axis = ctx.attr('axis', 0);
  return ([x, sizesIn]) => {
    const v = tensorIn(ctx, x, 0);
    const n = ctx.node.outputs.length;
    const [t, a, nhwc] = physical(ctx, v, axis);
    const attrSizes = ctx.attr<number[] | null>('split', null);
    const sizes = ctx.opset >= 13 ? (isConst(sizesIn) ? sizesIn.list() : null) : attrSizes;
    const len = t.shape[a];
    const parts = sizes ?? (len % n === 0 ? n : Array.from({ length: n }, (_, i) => (i < n - 1 ? Math.ceil(len / n) : len - Math.ceil(len / n) * (n - 1))));
    const ys = sn.split(t, parts, a);
    return ys.map((y) => tval(y, nhwc ? 'nhwc' : 'plain'));
  };
}

function gather(ctx: Ctx): Exec {
  const axis = ctx.attr('axis', 0);
  return ([x, idx]) => {
    const v = tensorIn(ctx, x, 0);
    if (!isConst(idx)) throw onnxError(`${ctx.where}: the indices must be computable from shapes and constants`);
    const t = plainOf(ctx.where, v);
    const a = axisOf(ctx.where, axis, v.shape.length);
    const y = run(ctx, (xt) => sn.gather(xt, idx.rank === 0 ? idx.data : idx.data, a), t);
    // A scalar index drops the axis (numpy's take with a 0-d index).
    const shape = [...v.shape.slice(0, a), ...idx.shape, ...v.shape.slice(a + 1)];
    return [tval(sn.reshape(y, shape), 'plain')];
  };
}

function prelu(ctx: Ctx): Exec {
  const s = need(ctx, 1, 'slope');
  const slope = param(ctx, 'slope', s, [s.size], s);
  return ([x]) => {
    const v = tensorIn(ctx, x, 0);
    const C = v.shape.length >= 2 ? v.shape[1] : 1;
    if (s.size !== 1 && s.size !== C) throw onnxError(`${ctx.where}: slope ${JSON.stringify(s.shape)} must be one per channel (${C}) or shared`);
    const t = v.shape.length === 4 ? nhwcOf(ctx.where, v) : plainOf(ctx.where, v);
    if (v.shape.length !== 4 && v.shape.length !== 2 && s.size !== 1) throw onnxError(`${ctx.where}: per-channel slopes need a [N, C] or [N, C, H, W] input`);
    return [tval(run(ctx, (xt, sl) => sn.prelu(xt, sl), t, slope), v.shape.length === 4 ? 'nhwc' : 'plain')];
  };
}

/** Max/Min/Sum/Mean of any number of inputs, pairwise. */
function variadic(f: (a: Tensor | number, b: Tensor | number) => Tensor, mean = false): Builder {
  return (ctx) => {
    const pair = binary(f)(ctx);
    return (ins) => {
      let acc = ins[0]!;
      for (const v of ins.slice(1)) acc = pair([acc, v])[0];
      if (mean && ins.length > 1) acc = binary(sn.div)(ctx)([acc, Const.floats([ins.length], [])])[0];
      return [acc];
    };
  };
}

const passThrough: Builder = (ctx) => ([x]) => {
  if (!x) throw onnxError(`${ctx.where}: input 0 is missing`);
  return [x];
};

function dropout(ctx: Ctx): Exec {
  if (ctx.node.outputs.filter(Boolean).length > 1) throw onnxError(`${ctx.where}: the mask output is not supported`);
  return passThrough(ctx);
}

function cast(ctx: Ctx): Exec {
  const to = ctx.attr('to', 1);
  // Casts of shapes fold as constants before this runs; an activation stays float32.
  return (ins) => {
    if (to !== 1) throw onnxError(`${ctx.where}: Cast of an activation to type ${to} is not supported (float32 only)`);
    return passThrough(ctx)(ins);
  };
}

function shape(ctx: Ctx): Exec {
  return ([x]) => {
    const dims = x!.shape;
    const r = dims.length;
    const clampAxis = (a: number) => Math.min(Math.max(a < 0 ? a + r : a, 0), r);
    const s = clampAxis(ctx.attr('start', 0));
    const e = clampAxis(ctx.attr('end', r));
    return [Const.ints(dims.slice(s, e))];
  };
}

// erf(z) = sign(z)·(1 − t·P(t)·e^(−z²)), t = 1/(1 + p|z|): Abramowitz and Stegun 7.1.26,
// absolute error below 1.5e-7, on simdnet's elementwise ops (so autograd differentiates it).
// PyTorch's exact GELU before opset 20 (x/2·(1 + erf(x/√2))) does not come here: fuseGelu
// (model.ts) maps that pattern onto sn.gelu.
const ERF_P = 0.3275911;
const ERF_A = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];
function erf(x: Tensor): Tensor {
  const a = sn.abs(x);
  const t = sn.div(1, sn.add(sn.mul(a, ERF_P), 1));
  let poly: Tensor = sn.add(sn.mul(t, ERF_A[4]), ERF_A[3]);
  for (const c of [ERF_A[2], ERF_A[1], ERF_A[0]]) poly = sn.add(sn.mul(poly, t), c);
  const tail = sn.mul(sn.mul(poly, t), sn.exp(sn.neg(sn.mul(x, x))));
  return sn.mul(sn.sign(x), sn.sub(1, tail));
}

export const OPS: Record<string, Builder> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  BatchNormalization: batchNorm,
  Gemm: gemm,
  MatMul: matmul,
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool: (ctx) => ([x]) => [spatialMean(ctx, tensorIn(ctx, x, 0), true)],
  GlobalMaxPool: (ctx) => ([x]) => [spatialMean(ctx, tensorIn(ctx, x, 0), true, true)],
  ReduceMean: reduce(sn.mean, 18),
  ReduceSum: reduce(sn.sum, 13),
  ReduceMax: reduce(sn.max, 18),
  ReduceMin: reduce(sn.min, 18),
  ArgMax: argmax,
  Resize: resize,
  Upsample: resize,
  LayerNormalization: layerNorm,
  InstanceNormalization: instanceNorm,
  LRN: lrn,
  Relu: unary(sn.relu),
  LeakyRelu: (ctx) => unary((x) => sn.leakyRelu(x, ctx.attr('alpha', 0.01)))(ctx),
  Elu: (ctx) => unary((x) => sn.elu(x, ctx.attr('alpha', 1)))(ctx),
  Selu: (ctx) => unary((x) => sn.mul(sn.elu(x, ctx.attr('alpha', 1.6732632423543772)), ctx.attr('gamma', 1.0507009873554805)))(ctx),
  Sigmoid: unary(sn.sigmoid),
  Tanh: unary(sn.tanh),
  Softplus: unary(sn.softplus),
  Exp: unary(sn.exp),
  Neg: unary(sn.neg),
  Clip: clip,
  HardSigmoid: (ctx) => unary((x) => sn.hardSigmoid(x, { alpha: ctx.attr('alpha', 0.2), beta: ctx.attr('beta', 0.5) }))(ctx),
  HardSwish: unary(sn.hardSwish),
  Sqrt: unary(sn.sqrt),
  Log: unary(sn.log),
  Abs: unary(sn.abs),
  Erf: unary(erf),
  Gelu: (ctx) => unary((x) => sn.gelu(x, { approximate: ctx.attr('approximate', 'none') as 'none' | 'tanh' }))(ctx),
  PRelu: prelu,
  Pow: binary(sn.pow),
  Max: variadic(sn.maximum),
  Min: variadic(sn.minimum),
  Sum: variadic(sn.add),
  Mean: variadic(sn.add, true),
  Transpose: transpose,
  Slice: slice,
  Split: split,
  Gather: gather,
  Expand: (ctx) => ([x, s]) => {
    const v = tensorIn(ctx, x, 0);
    if (!isConst(s)) throw onnxError(`${ctx.where}: the shape must be computable from shapes and constants`);
    const shape = broadcastShapes(ctx.where, v.shape, s.list());
    return [tval(run(ctx, (xt) => sn.broadcastTo(xt, shape), plainOf(ctx.where, v)), 'plain')];
  },
  Tile: (ctx) => ([x, r]) => {
    const v = tensorIn(ctx, x, 0);
    if (!isConst(r)) throw onnxError(`${ctx.where}: the repeats must be computable from shapes and constants`);
    return [tval(run(ctx, (xt) => sn.tile(xt, r.list()), plainOf(ctx.where, v)), 'plain')];
  },
  Add: binary(sn.add),
  Sub: binary(sn.sub),
  Mul: binary(sn.mul),
  Div: binary(sn.div),
  Flatten: flatten,
  Reshape: reshape,
  Squeeze: squeezeLike('Squeeze'),
  Unsqueeze: squeezeLike('Unsqueeze'),
  Concat: concat,
  Softmax: softmax('softmax'),
  LogSoftmax: softmax('logSoftmax'),
  Pad: pad,
  Identity: passThrough,
  Dropout: dropout,
  Cast: cast,
  Shape: shape,
};
