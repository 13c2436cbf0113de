// Making tensors: from data, constants and seeded random values.
import { getBackend, opError, fmtShape, f32Index } from '../backend/index';
import * as E from '../kernels/elementwise';
import { Tensor, empty, shapeSize, checkShape, checkValues, type Shape } from '../tensor/tensor';
import { checkNumber, optionsOf } from './check';
import { rng, Rng } from '../tensor/rng';

export interface CreateOptions {
  requiresGrad?: boolean;
}

function finish(t: Tensor, opts?: CreateOptions): Tensor {
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

/** A tensor holding a copy of `data` (length must equal the product of `shape`). */
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

/** A one-element tensor of rank 0. */
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

export function full(shape: Shape, value: number, opts?: CreateOptions): Tensor {
  return filled('full', shape, value, opts);
}

export function zeros(shape: Shape, opts?: CreateOptions): Tensor {
  return filled('zeros', shape, 0, opts);
}

export function ones(shape: Shape, opts?: CreateOptions): Tensor {
  return filled('ones', shape, 1, opts);
}

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

/** Uniform in [low, high) (default [0, 1)). */
export function rand(shape: Shape, opts?: RandomOptions & { low?: number; high?: number }): Tensor {
  const o = optionsOf('rand', opts);
  const low = checkNumber('rand', 'low', o.low ?? 0);
  const high = checkNumber('rand', 'high', o.high ?? 1);
  if (low > high) throw opError('rand', `argument 'low' (${low}) must be <= 'high' (${high})`);
  return fillRandom('rand', shape, o, (r) => low + (high - low) * r.next());
}

/** Normal with the given mean and standard deviation (default 0 and 1). */
export function randn(shape: Shape, opts?: RandomOptions & { mean?: number; std?: number }): Tensor {
  const o = optionsOf('randn', opts);
  const mean = checkNumber('randn', 'mean', o.mean ?? 0);
  const std = checkNumber('randn', 'std', o.std ?? 1, { min: 0 });
  return fillRandom('randn', shape, o, (r) => mean + std * r.normal());
}
