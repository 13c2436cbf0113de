// Optimizers: each step runs one SIMD update kernel per parameter over its flat values,
// with the optimizer's state (velocity, moments) kept in wasm memory beside it.
import { opError, fmtShape } from '../backend/index';
import * as O from '../kernels/optim';
import { Tensor, keep } from '../tensor/tensor';
import { zeros, tensor } from '../ops/creation';
import { checkNumber, checkTensor, optionsOf, describe } from '../ops/check';

/** What Optimizer.stateDict() returns. */
export interface OptimizerState {
  /** The optimizer's class name (SGD, Adam, RMSProp). */
  type: string;
  /** Updates done (Adam's bias corrections depend on it). */
  step: number;
  /** The learning rate. */
  lr: number;
  /** State tensors' values by `<parameter index>.<slot>`. */
  state: Record<string, Float32Array>;
}

/**
 * What SGD, Adam and RMSProp share: the parameters, the learning rate, one update kernel per
 * parameter and step, and the state to save and restore.
 *
 * @example
 * ```ts
 * const w = sn.tensor([1, 2], [2], { requiresGrad: true });
 * const opt: sn.optim.Optimizer = new sn.optim.SGD([w], { lr: 0.5 });
 * sn.sum(sn.mul(w, w)).backward(); // gradient 2w
 * opt.step();
 * console.log(w.toArray()); // [0, 0]
 * ```
 */
export abstract class Optimizer {
  /** Learning rate; schedulers and callbacks change it between steps. */
  lr: number;
  /** The parameters it updates (model.parameters()). */
  readonly params: Tensor[];
  /** @internal Each parameter's state tensors (velocity, moments), in wasm memory. */
  protected readonly state = new Map<Tensor, Tensor[]>();
  /** @internal Updates done. */
  protected t = 0;

  /** L2 weight decay λ: every update uses g + λw. */
  readonly weightDecay: number;
  private readonly name: string;

  constructor(params: Tensor[], lr: number, weightDecay: number | undefined, name: string) {
    if (!Array.isArray(params) || params.length === 0)
      throw opError(name, `argument 'params' must be a non-empty array of tensors (model.parameters())`);
    params.forEach((p, i) => checkTensor(name, `params[${i}]`, p));
    this.name = name;
    this.params = params;
    this.lr = checkNumber(name, 'lr', lr, { min: 0 });
    this.weightDecay = checkNumber(name, 'weightDecay', weightDecay ?? 0, { min: 0 });
  }

  /**
   * Clears the gradients of every parameter (backward adds to them).
   *
   * @example
   * ```ts
   * const w = sn.tensor([1, 2], [2], { requiresGrad: true });
   * const opt = new sn.optim.SGD([w], { lr: 0.1 });
   * sn.sum(w).backward();
   * opt.zeroGrad();
   * console.log(w.grad); // null
   * ```
   */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * One update of every parameter that has a gradient.
   *
   * @example
   * ```ts
   * const w = sn.tensor([3], [1], { requiresGrad: true });
   * const opt = new sn.optim.Adam([w], { lr: 0.1 });
   * for (let i = 0; i < 3; i++) {
   *   opt.zeroGrad();
   *   sn.sum(sn.mul(w, w)).backward();
   *   opt.step();
   * }
   * console.log(w.toArray()); // [2.7…]: Adam moves by about lr per step
   * ```
   */
  step(): void {
    this.t++;
    for (const [i, p] of this.params.entries()) {
      if (!p.grad) continue;
      checkTensor(`${this.name}.step`, `params[${i}]`, p);
      checkTensor(`${this.name}.step`, `params[${i}].grad`, p.grad);
      if (p.grad.size !== p.size) throw opError(`${this.name}.step`, `params[${i}].grad has ${p.grad.size} elements, the parameter ${p.size}`);
      let s = this.state.get(p);
      if (!s) {
        s = Array.from({ length: this.slots }, () => keep(zeros(p.shape)));
        this.state.set(p, s);
      }
      this.update(p.ptr, p.grad.ptr, s.map((t) => t.ptr), p.size);
      p._bumpVersion(); // changed in place: a graph that read it can no longer run backward
    }
  }

