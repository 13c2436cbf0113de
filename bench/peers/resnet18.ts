// ResNet-18 for the peers: the network read out of simdnet's (unfused) model as a list of
// units with batch norm folded into the convolutions here, in float64, independently of
// simdnet's fuseForInference; then built from TensorFlow.js ops (NHWC, HWIO filters) and
// as ONNX graphs (NCHW, OIHW weights) for onnxruntime-web. Any run of consecutive units
// (one stage, the stem, the head) can be built on its own, for the per-stage breakdown.

import { nn, type Tensor } from '../../ts/index';
import { hwioToOihw } from './layout';
import { onnxModel, type OnnxNode, type OnnxTensor } from './onnx';

type Tf = typeof import('@tensorflow/tfjs-core');
type TfTensor = import('@tensorflow/tfjs-core').Tensor;
type TfTensor4D = import('@tensorflow/tfjs-core').Tensor4D;

/** A convolution with batch norm folded in: y = act(conv(x, w) + b), w HWIO. */
export interface ConvUnit {
  w: Float32Array;
  b: Float32Array;
  KH: number;
  KW: number;
  C: number;
  K: number;
  stride: number;
  pad: number;
  relu: boolean;
}

export type Unit =
  | { kind: 'conv'; conv: ConvUnit }
  | { kind: 'maxpool'; kernel: number; stride: number; pad: number }
  /** relu(c2(c1(x)) + shortcut(x)); the shortcut is the identity when null. */
  | { kind: 'block'; c1: ConvUnit; c2: ConvUnit; sc: ConvUnit | null }
  /** Global average pool then dense [C, K]. */
  | { kind: 'head'; w: Float32Array; b: Float32Array; C: number; K: number };

// ---------------------------------------------------------------------------------------
// Reading simdnet's model

const data = (t: Tensor): Float32Array => t.dataSync().slice();

/** Conv2d (+ BatchNorm2d) folded in float64: w' = w·s, b' = (b − mean)·s + beta, s = gamma / sqrt(var + eps). */
function fold(conv: nn.Conv2d, bn: nn.BatchNorm2d | null, relu: boolean): ConvUnit {
  const [KH, KW] = conv.kernel;
  const C = conv.inChannels;
  const K = conv.outChannels;
  const o = conv.options;
  const num = (v: unknown, d: number): number => (v === undefined ? d : Array.isArray(v) ? v[0] : (v as number));
  const stride = num(o.stride, 1);
  const pad = num(o.padding, 0);
  const w0 = data(conv.weight);
  const b0 = conv.bias ? data(conv.bias) : new Float32Array(K);
  const w = new Float32Array(w0.length);
  const b = new Float32Array(K);
  const s = new Float64Array(K).fill(1);
  if (bn) {
    const g = data(bn.weight), be = data(bn.bias), m = data(bn.runningMean), v = data(bn.runningVar);
    const eps = bn.options.eps ?? 1e-5;
    for (let k = 0; k < K; k++) {
      s[k] = g[k] / Math.sqrt(v[k] + eps);
      b[k] = (b0[k] - m[k]) * s[k] + be[k];
    }
  } else b.set(b0);
  for (let i = 0; i < w0.length; i++) w[i] = w0[i] * s[i % K];
  return { w, b, KH, KW, C, K, stride, pad, relu };
}

