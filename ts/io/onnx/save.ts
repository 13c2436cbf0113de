// saveOnnx: a simdnet Module → a standard NCHW ONNX graph (OIHW convolution weights, Gemm,
// BatchNormalization, …) that ONNX Runtime and onnx.checker accept. The model runs once on
// zeros of the given input shape with the tape on: every layer call is seen (a hook on
// Module.call) and every op between layers is on the tape (Residual's add, a Graph's
// concat), so Sequential, Graph, Residual, Inception and the whole zoo export without
// describing their structure here.
import * as sn from '../../index';
import { opError } from '../../backend/errors';
import { onnx } from './proto.js';
import { Const, transposeConst } from './values';
import { OnnxLayer } from './ops';
import { OnnxModel } from './model';
import { encodeModel } from './decode';

type Tensor = sn.Tensor;
type Module = sn.nn.Module;

/** Options of saveOnnx. */
export interface SaveOnnxOptions {
  /** NHWC input shape, as the model takes it (batch first; the batch axis is exported as 'N'). */
  inputShape: readonly number[];
  /** Opset of the default domain: 13 (default) to 17. */
  opset?: number;
  /** Names of the graph's input and output (default 'input', 'output'). */
  inputName?: string;
  /** The graph output's name (default 'output'). */
  outputName?: string;
}

const saveError = (m: string) => opError('saveOnnx', m);

interface Unit {
  module: Module;
  inputs: Tensor[];
}

/** An ONNX value: its name and, for a rank-2 flatten of an NHWC map, the [C, H, W] it came from. */
interface Emitted {
  name: string;
  flatFrom?: [number, number, number];
}

class Emitter {
  nodes: onnx.INodeProto[] = [];
  inits: onnx.ITensorProto[] = [];
  private n = 0;
  constructor(readonly opset: number) {}
  fresh(base: string): string {
    return `${base}_${this.n++}`;
  }
  node(op: string, inputs: string[], attrs: Record<string, number | number[] | string> = {}, name?: string): string {
    const out = this.fresh(name ?? op);
    this.nodes.push({
      opType: op, name: out, input: inputs, output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)),
    });
    return out;
  }
  init(name: string, c: Const): string {
    const n = this.fresh(name);
    const float = c.kind === 'float';
    const bytes = float ? new Uint8Array(Float32Array.from(c.data).buffer) : new Uint8Array(BigInt64Array.from(Array.from(c.data, (v) => BigInt(v))).buffer);
    this.inits.push({ name: n, dims: c.shape, dataType: float ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT64, rawData: bytes });
    return n;
  }
}

function attr(name: string, v: number | number[] | string): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  return Number.isInteger(v) && !name.match(/^(alpha|beta|epsilon|momentum|gamma)$/) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
}

const pairOf = (v: sn.Pair | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);
const data = (t: Tensor) => new Const('float', t.shape.slice(), t.dataSync());

/** ONNX pads [top, left, bottom, right] (or auto_pad) for simdnet padding on an input. */
function padAttrs(p: sn.Padding | undefined, where: string): Record<string, number[] | string> {
  if (p === undefined || p === 'valid') return { pads: [0, 0, 0, 0] };
  if (p === 'same') return { auto_pad: 'SAME_UPPER' };
  if (typeof p === 'number') return { pads: [p, p, p, p] };
  if (p.length === 2) return { pads: [p[0], p[1], p[0], p[1]] };
  if (p.length === 4) return { pads: [p[0], p[2], p[1], p[3]] };
  throw saveError(`${where}: padding ${JSON.stringify(p)} cannot be written`);
}

// fuseForInference's dense layer with its ReLU (the class is internal to simdnet's nn).
const fusedLinear = (m: Module): sn.nn.Linear | null => {
  const l = (m as { linear?: unknown }).linear;
  return m.children().length === 0 && l instanceof sn.nn.Linear ? l : null;
};

// fuseForInference's wrapper runs its copy without the tape; the copy itself is traced.
function unwrapFused(m: Module): Module {
  const c = m.children();
  return m.constructor.name === 'Fused' && c.length === 1 && c[0][0] === 'model' ? c[0][1] : m;
}

