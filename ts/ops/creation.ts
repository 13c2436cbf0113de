// Making tensors: from data, constants and seeded random values.
import { getBackend, opError, fmtShape, f32Index } from '../backend/index';
import * as E from '../kernels/elementwise';
import { Tensor, empty, shapeSize, checkShape, checkValues, type Shape } from '../tensor/tensor';
import { checkNumber, optionsOf } from './check';
import { rng, Rng } from '../tensor/rng';

/** Options shared by the tensor constructors. */
export interface CreateOptions {
  /** Make the tensor a leaf that backward() accumulates a gradient into (default false). */
  requiresGrad?: boolean;
}

function finish(t: Tensor, opts?: CreateOptions): Tensor {
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * A tensor holding a copy of `data` (length must equal the product of `shape`).
 *
 * @example
 * ```ts
 * const x = sn.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
 * console.log(x.shape, x.toArray()); // [2, 3] [[1, 2, 3], [4, 5, 6]]
 * ```
 */
export function tensor(data: ArrayLike<number>, shape?: Shape, opts?: CreateOptions): Tensor {
  return tensorOf('tensor', data, shape, opts);
}

function tensorOf(op: string, data: ArrayLike<number>, shape: Shape | undefined, opts: CreateOptions | undefined): Tensor {
  checkValues(op, 'data', data);
  const s = shape ?? [data.length];
  checkShape(op, s);
  if (shapeSize(s) !== data.length)
    throw opError(op, `data has ${data.length} elements but shape ${fmtShape(s)} needs ${shapeSize(s)}`);
  const t = empty(s, op);
  getBackend().f32().set(data, f32Index(t.ptr));
  return finish(t, opts);
}

/**
 * A one-element tensor of rank 0.
 *
 * @example
 * ```ts
 * const s = sn.scalar(2.5);
 * console.log(s.rank, s.item()); // 0 2.5
 * ```
 */
export function scalar(v: number, opts?: CreateOptions): Tensor {
  if (typeof v !== 'number') throw opError('scalar', `argument 'v' must be a number, got ${typeof v} ${String(v)}`);
  return tensorOf('scalar', [v], [], opts);
}

function filled(op: string, shape: Shape, value: number, opts?: CreateOptions): Tensor {
  if (typeof value !== 'number') throw opError(op, `argument 'value' must be a number, got ${typeof value} ${String(value)}`);
  const t = empty(shape, op);
  E.fillValue(t.ptr, value, t.size);
  return finish(t, opts);
}

/**
 * A tensor of the given shape with every element `value`.
 *
 * @example
 * ```ts
 * console.log(sn.full([2, 2], 7).toArray()); // [[7, 7], [7, 7]]
 * ```
 */
export function full(shape: Shape, value: number, opts?: CreateOptions): Tensor {
  return filled('full', shape, value, opts);
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * const bias = sn.zeros([10], { requiresGrad: true });
 * console.log(bias.size); // 10
 * ```
 */
export function zeros(shape: Shape, opts?: CreateOptions): Tensor {
  return filled('zeros', shape, 0, opts);
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * console.log(sn.ones([2, 3]).toArray()); // [[1, 1, 1], [1, 1, 1]]
 * ```
 */
export function ones(shape: Shape, opts?: CreateOptions): Tensor {
  return filled('ones', shape, 1, opts);
}

/** Options of the random constructors. */
export interface RandomOptions extends CreateOptions {
  /** Seed for this call only; without it the global generator (sn.seed) is used. */
  seed?: number;
}

function fillRandom(op: string, shape: Shape, opts: RandomOptions | undefined, draw: (r: Rng) => number): Tensor {
  const r = opts?.seed !== undefined ? new Rng(checkNumber(op, 'seed', opts.seed, { integer: true })) : rng();
  const t = empty(shape, op);
  const vals = new Float32Array(t.size);
  for (let i = 0; i < vals.length; i++) vals[i] = draw(r);
  getBackend().f32().set(vals, f32Index(t.ptr));
  return finish(t, opts);
}

/**
 * Uniform in [low, high) (default [0, 1)).
 *
 * @example
 * ```ts
 * const u = sn.rand([2, 3], { low: -1, high: 1, seed: 7 }); // the same values on every run
 * console.log(u.shape); // [2, 3]
 * ```
 */
export function rand(shape: Shape, opts?: RandomOptions & { low?: number; high?: number }): Tensor {
  const o = optionsOf('rand', opts);
  const low = checkNumber('rand', 'low', o.low ?? 0);
  const high = checkNumber('rand', 'high', o.high ?? 1);
  if (low > high) throw opError('rand', `argument 'low' (${low}) must be <= 'high' (${high})`);
  return fillRandom('rand', shape, o, (r) => low + (high - low) * r.next());
}

/**
 * Normal with the given mean and standard deviation (default 0 and 1).
 *
 * @example
 * ```ts
 * const x = sn.randn([16, 28, 28, 1], { seed: 1 }); // NHWC: 16 grayscale 28×28 images
 * console.log(x.shape); // [16, 28, 28, 1]
 * ```
 */
export function randn(shape: Shape, opts?: RandomOptions & { mean?: number; std?: number }): Tensor {
  const o = optionsOf('randn', opts);
  const mean = checkNumber('randn', 'mean', o.mean ?? 0);
  const std = checkNumber('randn', 'std', o.std ?? 1, { min: 0 });
  return fillRandom('randn', shape, o, (r) => mean + std * r.normal());
}
