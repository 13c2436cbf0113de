// Strided views for the data-movement and broadcasting kernels (assembly/transpose.ts,
// the strided binary of elementwise.ts): numpy broadcasting rules, dimension merging, and the launch of the
// 4-dimensional strided kernels over any rank. Strides are in floats.
import { opError, fmtShape } from '../backend/index';
import * as T from '../kernels/transpose';

/** Row-major strides of a contiguous tensor. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** numpy's broadcast of two shapes (PyTorch's result rank: the longer of the two). */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[], names = ['a', 'b']): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw opError(op, `shapes ${fmtShape(a)} ('${names[0]}') and ${fmtShape(b)} ('${names[1]}') do not broadcast: ` +
        `dimension ${i - rank} is ${da} in one and ${db} in the other (sizes must match or be 1)`);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a contiguous tensor of `shape` broadcast to `out` (0 along repeated axes). */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const own = contiguousStrides(shape);
  const off = out.length - shape.length;
  return out.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : own[i - off]));
}

/**
 * Drops size-1 dimensions and merges neighbours that every operand walks contiguously
 * (stride[i] = stride[i+1]·dims[i+1]), so the innermost run is as long as possible.
 */
export function mergeDims(dims: readonly number[], strides: readonly (readonly number[])[]): { dims: number[]; strides: number[][] } {
  const d: number[] = [];
  const s: number[][] = strides.map(() => []);
  for (let i = 0; i < dims.length; i++) {
    if (dims[i] === 1) continue;
    const last = d.length - 1;
    if (last >= 0 && strides.every((st, k) => s[k][last] === st[i] * dims[i])) {
      d[last] *= dims[i];
      strides.forEach((st, k) => (s[k][last] = st[i]));
    } else {
      d.push(dims[i]);
      strides.forEach((st, k) => s[k].push(st[i]));
    }
  }
  return { dims: d, strides: s };
}

type Launch = (offsets: number[], dims: number[], strides: number[][]) => void;

/**
 * Runs a 4-dimensional strided kernel over the index box `dims` (any rank): merged first,
 * padded to 4 dimensions, and for more than 4 the leading ones looped here with element
 * offsets per operand. Nothing runs for an empty box.
 */
export function forEach4(dims: readonly number[], strides: readonly (readonly number[])[], launch: Launch): void {
  if (dims.some((x) => x === 0)) return;
  const m = mergeDims(dims, strides);
  while (m.dims.length < 4) {
    m.dims.unshift(1);
    m.strides.forEach((s) => s.unshift(0));
  }
  const lead = m.dims.length - 4;
  const inner = m.dims.slice(lead);
  const innerStrides = m.strides.map((s) => s.slice(lead));
  const idx = new Array<number>(lead).fill(0);
  for (;;) {
    launch(m.strides.map((s) => idx.reduce((acc, v, i) => acc + v * s[i], 0)), inner, innerStrides);
    let i = lead - 1;
    while (i >= 0 && ++idx[i] === m.dims[i]) idx[i--] = 0;
    if (i < 0) break;
  }
}

/** dst[Σ i·dstStrides] = src[Σ i·srcStrides] (pointers in bytes, offsets in floats). */
export function copyStrided(src: number, srcStrides: readonly number[], dst: number, dstStrides: readonly number[], dims: readonly number[], add = false): void {
  forEach4(dims, [srcStrides, dstStrides], (o, d, [s, t]) => {
    (add ? T.addStrided : T.copyStrided)(src + o[0] * 4, dst + o[1] * 4, d[0], d[1], d[2], d[3], s[0], s[1], s[2], s[3], t[0], t[1], t[2], t[3]);
  });
}

/** Normalises an axis (negative counts from the end) or throws naming the op and the shape. */
export function normAxis(op: string, axis: unknown, rank: number, arg = 'axis', shape?: readonly number[]): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank)
    throw opError(op, `argument '${arg}' must be an integer in [${-rank}, ${rank - 1}]${shape ? ` for shape ${fmtShape(shape)}` : ''}, got ${String(axis)}`);
  return axis < 0 ? axis + rank : axis;
}