// Parts of a fused inference copy the writer has no nodes for: a residual or squeeze-excite
// block run as one step, an epilogue other than ReLU. Checked before tracing, which records
// the tape and so would stop inside the fused op with a training-time message.
function checkWritable(m: Module, path: string): void {
  const name = m.constructor.name;
  const act = (m as { activation?: unknown }).activation;
  if (name === 'FusedResidual' || name === 'FusedSqueezeExcite' || ((m instanceof sn.nn.FusedConv2d || name === 'FusedLinear') && act != null && act !== 'relu'))
    throw saveError(`${path || 'the model'} (${name}${act != null ? `, activation ${JSON.stringify(act)}` : ''}) is a fused inference step with no ONNX form; save the model before fuseForInference`);
  for (const [k, c] of m.children()) checkWritable(c, path ? `${path}.${k}` : k);
}

function trace(model: Module, x: Tensor): { y: Tensor; units: Map<Tensor, Unit> } {
  const units = new Map<Tensor, Unit>();
  const proto = sn.nn.Module.prototype;
  const call = proto.call;
  const leafTypes = new Set<unknown>([
    sn.nn.Conv2d, sn.nn.ConvTranspose2d, sn.nn.Linear, sn.nn.BatchNorm2d, sn.nn.ReLU, sn.nn.LeakyReLU, sn.nn.ELU, sn.nn.Sigmoid, sn.nn.Tanh,
    sn.nn.Softplus, sn.nn.Flatten, sn.nn.MaxPool2d, sn.nn.AvgPool2d, sn.nn.LPPool2d, sn.nn.GlobalAvgPool, sn.nn.Upsample, sn.nn.Dropout, sn.nn.FusedConv2d,
    sn.nn.ReLU6, sn.nn.Hardsigmoid, sn.nn.Hardswish, sn.nn.SiLU,
  ]);
  proto.call = function (this: Module, a: Tensor, ...rest: Tensor[]): Tensor {
    const y = call.call(this, a, ...rest);
    if (leafTypes.has(this.constructor) || fusedLinear(this)) {
      if (!units.has(y)) units.set(y, { module: this, inputs: [a, ...rest] });
    } else if (this instanceof sn.nn.Inception) {
      // Its pool branch is a maxPool2d call inside forward(): 3×3, stride 1, 'same'.
      const pool = y._node?.inputs[3];
      const p = pool && (units.get(pool)?.inputs[0] ?? pool);
      if (p && p._node?.op === 'maxPool2d') units.set(p, { module: new sn.nn.MaxPool2d(3, { stride: 1, padding: 'same' }), inputs: [p._node.inputs[0]] });
    } else if (this instanceof OnnxLayer || this.children().length === 0) {
      throw saveError(`layer ${this.constructor.name} cannot be written to ONNX yet`);
    }
    return y;
  };
  try {
    x.requiresGrad = true; // every op between layers goes on the tape
    return { y: model.call(x), units };
  } finally {
    proto.call = call;
  }
}

/**
 * The model as ONNX bytes (NCHW input and output, batch axis 'N'). A model from loadOnnx
 * is written as its imported graph with the current weights (options are not needed).
 *
 * @example
 * ```ts
 * import { saveOnnx } from 'simdnet/onnx';
 * const bytes = saveOnnx(sn.nn.models.lenet5(), { inputShape: [1, 28, 28, 1] });
 * console.log(bytes.length > 240000); // true: an .onnx file onnxruntime and PyTorch read
 * ```
 */
