// Module: the unit users compose. Holds named parameters (trainable tensors), buffers
// (running statistics) and child modules; forward() is the computation.
import { opError, fmtShape } from '../backend/index';
import { Tensor, keep, tidy, shapeSize } from '../tensor/tensor';
import { noGrad } from '../tensor/autograd';
import { zeros } from '../ops/creation';

/** One row of summary() and profile(): a leaf layer's output for the recorded input. */
export interface LayerRecord {
  /** The layer's dotted path ('0', 'body.1') or, at the top, its class name. */
  name: string;
  /** The layer's class name. */
  type: string;
  /** The output shape. */
  outShape: readonly number[];
  /** Trainable values the layer owns itself. */
  params: number;
  /** Forward FLOPs (2 per multiply-add) for the recorded batch. */
  flops: number; // multiply-adds × 2 of this layer's forward for the recorded batch
}

/**
 * Called after a module's forward pass with the module, its input and its output (PyTorch's
 * register_forward_hook). A hook that returns a Tensor replaces the output.
 */
export type ForwardHook = (module: Module, input: Tensor, output: Tensor) => Tensor | void;

/** What capture() returns: the model's output and the named layers' outputs. */
export interface Captured {
  /** The model's output. */
  output: Tensor;
  /** The requested layers' outputs, by the names asked for. */
  captured: Record<string, Tensor>;
}

// While summary() runs a forward pass, leaf modules append here.
let recorder: LayerRecord[] | null = null;
let recordPrefix: string[] = [];

/**
 * What a model expects (set by the builders of sn.nn.models, as torchvision's weights state
 * their transforms): one sample's size and how pixels are prepared for it.
 */
export interface ModelInput {
  /** One sample, NHWC without the batch: [H, W, C]. summary() with no argument uses it. */
  shape: [number, number, number];
  /** Which other H, W the model takes (e.g. 'only 28×28', 'any multiple of 4'). */
  sizes: string;
  /** Per channel, applied to pixels in [0, 1] (what sn.image.decode and fromPixels give): (v − mean[c]) / std[c]. */
  mean: number[];
  /** Per channel, the divisor after the mean (see mean). */
  std: number[];
  /** The preprocessing in words (summary() prints it). */
  preprocess: string;
}

/**
 * A layer or a network: named parameters (trainable tensors), buffers (running statistics) and
 * child modules, with forward() as its computation. Subclass it for a custom layer; call it with
 * call(x).
 *
 * @example
 * ```ts
 * class Scale extends sn.nn.Module {
 *   readonly gain: sn.Tensor;
 *   constructor(channels: number) {
 *     super();
 *     this.gain = this.param('gain', sn.ones([channels])); // trainable, saved in stateDict
 *   }
 *   forward(x: sn.Tensor): sn.Tensor {
 *     return sn.mul(x, this.gain); // NHWC: one gain per channel
 *   }
 * }
 * const net = new sn.nn.Sequential(new sn.nn.Conv2d(3, 4, 3), new Scale(4));
 * console.log(net.call(sn.zeros([1, 8, 8, 3])).shape, Object.keys(net.stateDict())); // [1, 6, 6, 4] ['0.weight', '0.bias', '1.gain']
 * ```
 */
export abstract class Module {
  /** True in train() mode (dropout active, batch norm on batch statistics), false after eval(). */
  training = true;
  /** The input this model expects, when a builder of sn.nn.models made it (null otherwise). */
  input: ModelInput | null = null;
  /** A name for capture() besides the module's path (e.g. 'conv1'); see named(). */
  name: string | undefined = undefined;
  private _hooks: ForwardHook[] = [];
  private readonly _params = new Map<string, Tensor>();
  private readonly _buffers = new Map<string, Tensor>();
  private readonly _children = new Map<string, Module>();

  /**
   * The computation, which subclasses define; run a module with call(), which also fires hooks and
   * records summary() rows.
   *
   * @example
   * ```ts
   * class Double extends sn.nn.Module {
   *   forward(x: sn.Tensor): sn.Tensor {
   *     return sn.mul(x, 2);
   *   }
   * }
   * console.log(new Double().call(sn.tensor([1, 2])).toArray()); // [2, 4]
   * ```
   */
  abstract forward(x: Tensor, ...rest: Tensor[]): Tensor;

