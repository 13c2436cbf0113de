// Activations, forward and backward, each one kernel call per direction.
import { getBackend, OP, opError, fmtShape, f32Index } from '../backend/index';
import * as A from '../kernels/activation';
import * as E from '../kernels/elementwise';
import { Tensor, empty } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { checkTensor, checkNumber, checkOptions, describe } from './check';

type Fwd = (x: number, y: number, n: number, p: number, q: number) => void;
type Bwd = (s: number, dy: number, dx: number, n: number, p: number, q: number) => void;

// The backward of each op reads x or y, whichever its kernel is written against.
function unary(op: string, x: Tensor, fwd: Fwd, bwd: Bwd, from: 'x' | 'y', param = 0, param2 = 0): Tensor {
  checkTensor(op, 'x', x);
  const y = empty(x.shape);
  fwd(x.ptr, y.ptr, x.size, param, param2);
  return record(op, [x], y, (dy) => {
    const dx = empty(x.shape);
    bwd((from === 'x' ? x : y).ptr, dy.ptr, dx.ptr, x.size, param, param2);
    return [dx];
  });
}

/**
 * max(x, 0).
 *
 * @example
 * ```ts
 * console.log(sn.relu(sn.tensor([-1, 0, 2])).toArray()); // [0, 0, 2]
 * ```
 */
export const relu = (x: Tensor): Tensor =>
  unary('relu', x, (a, b, n) => A.reluFwd(a, b, n), (s, dy, dx, n) => A.reluBwd(s, dy, dx, n), 'y');

/**
 * x > 0 ? x : slope·x (default slope 0.01).
 *
 * @example
 * ```ts
 * console.log(sn.leakyRelu(sn.tensor([-10, 3]), 0.1).toArray()); // [-1, 3]
 * ```
 */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  checkNumber('leakyRelu', 'slope', slope);
  return unary('leakyRelu', x, (a, b, n, p) => A.leakyReluFwd(a, b, n, p), (s, dy, dx, n, p) => A.leakyReluBwd(s, dy, dx, n, p), 'x', slope);
}

/**
 * x > 0 ? x : alpha·(eˣ − 1) (default alpha 1).
 *
 * @example
 * ```ts
 * console.log(sn.elu(sn.tensor([-1, 2])).toArray()); // [-0.632…, 2]
 * ```
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkNumber('elu', 'alpha', alpha, { min: 0 });
  return unary('elu', x, (a, b, n, p) => A.eluFwd(a, b, n, p), (s, dy, dx, n, p) => A.eluBwd(s, dy, dx, n, p), 'y', alpha);
}

/**
 * 1 / (1 + e⁻ˣ).
 *
 * @example
 * ```ts
 * console.log(sn.sigmoid(sn.tensor([0])).toArray()); // [0.5]
 * ```
 */
export const sigmoid = (x: Tensor): Tensor =>
  unary('sigmoid', x, (a, b, n) => A.sigmoidFwd(a, b, n), (s, dy, dx, n) => A.sigmoidBwd(s, dy, dx, n), 'y');

/**
 * The hyperbolic tangent.
 *
 * @example
 * ```ts
 * console.log(sn.tanh(sn.tensor([0, 100])).toArray()); // [0, 1]
 * ```
 */
export const tanh = (x: Tensor): Tensor =>
  unary('tanh', x, (a, b, n) => A.tanhFwd(a, b, n), (s, dy, dx, n) => A.tanhBwd(s, dy, dx, n), 'y');

/**
 * log(1 + eˣ), without overflow.
 *
 * @example
 * ```ts
 * console.log(sn.softplus(sn.tensor([0])).toArray()); // [0.693…]
 * ```
 */
export const softplus = (x: Tensor): Tensor =>
  unary('softplus', x, (a, b, n) => A.softplusFwd(a, b, n), (s, dy, dx, n) => A.softplusBwd(s, dy, dx, n), 'x');

/**
 * eˣ.
 *
 * @example
 * ```ts
 * console.log(sn.exp(sn.tensor([0, 1])).toArray()); // [1, 2.718…]
 * ```
 */
export const exp = (x: Tensor): Tensor =>
  unary('exp', x, (a, b, n) => A.expFwd(a, b, n), (s, dy, dx, n) => E.binary(OP.MUL, s, dy, dx, n), 'y');

/**
 * sign(x); its gradient is the straight-through estimator: dy where |x| ≤ 1, else 0.
 *
 * @example
 * ```ts
 * console.log(sn.sign(sn.tensor([-3, 0, 2])).toArray()); // [-1, 0, 1]
 * ```
 */
