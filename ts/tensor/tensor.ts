// Tensor handles over blocks of linear memory. wasm memory is not garbage-collected, so a
// tensor is freed by dispose(), `using`, or the tidy() scope it was made in.
import { getBackend, opError, fmtShape, f32Index } from '../backend/index';
import * as E from '../kernels/elementwise';
import { runBackward, type GradNode } from './autograd';

export type Shape = readonly number[];

// One block of floats; views made by reshape share it and it is freed with the last one.
class Storage {
  refs = 1;
  constructor(
    readonly ptr: number,
    readonly size: number,
  ) {}
}

const disposeSymbol: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');

export class Tensor {
  readonly shape: Shape;
  readonly size: number;
  readonly dtype = 'float32' as const;
  /** Gradient accumulated by backward() for tensors that require it. */
  grad: Tensor | null = null;
  requiresGrad = false;
  /** @internal the op that produced this tensor, for backward() */
  _node: GradNode | null = null;
  private storage: Storage | null;

  /** @internal use tensor(), zeros(), … */
  constructor(storage: Storage, shape: Shape) {
    this.storage = storage;
    this.shape = Object.freeze(shape.slice());
    this.size = storage.size;
    track(this);
  }

  /** Byte offset of the data in linear memory; throws once the tensor is disposed. */
  get ptr(): number {
    if (!this.storage) throw new Error(`simdnet: tensor of shape ${fmtShape(this.shape)} was used after dispose()`);
    return this.storage.ptr;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.storage === null;
  }

  /** A copy of the values. */
  dataSync(): Float32Array {
    const p = f32Index(this.ptr);
    return getBackend().f32().slice(p, p + this.size);
  }

  async data(): Promise<Float32Array> {
    return this.dataSync();
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw opError('item', `tensor has ${this.size} elements (shape ${fmtShape(this.shape)}), item() needs exactly 1`);
    return getBackend().f32()[f32Index(this.ptr)];
  }

  /** Nested arrays, for printing and tests. */
  toArray(): unknown {
    const d = this.dataSync();
    const build = (dim: number, off: number): unknown => {
      if (dim === this.shape.length) return d[off];
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, off + i * stride));
    };
    return build(0, 0);
  }

  /** Overwrites the values from a flat array of the same size. */
  assign(values: ArrayLike<number>): this {
    if (values.length !== this.size)
      throw opError('assign', `values have ${values.length} elements, tensor ${fmtShape(this.shape)} has ${this.size}`);
    getBackend().f32().set(values, f32Index(this.ptr));
    return this;
  }

  /** A tensor sharing these values with another shape (no copy; -1 infers one dimension). */
  reshapeView(shape: Shape): Tensor {
    const s = inferShape('reshape', shape, this.size, this.shape);
    const st = this.storage;
    if (!st) throw new Error(`simdnet.reshape: tensor of shape ${fmtShape(this.shape)} was used after dispose()`);
    st.refs++;
    return new Tensor(st, s);
  }

  /** Frees the memory (once the last view is disposed). Safe to call twice. */
  dispose(): void {
    const st = this.storage;
    if (!st) return;
    this.storage = null;
    if (this._node?.saved) for (const t of this._node.saved) t.dispose();
    this._node = null;
    if (--st.refs === 0) getBackend().free(st.ptr);
    if (this.grad) {
      this.grad.dispose();
      this.grad = null;
    }
    untrack(this);
  }

  [disposeSymbol](): void {
    this.dispose();
  }

  /**
   * Back-propagates from this tensor: a scalar seeds with 1, otherwise pass dy of the same
   * shape. Gradients accumulate into `.grad` of every tensor with requiresGrad.
   */
  backward(dy?: Tensor): void {
    runBackward(this, dy);
  }

  /** A new leaf with the same values and no history. */
  detach(): Tensor {
    const t = empty(this.shape);
    E.copy(this.ptr, t.ptr, this.size);
    return t;
  }

  toString(): string {
    return `Tensor(${fmtShape(this.shape)})`;
  }
}

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function checkShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape))
    throw opError(op, `shape must be an array of integers, got ${String(shape)}`);
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0) throw opError(op, `shape ${fmtShape(shape)} must hold non-negative integers`);
}

// Resolves one -1 in a target shape and checks the element count.
export function inferShape(op: string, shape: Shape, size: number, from: Shape): number[] {
  const out = shape.slice();
  const free = out.indexOf(-1);
  if (free >= 0) {
    const rest = shapeSize(out.filter((_, i) => i !== free));
    if (rest === 0 || size % rest !== 0) throw opError(op, `cannot reshape ${fmtShape(from)} to ${fmtShape(shape)}`);
    out[free] = size / rest;
  }
  checkShape(op, out);
  if (shapeSize(out) !== size) throw opError(op, `cannot reshape ${fmtShape(from)} (${size} elements) to ${fmtShape(shape)}`);
  return out;
}

/** An uninitialised tensor (its values are whatever the memory held). */
export function empty(shape: Shape): Tensor {
  checkShape('empty', shape);
  const size = shapeSize(shape);
  const ptr = getBackend().alloc(size * 4);
  return new Tensor(new Storage(ptr, size), shape);
}

// ---- scopes: tidy() frees every tensor made inside it that is not returned or kept ----

const scopes: Set<Tensor>[] = [];

function track(t: Tensor): void {
  if (scopes.length) scopes[scopes.length - 1].add(t);
}

function untrack(t: Tensor): void {
  for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i].delete(t)) return;
}

/** Keeps a tensor alive past the end of the enclosing tidy(). */
export function keep<T extends Tensor>(t: T): T {
  untrack(t);
  return t;
}

/**
 * Runs fn and disposes every tensor created inside it, except those it returns (a tensor,
 * or tensors inside a returned array or plain object) and those passed to keep(). A
 * returned tensor moves to the enclosing scope.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw e;
  }
  if (result && typeof (result as { then?: unknown }).then === 'function')
    throw new Error('simdnet.tidy: fn must be synchronous (it returned a Promise); await outside tidy');
  scopes.pop();
  const returned = new Set<Tensor>();
  collect(result, returned, 0);
  for (const t of scope) if (!returned.has(t)) t.dispose();
  for (const t of returned) if (!t.isDisposed && scope.has(t)) track(t);
  return result;
}

function collect(x: unknown, out: Set<Tensor>, depth: number): void {
  if (depth > 4 || x === null || typeof x !== 'object') return;
  if (x instanceof Tensor) out.add(x);
  else if (Array.isArray(x)) for (const v of x) collect(v, out, depth + 1);
  else if (Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) collect(v, out, depth + 1);
}

/** Disposes a tensor or every tensor in an array or plain object. */
export function dispose(x: unknown): void {
  const s = new Set<Tensor>();
  collect(x, s, 0);
  for (const t of s) t.dispose();
}

/** Runs fn with the tensors it creates not tracked by any tidy() scope. */
export function untracked<T>(fn: () => T): T {
  const saved = scopes.splice(0, scopes.length);
  try {
    return fn();
  } finally {
    scopes.push(...saved);
  }
}