  /**
   * forward(), then the forward hooks, plus bookkeeping for summary().
   *
   * @example
   * ```ts
   * const layer = new sn.nn.Linear(4, 2);
   * console.log(layer.call(sn.ones([3, 4])).shape); // [3, 2]
   * ```
   */
  call(x: Tensor, ...rest: Tensor[]): Tensor {
    let y = this.forward(x, ...rest);
    if (this._hooks.length) {
      // A copy: a hook may remove itself (or others) while they run.
      for (const hook of [...this._hooks]) {
        const r = hook(this, x, y);
        if (r !== undefined) {
          if (!(r instanceof Tensor)) throw opError('onForward', `a hook returned ${typeof r}; return a Tensor to replace the output, or nothing`);
          y = r;
        }
      }
    }
    if (recorder && this._children.size === 0) {
      recorder.push({
        name: recordPrefix.join('.') || this.constructor.name,
        type: this.constructor.name,
        outShape: y.shape,
        params: [...this._params.values()].reduce((s, p) => s + p.size, 0),
        flops: this.flops(x.shape, y.shape),
      });
    }
    return y;
  }

  /**
   * Runs `hook(module, input, output)` after every forward pass of this module (children's
   * hooks fire before their parent's, a module's hooks in the order added). Returns a
   * function that removes the hook.
   *
   * @example
   * ```ts
   * const net = new sn.nn.Sequential(new sn.nn.Linear(4, 8), new sn.nn.ReLU());
   * const remove = net.layers[0].onForward((_m, _x, y) => console.log('fc out', y.shape));
   * net.call(sn.ones([2, 4])); // prints: fc out [2, 8]
   * remove();
   * ```
   */
  onForward(hook: ForwardHook): () => void {
    if (typeof hook !== 'function') throw opError('onForward', `hook must be a function, got ${typeof hook}`);
    this._hooks.push(hook);
    return () => {
      this._hooks = this._hooks.filter((h) => h !== hook);
    };
  }

  /**
   * Sets the name capture() knows this module by, besides its path; returns the module.
   *
   * @example
   * ```ts
   * const net = new sn.nn.Sequential(new sn.nn.Conv2d(1, 4, 3).named('conv1'), new sn.nn.ReLU());
   * const { captured } = net.capture(sn.zeros([1, 8, 8, 1]), ['conv1']);
   * console.log(captured.conv1.shape); // [1, 6, 6, 4]
   * ```
   */
  named(name: string): this {
    if (typeof name !== 'string' || name === '') throw opError('named', `name must be a non-empty string, got ${JSON.stringify(name)}`);
    this.name = name;
    return this;
  }

