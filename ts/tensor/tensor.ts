// Tensor handles over blocks of linear memory. wasm memory is not garbage-collected, so a
// tensor is freed by dispose(), `using`, or the tidy() scope it was made in.
import { getBackend, opError, fmtShape, f32Index } from '../backend/index';
import * as E from '../kernels/elementwise';
import { runBackward, type GradNode } from './autograd';

/** A tensor's dimensions, outermost first (images are NHWC: [batch, height, width, channels]). */
export type Shape = readonly number[];

// One block of floats; views made by reshape share it and it is freed with the last one.
class Storage {
  refs = 1;
  /** Bumped by every in-place write (assign, an optimizer step): backward() compares it. */
  version = 0;
  constructor(
    readonly ptr: number,
    readonly size: number,
  ) {}
}

// Tensors this copy of the package made: a `{ shape, size, ptr }` object, a tensor of
// another copy (another module instance: its own memory) or Object.create(Tensor.prototype)
// is not one of them.
const made = new WeakSet<object>();
let liveTensors = 0;

const disposeSymbol: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');

/**
 * A float32 n-dimensional array in WebAssembly memory, with autograd. Make one with sn.tensor,
 * sn.zeros, sn.randn…; free it with dispose() or inside sn.tidy().
 *
 * @example
 * ```ts
 * const x = sn.tensor([1, 2, 3, 4], [2, 2], { requiresGrad: true });
 * const y = sn.sum(sn.mul(x, x));
 * y.backward();
 * console.log(x.shape, x.rank, x.size, x.grad?.toArray()); // [2, 2] 2 4 [[2, 4], [6, 8]]
 * ```
 */
export class Tensor {
  /** The dimensions, outermost first. */
  readonly shape: Shape;
  /** The number of elements (the product of the shape). */
  readonly size: number;
  /** Always 'float32'. */
  readonly dtype = 'float32' as const;
  /** Gradient accumulated by backward() for tensors that require it. */
  grad: Tensor | null = null;
  /** Whether backward() accumulates a gradient into `grad` (set by the `requiresGrad` option). */
  requiresGrad = false;
  /** @internal the op that produced this tensor, for backward() */
  _node: GradNode | null = null;
  private storage: Storage | null;

  /** @internal use tensor(), zeros(), … */
  constructor(storage: Storage, shape: Shape) {
    this.storage = storage;
    this.shape = Object.freeze(shape.slice());
    this.size = storage.size;
    made.add(this);
    liveTensors++;
    track(this);
    for (const log of creationLogs) log.push(this);
  }

  /** Byte offset of the data in linear memory; throws once the tensor is disposed. */
  get ptr(): number {
    if (!this.storage) throw new Error(`simdnet: tensor of shape ${fmtShape(this.shape)} was used after dispose()`);
    return this.storage.ptr;
  }

  // The pointer, or an Error naming `op` once the tensor is disposed.
  private livePtr(op: string): number {
    if (!this.storage) throw opError(op, `this tensor (shape ${fmtShape(this.shape)}) was used after dispose()`);
    return this.storage.ptr;
  }

  /** @internal how many in-place writes the values have had (shared by reshaped views) */
  get _version(): number {
    return this.storage?.version ?? -1;
  }

