// Reductions over any list of axes with numpy/PyTorch semantics (negative axes count from the
// end, keepDims keeps the reduced axes as 1), argmax/argmin and topk. Each run of adjacent
// reduced axes is one kernel call on an [outer, R, inner] view (assembly/reduce.ts), the last
// run first so the earlier runs' views stay valid; gradients broadcast back the same way.
import { opError, fmtShape, OP } from '../backend/index';
import * as A from '../kernels/activation';
import * as E from '../kernels/elementwise';
import * as Rd from '../kernels/reduce';
import { Tensor, empty } from '../tensor/tensor';
import { record, needsGrad } from '../tensor/autograd';
import { checkTensor, checkNumber, checkOptions, describe } from './check';
import { normAxis } from './strided';

/** Options of the reductions (sum, mean, max, min, logSumExp). */
export interface ReduceOptions {
  /** An axis or a list of axes (negative from the end); default: every axis. */
  axis?: number | readonly number[] | null;
  /** Keep the reduced axes as size 1 (default false). */
  keepDims?: boolean;
}

const CODE = { sum: 0, max: 1, min: 2, logSumExp: 3 } as const;
type Kind = 'sum' | 'mean' | 'max' | 'min' | 'logSumExp';

const prod = (s: readonly number[], from = 0, to = s.length): number => {
  let p = 1;
  for (let i = from; i < to; i++) p *= s[i];
  return p;
};

// What a reduction does to x's shape: the reduced runs [start, end), the shape with reduced
// axes kept as 1, and the output shape.
interface Plan {
  runs: [number, number][];
  kept: number[];
  out: number[];
  count: number; // elements reduced into each output
}

function plan(op: string, x: Tensor, options: ReduceOptions | null | undefined): Plan {
  const o = checkOptions(op, options, ['axis', 'keepDims']);
  const rank = x.rank;
  const reduced = new Array<boolean>(rank).fill(o.axis == null);
  if (o.axis != null) {
    const list = typeof o.axis === 'number' ? [o.axis] : o.axis;
    if (!Array.isArray(list) || list.length === 0)
      throw opError(op, `argument 'axis' must be an axis or a non-empty array of axes, got ${JSON.stringify(o.axis)}`);
    for (const a of list) {
      const i = normAxis(op, a, rank, 'axis', x.shape);
      if (reduced[i]) throw opError(op, `argument 'axis' ${JSON.stringify(o.axis)} names axis ${i} twice`);
      reduced[i] = true;
    }
  }
  if (o.keepDims !== undefined && typeof o.keepDims !== 'boolean')
    throw opError(op, `argument 'keepDims' must be a boolean, got ${describe(o.keepDims)}`);
  const runs: [number, number][] = [];
  for (let i = 0; i < rank; i++) {
    if (!reduced[i]) continue;
    if (runs.length && runs[runs.length - 1][1] === i) runs[runs.length - 1][1] = i + 1;
    else runs.push([i, i + 1]);
  }
  const kept = x.shape.map((d, i) => (reduced[i] ? 1 : d));
  const out = o.keepDims ? kept : x.shape.filter((_, i) => !reduced[i]);
  return { runs, kept, out, count: prod(x.shape.filter((_, i) => reduced[i])) };
}

// x reduced over every run (kernel op `code`) into a new tensor of the kept shape.
function reduceRuns(code: number, x: Tensor, p: Plan): Tensor {
  const cur = x.shape.slice();
  let t = x;
  for (let j = p.runs.length - 1; j >= 0; j--) {
    const [s, e] = p.runs[j];
    const R = prod(cur, s, e);
    cur.fill(1, s, e);
    const next = empty(cur);
    if (R === 0) E.fillValue(next.ptr, code === CODE.logSumExp ? -Infinity : 0, next.size);
    else Rd.reduceAxis(code, t.ptr, next.ptr, prod(cur, 0, s), R, prod(cur, e));
    if (t !== x) t.dispose();
    t = next;
  }
  if (t === x) {
    // nothing to reduce (a scalar): a copy
    t = empty(p.kept);
    E.copy(x.ptr, t.ptr, x.size);
  }
  return t;
}

// The data at ptr, laid out in the kept shape, broadcast back to `shape` over the runs.
function expandRuns(ptr: number, p: Plan, shape: readonly number[]): Tensor {
  const cur = p.kept.slice();
  let t: Tensor | null = null;
  for (const [s, e] of p.runs) {
    const outer = prod(cur, 0, s);
    const inner = prod(cur, e);
    for (let i = s; i < e; i++) cur[i] = shape[i];
    const next = empty(cur);
    Rd.broadcastAxis(t ? t.ptr : ptr, next.ptr, outer, prod(cur, s, e), inner);
    t?.dispose();
    t = next;
  }
  if (!t) {
    t = empty(shape);
    E.copy(ptr, t.ptr, t.size);
  }
  return t;
}