export const sign = (x: Tensor): Tensor =>
  unary('sign', x, (a, b, n) => A.signFwd(a, b, n), (s, dy, dx, n) => A.signBwd(s, dy, dx, n), 'x');

/**
 * min(max(x, 0), 6) (MobileNet's ReLU6).
 *
 * @example
 * ```ts
 * console.log(sn.relu6(sn.tensor([-1, 3, 9])).toArray()); // [0, 3, 6]
 * ```
 */
export const relu6 = (x: Tensor): Tensor =>
  unary('relu6', x, (a, b, n) => A.relu6Fwd(a, b, n), (s, dy, dx, n) => A.relu6Bwd(s, dy, dx, n), 'x');

/**
 * clip(x, min, max) = min(max(x, min), max) (PyTorch's clamp; a missing bound is unbounded;
 * NaN stays NaN). The gradient passes where min ≤ x ≤ max.
 *
 * @example
 * ```ts
 * console.log(sn.clip(sn.tensor([-2, 0.5, 3]), 0, 1).toArray()); // [0, 0.5, 1]
 * console.log(sn.clip(sn.tensor([-2, 3]), null, 1).toArray());    // [-2, 1]: no lower bound
 * ```
 */
export function clip(x: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  for (const [name, v] of [['min', lo], ['max', hi]] as const)
    if (typeof v !== 'number' || Number.isNaN(v)) throw opError('clip', `argument '${name}' must be a number, null or undefined, got ${describe(v)}`);
  return unary('clip', x, (a, b, n, p, q) => A.clipFwd(a, b, n, p, q), (s, dy, dx, n, p, q) => A.clipBwd(s, dy, dx, n, p, q), 'x', lo, hi);
}

/**
 * clip(alpha·x + beta, 0, 1). Defaults are PyTorch's Hardsigmoid (1/6, 1/2); ONNX's
 * HardSigmoid uses alpha 0.2, beta 0.5.
 *
 * @example
 * ```ts
 * console.log(sn.hardSigmoid(sn.tensor([-3, 0, 3])).toArray()); // [0, 0.5, 1]
 * console.log(sn.hardSigmoid(sn.tensor([0]), { alpha: 0.2, beta: 0.5 }).toArray()); // [0.5] (ONNX's constants)
 * ```
 */
export function hardSigmoid(x: Tensor, options: { alpha?: number; beta?: number } = {}): Tensor {
  const o = checkOptions('hardSigmoid', options, ['alpha', 'beta']);
  const alpha = checkNumber('hardSigmoid', 'alpha', o.alpha ?? 1 / 6);
  const beta = checkNumber('hardSigmoid', 'beta', o.beta ?? 0.5);
  return unary('hardSigmoid', x, (a, b, n, p, q) => A.hardSigmoidFwd(a, b, n, p, q), (s, dy, dx, n, p, q) => A.hardSigmoidBwd(s, dy, dx, n, p, q), 'x', alpha, beta);
}

/**
 * x·relu6(x + 3)/6 (MobileNetV3).
 *
 * @example
 * ```ts
 * console.log(sn.hardSwish(sn.tensor([-4, 0, 4])).toArray()); // [-0, 0, 4]
 * ```
 */
export const hardSwish = (x: Tensor): Tensor =>
  unary('hardSwish', x, (a, b, n) => A.hardSwishFwd(a, b, n), (s, dy, dx, n) => A.hardSwishBwd(s, dy, dx, n), 'x');

/**
 * x·sigmoid(x) (swish).
 *
 * @example
 * ```ts
 * console.log(sn.silu(sn.tensor([0, 1])).toArray()); // [0, 0.731…]
 * ```
 */
export const silu = (x: Tensor): Tensor =>
  unary('silu', x, (a, b, n) => A.siluFwd(a, b, n), (s, dy, dx, n) => A.siluBwd(s, dy, dx, n), 'x');

/**
 * GELU: x·Φ(x) with the exact erf form (default), or PyTorch's approximate: 'tanh' form
 * x/2·(1 + tanh(√(2/π)(x + 0.044715x³))).
 *
 * @example
 * ```ts
 * const x = sn.tensor([-1, 0, 1]);
 * console.log(sn.gelu(x).toArray());                         // [-0.1587, 0, 0.8413]
 * console.log(sn.gelu(x, { approximate: 'tanh' }).toArray()); // [-0.1588, 0, 0.8412]
 * ```
 */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const o = checkOptions('gelu', options, ['approximate']);
  const form = o.approximate ?? 'none';
  if (form !== 'none' && form !== 'tanh') throw opError('gelu', `option 'approximate' must be 'none' or 'tanh', got ${describe(form)}`);
  return form === 'tanh'
    ? unary('gelu', x, (a, b, n) => A.geluTanhFwd(a, b, n), (s, dy, dx, n) => A.geluTanhBwd(s, dy, dx, n), 'x')
    : unary('gelu', x, (a, b, n) => A.geluFwd(a, b, n), (s, dy, dx, n) => A.geluBwd(s, dy, dx, n), 'x');
}