  /** @internal marks an in-place write of the values (assign, an optimizer step) */
  _bumpVersion(): void {
    if (this.storage) this.storage.version++;
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** True once dispose() freed the memory. */
  get isDisposed(): boolean {
    return this.storage === null;
  }

  /**
   * A copy of the values.
   *
   * @example
   * ```ts
   * const v = sn.tensor([1, 2, 3]).dataSync();
   * console.log(v instanceof Float32Array, v[2]); // true 3
   * ```
   */
  dataSync(): Float32Array {
    const p = f32Index(this.livePtr('dataSync'));
    return getBackend().f32().slice(p, p + this.size);
  }

  /**
   * A copy of the values, as a promise (the same as dataSync; for code written against TF.js).
   *
   * @example
   * ```ts
   * const v = await sn.tensor([1, 2]).data();
   * console.log(v); // Float32Array [1, 2]
   * ```
   */
  async data(): Promise<Float32Array> {
    return this.dataSync();
  }

  /**
   * The value of a one-element tensor.
   *
   * @example
   * ```ts
   * console.log(sn.sum(sn.tensor([1, 2, 3])).item()); // 6
   * ```
   */
  item(): number {
    const ptr = this.livePtr('item');
    if (this.size !== 1) throw opError('item', `tensor has ${this.size} elements (shape ${fmtShape(this.shape)}), item() needs exactly 1`);
    return getBackend().f32()[f32Index(ptr)];
  }

  /**
   * Nested arrays, for printing and tests.
   *
   * @example
   * ```ts
   * console.log(sn.tensor([1, 2, 3, 4], [2, 2]).toArray()); // [[1, 2], [3, 4]]
   * ```
   */
  toArray(): unknown {
    const d = this.dataSync();
    const build = (dim: number, off: number): unknown => {
      if (dim === this.shape.length) return d[off];
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, off + i * stride));
    };
    return build(0, 0);
  }

  /**
   * Overwrites the values from a flat array of the same size.
   *
   * @example
   * ```ts
   * const w = sn.zeros([2]);
   * w.assign([0.5, -0.5]);
   * console.log(w.toArray()); // [0.5, -0.5]
   * ```
   */
  assign(values: ArrayLike<number>): this {
    const ptr = this.livePtr('assign');
    checkValues('assign', 'values', values);
    if (values.length !== this.size)
      throw opError('assign', `values have ${values.length} elements, tensor ${fmtShape(this.shape)} has ${this.size}`);
    getBackend().f32().set(values, f32Index(ptr));
    this._bumpVersion();
    return this;
  }

  /**
   * A tensor sharing these values with another shape (no copy; -1 infers one dimension).
   *
   * @example
   * ```ts
   * const x = sn.tensor([1, 2, 3, 4]);
   * console.log(x.reshapeView([2, -1]).toArray()); // [[1, 2], [3, 4]]
   * ```
   */
  reshapeView(shape: Shape): Tensor {
    const s = inferShape('reshape', shape, this.size, this.shape);
    const st = this.storage;
    if (!st) throw new Error(`simdnet.reshape: tensor of shape ${fmtShape(this.shape)} was used after dispose()`);
    st.refs++;
    return new Tensor(st, s);
  }

  /**
   * Frees the memory (once the last view is disposed). Safe to call twice.
   *
   * @example
   * ```ts
   * const x = sn.zeros([1024, 1024]);
   * x.dispose();
   * console.log(x.isDisposed); // true
   * ```
   */
  dispose(): void {
    const st = this.storage;
    if (!st) return;
    this.storage = null;
    liveTensors--;
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
   *
   * @example
   * ```ts
   * const w = sn.tensor([2], [1], { requiresGrad: true });
   * sn.mul(w, w).backward(sn.tensor([1]));  // a non-scalar output takes its gradient dy
   * console.log(w.grad?.item()); // 4
   * ```
   */
  backward(dy?: Tensor): void {
    runBackward(this, dy);
  }

  /**
   * A new leaf with the same values and no history.
   *
   * @example
   * ```ts
   * const x = sn.tensor([1], [1], { requiresGrad: true });
   * const y = sn.mul(x, 3).detach();
   * console.log(y.requiresGrad); // false: backward stops here
   * ```
   */
  detach(): Tensor {
    const ptr = this.livePtr('detach');
    const t = empty(this.shape);
    E.copy(ptr, t.ptr, this.size);
    return t;
  }

  /**
   * `Tensor([2, 3])`: the shape, for printing.
   *
   * @example
   * ```ts
   * console.log(String(sn.zeros([2, 3]))); // Tensor([2, 3])
   * ```
   */
  toString(): string {
    return `Tensor(${fmtShape(this.shape)})`;
  }
}

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Largest dimension: kernels take sizes as 32-bit signed integers. */
const MAX_DIM = 2 ** 31 - 1;
/** Largest tensor: 4 GiB of linear memory holds at most 2^30 floats. */
const MAX_SIZE = 2 ** 30;