function reduce(kind: Kind, x: Tensor, options: ReduceOptions | null | undefined): Tensor {
  checkTensor(kind, 'x', x);
  const p = plan(kind, x, options);
  if ((kind === 'max' || kind === 'min') && p.count === 0)
    throw opError(kind, `cannot take the ${kind} over an empty axis of x ${fmtShape(x.shape)} (it has no identity)`);
  const t = reduceRuns(CODE[kind === 'mean' ? 'sum' : kind], x, p);
  // PyTorch's mean over nothing is NaN (0 · 1/0).
  if (kind === 'mean') E.binaryScalar(OP.MUL, t.ptr, 1 / p.count, t.ptr, t.size);
  const y = t.reshapeView(p.out);
  t.dispose();
  return record(kind, [x], y, (dy) => {
    if (kind === 'sum' || kind === 'mean') {
      const dx = expandRuns(dy.ptr, p, x.shape);
      if (kind === 'mean') E.binaryScalar(OP.MUL, dx.ptr, 1 / p.count, dx.ptr, dx.size);
      return [dx];
    }
    const yb = expandRuns(y.ptr, p, x.shape);
    const dx = empty(x.shape);
    if (kind === 'logSumExp') {
      // dx = dy · e^(x − y)
      const dyb = expandRuns(dy.ptr, p, x.shape);
      E.binary(OP.SUB, x.ptr, yb.ptr, dx.ptr, dx.size);
      A.expFwd(dx.ptr, dx.ptr, dx.size);
      E.binary(OP.MUL, dx.ptr, dyb.ptr, dx.ptr, dx.size);
      dyb.dispose();
    } else {
      // Ties share the gradient evenly (PyTorch's amax/amin): dy / count to every winner.
      Rd.selectEq(x.ptr, yb.ptr, 0, dx.ptr, dx.size);
      const count = reduceRuns(CODE.sum, dx, p);
      E.binary(OP.DIV, dy.ptr, count.ptr, count.ptr, count.size);
      const gb = expandRuns(count.ptr, p, x.shape);
      Rd.selectEq(x.ptr, yb.ptr, gb.ptr, dx.ptr, dx.size);
      count.dispose();
      gb.dispose();
    }
    yb.dispose();
    return [dx];
  });
}

/**
 * Σ over the axes (default all); keepDims keeps them as size 1.
 *
 * @example
 * ```ts
 * const x = sn.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
 * console.log(sn.sum(x).item());                               // 21
 * console.log(sn.sum(x, { axis: 1 }).toArray());               // [6, 15]
 * console.log(sn.sum(x, { axis: 0, keepDims: true }).shape);   // [1, 3]
 * ```
 */
export const sum = (x: Tensor, options?: ReduceOptions | null): Tensor => reduce('sum', x, options);
/**
 * The mean over the axes (NaN over zero elements, as PyTorch).
 *
 * @example
 * ```ts
 * const images = sn.rand([8, 4, 4, 3], { seed: 1 }); // NHWC
 * console.log(sn.mean(images, { axis: [0, 1, 2] }).shape); // [3]: the per-channel means
 * ```
 */
export const mean = (x: Tensor, options?: ReduceOptions | null): Tensor => reduce('mean', x, options);
/**
 * The maximum over the axes (NaN if any is NaN); ties share the gradient, as torch.amax.
 *
 * @example
 * ```ts
 * console.log(sn.max(sn.tensor([1, 7, 3, 2], [2, 2]), { axis: -1 }).toArray()); // [7, 3]
 * ```
 */
export const max = (x: Tensor, options?: ReduceOptions | null): Tensor => reduce('max', x, options);
/**
 * The minimum over the axes (NaN if any is NaN); ties share the gradient, as torch.amin.
 *
 * @example
 * ```ts
 * console.log(sn.min(sn.tensor([1, 7, 3, 2], [2, 2]), { axis: -1 }).toArray()); // [1, 2]
 * ```
 */
export const min = (x: Tensor, options?: ReduceOptions | null): Tensor => reduce('min', x, options);
/**
 * log Σ e^x over the axes, computed shifted by the maximum (no overflow).
 *
 * @example
 * ```ts
 * console.log(sn.logSumExp(sn.tensor([1000, 1000])).item()); // 1000.693… (no overflow)
 * ```
 */
