// Reductions: the whole tensor, or the leading axis (rows of a [R, ...] tensor).
import { getBackend, opError, fmtShape, OP, f32Index } from '../backend/index';
import { Tensor, empty } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { checkTensor } from './check';

export interface ReduceOptions {
  /** Reduce only axis 0 (sum over the batch or rows); default: every element. */
  axis?: 0;
}

function reduce(op: 'sum' | 'mean', x: Tensor, options: ReduceOptions): Tensor {
  checkTensor(op, 'x', x);
  const k = getBackend().k;
  if (options.axis === undefined) {
    if (op === 'mean' && x.size === 0) throw opError('mean', `argument 'x' ${fmtShape(x.shape)} is empty`);
    const s = k.sum_f32(x.ptr, x.size);
    const out = empty([]);
    k.fill_f32(out.ptr, op === 'sum' ? s : s / x.size, 1);
    const scale = op === 'sum' ? 1 : 1 / x.size;
    return record(op, [x], out, (dy) => {
      const g = empty(x.shape);
      k.fill_f32(g.ptr, getBackend().f32()[f32Index(dy.ptr)] * scale, g.size);
      return [g];
    });
  }
  if (options.axis !== 0 || x.rank < 1) throw opError(op, `axis must be 0 or omitted for x ${fmtShape(x.shape)}, got ${String(options.axis)}`);
  const rows = x.shape[0];
  if (op === 'mean' && rows === 0) throw opError('mean', `argument 'x' ${fmtShape(x.shape)} has no rows`);
  const rest = x.shape.slice(1);
  const cols = x.size / Math.max(rows, 1);
  const out = empty(rest);
  k.sum_rows_f32(x.ptr, out.ptr, rows, cols);
  const scale = op === 'sum' ? 1 : 1 / rows;
  if (scale !== 1) k.binary_scalar_f32(OP.MUL, out.ptr, scale, out.ptr, out.size);
  return record(op, [x], out, (dy) => {
    const g = empty(x.shape);
    for (let r = 0; r < rows; r++) k.binary_scalar_f32(OP.MUL, dy.ptr, scale, g.ptr + r * cols * 4, cols);
    return [g];
  });
}

export const sum = (x: Tensor, options: ReduceOptions = {}): Tensor => reduce('sum', x, options);
export const mean = (x: Tensor, options: ReduceOptions = {}): Tensor => reduce('mean', x, options);