export function saveOnnx(model: Module, options?: SaveOnnxOptions): Uint8Array {
  if (!(model instanceof sn.nn.Module)) throw saveError(`argument 'model' must be an nn.Module, got ${Object.prototype.toString.call(model)}`);
  if (model instanceof OnnxModel) {
    if (options !== undefined) throw saveError(`a model from loadOnnx is written as its imported graph; call saveOnnx(model) without options`);
    return model.toOnnx();
  }
  if (!options || typeof options !== 'object' || !Array.isArray(options.inputShape))
    throw saveError(`argument 'options' must be { inputShape: number[] } (the NHWC shape the model takes)`);
  for (const k of Object.keys(options)) if (!['inputShape', 'opset', 'inputName', 'outputName'].includes(k)) throw saveError(`unknown option '${k}'`);
  const shape = options.inputShape;
  if (shape.length < 2 || shape.some((d) => !Number.isInteger(d) || d < 1)) throw saveError(`inputShape ${JSON.stringify(shape)} must be positive integers, batch first`);
  const opset = options.opset ?? 13;
  if (!Number.isInteger(opset) || opset < 13 || opset > 17) throw saveError(`opset must be 13 to 17, got ${opset}`);
  const e = new Emitter(opset);
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  const wasTraining = model.training;
  model.eval();
  try {
    return sn.tidy(() => {
      const x = sn.zeros(shape);
      checkWritable(unwrapFused(model), '');
      const { y, units } = trace(unwrapFused(model), x);
      const names = new Map<Tensor, Emitted>([[x, { name: inputName }]]);
      const emit = (t: Tensor): Emitted => {
        const known = names.get(t);
        if (known) return known;
        const u = units.get(t);
        let out: Emitted;
        if (u) out = emitUnit(e, u.module, u.inputs.map(emit), u.inputs, t);
        else if (t._node) out = emitTapeOp(e, t._node.op, t._node.inputs.map(emit), t._node.inputs, t);
        else throw saveError(`a tensor ${JSON.stringify(t.shape)} enters the graph from outside the input and the layers' parameters; it cannot be written`);
        names.set(t, out);
        return out;
      };
      const out = emit(y);
      if (out.flatFrom) throw saveError(`the output is a flattened feature map; end the model with a layer`);
      // The graph's output gets its declared name.
      const last = e.nodes[e.nodes.length - 1];
      if (last && last.output![0] === out.name) last.output = [outputName];
      else e.nodes.push({ opType: 'Identity', name: 'output_identity', input: [out.name], output: [outputName] });
      const nchw = (s: readonly number[]) => (s.length === 4 ? [s[0], s[3], s[1], s[2]] : s.slice());
      const info = (name: string, s: readonly number[]): onnx.IValueInfoProto => ({
        name,
        type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: nchw(s).map((d, i) => (i === 0 ? { dimParam: 'N' } : { dimValue: d })) } } },
      });
      const m: onnx.IModelProto = {
        irVersion: 8,
        producerName: 'simdnet',
        opsetImport: [{ domain: '', version: opset }],
        graph: { name: model.constructor.name, node: e.nodes, initializer: e.inits, input: [info(inputName, shape)], output: [info(outputName, y.shape)] },
      };
      return encodeModel(m);
    });
  } finally {
    model.train(wasTraining);
  }
}