export const logSumExp = (x: Tensor, options?: ReduceOptions | null): Tensor => reduce('logSumExp', x, options);

// x seen as [outer, R, inner] around one axis.
function around(x: Tensor, a: number): [number, number, number] {
  return [prod(x.shape, 0, a), x.shape[a], prod(x.shape, a + 1)];
}

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, axis: number | null | undefined, options: { keepDims?: boolean } | null | undefined): Tensor {
  checkTensor(op, 'x', x);
  const o = checkOptions(op, options, ['keepDims']);
  const flat = axis == null;
  const a = flat ? 0 : normAxis(op, axis, x.rank, 'axis', x.shape);
  const [outer, R, inner] = flat ? [1, x.size, 1] : around(x, a);
  if (R === 0) throw opError(op, `cannot take the ${op} over an empty axis of x ${fmtShape(x.shape)}`);
  const shape = flat ? (o.keepDims ? x.shape.map(() => 1) : []) : o.keepDims ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a);
  const idx = empty(shape);
  const vals = empty(shape);
  Rd.topkAxisFwd(x.ptr, vals.ptr, idx.ptr, outer, R, inner, 1, op === 'argmax' ? 1 : 0);
  vals.dispose();
  return idx;
}

/**
 * Index of the largest value along `axis` (of the flattened tensor when omitted), as a float
 * tensor; the first of ties, and a NaN counts as the largest (PyTorch). No gradient.
 *
 * @example
 * ```ts
 * const logits = sn.tensor([0.1, 2, 0.3, 5, 1, 0], [2, 3]);
 * console.log(sn.argmax(logits, -1).toArray()); // [1, 0]: the predicted class per row
 * ```
 */
export const argmax = (x: Tensor, axis?: number | null, options?: { keepDims?: boolean } | null): Tensor => argExtreme('argmax', x, axis, options);
/**
 * Index of the smallest value along `axis`; see argmax.
 *
 * @example
 * ```ts
 * console.log(sn.argmin(sn.tensor([3, 1, 2])).item()); // 1
 * ```
 */
export const argmin = (x: Tensor, axis?: number | null, options?: { keepDims?: boolean } | null): Tensor => argExtreme('argmin', x, axis, options);

/** Options of topk. */
export interface TopkOptions {
  /** Default -1 (the last axis). */
  axis?: number;
  /** The largest (default) or the smallest k. */
  largest?: boolean;
}

/**
 * The k largest (or smallest) values along an axis, in order, and their indices (floats):
 * values [..., k, ...] carry the gradient back to the cells they came from. Equal values
 * keep their order along the axis.
 *
 * @example
 * ```ts
 * const probs = sn.tensor([0.1, 0.6, 0.05, 0.25]);
 * const { values, indices } = sn.topk(probs, 2);
 * console.log(values.toArray(), indices.toArray()); // [0.6, 0.25] [1, 3]
 * ```
 */
export function topk(x: Tensor, k: number, options?: TopkOptions | null): {
  /** The k values, in order. */
  values: Tensor;
  /** Their positions along the axis (as floats). */
  indices: Tensor;
} {
  const op = 'topk';
  checkTensor(op, 'x', x);
  const o = checkOptions(op, options, ['axis', 'largest']);
  if (x.rank === 0) throw opError(op, `argument 'x' must have at least one axis, got a scalar`);
  const a = normAxis(op, o.axis ?? -1, x.rank, 'axis', x.shape);
  if (o.largest !== undefined && typeof o.largest !== 'boolean') throw opError(op, `argument 'largest' must be a boolean, got ${describe(o.largest)}`);
  const [outer, R, inner] = around(x, a);
  checkNumber(op, 'k', k, { integer: true, min: 0, max: R });
  const shape = x.shape.map((d, i) => (i === a ? k : d));
  const values = empty(shape);
  const indices = empty(shape);
  if (k > 0) Rd.topkAxisFwd(x.ptr, values.ptr, indices.ptr, outer, R, inner, k, o.largest === false ? 0 : 1);
  // The backward keeps its own copy of the indices: the caller may dispose theirs.
  if (!needsGrad([x])) return { values, indices };
  const saved = empty(shape);
  E.copy(indices.ptr, saved.ptr, saved.size);
  record(op, [x], values, (dy) => {
    const dx = empty(x.shape);
    if (k > 0) Rd.topkAxisBwd(dy.ptr, saved.ptr, dx.ptr, outer, R, inner, k);
    else E.fillValue(dx.ptr, 0, dx.size);
    return [dx];
  }, [saved]);
  return { values, indices };
}
