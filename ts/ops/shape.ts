// Shape and indexing ops. reshape, flatten, squeeze and unsqueeze share memory with their
// input (no copy); permute, slice, pad, concat, split, stack, gather and tile copy through
// the strided kernels of assembly/transpose.ts.
import { getBackend, opError, fmtShape, f32Index } from '../backend/index';
import * as E from '../kernels/elementwise';
import * as T from '../kernels/transpose';
import { Tensor, inferShape, empty, shapeSize } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { checkTensor, checkOptions, describe } from './check';
import { contiguousStrides, mergeDims, copyStrided, normAxis } from './strided';

/**
 * Same values, another shape (-1 infers one dimension). No copy.
 *
 * @example
 * ```ts
 * console.log(sn.reshape(sn.zeros([2, 6]), [3, -1]).shape); // [3, 4]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', 'x', x);
  const out = x.reshapeView(inferShape('reshape', shape, x.size, x.shape));
  return record('reshape', [x], out, (dy) => [dy.reshapeView(x.shape)]);
}

/**
 * [N, ...] → [N, rest]: what sits between convolutions and dense layers.
 *
 * @example
 * ```ts
 * console.log(sn.flatten(sn.zeros([16, 7, 7, 8])).shape); // [16, 392]
 * ```
 */
export function flatten(x: Tensor): Tensor {
  checkTensor('flatten', 'x', x);
  // The rest counted, not inferred: -1 cannot be inferred when the batch is empty.
  return reshape(x, x.rank === 0 ? [1, 1] : [x.shape[0], x.shape.slice(1).reduce((a, b) => a * b, 1)]);
}

// A view under another op's name (squeeze, unsqueeze): no copy, the gradient reshaped back.
function view(op: string, x: Tensor, shape: number[]): Tensor {
  const out = x.reshapeView(shape);
  return record(op, [x], out, (dy) => [dy.reshapeView(x.shape)]);
}

function axesList(op: string, arg: string, v: unknown, rank: number, shape: readonly number[]): number[] {
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list)) throw opError(op, `argument '${arg}' must be an integer or an array of integers, got ${describe(v)}`);
  const out = list.map((a) => normAxis(op, a, rank, arg, shape));
  if (new Set(out).size !== out.length) throw opError(op, `argument '${arg}' ${JSON.stringify(v)} names an axis twice`);
  return out;
}

/**
 * Removes axes of size 1: the given ones (each must be 1), or all of them. No copy.
 *
 * @example
 * ```ts
 * console.log(sn.squeeze(sn.zeros([1, 3, 1])).shape);    // [3]
 * console.log(sn.squeeze(sn.zeros([1, 3, 1]), 0).shape); // [3, 1]
 * ```
 */
