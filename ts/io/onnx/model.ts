// loadOnnx: ONNX bytes → an nn.Module that runs the graph on simdnet's ops. At import the
// graph goes through: constant folding (initializers, Constant nodes and everything computed
// from them only), dead-node removal, PyTorch's Erf-based GELU pattern as one GELU, ReLU
// fusion into the convolution or dense layer before it, weights converted to simdnet's
// layouts as parameters, and one dry run at batch 1 that checks every node runs (shape inference with the real ops) before the model is returned.
// Shape arithmetic that depends on the input (Shape → Gather → Concat → Reshape) runs on
// small JavaScript arrays at each call.
import * as sn from '../../index';
import { opError } from '../../backend/errors';
import { decodeModel, encodeModel, type OnnxGraph, type OnnxNode, type OnnxValueInfo } from './decode';
import { onnx } from './proto.js';
import { Const, CONST_OPS, evalConst, onnxError } from './values';
import { OPS, OnnxLayer, channelShuffle, type Exec, type Ctx, type FusedActivation } from './ops';
import { type Val, type TVal, isConst, tval, plainOf, nhwcOf, NCHW_TO_NHWC } from './layout';

type Tensor = sn.Tensor;

/** loadOnnx's options. */
export interface LoadOnnxOptions {
  /**
   * The layout of rank-4 inputs and outputs: 'NCHW' (default, the model's own, as exported
   * from PyTorch) or 'NHWC' (simdnet's, which skips the transposes at the edges).
   */
  layout?: 'NCHW' | 'NHWC';
}

/** A graph input or output of an OnnxModel, as the file declares it. */
export interface OnnxTensorInfo {
  /** Its name in the file (run() takes and returns tensors by it). */
  name: string;
  /** Dimensions as declared in the file (a string is symbolic, e.g. 'N'), in the model's order. */
  shape: (number | string | null)[] | null;
  /** The order run() and forward() take or return this tensor in ('NCHW' or 'NHWC' for rank 4). */
  layout: 'NCHW' | 'NHWC' | null;
}

interface Step {
  node: OnnxNode;
  exec: Exec;
}

const supportedOps = () =>
  `on activations: ${Object.keys(OPS).sort().join(', ')}; on constants and shapes only: ${[...new Set([...CONST_OPS, 'Constant'])].filter((o) => !OPS[o]).sort().join(', ')}`;

