// Making tensors: from data, constants and seeded random values.
import { getBackend, opError, fmtShape, f32Index } from '../backend/index';
import * as E from '../kernels/elementwise';
import { Tensor, empty, shapeSize, type Shape } from '../tensor/tensor';
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
  if (data === null || typeof data !== 'object' || typeof (data as ArrayLike<number>).length !== 'number')
    throw opError('tensor', `argument 'data' must be an array or typed array of numbers`);
  const s = shape ?? [data.length];
  if (!Array.isArray(s)) throw opError('tensor', `argument 'shape' must be an array of integers`);
  for (const d of s) if (!Number.isInteger(d) || d < 0) throw opError('tensor', `shape ${fmtShape(s)} must hold non-negative integers`);
  if (shapeSize(s) !== data.length)
    throw opError('tensor', `data has ${data.length} elements but shape ${fmtShape(s)} needs ${shapeSize(s)}`);
  const t = empty(s);
  getBackend().f32().set(data, f32Index(t.ptr));
  return finish(t, opts);
}

/** A one-element tensor of rank 0. */
export function scalar(v: number, opts?: CreateOptions): Tensor {
  return tensor([v], [], opts);
}

export function full(shape: Shape, value: number, opts?: CreateOptions): Tensor {
  const t = empty(shape);
  E.fillValue(t.ptr, value, t.size);
  return finish(t, opts);
}

export function zeros(shape: Shape, opts?: CreateOptions): Tensor {
  return full(shape, 0, opts);
}

export function ones(shape: Shape, opts?: CreateOptions): Tensor {
  return full(shape, 1, opts);
}

export interface RandomOptions extends CreateOptions {
  /** Seed for this call only; without it the global generator (sn.seed) is used. */
  seed?: number;
}

function fillRandom(shape: Shape, opts: RandomOptions | undefined, draw: (r: Rng) => number): Tensor {
  const t = empty(shape);
  const r = opts?.seed !== undefined ? new Rng(opts.seed) : rng();
  const vals = new Float32Array(t.size);
  for (let i = 0; i < vals.length; i++) vals[i] = draw(r);
  getBackend().f32().set(vals, f32Index(t.ptr));
  return finish(t, opts);
}

/** Uniform in [low, high) (default [0, 1)). */
export function rand(shape: Shape, opts?: RandomOptions & { low?: number; high?: number }): Tensor {
  const low = opts?.low ?? 0;
  const high = opts?.high ?? 1;
  return fillRandom(shape, opts, (r) => low + (high - low) * r.next());
}

/** Normal with the given mean and standard deviation (default 0 and 1). */
export function randn(shape: Shape, opts?: RandomOptions & { mean?: number; std?: number }): Tensor {
  const mean = opts?.mean ?? 0;
  const std = opts?.std ?? 1;
  return fillRandom(shape, opts, (r) => mean + std * r.normal());
}