  /**
   * The optimizer's state to save and restore (with the model's weights, to resume training
   * exactly): its kind, step count, learning rate, and per parameter (by index in `params`)
   * its state tensors' values, keyed `<param>.<slot>`.
   *
   * @example
   * ```ts
   * const w = sn.tensor([1, 2], [2], { requiresGrad: true });
   * const opt = new sn.optim.Adam([w]);
   * sn.sum(w).backward();
   * opt.step();
   * const sd = opt.stateDict();
   * console.log(sd.type, sd.step, Object.keys(sd.state)); // Adam 1 ['0.0', '0.1']
   * ```
   */
  stateDict(): OptimizerState {
    const state: Record<string, Float32Array> = {};
    this.params.forEach((p, i) => this.state.get(p)?.forEach((t, slot) => (state[`${i}.${slot}`] = t.dataSync())));
    return { type: this.constructor.name, step: this.t, lr: this.lr, state };
  }

  /**
   * Restores what stateDict() returned, for the same parameters (count and shapes) and the same kind of optimizer.
   *
   * @example
   * ```ts
   * const w = sn.tensor([1, 2], [2], { requiresGrad: true });
   * const opt = new sn.optim.SGD([w], { lr: 0.1, momentum: 0.9 });
   * sn.sum(w).backward();
   * opt.step();
   * const again = new sn.optim.SGD([w], { lr: 0.1, momentum: 0.9 });
   * again.loadStateDict(opt.stateDict()); // the same velocity and step count
   * console.log(again.stateDict().step); // 1
   * ```
   */
  loadStateDict(sd: OptimizerState): void {
    const op = `${this.constructor.name}.loadStateDict`;
    if (!sd || typeof sd !== 'object' || !sd.state || typeof sd.state !== 'object') throw opError(op, `argument 'state' must be what stateDict() returned, got ${describe(sd)}`);
    if (sd.type !== this.constructor.name) throw opError(op, `the state is of a ${sd.type}, this is a ${this.constructor.name}`);
    const step = checkNumber(op, 'state.step', sd.step, { integer: true, min: 0 });
    const lr = checkNumber(op, 'state.lr', sd.lr, { min: 0 });
    const slots = new Map<number, Float32Array[]>();
    for (const [key, v] of Object.entries(sd.state)) {
      const m = /^(\d+)\.(\d+)$/.exec(key);
      const i = m ? +m[1] : -1;
      if (!m || i >= this.params.length || +m[2] >= this.slots) throw opError(op, `unexpected entry '${key}' (${this.params.length} parameters, ${this.slots} state tensors each)`);
      const p = this.params[i];
      if (!v || v.length !== p.size) throw opError(op, `entry '${key}' has ${v?.length} values, parameter ${i} ${fmtShape(p.shape)} has ${p.size}`);
      const list = slots.get(i) ?? [];
      list[+m[2]] = Float32Array.from(v);
      slots.set(i, list);
    }
    for (const [i, list] of slots)
      if (list.filter(Boolean).length !== this.slots) throw opError(op, `parameter ${i} has ${list.filter(Boolean).length} state tensors, a ${this.constructor.name} keeps ${this.slots}`);
    this.dispose();
    for (const [i, list] of slots) {
      const p = this.params[i];
      this.state.set(p, list.map((d) => keep(tensor(d, p.shape))));
    }
    this.t = step;
    this.lr = lr;
  }

  /**
   * Frees the optimizer's state (the parameters stay).
   *
   * @example
   * ```ts
   * const w = sn.tensor([1, 2], [2], { requiresGrad: true });
   * const opt = new sn.optim.Adam([w]);
   * sn.sum(w).backward();
   * opt.step();
   * opt.dispose();
   * console.log(Object.keys(opt.stateDict().state).length); // 0
   * ```
   */
  dispose(): void {
    for (const s of this.state.values()) for (const t of s) t.dispose();
    this.state.clear();
  }