function emitUnit(e: Emitter, m: Module, ins: Emitted[], inT: Tensor[], outT: Tensor): Emitted {
  const nn = sn.nn;
  const x = ins[0];
  const where = m.constructor.name;
  const relu = (name: string, on: boolean) => ({ name: on ? e.node('Relu', [name]) : name });
  // A fused inference copy's epilogue: ReLU is written as a Relu node; other fused activations are not.
  const fusedAct = (a: unknown): boolean => {
    if (a !== 'relu' && a != null) throw saveError(`${where}: the fused activation ${JSON.stringify(a)} is not written; save the model before fuseForInference`);
    return a === 'relu';
  };
  if (m instanceof nn.Conv2d || m instanceof nn.FusedConv2d) {
    const conv = m instanceof nn.FusedConv2d ? m.conv : m;
    const o = conv.options;
    if (o.roundMode === 'ceil') throw saveError(`${where}: roundMode 'ceil' has no ONNX Conv equivalent`);
    const w = e.init('weight', transposeConst(data(m.weight), [3, 2, 0, 1]));
    const b = m.bias ? [e.init('bias', data(m.bias))] : [];
    const y = e.node('Conv', [x.name, w, ...b], {
      kernel_shape: conv.kernel, strides: pairOf(o.stride, 1), dilations: pairOf(o.dilation, 1), group: o.groups ?? 1, ...padAttrs(o.padding, where),
    });
    return relu(y, o.activation === 'relu' || (m instanceof nn.FusedConv2d && fusedAct(m.activation)));
  }
  if (m instanceof nn.ConvTranspose2d) {
    const o = m.options;
    const p = pairOf(o.padding, 0);
    const w = e.init('weight', transposeConst(data(m.weight), [3, 2, 0, 1]));
    const b = m.bias ? [e.init('bias', data(m.bias))] : [];
    return { name: e.node('ConvTranspose', [x.name, w, ...b], {
      kernel_shape: m.kernel, strides: pairOf(o.stride, 1), dilations: pairOf(o.dilation, 1), group: o.groups ?? 1,
      pads: [p[0], p[1], p[0], p[1]], output_padding: pairOf(o.outputPadding, 0),
    }) };
  }
  const fl = fusedLinear(m);
  if (m instanceof nn.Linear || fl) {
    const lin = fl ?? (m as sn.nn.Linear);
    let w = data(lin.weight);
    if (x.flatFrom) {
      // simdnet flattened H, W, C; ONNX's Flatten of NCHW gives C, H, W: reorder the rows.
      const [C, H, W] = x.flatFrom;
      w = transposeConst(w.with([H, W, C, lin.outFeatures], w.data), [2, 0, 1, 3]);
      w = w.with([C * H * W, lin.outFeatures], w.data);
    }
    const b = lin.bias ? [e.init('bias', data(lin.bias))] : [];
    return relu(e.node('Gemm', [x.name, e.init('weight', w), ...b]), (!!fl && fusedAct((m as { activation?: unknown }).activation)) || lin.options.activation === 'relu');
  }
  if (m instanceof nn.BatchNorm2d) {
    return { name: e.node('BatchNormalization', [x.name, e.init('scale', data(m.weight)), e.init('bias', data(m.bias)), e.init('mean', data(m.runningMean)), e.init('var', data(m.runningVar))], {
      epsilon: m.options.eps ?? 1e-5, momentum: 1 - (m.options.momentum ?? 0.1),
    }) };
  }
  if (m instanceof nn.ReLU) return { name: e.node('Relu', [x.name]) };
  if (m instanceof nn.LeakyReLU) return { name: e.node('LeakyRelu', [x.name], { alpha: m.slope }) };
  if (m instanceof nn.ELU) return { name: e.node('Elu', [x.name], { alpha: m.alpha }) };
  if (m instanceof nn.Sigmoid) return { name: e.node('Sigmoid', [x.name]) };
  if (m instanceof nn.Tanh) return { name: e.node('Tanh', [x.name]) };
  if (m instanceof nn.Softplus) return { name: e.node('Softplus', [x.name]) };
  if (m instanceof nn.Dropout) return x;
  if (m instanceof nn.ReLU6) return { name: e.node('Clip', [x.name, e.init('min', Const.floats([0], [])), e.init('max', Const.floats([6], []))]) };
  if (m instanceof nn.Hardsigmoid) return { name: e.node('HardSigmoid', [x.name], { alpha: m.options.alpha ?? 1 / 6, beta: m.options.beta ?? 0.5 }) };
  // HardSwish is an operator from opset 14; x·HardSigmoid(x) is the same in every opset.
  if (m instanceof nn.Hardswish) return { name: e.node('Mul', [x.name, e.node('HardSigmoid', [x.name], { alpha: 1 / 6, beta: 0.5 })]) };
  if (m instanceof nn.SiLU) return { name: e.node('Mul', [x.name, e.node('Sigmoid', [x.name])]) };
  if (m instanceof nn.Flatten) {
    const s = inT[0].shape;
    const name = e.node('Flatten', [x.name], { axis: 1 });
    return s.length === 4 && s[1] * s[2] > 1 && s[3] > 1 ? { name, flatFrom: [s[3], s[1], s[2]] } : { name };
  }
  if (m instanceof nn.GlobalAvgPool) return { name: e.node('Flatten', [e.node('GlobalAveragePool', [x.name])], { axis: 1 }) };
  if (m instanceof nn.MaxPool2d || m instanceof nn.AvgPool2d || m instanceof nn.LPPool2d) {
    const o = m.options;
    const kernel = pairOf(m.kernel, 1);
    const a: Record<string, number | number[] | string> = { kernel_shape: kernel, strides: pairOf(o.stride ?? m.kernel, 1), ...padAttrs(o.padding, where) };
    if (o.roundMode === 'ceil' && !(m instanceof nn.LPPool2d)) a.ceil_mode = 1;
    else if (o.roundMode === 'ceil') throw saveError(`${where}: roundMode 'ceil' has no ONNX LpPool equivalent`);
    if (m instanceof nn.AvgPool2d) a.count_include_pad = (m.options as { countIncludePad?: boolean }).countIncludePad === false ? 0 : 1;
    if (m instanceof nn.LPPool2d) a.p = 2;
    return { name: e.node(m instanceof nn.MaxPool2d ? 'MaxPool' : m instanceof nn.AvgPool2d ? 'AveragePool' : 'LpPool', [x.name], a) };
  }
  if (m instanceof nn.Upsample) {
    if (typeof m.scale === 'object' && !Array.isArray(m.scale)) throw saveError(`${where} with resize options cannot be written to ONNX yet (an integer scale can)`);
    const [sh, sw] = pairOf(m.scale, 1);
    const scales = e.init('scales', Const.floats([1, 1, sh, sw], [4]));
    return { name: e.node('Resize', [x.name, '', scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }) };
  }
  void outT;
  throw saveError(`layer ${where} cannot be written to ONNX yet`);
}