/** Child names: the node's scope path with dots (torch exports '/layer1/layer1.0/conv1/Conv'). */
const layerName = (n: OnnxNode) => n.name.replace(/^\/+/, '').replace(/\//g, '.') || n.op;

/**
 * An imported ONNX graph as a simdnet Module (what loadOnnx returns): call(), run() by name,
 * fit, summary, stateDict and saveOnnx work on it as on any model.
 *
 * @example
 * ```ts
 * import { saveOnnx, loadOnnx } from 'simdnet/onnx';
 * const net = new sn.nn.Sequential(new sn.nn.Conv2d(3, 4, 3, { padding: 1 }), new sn.nn.ReLU(), new sn.nn.GlobalAvgPool(), new sn.nn.Linear(4, 2));
 * const model = loadOnnx(saveOnnx(net, { inputShape: [1, 8, 8, 3] })); // an .onnx file's bytes
 * console.log(model instanceof sn.nn.Module, model.outputs[0].name); // true 'output'
 * ```
 */
export class OnnxModel extends sn.nn.Module {
  /** The graph's inputs, in the order forward() takes them. */
  readonly inputs: OnnxTensorInfo[];
  /** The graph's outputs, in the order run() returns them. */
  readonly outputs: OnnxTensorInfo[];
  /** The file's ONNX opset (of the default domain). */
  readonly opset: number;
  /** The tool that wrote the file (e.g. 'pytorch'). */
  readonly producer: string;
  /** The layout of rank-4 inputs and outputs (LoadOnnxOptions.layout). */
  readonly layout: 'NCHW' | 'NHWC';
  private readonly steps: Step[] = [];
  private readonly consts: Map<string, Const>;
  private readonly constTensors = new Map<Const, Tensor>();
  private readonly fileConsts: Set<Const>;
  // Shape arithmetic folded at run time depends on the inputs' shapes only (activations
  // become constants only through Shape), so a call records, per input shapes, which steps
  // computed tensors and the constants the others left for them: the next call with those
  // shapes runs only the former (imported shufflenet_v2_x1_0: 117 of 515 steps; it
  // re-derived its reshape targets at every call).
  private readonly plans = new Map<string, { preload: [string, Val][]; live: number[] }>();
  private readonly declared: OnnxValueInfo[];
  private readonly initNames = new Map<Const, string>();

  /** @internal loadOnnx builds it from the decoded graph. */
  constructor(g: OnnxGraph, options: LoadOnnxOptions, private readonly source: Uint8Array) {
    super();
    for (const [name, c] of g.initializers) this.initNames.set(c, name);
    this.opset = g.opset;
    this.producer = g.producer;
    this.layout = options.layout ?? 'NCHW';
    this.declared = g.inputs;
    const rank4 = (v: OnnxValueInfo) => (v.shape?.length === 4 ? this.layout : null);
    this.inputs = g.inputs.map((v) => ({ name: v.name, shape: v.shape, layout: rank4(v) }));
    this.outputs = g.outputs.map((v) => ({ name: v.name, shape: v.shape, layout: rank4(v) }));
    this.consts = foldConstants(g);
    this.fileConsts = new Set(this.consts.values());
    try {
      this.build(g);
    } catch (e) {
      this.dispose(); // the parameters of the nodes built so far
      throw e;
    }
  }

  private build(g: OnnxGraph): void {
    const live = liveNodes(g, this.consts);
    fuseGelu(live, g, this.consts);
    fuseShuffle(live, g);
    const fused = fuseActivations(live, g, this.consts);
    const names = new Set<string>();
    const model = this;
    const ctxOf = (node: OnnxNode): Ctx => {
      let layer: OnnxLayer | null = null;
      const f = fused.get(node);
      return {
        node, opset: g.opset, where: `node '${node.name}' (${node.op})`,
        attr: <T>(name: string, dflt: T) => (node.attrs.has(name) ? (node.attrs.get(name) as T) : dflt),
        constIn: (i) => (node.inputs[i] ? this.consts.get(node.inputs[i]) ?? null : null),
        get layer() {
          return (layer ??= makeLayer(node, names, model));
        },
        tensorOf: (c) => this.tensorOf(c),
        fused: f ? { act: f.act, exec: OPS[f.node.op]!(ctxOf(f.node)) } : null,
      };
    };
    for (const node of live) {
      if (!node.outputs.some((o) => o && !this.consts.has(o))) continue;
      const build = node.op === SHUFFLE ? channelShuffle : OPS[node.op];
      this.steps.push({ node, exec: build ? build(ctxOf(node)) : this.constExec(node) });
    }
    for (const o of g.outputs)
      if (!this.steps.some((s) => s.node.outputs.includes(o.name)) && !this.consts.has(o.name) && !g.inputs.some((i) => i.name === o.name))
        throw onnxError(`graph output '${o.name}' is not produced by any node`);
  }

  private constExec(node: OnnxNode): Exec {
    const where = `node '${node.name}' (${node.op})`;
    if (!CONST_OPS.includes(node.op))
      throw onnxError(`${where}: operator ${node.op} is not supported. Supported ${supportedOps()}`);
    return (ins) => {
      if (ins.some((v, i) => node.inputs[i] && !isConst(v)))
        throw onnxError(`${where}: ${node.op} on an activation (not on shapes or constants) is not supported yet`);
      const out = evalConst(node.op, where, ins as (Const | null)[], (n) => node.attrs.get(n), this.opset);
      if (!out) throw onnxError(`${where}: operator ${node.op} is not supported. Supported ${supportedOps()}`);
      return out;
    };
  }

  private tensorOf(c: Const): Tensor {
    let t = this.constTensors.get(c);
    if (t && !t.isDisposed) return t;
    t = sn.keep(sn.tensor(c.data, c.shape));
    // Constants of the file are kept for the model's life; ones computed at run time are not.
    if (this.fileConsts.has(c)) this.constTensors.set(c, t);
    return t;
  }

  /**
   * Runs the graph on named inputs; returns every graph output by name (ONNX Runtime's run()).
   *
   * @example
   * ```ts
   * import { saveOnnx, loadOnnx } from 'simdnet/onnx';
   * const net = new sn.nn.Sequential(new sn.nn.Conv2d(3, 4, 3, { padding: 1 }), new sn.nn.ReLU(), new sn.nn.GlobalAvgPool(), new sn.nn.Linear(4, 2));
   * const model = loadOnnx(saveOnnx(net, { inputShape: [1, 8, 8, 3] })); // an .onnx file's bytes
   * const { output } = model.run({ input: sn.rand([2, 3, 8, 8]) }); // NCHW, as the file declares
   * console.log(output.shape); // [2, 2]
   * ```
   */
  run(feeds: Record<string, Tensor>): Record<string, Tensor> {
    if (!feeds || typeof feeds !== 'object') throw opError('OnnxModel.run', `argument 'feeds' must be an object of tensors by input name (${this.inputs.map((i) => `'${i.name}'`).join(', ')})`);
    for (const k of Object.keys(feeds))
      if (!this.inputs.some((i) => i.name === k)) throw opError('OnnxModel.run', `unknown input '${k}'; the model's inputs are ${this.inputs.map((i) => `'${i.name}'`).join(', ')}`);
    const outs = this.execute(this.inputs.map((i) => {
      const t = feeds[i.name];
      if (!t) throw opError('OnnxModel.run', `input '${i.name}' is missing from 'feeds'`);
      return t;
    }));
    return Object.fromEntries(this.outputs.map((o, i) => [o.name, outs[i]]));
  }

  /**
   * The first output for the inputs in the order of `inputs` (what call() runs).
   *
   * @example
   * ```ts
   * import { saveOnnx, loadOnnx } from 'simdnet/onnx';
   * const net = new sn.nn.Sequential(new sn.nn.Conv2d(3, 4, 3, { padding: 1 }), new sn.nn.ReLU(), new sn.nn.GlobalAvgPool(), new sn.nn.Linear(4, 2));
   * const model = loadOnnx(saveOnnx(net, { inputShape: [1, 8, 8, 3] })); // an .onnx file's bytes
   * console.log(model.call(sn.rand([2, 3, 8, 8])).shape); // [2, 2]
   * ```
   */
  forward(x: Tensor, ...rest: Tensor[]): Tensor {
    return this.execute([x, ...rest])[0];
  }

  private execute(xs: Tensor[]): Tensor[] {
    if (xs.length !== this.inputs.length)
      throw opError('OnnxModel', `the model takes ${this.inputs.length} input(s) (${this.inputs.map((i) => `'${i.name}'`).join(', ')}), got ${xs.length}`);
    const key = xs.map((x) => x.shape.join(',')).join(';');
    const plan = this.plans.get(key);
    const values = new Map<string, Val>(plan?.preload);
    this.declared.forEach((d, i) => values.set(d.name, this.edgeIn(d, xs[i])));
    const get = (n: string): Val | null => values.get(n) ?? this.consts.get(n) ?? null;
    const inputsOf = (node: OnnxNode): (Val | null)[] =>
      node.inputs.map((n) => {
        const v = n ? get(n) : null;
        if (n && !v) throw onnxError(`node '${node.name}' (${node.op}): input '${n}' is not computed before it`);
        return v;
      });
    if (plan) {
      for (const s of plan.live) {
        const { node, exec } = this.steps[s];
        const out = exec(inputsOf(node));
        node.outputs.forEach((o, i) => o && out[i] && values.set(o, out[i]));
      }
    } else {
      const live: number[] = [];
      const folded = new Set<string>(); // values computed at this call that are constants
      this.steps.forEach(({ node, exec }, s) => {
        const ins = inputsOf(node);
        // Shape arithmetic (all inputs constants at this call) folds in JavaScript.
        const c = ins.every((v, i) => !node.inputs[i] || isConst(v)) && CONST_OPS.includes(node.op)
          ? evalConst(node.op, `node '${node.name}' (${node.op})`, ins as (Const | null)[], (n) => node.attrs.get(n), this.opset) : null;
        const out = c ?? exec(ins);
        node.outputs.forEach((o, i) => o && out[i] && values.set(o, out[i]));
        if (out.length && out.every((v) => isConst(v))) node.outputs.forEach((o) => o && folded.add(o));
        else live.push(s);
      });
      const needed = new Set([...live.flatMap((s) => this.steps[s].node.inputs), ...this.outputs.map((o) => o.name)]);
      const preload = [...folded].filter((n) => needed.has(n)).map((n): [string, Val] => [n, values.get(n)!]);
      if (this.plans.size >= 8) this.plans.clear(); // a bound on the shapes kept
      this.plans.set(key, { preload, live });
    }
    return this.outputs.map((o) => this.edgeOut(o, get(o.name)!));
  }

  private edgeIn(d: OnnxValueInfo, x: Tensor): Val {
    if (!(x instanceof sn.Tensor)) throw opError('OnnxModel', `input '${d.name}' must be a Tensor, got ${Object.prototype.toString.call(x)}`);
    const nhwc = d.shape?.length === 4 && this.layout === 'NHWC';
    const want = d.shape?.map((s, i) => (nhwc ? d.shape![NCHW_TO_NHWC[i]] : s));
    const bad = !want ? false : want.length !== x.rank || want.some((s, i) => typeof s === 'number' && s !== x.shape[i]);
    if (bad) {
      const hint = want!.length === 4 ? ` (${nhwc ? 'NHWC' : 'NCHW'}: loadOnnx(bytes, { layout: '${nhwc ? 'NCHW' : 'NHWC'}' }) takes the other order)` : '';
      throw opError('OnnxModel', `input '${d.name}' must have shape [${want!.map((s) => s ?? '?').join(', ')}]${hint}, got [${x.shape.join(', ')}]`);
    }
    if (x.rank !== 4) return tval(x, 'plain');
    return tval(nhwc ? x : sn.permute(x, NCHW_TO_NHWC), 'nhwc');
  }

  private edgeOut(o: OnnxTensorInfo, v: Val): Tensor {
    // Rank-4 outputs come in the model's layout option, like rank-4 inputs.
    if (v.shape.length === 4 && this.layout === 'NHWC') return nhwcOf(`output '${o.name}'`, v);
    return plainOf(`output '${o.name}'`, v);
  }

  /**
   * The model as ONNX bytes: the imported graph with every initializer that became a
   * parameter or buffer holding its current values (after training), in the file's layouts.
   *
   * @example
   * ```ts
   * import { saveOnnx, loadOnnx } from 'simdnet/onnx';
   * const net = new sn.nn.Sequential(new sn.nn.Conv2d(3, 4, 3, { padding: 1 }), new sn.nn.ReLU(), new sn.nn.GlobalAvgPool(), new sn.nn.Linear(4, 2));
   * const model = loadOnnx(saveOnnx(net, { inputShape: [1, 8, 8, 3] })); // an .onnx file's bytes
   * await sn.fit(model, { x: sn.rand([4, 3, 8, 8]), y: [0, 1, 0, 1] }, { epochs: 1, optimizer: new sn.optim.SGD(model.parameters(), { lr: 0.1 }), progress: false });
   * const tuned = model.toOnnx(); // the same graph with the trained weights
   * console.log(loadOnnx(tuned).inputs[0].name); // 'input'
   * ```
   */
  toOnnx(): Uint8Array {
    const m = onnx.ModelProto.decode(this.source);
    const inits = new Map((m.graph?.initializer ?? []).map((t) => [t.name ?? '', t]));
    for (const [, layer] of this.children()) {
      for (const { tensor, from, back } of (layer as OnnxLayer).sources) {
        const name = this.initNames.get(from);
        const t = name !== undefined ? inits.get(name) : undefined;
        if (!t) throw opError('saveOnnx', `a parameter of layer ${layer.constructor.name} does not come from an initializer of the file and cannot be written back`);
        const v = back(tensor.dataSync());
        t.dataType = onnx.TensorProto.DataType.FLOAT;
        t.rawData = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        t.floatData = [];
        t.int32Data = [];
        t.doubleData = [];
      }
    }
    return encodeModel(m);
  }

  override loadStateDict(state: Parameters<sn.nn.Module['loadStateDict']>[0], strict = true): void {
    for (const [, layer] of this.children()) (layer as OnnxLayer).dropCaches(); // new weights
    super.loadStateDict(state, strict);
  }

  override dispose(): void {
    super.dispose();
    for (const t of this.constTensors.values()) t.dispose();
    this.constTensors.clear();
  }

  /**
   * Checks every node runs, with zeros at batch 1 (only when the input shapes are fixed but for the batch); in eval mode.
   * loadOnnx has done it once before returning the model.
   *
   * @example
   * ```ts
   * import { saveOnnx, loadOnnx } from 'simdnet/onnx';
   * const net = new sn.nn.Sequential(new sn.nn.Conv2d(3, 4, 3, { padding: 1 }), new sn.nn.ReLU(), new sn.nn.GlobalAvgPool(), new sn.nn.Linear(4, 2));
   * const model = loadOnnx(saveOnnx(net, { inputShape: [1, 8, 8, 3] })); // an .onnx file's bytes
   * model.dryRun(); // throws, naming the node, if one cannot run
   * ```
   */
  dryRun(): void {
    const shapes = this.declared.map((d) => d.shape?.map((s, i) => (typeof s === 'number' ? s : i === 0 ? 1 : null)));
    if (shapes.some((s) => !s || s.some((v) => v === null))) return;
    sn.tidy(() => sn.noGrad(() => void this.execute(shapes.map((s, i) => {
      const dims = s as number[];
      return sn.zeros(this.inputs[i].layout === 'NHWC' ? NCHW_TO_NHWC.map((p) => dims[p]) : dims);
    }))));
  }
}

function makeLayer(node: OnnxNode, names: Set<string>, model: OnnxModel): OnnxLayer {
  let name = layerName(node);
  for (let i = 1; names.has(name); i++) name = `${layerName(node)}_${i}`;
  names.add(name);
  // A class named after the op, so summary()'s type column says 'Conv', 'Gemm', …
  const cls = { [node.op]: class extends OnnxLayer {} }[node.op];
  const layer = new cls(node.op);
  (model as unknown as { child(n: string, m: OnnxLayer): OnnxLayer }).child(name, layer);
  return layer;
}

/** Initializers, Constant nodes, and every node computable from them alone. */
function foldConstants(g: OnnxGraph): Map<string, Const> {
  const consts = new Map(g.initializers);
  for (const i of g.inputs) consts.delete(i.name); // an input overrides an initializer's default
  for (const node of g.nodes) {
    const where = `node '${node.name}' (${node.op})`;
    if (node.op === 'Constant') {
      const v = node.attrs.get('value') ?? node.attrs.get('value_float') ?? node.attrs.get('value_floats') ?? node.attrs.get('value_int') ?? node.attrs.get('value_ints');
      if (v === undefined) throw onnxError(`${where}: only value, value_float(s) and value_int(s) constants are supported`);
      const c = v instanceof Const ? v
        : node.attrs.has('value_float') ? Const.floats([v as number], [])
        : node.attrs.has('value_floats') ? Const.floats(v as number[], [(v as number[]).length])
        : node.attrs.has('value_int') ? Const.ints([v as number], []) : Const.ints(v as number[]);
      consts.set(node.outputs[0], c);
      continue;
    }
    const ins = node.inputs.map((n) => (n ? consts.get(n) ?? null : null));
    if (node.inputs.some((n, i) => n && !ins[i])) continue;
    const out = evalConst(node.op, where, ins, (n) => node.attrs.get(n), g.opset);
    if (out) node.outputs.forEach((o, i) => o && out[i] && consts.set(o, out[i]));
  }
  return consts;
}

/** The nodes the graph outputs depend on, in file order, without the folded ones. */
function liveNodes(g: OnnxGraph, consts: Map<string, Const>): OnnxNode[] {
  const producer = new Map<string, OnnxNode>();
  for (const n of g.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  const live = new Set<OnnxNode>();
  const stack = g.outputs.map((o) => o.name);
  while (stack.length) {
    const name = stack.pop()!;
    if (consts.has(name)) continue;
    const n = producer.get(name);
    if (!n || live.has(n)) continue;
    live.add(n);
    for (const i of n.inputs) if (i) stack.push(i);
  }
  return g.nodes.filter((n) => live.has(n));
}

/**
 * The fusion passes' question, over `nodes` as they are now: the one node that reads value v,
 * or null when several do, none does, or v is a graph output (fusing would hide it); with
 * `asFirstInput`, also null unless v is that node's first input.
 */
function soleConsumer(nodes: OnnxNode[], g: OnnxGraph): (v: string, asFirstInput?: boolean) => OnnxNode | null {
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of nodes) for (const i of n.inputs) if (i) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const outputs = new Set(g.outputs.map((o) => o.name));
  return (v, asFirstInput = false) => {
    const c = consumers.get(v) ?? [];
    return c.length === 1 && !outputs.has(v) && (!asFirstInput || c[0].inputs[0] === v) ? c[0] : null;
  };
}

/**
 * PyTorch's exact GELU as exported before opset 20 — Div(x, √2) → Erf → Add(·, 1) → Mul(x, ·)
 * → Mul(·, 0.5) — becomes one Gelu node (sn.gelu: one pass instead of five, and erf exact to
 * float precision rather than Erf's polynomial).
 */
function fuseGelu(nodes: OnnxNode[], g: OnnxGraph, consts: Map<string, Const>): void {
  const only = soleConsumer(nodes, g);
  const other = (n: OnnxNode, v: string): string | null => (n.inputs.length !== 2 ? null : n.inputs[0] === v ? n.inputs[1] : n.inputs[1] === v ? n.inputs[0] : null);
  const scalar = (name: string | null, v: number): boolean => {
    const c = name ? consts.get(name) : undefined;
    return !!c && c.size === 1 && Math.abs(c.data[0] - v) <= 1e-6 * v;
  };
  for (const div of [...nodes]) {
    if (div.op !== 'Div' || !scalar(div.inputs[1], Math.SQRT2) || consts.has(div.inputs[0])) continue;
    const x = div.inputs[0];
    const erf = only(div.outputs[0]);
    if (erf?.op !== 'Erf') continue;
    const add = only(erf.outputs[0]);
    if (add?.op !== 'Add' || !scalar(other(add, erf.outputs[0]), 1)) continue;
    const mul = only(add.outputs[0]);
    if (mul?.op !== 'Mul' || other(mul, add.outputs[0]) !== x) continue;
    const half = only(mul.outputs[0]);
    if (half?.op !== 'Mul' || !scalar(other(half, mul.outputs[0]), 0.5)) continue;
    nodes.splice(nodes.indexOf(erf), 1, { op: 'Gelu', name: erf.name, inputs: [x], outputs: [half.outputs[0]], attrs: new Map() });
    for (const n of [div, add, mul, half]) nodes.splice(nodes.indexOf(n), 1);
  }
}

// Channel shuffle (ShuffleNet): Reshape [N, C, H, W] → [N, g, C/g, H, W], Transpose
// perm [0, 2, 1, 3, 4], Reshape back. Run node by node on an activation held NHWC that is
// three transposes of it (to NCHW, the 5-D permute, back); as one step, one permute of each
// pixel's channels (channelShuffle in ops.ts). The step takes the last Reshape's name.
const SHUFFLE = 'Reshape·Transpose·Reshape';
function fuseShuffle(nodes: OnnxNode[], g: OnnxGraph): void {
  const only = soleConsumer(nodes, g);
  for (const r1 of [...nodes]) {
    if (r1.op !== 'Reshape') continue;
    const t = only(r1.outputs[0], true);
    if (t?.op !== 'Transpose' || JSON.stringify(t.attrs.get('perm')) !== '[0,2,1,3,4]') continue;
    const r2 = only(t.outputs[0], true);
    if (r2?.op !== 'Reshape') continue;
    const attrs = new Map<string, unknown>([['allowzero1', r1.attrs.get('allowzero') ?? 0], ['allowzero2', r2.attrs.get('allowzero') ?? 0]]);
    nodes.splice(nodes.indexOf(r2), 1, { op: SHUFFLE, name: r2.name, inputs: [r1.inputs[0], r1.inputs[1], r2.inputs[1]], outputs: r2.outputs, attrs } as OnnxNode);
    for (const n of [r1, t]) nodes.splice(nodes.indexOf(n), 1);
  }
}

// An activation node fused into the Conv, ConvTranspose, Gemm or MatMul before it when it is
// that node's only consumer (and the value is not a graph output): the kernels apply it in
// their epilogue. ReLU fuses into all four; Clip with constant bounds (ReLU6), HardSwish,
// HardSigmoid, LeakyRelu and Sigmoid into Conv, Gemm and MatMul, which run them as separate
// steps when a gradient is recorded. The activation node leaves the step list; the fused
// node takes over its output name.
function fuseActivations(nodes: OnnxNode[], g: OnnxGraph, consts: Map<string, Const>): Map<OnnxNode, { act: FusedActivation; node: OnnxNode }> {
  const only = soleConsumer(nodes, g);
  const fused = new Map<OnnxNode, { act: FusedActivation; node: OnnxNode }>();
  for (const n of nodes) {
    if (!['Conv', 'ConvTranspose', 'Gemm', 'MatMul'].includes(n.op)) continue;
    const a = only(n.outputs[0], true);
    if (!a) continue;
    const act = epilogueOf(a, g.opset, consts);
    if (!act || (act !== 'relu' && n.op === 'ConvTranspose')) continue;
    n.outputs = [a.outputs[0]];
    nodes.splice(nodes.indexOf(a), 1);
    fused.set(n, { act, node: a });
  }
  return fused;
}

// The epilogue form of an activation node, or null when it has none.
function epilogueOf(a: OnnxNode, opset: number, consts: Map<string, Const>): FusedActivation | null {
  const attr = (name: string, dflt: number) => (a.attrs.has(name) ? (a.attrs.get(name) as number) : dflt);
  if (a.op === 'Relu') return 'relu';
  if (a.op === 'HardSwish') return 'hardswish';
  if (a.op === 'Sigmoid') return 'sigmoid';
  if (a.op === 'HardSigmoid') return { hardsigmoid: [attr('alpha', 0.2), attr('beta', 0.5)] };
  if (a.op === 'LeakyRelu') return { leakyRelu: attr('alpha', 0.01) };
  if (a.op !== 'Clip') return null;
  const bound = (i: number, name: string, dflt: number): number | null => {
    if (opset < 11) return attr(name, dflt);
    if (!a.inputs[i]) return dflt;
    const c = consts.get(a.inputs[i]);
    return c && c.size === 1 ? c.data[0] : null;
  };
  const lo = bound(1, 'min', -Infinity), hi = bound(2, 'max', Infinity);
  if (lo === null || hi === null || !(lo <= hi)) return null;
  if (lo === 0 && hi >= 3.4e38) return 'relu';
  return Number.isFinite(lo) && Number.isFinite(hi) ? { clip: [lo, hi] } : null;
}

/**
 * Imports an ONNX model (bytes of an .onnx file) as a trainable simdnet Module. Rank-4
 * inputs and outputs are NCHW unless `{ layout: 'NHWC' }`; inside, everything runs NHWC.
 *
 * @example
 * ```ts
 * import { saveOnnx, loadOnnx } from 'simdnet/onnx';
 * const bytes = saveOnnx(new sn.nn.Sequential(new sn.nn.Conv2d(3, 4, 3), new sn.nn.ReLU()), { inputShape: [1, 8, 8, 3] });
 * const nchw = loadOnnx(bytes);
 * console.log(nchw.call(sn.zeros([1, 3, 8, 8])).shape); // [1, 4, 6, 6]
 * const nhwc = loadOnnx(bytes, { layout: 'NHWC' });
 * console.log(nhwc.call(sn.zeros([1, 8, 8, 3])).shape); // [1, 6, 6, 4]
 * ```
 *
 * @example
 * ```ts reads a file
 * import { readFile } from 'node:fs/promises';
 * import { loadOnnx } from 'simdnet/onnx';
 * const model = loadOnnx(await readFile('resnet18.onnx'));
 * console.log(model.inputs, model.outputs);
 * model.summary();
 * ```
 */
export function loadOnnx(bytes: Uint8Array, options: LoadOnnxOptions = {}): OnnxModel {
  if (options === null || typeof options !== 'object') throw onnxError(`argument 'options' must be an object, got ${String(options)}`);
  for (const k of Object.keys(options)) if (k !== 'layout') throw onnxError(`unknown option '${k}' (known: layout)`);
  if (options.layout !== undefined && options.layout !== 'NCHW' && options.layout !== 'NHWC')
    throw onnxError(`option 'layout' must be 'NCHW' or 'NHWC', got ${JSON.stringify(options.layout)}`);
  const g = decodeModel(bytes);
  const model = new OnnxModel(g, options, bytes.slice());
  model.eval(); // an ONNX file is an inference graph; train() switches batch norm and dropout to training
  try {
    model.dryRun();
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

export type { TVal };