export function checkShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape))
    throw opError(op, `argument 'shape' must be an array of integers, got ${String(shape)}`);
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0) throw opError(op, `argument 'shape' ${fmtShape(shape)} must hold non-negative integers`);
  for (const d of shape)
    if (d > MAX_DIM) throw opError(op, `argument 'shape' ${fmtShape(shape)} has a dimension of 2^31 or more (sizes are 32-bit)`);
  if (shapeSize(shape) > MAX_SIZE)
    throw opError(op, `out of memory: argument 'shape' ${fmtShape(shape)} has ${shapeSize(shape)} elements, more than 4 GiB of linear memory holds (2^30 floats)`);
}

/** Values to store: an array or typed array of numbers (NaN and ±Infinity are numbers). */
export function checkValues(op: string, arg: string, values: unknown): void {
  if (values === null || typeof values !== 'object' || typeof (values as ArrayLike<number>).length !== 'number')
    throw opError(op, `argument '${arg}' must be an array or typed array of numbers, got ${values === null ? 'null' : typeof values}`);
  if (ArrayBuffer.isView(values)) return;
  const a = values as ArrayLike<unknown>;
  for (let i = 0; i < a.length; i++)
    if (typeof a[i] !== 'number') throw opError(op, `argument '${arg}'[${i}] must be a number, got ${typeof a[i]} ${String(a[i])}`);
}

/**
 * x as a live Tensor of this copy of the package, or an Error naming op and argument: a
 * tensor from another copy (each has its own memory), an object shaped like a tensor, or
 * a disposed tensor would read or write the wrong memory.
 */
export function checkTensorArg(op: string, arg: string, x: unknown): Tensor {
  if (!made.has(x as object)) {
    const ctor = x !== null && typeof x === 'object' ? (x as object).constructor?.name : undefined;
    const o = x as { dataSync?: unknown; shape?: unknown };
    if (x !== null && typeof x === 'object' && !(x instanceof Tensor) && typeof o.dataSync === 'function' && Array.isArray(o.shape))
      throw opError(op, `argument '${arg}' is a Tensor from another copy of simdnet (two bundles each carrying the package?); a tensor lives in its own copy's memory: make it with this copy's functions`);
    throw opError(op, `argument '${arg}' must be a Tensor, got ${x instanceof Tensor ? 'an object with the Tensor prototype that simdnet did not make' : x === null ? 'null' : Array.isArray(x) ? `array(${x.length})` : typeof x === 'object' ? (ctor ?? 'object') : `${typeof x} ${String(x)}`}`);
  }
  const t = x as Tensor;
  if (t.isDisposed) throw opError(op, `argument '${arg}' (shape ${fmtShape(t.shape)}) was used after dispose()`);
  return t;
}