  /**
   * Every module below this one (this one first, path ''), by dotted path.
   *
   * @example
   * ```ts
   * const net = new sn.nn.Sequential(new sn.nn.Linear(2, 2), new sn.nn.ReLU());
   * console.log(net.namedModules().map(([path, m]) => `${path || '(root)'} ${m.constructor.name}`)); // ['(root) Sequential', '0 Linear', '1 ReLU']
   * ```
   */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [n, c] of this._children) out.push(...c.namedModules(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  /**
   * Runs the model on x and also returns the outputs of the layers named, each by its path
   * ('3', 'body.0') or by the name given with named() ('conv1', 'pool2'); a layer run more
   * than once keeps its last output. The captured tensors are the forward's own
   * intermediates: inside tidy(), return them or keep() them to use them after.
   *
   * @example
   * ```ts
   * const net = sn.nn.models.lenet5();
   * const { output, captured } = net.capture(sn.zeros([1, 28, 28, 1]), ['conv1', 'pool2']);
   * console.log(output.shape, captured.conv1.shape, captured.pool2.shape); // [1, 10] [1, 28, 28, 6] [1, 5, 5, 16]
   * ```
   */
  capture(x: Tensor, names: readonly string[]): Captured {
    if (!Array.isArray(names)) throw opError('capture', `names must be an array of layer names, got ${typeof names}`);
    const all = this.namedModules();
    const targets = names.map((want) => {
      const hits = all.filter(([path, m]) => path === want || m.name === want);
      if (hits.length === 0) {
        const known = all.slice(1).map(([path, m]) => (m.name ? `${m.name} (${path})` : path));
        throw opError('capture', `no layer named '${want}'; the layers are ${known.join(', ')}`);
      }
      if (hits.length > 1) throw opError('capture', `'${want}' names ${hits.length} layers: ${hits.map(([p]) => p).join(', ')}; use a path`);
      return [want, hits[0][1]] as const;
    });
    const captured: Record<string, Tensor> = {};
    const removers = targets.map(([want, m]) => m.onForward((_m, _x, y) => void (captured[want] = y)));
    try {
      const output = this.call(x);
      const missing = targets.find(([want]) => !(want in captured));
      if (missing) {
        for (const t of new Set([output, ...Object.values(captured)])) t.dispose();
        throw opError('capture', `layer '${missing[0]}' did not run in this forward pass`);
      }
      return { output, captured };
    } finally {
      for (const remove of removers) remove();
    }
  }

  /**
   * Forward FLOPs (2 per multiply-add) for summary(); layers that compute override it.
   *
   * @example
   * ```ts
   * console.log(new sn.nn.Linear(100, 10).flops([32, 100])); // 64000 = 2·32·100·10
   * ```
   */
  flops(_inShape: readonly number[], _outShape: readonly number[]): number {
    return 0;
  }

  /**
   * Registers a trainable parameter; it lives until the module is disposed.
   *
   * @example
   * ```ts
   * class Bias extends sn.nn.Module {
   *   readonly b = this.param('b', sn.zeros([3]));
   *   forward(x: sn.Tensor): sn.Tensor {
   *     return sn.add(x, this.b);
   *   }
   * }
   * console.log(new Bias().numParameters()); // 3
   * ```
   */
  protected param(name: string, t: Tensor): Tensor {
    keep(t);
    t.requiresGrad = true;
    this._params.set(name, t);
    return t;
  }

  /**
   * Registers a non-trainable tensor that belongs in stateDict (e.g. running mean).
   *
   * @example
   * ```ts
   * class Counter extends sn.nn.Module {
   *   constructor() {
   *     super();
   *     this.buffer('seen', sn.zeros([1])); // saved in stateDict, not trained
   *   }
   *   forward(x: sn.Tensor): sn.Tensor {
   *     return x;
   *   }
   * }
   * console.log(Object.keys(new Counter().stateDict())); // ['seen']
   * ```
   */
  protected buffer(name: string, t: Tensor): Tensor {
    keep(t);
    this._buffers.set(name, t);
    return t;
  }

  /**
   * Replaces a buffer's tensor (running statistics updated out of place).
   *
   * @example
   * ```ts
   * class RunningMax extends sn.nn.Module {
   *   constructor() {
   *     super();
   *     this.buffer('max', sn.full([1], -Infinity));
   *   }
   *   forward(x: sn.Tensor): sn.Tensor {
   *     this.setBuffer('max', sn.noGrad(() => sn.maximum(this.getBuffer('max'), sn.max(x)))); // the old one is freed
   *     return x;
   *   }
   * }
   * const m = new RunningMax();
   * m.call(sn.tensor([3, 7]));
   * console.log(m.stateDict().max.item()); // 7
   * ```
   */
  protected setBuffer(name: string, t: Tensor): void {
    const old = this._buffers.get(name);
    keep(t);
    this._buffers.set(name, t);
    if (old && old !== t) old.dispose();
  }

  /**
   * A buffer's current tensor, by name.
   *
   * @example
   * ```ts
   * class Shift extends sn.nn.Module {
   *   constructor() {
   *     super();
   *     this.buffer('offset', sn.full([1], 2));
   *   }
   *   forward(x: sn.Tensor): sn.Tensor {
   *     return sn.add(x, this.getBuffer('offset'));
   *   }
   * }
   * console.log(new Shift().call(sn.tensor([1])).toArray()); // [3]
   * ```
   */
  protected getBuffer(name: string): Tensor {
    return this._buffers.get(name)!;
  }

  /**
   * Registers a child module under a name (used for parameter names).
   *
   * @example
   * ```ts
   * class Block extends sn.nn.Module {
   *   readonly fc = this.child('fc', new sn.nn.Linear(4, 4)); // parameters named 'fc.weight', 'fc.bias'
   *   forward(x: sn.Tensor): sn.Tensor {
   *     return sn.relu(this.fc.call(x));
   *   }
   * }
   * console.log(new Block().namedParameters().map(([n]) => n)); // ['fc.weight', 'fc.bias']
   * ```
   */
  protected child<M extends Module>(name: string, m: M): M {
    if (!(m instanceof Module)) throw opError('Module', `child '${name}' must be a Module`);
    this._children.set(name, m);
    return m;
  }

  /**
   * The direct children, by name.
   *
   * @example
   * ```ts
   * const net = new sn.nn.Sequential(new sn.nn.Linear(2, 2), new sn.nn.ReLU());
   * console.log(net.children().map(([name]) => name)); // ['0', '1']
   * ```
   */
  children(): [string, Module][] {
    return [...this._children.entries()];
  }

  /**
   * Every trainable tensor of this module and its children, by dotted name.
   *
   * @example
   * ```ts
   * const net = new sn.nn.Sequential(new sn.nn.Linear(2, 3));
   * console.log(net.namedParameters().map(([n, p]) => `${n} ${p.shape}`)); // ['0.weight 2,3', '0.bias 3']
   * ```
   */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this._params) out.push([prefix + n, p]);
    for (const [n, c] of this._children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  /**
   * Every trainable tensor, for an optimizer.
   *
   * @example
   * ```ts
   * const net = new sn.nn.Sequential(new sn.nn.Linear(4, 2));
   * const opt = new sn.optim.Adam(net.parameters(), { lr: 1e-3 });
   * console.log(net.parameters().length); // 2: weight and bias
   * ```
   */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * Every buffer (running statistics) of this module and its children, by dotted name.
   *
   * @example
   * ```ts
   * const net = new sn.nn.Sequential(new sn.nn.BatchNorm2d(8));
   * console.log(net.namedBuffers().map(([n]) => n)); // ['0.runningMean', '0.runningVar']
   * ```
   */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, b] of this._buffers) out.push([prefix + n, b]);
    for (const [n, c] of this._children) out.push(...c.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  /**
   * Training mode (the default) for this module and its children: dropout active, batch norm on
   * the batch's statistics. train(false) is eval().
   *
   * @example
   * ```ts
   * const net = new sn.nn.Sequential(new sn.nn.Dropout(0.5));
   * net.train();
   * console.log(net.training, net.layers[0].training); // true true
   * ```
   */
  train(on = true): this {
    this.training = on;
    for (const c of this._children.values()) c.train(on);
    return this;
  }

  /**
   * Inference mode for this module and its children: dropout off, batch norm on running statistics.
   *
   * @example
   * ```ts
   * const net = sn.nn.models.lenet5().eval();
   * const probs = sn.noGrad(() => sn.softmax(net.call(sn.zeros([1, 28, 28, 1]))));
   * console.log(probs.shape); // [1, 10]
   * ```
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Frees every parameter's gradient (before the next backward()).
   *
   * @example
   * ```ts
   * const fc = new sn.nn.Linear(3, 1);
   * sn.sum(fc.call(sn.ones([2, 3]))).backward();
   * fc.zeroGrad();
   * console.log(fc.weight.grad); // null
   * ```
   */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * Parameters and buffers by dotted name (the tensors themselves, not copies).
   *
   * @example
   * ```ts
   * const net = new sn.nn.Sequential(new sn.nn.Conv2d(1, 2, 3), new sn.nn.BatchNorm2d(2));
   * console.log(Object.keys(net.stateDict())); // ['0.weight', '0.bias', '1.weight', '1.bias', '1.runningMean', '1.runningVar']
   * ```
   */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Copies values in by name; every name and shape must match unless strict is false.
   *
   * @example
   * ```ts
   * const a = new sn.nn.Linear(3, 2);
   * const b = new sn.nn.Linear(3, 2);
   * b.loadStateDict(a.stateDict()); // or a decoded safetensors file: sn.io.decodeSafetensors(bytes)
   * console.log(b.weight.toArray()); // a's weights
   * ```
   */
  loadStateDict(state: Record<string, Tensor | { shape: readonly number[]; data: ArrayLike<number> }>, strict = true): void {
    const mine = this.stateDict();
    for (const [name, t] of Object.entries(mine)) {
      const src = state[name];
      if (!src) {
        if (strict) throw opError('loadStateDict', `missing '${name}' (shape ${fmtShape(t.shape)})`);
        continue;
      }
      const shape = src.shape;
      if (shape.length !== t.shape.length || shape.some((d, i) => d !== t.shape[i]))
        throw opError('loadStateDict', `'${name}' has shape ${fmtShape(shape)}, the model expects ${fmtShape(t.shape)}`);
      t.assign(src instanceof Tensor ? src.dataSync() : src.data);
    }
    if (strict) for (const name of Object.keys(state)) if (!(name in mine)) throw opError('loadStateDict', `unexpected entry '${name}'`);
  }

  /**
   * Number of trainable values.
   *
   * @example
   * ```ts
   * console.log(sn.nn.models.lenet5().numParameters()); // 61706
   * ```
   */
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  /**
   * A table of every leaf layer for an input of this shape (batch 1 if the first dimension
   * is omitted): output shape, parameters, activation memory (float32) and FLOPs. Without a
   * shape, a model of sn.nn.models uses its `input` (one sample), and the table starts with
   * the input it expects and its preprocessing.
   *
   * @example
   * ```ts
   * const net = new sn.nn.Sequential(new sn.nn.Conv2d(1, 8, 3, { padding: 'same' }), new sn.nn.ReLU(), new sn.nn.Flatten(), new sn.nn.Linear(28 * 28 * 8, 10));
   * console.log(net.summary([1, 28, 28, 1])); // one row per layer: output shape, parameters, activations, FLOPs
   * console.log(sn.nn.models.lenet5().summary()); // starts with 'input: [28, 28, 1] NHWC per sample (…); MNIST-style digits …'
   * ```
   */
  summary(inputShape?: readonly number[]): string {
    const inp = this.input;
    if (inputShape === undefined && !inp) throw opError('summary', `argument 'inputShape' is needed: this model does not state its input (only the builders of sn.nn.models do)`);
    const rows = this.profile(inputShape ?? [1, ...inp!.shape]);
    const fmtN = (n: number) => n.toLocaleString('en-US');
    const table = [['layer', 'type', 'output shape', 'params', 'activations', 'FLOPs']];
    let params = 0;
    let acts = 0;
    let flops = 0;
    for (const r of rows) {
      const a = shapeSize(r.outShape);
      params += r.params;
      acts += a;
      flops += r.flops;
      table.push([r.name, r.type, fmtShape(r.outShape), fmtN(r.params), fmtN(a), fmtN(r.flops)]);
    }
    const total = this.numParameters();
    table.push(['total', '', '', fmtN(total), `${fmtN(acts)} (${(acts * 4 / 1e6).toFixed(1)} MB)`, fmtN(flops)]);
    const w = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => (i >= 3 ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ');
    const sep = w.map((n) => '-'.repeat(n)).join('  ');
    const head = inp ? [`input: ${fmtShape(inp.shape)} NHWC per sample (${inp.sizes}); ${inp.preprocess}`, ''] : [];
    return [...head, line(table[0]), sep, ...table.slice(1, -1).map(line), sep, line(table[table.length - 1])].join('\n');
  }

  /**
   * The per-layer records behind summary().
   *
   * @example
   * ```ts
   * const rows = sn.nn.models.lenet5().profile([1, 28, 28, 1]);
   * console.log(rows.map((r) => `${r.name} ${r.outShape} ${r.flops}`));
   * ```
   */
  profile(inputShape: readonly number[]): LayerRecord[] {
    const wasTraining = this.training;
    this.eval();
    const rows: LayerRecord[] = [];
    recorder = rows;
    recordPrefix = [];
    try {
      tidy(() => noGrad(() => void this.call(zeros(inputShape))));
    } finally {
      recorder = null;
      this.train(wasTraining);
    }
    return rows;
  }

  /**
   * Frees every parameter and buffer.
   *
   * @example
   * ```ts
   * const net = sn.nn.models.lenet5();
   * net.dispose();
   * console.log(net.parameters()[0].isDisposed); // true
   * ```
   */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    for (const [, b] of this.namedBuffers()) b.dispose();
  }
}