export function squeeze(x: Tensor, axes?: number | number[]): Tensor {
  const op = 'squeeze';
  checkTensor(op, 'x', x);
  let drop: number[];
  if (axes === undefined || axes === null) {
    drop = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  } else {
    drop = axesList(op, 'axes', axes, x.rank, x.shape);
    for (const a of drop) if (x.shape[a] !== 1) throw opError(op, `axis ${a} of x ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return view(op, x, x.shape.filter((_, i) => !drop.includes(i)));
}

/**
 * Inserts axes of size 1 at the given positions of the result (negative: from its end). No copy.
 *
 * @example
 * ```ts
 * console.log(sn.unsqueeze(sn.zeros([28, 28]), [0, -1]).shape); // [1, 28, 28, 1]
 * ```
 */
export function unsqueeze(x: Tensor, axis: number | number[]): Tensor {
  const op = 'unsqueeze';
  checkTensor(op, 'x', x);
  const n = typeof axis === 'number' ? 1 : Array.isArray(axis) ? axis.length : 0;
  const at = axesList(op, 'axis', axis, x.rank + n, x.shape);
  const shape: number[] = [];
  let j = 0;
  for (let i = 0; i < x.rank + at.length; i++) shape.push(at.includes(i) ? 1 : x.shape[j++]);
  return view(op, x, shape);
}

function checkPerm(op: string, dims: unknown, x: Tensor): number[] {
  if (!Array.isArray(dims) || dims.length !== x.rank)
    throw opError(op, `argument 'dims' must list each of the ${x.rank} axes of x ${fmtShape(x.shape)} once, got ${JSON.stringify(dims)}`);
  const p = dims.map((d) => normAxis(op, d, x.rank, 'dims', x.shape));
  if (new Set(p).size !== p.length) throw opError(op, `argument 'dims' ${JSON.stringify(dims)} is not a permutation of the axes of x ${fmtShape(x.shape)}`);
  return p;
}

// out = x with axes permuted, out[i…] = x[…] along perm, into dst. A batch of transposed
// matrices (NCHW ↔ NHWC after merging H·W) takes the blocked SIMD transpose.
function permuteInto(src: number, shape: readonly number[], perm: readonly number[], dst: number): void {
  const xs = contiguousStrides(shape);
  const outShape = perm.map((d) => shape[d]);
  const srcStrides = perm.map((d) => xs[d]);
  const m = mergeDims(outShape, [srcStrides]);
  const [d, s] = [m.dims, m.strides[0]];
  const n = d.length;
  if (n >= 2 && s[n - 2] === 1 && s[n - 1] === d[n - 2] && (n === 2 || (n === 3 && s[0] === d[1] * d[2]))) {
    T.transpose2d(src, dst, n === 3 ? d[0] : 1, d[n - 1], d[n - 2]);
  } else {
    copyStrided(src, srcStrides, dst, contiguousStrides(outShape), outShape);
  }
}

/**
 * Reorders the axes: out.shape[i] = x.shape[dims[i]] (numpy transpose, PyTorch permute).
 *
 * @example
 * ```ts
 * const nchw = sn.zeros([2, 3, 32, 32]);        // from a channels-first source
 * console.log(sn.permute(nchw, [0, 2, 3, 1]).shape); // [2, 32, 32, 3]: NHWC
 * ```
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const op = 'permute';
  checkTensor(op, 'x', x);
  const p = checkPerm(op, dims, x);
  const out = empty(p.map((d) => x.shape[d]));
  if (out.size > 0) permuteInto(x.ptr, x.shape, p, out.ptr);
  return record(op, [x], out, (dy) => {
    const inv = new Array<number>(p.length);
    p.forEach((d, i) => (inv[d] = i));
    const dx = empty(x.shape);
    if (dx.size > 0) permuteInto(dy.ptr, dy.shape, inv, dx.ptr);
    return [dx];
  });
}

/**
 * Swaps two axes.
 *
 * @example
 * ```ts
 * console.log(sn.transpose(sn.zeros([2, 5]), 0, 1).shape); // [5, 2]
 * ```
 */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const op = 'transpose';
  checkTensor(op, 'x', x);
  const a = normAxis(op, dim0, x.rank, 'dim0', x.shape);
  const b = normAxis(op, dim1, x.rank, 'dim1', x.shape);
  const p = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, p);
}

/** Options of slice: numpy's begin:end:step per axis. */
export interface SliceOptions {
  /** First index per axis (negative counts from the end; out of range is clamped, as numpy). */
  begin: number[];
  /** One past the last index per axis (default: the end in the direction of step). */
  end?: number[];
  /** The axes begin/end/step apply to (default: 0, 1, …). */
  axes?: number[];
  /** Step per axis (default 1; negative walks backwards). */
  step?: number[];
}

// Python's slice.indices: start, count for one axis of length n.
function sliceIndices(n: number, begin: number | undefined, end: number | undefined, step: number): [number, number] {
  const [lo, hi] = step > 0 ? [0, n] : [-1, n - 1];
  const clamp = (v: number | undefined, dflt: number) =>
    v === undefined ? dflt : v < 0 ? Math.max(v + n, lo) : Math.min(v, hi);
  const start = clamp(begin, step > 0 ? lo : hi);
  const stop = clamp(end, step > 0 ? hi : lo);
  const count = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
  return [start, count];
}

/**
 * x[begin:end:step] along the given axes, with numpy's clamping of out-of-range indices.
 *
 * @example
 * ```ts
 * const x = sn.tensor([0, 1, 2, 3, 4, 5, 6, 7], [2, 4]);
 * console.log(sn.slice(x, { begin: [1], axes: [1] }).toArray());                 // [[1, 2, 3], [5, 6, 7]]
 * console.log(sn.slice(x, { begin: [-1], end: [-5], step: [-2], axes: [1] }).toArray()); // [[3, 1], [7, 5]]
 * ```
 */
export function slice(x: Tensor, options: SliceOptions): Tensor {
  const op = 'slice';
  checkTensor(op, 'x', x);
  if (!options || typeof options !== 'object') throw opError(op, `argument 'options' must be { begin, end?, axes?, step? }, got ${describe(options)}`);
  const o = checkOptions(op, options, ['begin', 'end', 'axes', 'step']);
  const ints = (name: string, v: unknown, allowInf: boolean): number[] | undefined => {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((e) => typeof e !== 'number' || !(Number.isInteger(e) || (allowInf && Math.abs(e) === Infinity))))
      throw opError(op, `option '${name}' must be an array of integers, got ${JSON.stringify(v)}`);
    return v;
  };
  const begin = ints('begin', o.begin, true);
  if (!begin) throw opError(op, `option 'begin' is required (an array of integers, one per sliced axis)`);
  const end = ints('end', o.end, true);
  const step = ints('step', o.step, false);
  const axes = o.axes === undefined ? begin.map((_, i) => i) : axesList(op, 'axes', ints('axes', o.axes, false), x.rank, x.shape);
  for (const [name, v] of [['begin', begin], ['end', end], ['step', step]] as const)
    if (v && v.length !== axes.length) throw opError(op, `option '${name}' has ${v.length} entries for ${axes.length} axes`);
  if (axes.length > x.rank) throw opError(op, `option 'begin' has ${axes.length} entries, x ${fmtShape(x.shape)} has ${x.rank} axes`);
  if (step?.some((s) => s === 0)) throw opError(op, `option 'step' must not contain 0, got ${JSON.stringify(step)}`);
  const strides = contiguousStrides(x.shape);
  const outShape = x.shape.slice();
  const srcStrides = strides.slice();
  let offset = 0;
  axes.forEach((a, i) => {
    const st = step?.[i] ?? 1;
    const [start, count] = sliceIndices(x.shape[a], begin[i], end?.[i], st);
    outShape[a] = count;
    srcStrides[a] = strides[a] * st;
    if (count > 0) offset += start * strides[a];
  });
  const out = empty(outShape);
  copyStrided(x.ptr + offset * 4, srcStrides, out.ptr, contiguousStrides(outShape), outShape);
  return record(op, [x], out, (dy) => {
    const dx = empty(x.shape);
    E.fillValue(dx.ptr, 0, dx.size);
    copyStrided(dy.ptr, contiguousStrides(outShape), dx.ptr + offset * 4, srcStrides, outShape);
    return [dx];
  });
}

/** How pad fills the border: a constant, a mirror of the inside, or the edge value repeated. */
export type PadMode = 'constant' | 'reflect' | 'edge';

// Writes idx (i32) into a temporary block; the caller frees it.
function indexBlock(idx: ArrayLike<number>): Tensor {
  const t = empty([Math.max(idx.length, 1)]);
  getBackend().i32().set(idx, f32Index(t.ptr));
  return t;
}

// out[…, j, …] = x[…, idx[j], …] along axis (no tape).
function gatherRaw(src: number, shape: readonly number[], axis: number, idx: ArrayLike<number>, idxShape: readonly number[]): Tensor {
  const outer = shapeSize(shape.slice(0, axis));
  const inner = shapeSize(shape.slice(axis + 1));
  const out = empty([...shape.slice(0, axis), ...idxShape, ...shape.slice(axis + 1)]);
  if (out.size > 0) {
    const ib = indexBlock(idx);
    T.gatherFwd(src, ib.ptr, out.ptr, outer, idx.length, shape[axis], inner);
    ib.dispose();
  }
  return out;
}

// gather's backward into a zeroed tensor of `shape`.
function gatherBwdRaw(dy: Tensor, shape: readonly number[], axis: number, idx: ArrayLike<number>): Tensor {
  const dx = empty(shape);
  E.fillValue(dx.ptr, 0, dx.size);
  if (dy.size > 0) {
    const ib = indexBlock(idx);
    T.gatherBwd(dy.ptr, ib.ptr, dx.ptr, shapeSize(shape.slice(0, axis)), idx.length, shape[axis], shapeSize(shape.slice(axis + 1)));
    ib.dispose();
  }
  return dx;
}

/**
 * Pads each axis by [before, after] (numpy's pad_width, one pair per axis): 'constant' with
 * `value` (default 0), 'reflect' (mirror without repeating the edge; pads < the axis length)
 * or 'edge' (repeat the edge value).
 *
 * @example
 * ```ts
 * const x = sn.tensor([1, 2, 3]);
 * console.log(sn.pad(x, [[1, 2]]).toArray());                       // [0, 1, 2, 3, 0, 0]
 * console.log(sn.pad(x, [[2, 0]], { mode: 'reflect' }).toArray());  // [3, 2, 1, 2, 3]
 * console.log(sn.pad(x, [[0, 2]], { mode: 'edge' }).toArray());     // [1, 2, 3, 3, 3]
 * ```
 */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], options: { mode?: PadMode; value?: number } = {}): Tensor {
  const op = 'pad';
  checkTensor(op, 'x', x);
  const o = checkOptions(op, options, ['mode', 'value']);
  const mode = o.mode ?? 'constant';
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') throw opError(op, `option 'mode' must be 'constant', 'reflect' or 'edge', got ${describe(mode)}`);
  const value = o.value ?? 0;
  if (typeof value !== 'number') throw opError(op, `option 'value' must be a number, got ${describe(value)}`);
  if (mode !== 'constant' && o.value !== undefined) throw opError(op, `option 'value' applies to mode 'constant' only, not '${mode}'`);
  if (!Array.isArray(pads) || pads.length !== x.rank || pads.some((p) => !Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0)))
    throw opError(op, `argument 'pads' must hold one [before, after] pair of non-negative integers per axis of x ${fmtShape(x.shape)}, got ${JSON.stringify(pads)}`);
  pads.forEach(([b, a], i) => {
    const n = x.shape[i];
    if ((b > 0 || a > 0) && mode === 'reflect' && (b >= n || a >= n))
      throw opError(op, `reflect padding [${b}, ${a}] of axis ${i} must be smaller than its size ${n} (x ${fmtShape(x.shape)})`);
    if ((b > 0 || a > 0) && mode === 'edge' && n === 0) throw opError(op, `edge padding of axis ${i} needs a non-empty axis (x ${fmtShape(x.shape)})`);
  });
  const outShape = x.shape.map((n, i) => n + pads[i][0] + pads[i][1]);
  if (mode === 'constant') {
    const os = contiguousStrides(outShape);
    const offset = pads.reduce((s, [b], i) => s + b * os[i], 0);
    const out = empty(outShape);
    E.fillValue(out.ptr, value, out.size);
    copyStrided(x.ptr, contiguousStrides(x.shape), out.ptr + offset * 4, os, x.shape);
    return record(op, [x], out, (dy) => {
      const dx = empty(x.shape);
      copyStrided(dy.ptr + offset * 4, os, dx.ptr, contiguousStrides(x.shape), x.shape);
      return [dx];
    });
  }
  // reflect / edge: one gather per padded axis, with the source index of every output position.
  const steps: { axis: number; idx: Int32Array; shape: number[] }[] = [];
  let shape = x.shape.slice();
  pads.forEach(([b, a], axis) => {
    if (b === 0 && a === 0) return;
    const n = shape[axis];
    const idx = new Int32Array(b + n + a);
    for (let i = 0; i < idx.length; i++) {
      const j = i - b;
      idx[i] = mode === 'edge' ? Math.min(Math.max(j, 0), n - 1) : j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
    }
    steps.push({ axis, idx, shape: shape.slice() });
    shape = shape.map((d, i) => (i === axis ? idx.length : d));
  });
  let cur = x.reshapeView(x.shape);
  for (const s of steps) {
    const next = gatherRaw(cur.ptr, s.shape, s.axis, s.idx, [s.idx.length]);
    cur.dispose();
    cur = next;
  }
  return record(op, [x], cur, (dy) => {
    let g = dy.reshapeView(dy.shape);
    for (let i = steps.length - 1; i >= 0; i--) {
      const next = gatherBwdRaw(g, steps[i].shape, steps[i].axis, steps[i].idx);
      g.dispose();
      g = next;
    }
    return [g];
  });
}

/**
 * x.take(indices, axis) (numpy; ONNX Gather): indices (integers, negative from the end) from an
 * array or a tensor of any shape; the result has x's shape with `axis` replaced by theirs.
 *
 * @example
 * ```ts
 * const table = sn.tensor([10, 11, 20, 21, 30, 31], [3, 2]);
 * console.log(sn.gather(table, [2, 0]).toArray());  // [[30, 31], [10, 11]]
 * console.log(sn.gather(table, [-1], 1).toArray()); // [[11], [21], [31]]
 * ```
 */
export function gather(x: Tensor, indices: Tensor | ArrayLike<number>, axis = 0): Tensor {
  const op = 'gather';
  checkTensor(op, 'x', x);
  const a = normAxis(op, axis, x.rank, 'axis', x.shape);
  let values: ArrayLike<number>;
  let idxShape: number[];
  if (indices instanceof Tensor) {
    checkTensor(op, 'indices', indices);
    values = indices.dataSync();
    idxShape = indices.shape.slice();
  } else if (indices !== null && typeof indices === 'object' && typeof (indices as ArrayLike<number>).length === 'number') {
    values = indices;
    idxShape = [indices.length];
  } else {
    throw opError(op, `argument 'indices' must be a Tensor, an array or a typed array of integers, got ${describe(indices)}`);
  }
  const n = x.shape[a];
  const idx = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < -n || v >= n)
      throw opError(op, `indices[${i}] = ${v} is not an integer index into axis ${a} of x ${fmtShape(x.shape)} (size ${n})`);
    idx[i] = v < 0 ? v + n : v;
  }
  const out = gatherRaw(x.ptr, x.shape, a, idx, idxShape);
  return record(op, [x], out, (dy) => [gatherBwdRaw(dy, x.shape, a, idx)]);
}

/**
 * numpy tile: x repeated reps[i] times along each axis (reps and shape aligned to the right).
 *
 * @example
 * ```ts
 * console.log(sn.tile(sn.tensor([1, 2]), [2, 2]).toArray()); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 * ```
 */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  const op = 'tile';
  checkTensor(op, 'x', x);
  if (!Array.isArray(reps) || reps.some((r) => !Number.isInteger(r) || r < 0))
    throw opError(op, `argument 'reps' must be an array of non-negative integers, got ${JSON.stringify(reps)}`);
  const r = Math.max(x.rank, reps.length);
  const xs = [...new Array<number>(r - x.rank).fill(1), ...x.shape];
  const rp = [...new Array<number>(r - reps.length).fill(1), ...reps];
  const st = contiguousStrides(xs);
  // The output as [r0, d0, r1, d1, …]: the source stride is 0 along each repeat.
  const dims = xs.flatMap((d, i) => [rp[i], d]);
  const srcStrides = st.flatMap((s) => [0, s]);
  const out = empty(xs.map((d, i) => d * rp[i]));
  copyStrided(x.ptr, srcStrides, out.ptr, contiguousStrides(dims), dims);
  return record(op, [x], out, (dy) => {
    const dx = empty(x.shape);
    E.fillValue(dx.ptr, 0, dx.size);
    copyStrided(dy.ptr, contiguousStrides(dims), dx.ptr, srcStrides, dims, true);
    return [dx];
  });
}

// Joins blocks [outer, widths[i]] side by side into [outer, Σ widths] (concat along an axis,
// stack along a new one) and records the backward that cuts dy back into the blocks.
function join(op: string, xs: Tensor[], outer: number, widths: number[], outShape: number[]): Tensor {
  const total = widths.reduce((a, b) => a + b, 0);
  const out = empty(outShape);
  let off = 0;
  for (const [i, x] of xs.entries()) {
    if (outer > 0 && widths[i] > 0) E.copyRows(x.ptr, widths[i], out.ptr + off * 4, total, outer, widths[i]);
    off += widths[i];
  }
  return record(op, xs, out, (dy) => {
    let o = 0;
    return xs.map((x, i) => {
      const start = o;
      o += widths[i];
      if (!x.requiresGrad) return null;
      const dx = empty(x.shape);
      if (outer > 0 && widths[i] > 0) E.copyRows(dy.ptr + start * 4, total, dx.ptr, widths[i], outer, widths[i]);
      return dx;
    });
  });
}

function checkList(op: string, xs: unknown): Tensor[] {
  if (!Array.isArray(xs) || xs.length === 0) throw opError(op, `argument 'xs' must be a non-empty array of tensors, got ${describe(xs)}`);
  xs.forEach((x, i) => checkTensor(op, `xs[${i}]`, x));
  return xs as Tensor[];
}

/**
 * Joins tensors along an existing axis (default: the last, channels in NHWC); the other dimensions must match.
 *
 * @example
 * ```ts
 * const a = sn.zeros([1, 8, 8, 3]);
 * const b = sn.ones([1, 8, 8, 5]);
 * console.log(sn.concat([a, b]).shape); // [1, 8, 8, 8]: channels joined
 * ```
 */
export function concat(xs: Tensor[], axis = -1): Tensor {
  const op = 'concat';
  checkList(op, xs);
  const rank = xs[0].rank;
  if (rank === 0) throw opError(op, `xs[0] is a scalar (shape []): concat needs at least one axis; use stack to join scalars`);
  const a = normAxis(op, axis, rank, 'axis', xs[0].shape);
  for (const [i, x] of xs.entries())
    if (x.rank !== rank || x.shape.some((d, j) => j !== a && d !== xs[0].shape[j]))
      throw opError(op, `xs[${i}] has shape ${fmtShape(x.shape)}; every input must match ${fmtShape(xs[0].shape)} except along axis ${a}`);
  const inner = shapeSize(xs[0].shape.slice(a + 1));
  const outer = shapeSize(xs[0].shape.slice(0, a));
  const outShape = xs[0].shape.slice();
  outShape[a] = xs.reduce((s, x) => s + x.shape[a], 0);
  return join(op, xs, outer, xs.map((x) => x.shape[a] * inner), outShape);
}

/**
 * Joins same-shape tensors along a new axis (axis in [−rank−1, rank]).
 *
 * @example
 * ```ts
 * console.log(sn.stack([sn.tensor([1, 2]), sn.tensor([3, 4])]).toArray()); // [[1, 2], [3, 4]]
 * ```
 */
export function stack(xs: Tensor[], axis = 0): Tensor {
  const op = 'stack';
  checkList(op, xs);
  const shape = xs[0].shape;
  for (const [i, x] of xs.entries())
    if (x.rank !== shape.length || x.shape.some((d, j) => d !== shape[j]))
      throw opError(op, `xs[${i}] has shape ${fmtShape(x.shape)}; every input must have the shape of xs[0] ${fmtShape(shape)}`);
  const a = normAxis(op, axis, shape.length + 1, 'axis', shape);
  const inner = shapeSize(shape.slice(a));
  return join(op, xs, shapeSize(shape.slice(0, a)), xs.map(() => inner), [...shape.slice(0, a), xs.length, ...shape.slice(a)]);
}

/**
 * Cuts x along an axis into pieces of the given sizes (which must add up to the axis length),
 * or into `count` equal pieces (which must divide it).
 *
 * @example
 * ```ts
 * const x = sn.tensor([1, 2, 3, 4, 5, 6]);
 * console.log(sn.split(x, 3).map((t) => t.toArray()));      // [[1, 2], [3, 4], [5, 6]]
 * console.log(sn.split(x, [1, 5]).map((t) => t.shape));     // [[1], [5]]
 * ```
 */
export function split(x: Tensor, sizesOrCount: number | number[], axis = 0): Tensor[] {
  const op = 'split';
  checkTensor(op, 'x', x);
  if (x.rank === 0) throw opError(op, `argument 'x' is a scalar (shape []): nothing to split`);
  const a = normAxis(op, axis, x.rank, 'axis', x.shape);
  const n = x.shape[a];
  let sizes: number[];
  if (typeof sizesOrCount === 'number') {
    if (!Number.isInteger(sizesOrCount) || sizesOrCount < 1 || n % sizesOrCount !== 0)
      throw opError(op, `a count of ${sizesOrCount} pieces must be a positive integer dividing axis ${a} of x ${fmtShape(x.shape)} (size ${n})`);
    sizes = new Array<number>(sizesOrCount).fill(n / sizesOrCount);
  } else if (Array.isArray(sizesOrCount) && sizesOrCount.every((s) => Number.isInteger(s) && s >= 0)) {
    sizes = sizesOrCount;
    const sum = sizes.reduce((p, q) => p + q, 0);
    if (sum !== n) throw opError(op, `sizes ${JSON.stringify(sizes)} add up to ${sum}, axis ${a} of x ${fmtShape(x.shape)} has ${n}`);
  } else {
    throw opError(op, `argument 'sizesOrCount' must be a count or an array of non-negative integer sizes, got ${describe(sizesOrCount)}`);
  }
  const inner = shapeSize(x.shape.slice(a + 1));
  const outer = shapeSize(x.shape.slice(0, a));
  const total = n * inner;
  let start = 0;
  return sizes.map((s) => {
    const off = start * inner;
    start += s;
    const w = s * inner;
    const out = empty(x.shape.map((d, i) => (i === a ? s : d)));
    if (outer > 0 && w > 0) E.copyRows(x.ptr + off * 4, total, out.ptr, w, outer, w);
    return record(op, [x], out, (dy) => {
      const dx = empty(x.shape);
      E.fillValue(dx.ptr, 0, dx.size);
      if (outer > 0 && w > 0) E.copyRows(dy.ptr, w, dx.ptr + off * 4, total, outer, w);
      return [dx];
    });
  });
}
