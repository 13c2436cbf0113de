// Module: the unit users compose. Holds named parameters (trainable tensors), buffers
// (running statistics) and child modules; forward() is the computation.
import { opError, fmtShape } from '../backend/index';
import { Tensor, keep, tidy, shapeSize } from '../tensor/tensor';
import { noGrad } from '../tensor/autograd';
import { zeros } from '../ops/creation';

export interface LayerRecord {
  name: string;
  type: string;
  outShape: readonly number[];
  params: number;
  flops: number; // multiply-adds × 2 of this layer's forward for the recorded batch
}

/**
 * Called after a module's forward pass with the module, its input and its output (PyTorch's
 * register_forward_hook). A hook that returns a Tensor replaces the output.
 */
export type ForwardHook = (module: Module, input: Tensor, output: Tensor) => Tensor | void;

/** What capture() returns: the model's output and the named layers' outputs. */
export interface Captured {
  output: Tensor;
  captured: Record<string, Tensor>;
}

// While summary() runs a forward pass, leaf modules append here.
let recorder: LayerRecord[] | null = null;
let recordPrefix: string[] = [];

export abstract class Module {
  training = true;
  /** A name for capture() besides the module's path (e.g. 'conv1'); see named(). */
  name: string | undefined = undefined;
  private _hooks: ForwardHook[] = [];
  private readonly _params = new Map<string, Tensor>();
  private readonly _buffers = new Map<string, Tensor>();
  private readonly _children = new Map<string, Module>();

  abstract forward(x: Tensor, ...rest: Tensor[]): Tensor;

  /** forward(), then the forward hooks, plus bookkeeping for summary(). */
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
   */
  onForward(hook: ForwardHook): () => void {
    if (typeof hook !== 'function') throw opError('onForward', `hook must be a function, got ${typeof hook}`);
    this._hooks.push(hook);
    return () => {
      this._hooks = this._hooks.filter((h) => h !== hook);
    };
  }

  /** Sets the name capture() knows this module by, besides its path; returns the module. */
  named(name: string): this {
    if (typeof name !== 'string' || name === '') throw opError('named', `name must be a non-empty string, got ${JSON.stringify(name)}`);
    this.name = name;
    return this;
  }

  /** Every module below this one (this one first, path ''), by dotted path. */
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

  /** Forward FLOPs (2 per multiply-add) for summary(); layers that compute override it. */
  flops(_inShape: readonly number[], _outShape: readonly number[]): number {
    return 0;
  }

  /** Registers a trainable parameter; it lives until the module is disposed. */
  protected param(name: string, t: Tensor): Tensor {
    keep(t);
    t.requiresGrad = true;
    this._params.set(name, t);
    return t;
  }

  /** Registers a non-trainable tensor that belongs in stateDict (e.g. running mean). */
  protected buffer(name: string, t: Tensor): Tensor {
    keep(t);
    this._buffers.set(name, t);
    return t;
  }

  /** Replaces a buffer's tensor (running statistics updated out of place). */
  protected setBuffer(name: string, t: Tensor): void {
    const old = this._buffers.get(name);
    keep(t);
    this._buffers.set(name, t);
    if (old && old !== t) old.dispose();
  }

  protected getBuffer(name: string): Tensor {
    return this._buffers.get(name)!;
  }

  /** Registers a child module under a name (used for parameter names). */
  protected child<M extends Module>(name: string, m: M): M {
    if (!(m instanceof Module)) throw opError('Module', `child '${name}' must be a Module`);
    this._children.set(name, m);
    return m;
  }

  children(): [string, Module][] {
    return [...this._children.entries()];
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this._params) out.push([prefix + n, p]);
    for (const [n, c] of this._children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, b] of this._buffers) out.push([prefix + n, b]);
    for (const [n, c] of this._children) out.push(...c.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  train(on = true): this {
    this.training = on;
    for (const c of this._children.values()) c.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Parameters and buffers by dotted name (the tensors themselves, not copies). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /** Copies values in by name; every name and shape must match unless strict is false. */
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

  /** Number of trainable values. */
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  /**
   * A table of every leaf layer for an input of this shape (batch 1 if the first dimension
   * is omitted): output shape, parameters, activation memory (float32) and FLOPs.
   */
  summary(inputShape: readonly number[]): string {
    const rows = this.profile(inputShape);
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
    return [line(table[0]), sep, ...table.slice(1, -1).map(line), sep, line(table[table.length - 1])].join('\n');
  }

  /** The per-layer records behind summary(). */
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

  /** Frees every parameter and buffer. */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    for (const [, b] of this.namedBuffers()) b.dispose();
  }
}

/** Names layers in summary() while a container runs its children. */
export function callChild(name: string, m: Module, x: Tensor, ...rest: Tensor[]): Tensor {
  if (!recorder) return m.call(x, ...rest);
  recordPrefix.push(name);
  try {
    return m.call(x, ...rest);
  } finally {
    recordPrefix.pop();
  }
}

/** Layers in order; each one's output is the next one's input. */
export class Sequential extends Module {
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
