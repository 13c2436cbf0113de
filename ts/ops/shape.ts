// Shape changes that share memory with their input.
import { getBackend, opError, fmtShape } from '../backend/index';
import { Tensor, inferShape, empty } from '../tensor/tensor';
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

/** Joins tensors along the last axis (channels in NHWC); the other dimensions must match. */
export function concat(xs: Tensor[], axis = -1): Tensor {
  const op = 'concat';
  if (!Array.isArray(xs) || xs.length === 0) throw opError(op, `argument 'xs' must be a non-empty array of tensors`);
  xs.forEach((x, i) => checkTensor(op, `xs[${i}]`, x));
  const rank = xs[0].rank;
  if (axis !== -1 && axis !== rank - 1) throw opError(op, `only the last axis is supported (axis -1 or ${rank - 1}), got ${axis}`);
  const lead = xs[0].shape.slice(0, -1);
  for (const [i, x] of xs.entries())
    if (x.rank !== rank || x.shape.slice(0, -1).some((d, j) => d !== lead[j]))
      throw opError(op, `xs[${i}] has shape ${fmtShape(x.shape)}; every input must match ${fmtShape(xs[0].shape)} except in the last axis`);
  const widths = xs.map((x) => x.shape[rank - 1]);
  const total = widths.reduce((a, b) => a + b, 0);
  const rows = lead.reduce((a, b) => a * b, 1);
  const k = getBackend().k;
  const out = empty([...lead, total]);
  let off = 0;
  for (const [i, x] of xs.entries()) {
    k.copy_rows_f32(x.ptr, widths[i], out.ptr + off * 4, total, rows, widths[i]);
    off += widths[i];
  }
  return record(op, xs, out, (dy) => {
    let o = 0;
    return xs.map((x, i) => {
      const start = o;
      o += widths[i];
      if (!x.requiresGrad) return null;
      const dx = empty(x.shape);
      k.copy_rows_f32(dy.ptr + start * 4, total, dx.ptr, widths[i], rows, widths[i]);
      return dx;
    });
  });
}