/**
 * Names layers in summary() while a container runs its children.
 *
 * @example
 * ```ts
 * class Twice extends sn.nn.Module {
 *   readonly inner = this.child('inner', new sn.nn.Linear(4, 4));
 *   forward(x: sn.Tensor): sn.Tensor {
 *     // summary() rows are named 'inner' (not the class name) when a child runs through callChild
 *     return sn.nn.callChild('inner', this.inner, sn.nn.callChild('inner', this.inner, x));
 *   }
 * }
 * console.log(new Twice().summary([1, 4]));
 * ```
 */
export function callChild(name: string, m: Module, x: Tensor, ...rest: Tensor[]): Tensor {
  if (!recorder) return m.call(x, ...rest);
  recordPrefix.push(name);
  try {
    return m.call(x, ...rest);
  } finally {
    recordPrefix.pop();
  }
}

/**
 * Layers in order; each one's output is the next one's input.
 *
 * @example
 * ```ts
 * const net = new sn.nn.Sequential(
 *   new sn.nn.Conv2d(1, 8, 3, { padding: 'same' }), new sn.nn.ReLU(), new sn.nn.MaxPool2d(2),
 *   new sn.nn.Flatten(), new sn.nn.Linear(14 * 14 * 8, 10),
 * );
 * console.log(net.call(sn.zeros([2, 28, 28, 1])).shape); // [2, 10]
 * ```
 */
export class Sequential extends Module {
  /** The layers, in order (also the children '0', '1', …). */
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((l, i) => this.child(String(i), l));
  }
  forward(x: Tensor): Tensor {
    let y = x;
    this.layers.forEach((l, i) => {
      y = callChild(String(i), l, y);
    });
    return y;
  }
}