// Resolves one -1 in a target shape and checks the element count.
export function inferShape(op: string, shape: Shape, size: number, from: Shape): number[] {
  if (!Array.isArray(shape)) throw opError(op, `argument 'shape' must be an array of integers, got ${shape === null ? 'null' : typeof shape}`);
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

/**
 * An uninitialised tensor (its values are whatever the memory held).
 *
 * @example
 * ```ts
 * const scratch = sn.empty([4]); // values undefined until written
 * scratch.assign([1, 2, 3, 4]);
 * ```
 */
export function empty(shape: Shape, op = 'empty'): Tensor {
  checkShape(op, shape);
  const size = shapeSize(shape);
  let ptr: number;
  try {
    ptr = getBackend().alloc(size * 4);
  } catch (e) {
    const m = /out of memory: (.*)$/.exec((e as Error).message);
    if (!m) throw e;
    throw opError(op, `out of memory for ${fmtShape(shape)}: ${m[1]}. ${liveTensors} tensors are alive: dispose() those you no longer need, or run each step inside tidy() (sn.memory() shows the count)`);
  }
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

/**
 * Keeps a tensor alive past the end of the enclosing tidy().
 *
 * @example
 * ```ts
 * const cache: sn.Tensor[] = [];
 * sn.tidy(() => {
 *   cache.push(sn.keep(sn.ones([2])));
 *   sn.zeros([1000]); // freed when tidy returns
 * });
 * console.log(cache[0].isDisposed); // false
 * ```
 */
export function keep<T extends Tensor>(t: T): T {
  untrack(t);
  return t;
}

/**
 * Runs fn and disposes every tensor created inside it, except those it returns (a tensor,
 * or tensors inside a returned array or plain object) and those passed to keep(). A
 * returned tensor moves to the enclosing scope.
 *
 * @example
 * ```ts
 * const x = sn.randn([4, 3], { seed: 1 });
 * const y = sn.tidy(() => sn.relu(sn.add(sn.mul(x, 2), 1))); // the intermediates are freed
 * console.log(y.shape); // [4, 3]
 * ```
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw opError('tidy', `argument 'fn' must be a function, got ${fn === null ? 'null' : typeof fn}`);
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
  scopes.pop();
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    // What fn made before its first await is freed; what it makes later belongs to the
    // enclosing scope (the scope is closed either way).
    for (const t of scope) t.dispose();
    throw opError('tidy', 'fn must be synchronous (it returned a Promise): await outside tidy(), and tidy() each synchronous step');
  }
  const returned = new Set<Tensor>();
  collect(result, returned, 0);
  for (const t of scope) if (!returned.has(t)) t.dispose();
  for (const t of returned) if (!t.isDisposed && scope.has(t)) track(t);
  return result;
}

function collect(x: unknown, out: Set<Tensor>, depth: number): void {
  if (depth > 4 || x === null || typeof x !== 'object') return;
  if (x instanceof Tensor) {
    if (made.has(x)) out.add(x);
  } else if (Array.isArray(x)) for (const v of x) collect(v, out, depth + 1);
  else if (Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) collect(v, out, depth + 1);
}

/**
 * Disposes a tensor or every tensor in an array or plain object.
 *
 * @example
 * ```ts
 * const grads = { w: sn.zeros([3]), b: [sn.zeros([1])] };
 * sn.dispose(grads);
 * console.log(grads.w.isDisposed, grads.b[0].isDisposed); // true true
 * ```
 */
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

// ---- creation logs: what a constructor made, freed if it throws part-way ----

const creationLogs: Tensor[][] = [];

/**
 * Runs fn; if it throws, disposes every tensor created while it ran (kept or not), so a
 * model builder or layer that fails part-way leaves no parameters behind.
 */
export function disposeOnThrow<T>(fn: () => T): T {
  const log: Tensor[] = [];
  creationLogs.push(log);
  try {
    return fn();
  } catch (e) {
    for (const t of log) t.dispose();
    throw e;
  } finally {
    creationLogs.splice(creationLogs.lastIndexOf(log), 1);
  }
}

/** What memory() reports. */
export interface MemoryInfo {
  /** Tensors not yet disposed (each reshaped view counts). */
  tensors: number;
  /** Bytes in live blocks: tensors, optimizer state, kernels' scratch. */
  bytesInUse: number;
  /** Of which the kernels' reusable scratch blocks. */
  scratchBytes: number;
  /** The highest bytesInUse so far. */
  peakBytes: number;
  /** Size of linear memory now (it grows, never shrinks). */
  linearMemoryBytes: number;
  /** What linear memory may grow to (init's maxMemoryMB). */
  maxBytes: number;
}

/**
 * Where memory goes: live tensors, bytes in use, linear memory size, peak.
 *
 * @example
 * ```ts
 * const before = sn.memory().tensors;
 * const x = sn.zeros([256, 256]);
 * console.log(sn.memory().tensors - before, sn.memory().bytesInUse >= 256 * 256 * 4); // 1 true
 * x.dispose();
 * ```
 */
export function memory(): MemoryInfo {
  const b = getBackend();
  const s = b.stats();
  return {
    tensors: liveTensors,
    bytesInUse: s.inUse,
    scratchBytes: b.scratchBytes(),
    peakBytes: s.peak,
    linearMemoryBytes: s.capacity,
    maxBytes: b.maxPages * 65536,
  };
}