/** The units of simdnet's resnet18() (stem conv, max pool, 8 blocks, head), BN folded here. */
export function unitsOf(model: nn.Sequential): Unit[] {
  const ls = model.layers;
  const units: Unit[] = [];
  const fail = (i: number, what: string) => new Error(`bench resnet18: layer ${i} is ${ls[i]?.constructor.name}, expected ${what}`);
  let i = 0;
  if (!(ls[0] instanceof nn.Conv2d) || !(ls[1] instanceof nn.BatchNorm2d) || !(ls[2] instanceof nn.ReLU)) throw fail(0, 'Conv2d, BatchNorm2d, ReLU');
  units.push({ kind: 'conv', conv: fold(ls[0], ls[1], true) });
  if (!(ls[3] instanceof nn.MaxPool2d)) throw fail(3, 'MaxPool2d');
  units.push({ kind: 'maxpool', kernel: 3, stride: 2, pad: 1 });
  for (i = 4; ls[i] instanceof nn.Residual; i++) {
    const r = ls[i] as nn.Residual;
    const body = (r.body as nn.Sequential).layers;
    const [c1, bn1, relu, c2, bn2] = body;
    if (!(c1 instanceof nn.Conv2d && bn1 instanceof nn.BatchNorm2d && relu instanceof nn.ReLU && c2 instanceof nn.Conv2d && bn2 instanceof nn.BatchNorm2d) || body.length !== 5 || r.activation !== 'relu')
      throw fail(i, 'a basic block');
    let sc: ConvUnit | null = null;
    if (r.shortcut) {
      const [sconv, sbn] = (r.shortcut as nn.Sequential).layers;
      if (!(sconv instanceof nn.Conv2d && sbn instanceof nn.BatchNorm2d)) throw fail(i, 'a projection shortcut');
      sc = fold(sconv, sbn, false);
    }
    units.push({ kind: 'block', c1: fold(c1, bn1, true), c2: fold(c2, bn2, false), sc });
  }
  const gap = ls[i], fc = ls[i + 1];
  if (!(gap instanceof nn.GlobalAvgPool) || !(fc instanceof nn.Linear) || ls.length !== i + 2) throw fail(i, 'GlobalAvgPool, Linear (last)');
  units.push({ kind: 'head', w: data(fc.weight), b: fc.bias ? data(fc.bias) : new Float32Array(fc.outFeatures), C: fc.inFeatures, K: fc.outFeatures });
  return units;
}

/** Output shape [H, W, C] of a unit for an input [H, W, C]; 'head' gives [1, 1, K]. */
export function unitOut(u: Unit, [H, W, C]: number[]): number[] {
  const o = (n: number, k: number, s: number, p: number) => Math.floor((n + 2 * p - k) / s) + 1;
  switch (u.kind) {
    case 'conv': return [o(H, u.conv.KH, u.conv.stride, u.conv.pad), o(W, u.conv.KW, u.conv.stride, u.conv.pad), u.conv.K];
    case 'maxpool': return [o(H, u.kernel, u.stride, u.pad), o(W, u.kernel, u.stride, u.pad), C];
    case 'block': return [o(H, 3, u.c1.stride, 1), o(W, 3, u.c1.stride, 1), u.c1.K];
    case 'head': return [1, 1, u.K];
  }
}

/** Multiply-adds × 2 of the units' convolutions and dense layer for an input [H, W, C]. */
export function unitsFlops(units: Unit[], shape: number[]): number {
  let s = shape;
  let f = 0;
  const conv = (c: ConvUnit, out: number[]) => 2 * out[0] * out[1] * c.K * c.KH * c.KW * c.C;
  for (const u of units) {
    const out = unitOut(u, s);
    if (u.kind === 'conv') f += conv(u.conv, out);
    else if (u.kind === 'block') f += conv(u.c1, out) + conv(u.c2, out) + (u.sc ? conv(u.sc, out) : 0);
    else if (u.kind === 'head') f += 2 * u.C * u.K;
    s = out;
  }
  return f;
}

// ---------------------------------------------------------------------------------------
// TensorFlow.js (NHWC; tfjs filters are HWIO like simdnet's)

export interface TfNet {
  forward: (x: TfTensor) => TfTensor;
  dispose: () => void;
}

export function tfNet(tf: Tf, units: Unit[]): TfNet {
  const owned: TfTensor[] = [];
  const keep = <T extends TfTensor>(t: T): T => (owned.push(t), t);
  type Conv = (x: TfTensor4D) => TfTensor4D;
  const conv = (c: ConvUnit): Conv => {
    const w = keep(tf.tensor4d(c.w, [c.KH, c.KW, c.C, c.K]));
    const b = keep(tf.tensor1d(c.b));
    const pad: [[0, 0], [number, number], [number, number], [0, 0]] = [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]];
    return (x) => tf.fused.conv2d({ x, filter: w, strides: c.stride, pad: c.pad === 0 ? 'valid' : pad, bias: b, activation: c.relu ? 'relu' : 'linear' });
  };
  const steps: Conv[] = units.map((u): Conv => {
    switch (u.kind) {
      case 'conv': return conv(u.conv);
      case 'maxpool': return (x) => tf.maxPool(x, u.kernel, u.stride, u.pad);
      case 'block': {
        const c1 = conv(u.c1), c2 = conv(u.c2), sc = u.sc ? conv(u.sc) : null;
        return (x) => tf.relu(tf.add(c2(c1(x)), sc ? sc(x) : x)) as TfTensor4D;
      }
      case 'head': {
        const w = keep(tf.tensor2d(u.w, [u.C, u.K]));
        const b = keep(tf.tensor1d(u.b));
        // [1, 1, 1, K] so that every unit maps a 4-D tensor to a 4-D tensor.
        return (x) => tf.reshape(tf.fused.matMul({ a: tf.mean(x, [1, 2]) as never, b: w as never, bias: b }), [x.shape[0], 1, 1, u.K]);
      }
    }
  });
  return {
    forward: (x) => steps.reduce((h: TfTensor4D, f) => f(h), x as TfTensor4D),
    dispose: () => owned.forEach((t) => t.dispose()),
  };
}