  /** Number of state tensors per parameter. */
  protected abstract readonly slots: number;
  /**
   * The update of one parameter: pointers to its values, its gradient and its state tensors
   * in wasm memory, and its size. Subclasses run their kernel here.
   *
   * @internal
   */
  protected abstract update(param: number, grad: number, state: number[], n: number): void;
}

/** SGD's options; lr has no default. */
export interface SGDOptions {
  /** The learning rate η. */
  lr: number;
  /** γ; 0 is plain gradient descent. */
  momentum?: number;
  /**
   * 'lecture': v = γv + (1 − γ)g, w −= ηv (an exponential average of gradients, the course's
   * form); 'classical': v = γv + g, w −= ηv (PyTorch's and TF's form).
   */
  form?: 'lecture' | 'classical';
  /** Nesterov's look-ahead, in PyTorch's classical form (v = γv + g, w −= η(g + γv)). */
  nesterov?: boolean;
  /** L2 weight decay λ: g += λw. */
  weightDecay?: number;
}

// SGD's lr has no default (as in PyTorch), so its options are required.
function sgdOptions(options: SGDOptions): SGDOptions {
  if (options === null || typeof options !== 'object')
    throw opError('SGD', `argument 'options' must be { lr, momentum?, ... } (lr has no default), got ${options === null ? 'null' : typeof options}`);
  return options;
}

/**
 * Stochastic gradient descent, with momentum (the lecture's or PyTorch's classical form),
 * Nesterov's look-ahead and L2 weight decay.
 *
 * @example
 * ```ts
 * const model = new sn.nn.Linear(3, 2);
 * const opt = new sn.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, form: 'classical' });
 * opt.zeroGrad();
 * sn.crossEntropy(model.call(sn.ones([2, 3])), [0, 1]).backward();
 * opt.step();
 * ```
 */
export class SGD extends Optimizer {
  protected readonly slots: number;
  /** γ (0: plain gradient descent). */
  readonly momentum: number;
  /** The momentum's form (SGDOptions.form). */
  readonly form: 'lecture' | 'classical';
  /** Nesterov's look-ahead. */
  readonly nesterov: boolean;
  constructor(params: Tensor[], options: SGDOptions) {
    super(params, sgdOptions(options).lr, options.weightDecay, 'SGD');
    this.momentum = checkNumber('SGD', 'momentum', options.momentum ?? 0, { min: 0, max: 1 });
    this.nesterov = !!options.nesterov;
    const form = options.form ?? (this.nesterov ? 'classical' : 'lecture');
    if (form !== 'lecture' && form !== 'classical') throw opError('SGD', `argument 'form' must be 'lecture' or 'classical', got ${JSON.stringify(form)}`);
    if (this.nesterov && this.momentum === 0) throw opError('SGD', 'nesterov needs momentum > 0');
    if (this.nesterov && form === 'lecture') throw opError('SGD', "nesterov is defined in the classical form: pass form: 'classical' or leave form unset");
    this.form = form;
    this.slots = this.momentum > 0 ? 1 : 0;
  }
  /** @internal */
  protected update(p: number, g: number, s: number[], n: number): void {
    if (this.momentum === 0) O.sgd(p, g, n, this.lr, this.weightDecay);
    else if (this.nesterov) O.sgdNesterov(p, g, s[0], n, this.lr, this.momentum, this.weightDecay);
    else if (this.form === 'lecture') O.sgdMomentumEma(p, g, s[0], n, this.lr, this.momentum, this.weightDecay);
    else O.sgdMomentum(p, g, s[0], n, this.lr, this.momentum, this.weightDecay);
  }
}

