// Activations, forward and backward, each one kernel call per direction.
import { getBackend, OP, type Kernels } from '../backend/index';
import { Tensor, empty } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { checkTensor, checkNumber } from './check';

type Fwd = (k: Kernels, x: number, y: number, n: number, p: number) => void;
type Bwd = (k: Kernels, s: number, dy: number, dx: number, n: number, p: number) => void;

// The backward of each op reads x or y, whichever its kernel is written against.
function unary(op: string, x: Tensor, fwd: Fwd, bwd: Bwd, from: 'x' | 'y', param = 0): Tensor {
  checkTensor(op, 'x', x);
  const k = getBackend().k;
  const y = empty(x.shape);
  fwd(k, x.ptr, y.ptr, x.size, param);
  return record(op, [x], y, (dy) => {
    const dx = empty(x.shape);
    bwd(k, (from === 'x' ? x : y).ptr, dy.ptr, dx.ptr, x.size, param);
    return [dx];
  });
}

export const relu = (x: Tensor): Tensor =>
  unary('relu', x, (k, a, b, n) => k.relu_f32(a, b, n), (k, s, dy, dx, n) => k.relu_bwd_f32(s, dy, dx, n), 'y');

export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  checkNumber('leakyRelu', 'slope', slope);
  return unary('leakyRelu', x, (k, a, b, n, p) => k.leaky_relu_f32(a, b, n, p), (k, s, dy, dx, n, p) => k.leaky_relu_bwd_f32(s, dy, dx, n, p), 'x', slope);
}

export function elu(x: Tensor, alpha = 1): Tensor {
  checkNumber('elu', 'alpha', alpha, { min: 0 });
  return unary('elu', x, (k, a, b, n, p) => k.elu_f32(a, b, n, p), (k, s, dy, dx, n, p) => k.elu_bwd_f32(s, dy, dx, n, p), 'y', alpha);
}

export const sigmoid = (x: Tensor): Tensor =>
  unary('sigmoid', x, (k, a, b, n) => k.sigmoid_f32(a, b, n), (k, s, dy, dx, n) => k.sigmoid_bwd_f32(s, dy, dx, n), 'y');

export const tanh = (x: Tensor): Tensor =>
  unary('tanh', x, (k, a, b, n) => k.tanh_f32(a, b, n), (k, s, dy, dx, n) => k.tanh_bwd_f32(s, dy, dx, n), 'y');

export const softplus = (x: Tensor): Tensor =>
  unary('softplus', x, (k, a, b, n) => k.softplus_f32(a, b, n), (k, s, dy, dx, n) => k.softplus_bwd_f32(s, dy, dx, n), 'x');

export const exp = (x: Tensor): Tensor =>
  unary('exp', x, (k, a, b, n) => k.exp_f32(a, b, n), (k, s, dy, dx, n) => k.binary_f32(OP.MUL, s, dy, dx, n), 'y');

/** sign(x); its gradient is the straight-through estimator: dy where |x| ≤ 1, else 0. */
export const sign = (x: Tensor): Tensor =>
  unary('sign', x, (k, a, b, n) => k.sign_f32(a, b, n), (k, s, dy, dx, n) => k.sign_bwd_f32(s, dy, dx, n), 'x');

/** Masks dy in place where the fused-ReLU output y is not positive; returns dy. */
export function reluBackwardInPlace(dy: Tensor, y: Tensor): Tensor {
  getBackend().k.relu_bwd_f32(y.ptr, dy.ptr, dy.ptr, dy.size);
  return dy;
}