// ---------------------------------------------------------------------------------------
// ONNX (NCHW, OIHW weights)

/**
 * The units as one ONNX model: input X [1, C, H, W] for `inShape` [H, W, C], output Y
 * (NCHW, or [1, K] after the head). Conv (+Relu), Add + Relu for the residual sums,
 * MaxPool with explicit pads, GlobalAveragePool + Flatten + Gemm.
 */
export function onnxNet(units: Unit[], inShape: number[]): { bytes: Uint8Array; outDims: number[] } {
  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  let n = 0;
  const fresh = (p: string) => `${p}${n++}`;
  const conv = (c: ConvUnit, x: string): string => {
    const w = fresh('W'), b = fresh('B'), y = fresh('conv');
    inits.push({ name: w, dims: [c.K, c.C, c.KH, c.KW], data: hwioToOihw(c.w, c.KH, c.KW, c.C, c.K) }, { name: b, dims: [c.K], data: c.b });
    nodes.push({ op: 'Conv', inputs: [x, w, b], outputs: [y], attrs: {
      kernel_shape: { ints: [c.KH, c.KW] }, strides: { ints: [c.stride, c.stride] }, pads: { ints: [c.pad, c.pad, c.pad, c.pad] },
    } });
    return c.relu ? relu(y) : y;
  };
  const relu = (x: string): string => {
    const y = fresh('relu');
    nodes.push({ op: 'Relu', inputs: [x], outputs: [y] });
    return y;
  };
  let x = 'X';
  let shape = inShape;
  for (const u of units) {
    switch (u.kind) {
      case 'conv': x = conv(u.conv, x); break;
      case 'maxpool': {
        const y = fresh('pool');
        nodes.push({ op: 'MaxPool', inputs: [x], outputs: [y], attrs: {
          kernel_shape: { ints: [u.kernel, u.kernel] }, strides: { ints: [u.stride, u.stride] }, pads: { ints: [u.pad, u.pad, u.pad, u.pad] },
        } });
        x = y;
        break;
      }
      case 'block': {
        const body = conv(u.c2, conv(u.c1, x));
        const s = u.sc ? conv(u.sc, x) : x;
        const y = fresh('sum');
        nodes.push({ op: 'Add', inputs: [body, s], outputs: [y] });
        x = relu(y);
        break;
      }
      case 'head': {
        const g = fresh('gap'), f = fresh('flat'), w = fresh('FC_W'), b = fresh('FC_B'), y = fresh('logits');
        nodes.push({ op: 'GlobalAveragePool', inputs: [x], outputs: [g] });
        nodes.push({ op: 'Flatten', inputs: [g], outputs: [f], attrs: { axis: { int: 1 } } });
        inits.push({ name: w, dims: [u.C, u.K], data: u.w }, { name: b, dims: [u.K], data: u.b });
        nodes.push({ op: 'Gemm', inputs: [f, w, b], outputs: [y] });
        x = y;
        break;
      }
    }
    shape = unitOut(u, shape);
  }
  // The last node writes Y.
  const last = nodes[nodes.length - 1];
  last.outputs = ['Y'];
  const headLast = units[units.length - 1].kind === 'head';
  const outDims = headLast ? [1, shape[2]] : [1, shape[2], shape[0], shape[1]];
  const bytes = onnxModel({
    name: 'resnet18',
    nodes,
    inputs: [{ name: 'X', dims: [1, inShape[2], inShape[0], inShape[1]] }],
    outputs: [{ name: 'Y', dims: outDims }],
    initializers: inits,
  });
  return { bytes, outDims };
}