/** Adam's options (PyTorch's defaults). */
export interface AdamOptions {
  /** The learning rate (default 1e-3). */
  lr?: number;
  /** Decay of the gradients' average (default 0.9). */
  beta1?: number;
  /** Decay of the squared gradients' average (default 0.999). */
  beta2?: number;
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** L2 weight decay λ: g += λw (default 0). */
  weightDecay?: number;
}

/**
 * Adam (Kingma & Ba), with bias correction and L2 weight decay (PyTorch's defaults: lr 1e-3,
 * betas 0.9 and 0.999, eps 1e-8).
 *
 * @example
 * ```ts
 * const model = new sn.nn.Linear(3, 2);
 * const opt = new sn.optim.Adam(model.parameters(), { lr: 1e-2 });
 * opt.zeroGrad();
 * sn.crossEntropy(model.call(sn.ones([2, 3])), [0, 1]).backward();
 * opt.step();
 * ```
 */
export class Adam extends Optimizer {
  protected readonly slots = 2;
  /** Decay of the gradients' average. */
  readonly beta1: number;
  /** Decay of the squared gradients' average. */
  readonly beta2: number;
  /** Added to the denominator. */
  readonly eps: number;
  constructor(params: Tensor[], options: AdamOptions = {}) {
    super(params, optionsOf('Adam', options).lr ?? 1e-3, options?.weightDecay, 'Adam');
    options ??= {};
    // PyTorch's ranges: 0 <= beta < 1 (beta = 1 divides by 1 − beta^t = 0), eps >= 0.
    this.beta1 = checkNumber('Adam', 'beta1', options.beta1 ?? 0.9, { min: 0, max: 1, maxExclusive: true });
    this.beta2 = checkNumber('Adam', 'beta2', options.beta2 ?? 0.999, { min: 0, max: 1, maxExclusive: true });
    this.eps = checkNumber('Adam', 'eps', options.eps ?? 1e-8, { min: 0, minExclusive: true });
  }
  /** @internal */
  protected update(p: number, g: number, s: number[], n: number): void {
    // Bias corrections computed here, once per step, so the kernel needs no pow().
    const c1 = 1 / (1 - this.beta1 ** this.t);
    const c2 = 1 / (1 - this.beta2 ** this.t);
    O.adam(p, g, s[0], s[1], n, this.lr, this.beta1, this.beta2, this.eps, this.weightDecay, c1, c2);
  }
}

/** RMSProp's options. */
export interface RMSPropOptions {
  /** The learning rate (default 1e-3). */
  lr?: number;
  /** Decay of the squared-gradient average. */
  rho?: number;
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** L2 weight decay λ: g += λw (default 0). */
  weightDecay?: number;
}

/**
 * RMSProp: steps scaled by a running average of squared gradients (defaults lr 1e-3, rho 0.9).
 *
 * @example
 * ```ts
 * const model = new sn.nn.Linear(3, 2);
 * const opt = new sn.optim.RMSProp(model.parameters(), { lr: 1e-2 });
 * opt.zeroGrad();
 * sn.crossEntropy(model.call(sn.ones([2, 3])), [0, 1]).backward();
 * opt.step();
 * ```
 */
export class RMSProp extends Optimizer {
  protected readonly slots = 1;
  /** Decay of the squared-gradient average. */
  readonly rho: number;
  /** Added to the denominator. */
  readonly eps: number;
  constructor(params: Tensor[], options: RMSPropOptions = {}) {
    super(params, optionsOf('RMSProp', options).lr ?? 1e-3, options?.weightDecay, 'RMSProp');
    options ??= {};
    this.rho = checkNumber('RMSProp', 'rho', options.rho ?? 0.9, { min: 0, max: 1 });
    this.eps = checkNumber('RMSProp', 'eps', options.eps ?? 1e-8, { min: 0, minExclusive: true });
  }
  /** @internal */
  protected update(p: number, g: number, s: number[], n: number): void {
    O.rmsprop(p, g, s[0], n, this.lr, this.rho, this.eps, this.weightDecay);
  }
}
