// Shape changes that share memory with their input.
import { Tensor, inferShape } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { checkTensor } from './check';

/** Same values, another shape (-1 infers one dimension). No copy. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', 'x', x);
  const out = x.reshapeView(inferShape('reshape', shape, x.size, x.shape));
  return record('reshape', [x], out, (dy) => [dy.reshapeView(x.shape)]);
}

/** [N, ...] → [N, rest]: what sits between convolutions and dense layers. */
export function flatten(x: Tensor): Tensor {
  checkTensor('flatten', 'x', x);
  return reshape(x, [x.shape[0] ?? 1, -1]);
}