function emitTapeOp(e: Emitter, op: string, ins: Emitted[], inT: readonly Tensor[], outT: Tensor): Emitted {
  if (ins.some((v) => v.flatFrom)) throw saveError(`op ${op} on a flattened feature map cannot be written (its order differs between NHWC and NCHW)`);
  // Operands of one rank broadcast the same way in NHWC and in NCHW (both are permuted alike).
  const sameRank = inT.every((t) => t.rank === outT.rank) && (outT.rank === 4 || outT.rank <= 2);
  switch (op) {
    case 'add': case 'sub': case 'mul': case 'div':
      if (!sameRank) throw saveError(`op ${op} of shapes ${inT.map((t) => JSON.stringify(t.shape)).join(' and ')} cannot be written yet (operands of one rank, 4 or at most 2)`);
      return { name: e.node(op[0].toUpperCase() + op.slice(1), ins.map((v) => v.name)) };
    case 'globalAvgPool':
      return { name: e.node('Flatten', [e.node('GlobalAveragePool', [ins[0].name])], { axis: 1 }) };
    case 'adaptiveAvgPool2d':
      if (outT.shape[1] !== 1 || outT.shape[2] !== 1) throw saveError(`adaptiveAvgPool2d to ${outT.shape[1]}×${outT.shape[2]} cannot be written yet (1×1 can)`);
      return { name: e.node('GlobalAveragePool', [ins[0].name]) };
    case 'relu': return { name: e.node('Relu', [ins[0].name]) };
    case 'sigmoid': return { name: e.node('Sigmoid', [ins[0].name]) };
    case 'tanh': return { name: e.node('Tanh', [ins[0].name]) };
    case 'concat':
      return { name: e.node('Concat', ins.map((v) => v.name), { axis: outT.rank === 4 ? 1 : outT.rank - 1 }) };
    case 'softmax': case 'logSoftmax':
      return { name: e.node(op === 'softmax' ? 'Softmax' : 'LogSoftmax', [ins[0].name], { axis: outT.rank === 4 ? 1 : -1 }) };
    default:
      throw saveError(`op '${op}' between layers cannot be written to ONNX yet`);
  }
}