/**
 * log(sigmoid(x)), computed without overflow.
 *
 * @example
 * ```ts
 * console.log(sn.logSigmoid(sn.tensor([-100, 0])).toArray()); // [-100, -0.693…]
 * ```
 */
export const logSigmoid = (x: Tensor): Tensor =>
  unary('logSigmoid', x, (a, b, n) => A.logSigmoidFwd(a, b, n), (s, dy, dx, n) => A.logSigmoidBwd(s, dy, dx, n), 'x');

/**
 * √x (NaN below 0).
 *
 * @example
 * ```ts
 * console.log(sn.sqrt(sn.tensor([4, 9])).toArray()); // [2, 3]
 * ```
 */
export const sqrt = (x: Tensor): Tensor =>
  unary('sqrt', x, (a, b, n) => A.sqrtFwd(a, b, n), (s, dy, dx, n) => A.sqrtBwd(s, dy, dx, n), 'y');

/**
 * Natural logarithm (−inf at 0, NaN below).
 *
 * @example
 * ```ts
 * console.log(sn.log(sn.tensor([1, Math.E])).toArray()); // [0, 1]
 * ```
 */
export const log = (x: Tensor): Tensor =>
  unary('log', x, (a, b, n) => A.logFwd(a, b, n), (s, dy, dx, n) => A.logBwd(s, dy, dx, n), 'x');

/**
 * |x|; the gradient is sign(x), 0 at 0.
 *
 * @example
 * ```ts
 * console.log(sn.abs(sn.tensor([-2, 3])).toArray()); // [2, 3]
 * ```
 */
export const abs = (x: Tensor): Tensor =>
  unary('abs', x, (a, b, n) => A.absFwd(a, b, n), (s, dy, dx, n) => A.absBwd(s, dy, dx, n), 'x');

/**
 * PReLU: x > 0 ? x : slope·x with one learned slope per channel (the last axis, NHWC) or one
 * shared slope (shape [1]).
 *
 * @example
 * ```ts
 * const x = sn.tensor([-1, -1, 2, 2], [1, 1, 2, 2]); // NHWC, 2 channels
 * const slope = sn.tensor([0.1, 0.5]);             // one per channel
 * console.log(sn.prelu(x, slope).toArray()); // [[[[-0.1, -0.5], [2, 2]]]]
 * ```
 */
export function prelu(x: Tensor, slope: Tensor): Tensor {
  const op = 'prelu';
  checkTensor(op, 'x', x);
  checkTensor(op, 'slope', slope);
  const C = x.rank === 0 ? 1 : x.shape[x.rank - 1];
  if (slope.rank !== 1 || (slope.size !== C && slope.size !== 1))
    throw opError(op, `argument 'slope' must have shape [${C}] (the channels, last axis of x ${fmtShape(x.shape)}) or [1], got ${fmtShape(slope.shape)}`);
  // A shared slope is spread over the channels once, so the kernel always reads [C].
  let a = slope;
  if (slope.size !== C) {
    a = empty([C]);
    E.fillValue(a.ptr, getBackend().f32()[f32Index(slope.ptr)], C);
  }
  const rows = C === 0 ? 0 : x.size / C;
  const y = empty(x.shape);
  A.preluFwd(x.ptr, a.ptr, y.ptr, rows, C);
  return record(op, [x, slope], y, (dy) => {
    const dx = empty(x.shape);
    const t = empty(x.shape);
    A.preluBwd(x.ptr, a.ptr, dy.ptr, dx.ptr, t.ptr, rows, C);
    let ds: Tensor | null = null;
    if (slope.requiresGrad) {
      ds = empty(slope.shape);
      if (slope.size === 1) E.fillValue(ds.ptr, E.sum(t.ptr, t.size), 1);
      else E.sumRows(t.ptr, ds.ptr, rows, C);
    }
    t.dispose();
    if (!x.requiresGrad) {
      dx.dispose();
      return [null, ds];
    }
    return [dx, ds];
  }, a === slope ? undefined : [a]);
}

/** Masks dy in place where the fused-ReLU output y is not positive; returns dy. */
export function reluBackwardInPlace(dy: Tensor, y: Tensor): Tensor {
  A.reluBwd(y.ptr, dy.ptr, dy.ptr, dy.size);
  return dy;
}
