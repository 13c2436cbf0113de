// Launchers of assembly/reduce.ts. Axis kernels over [outer, R, inner] compute each outer
// index on its own, so a large call splits into ranges of `outer` (offset pointers, the same
// kernel): bit-identical for any split. R is never split (that would reorder a sum). Named
// as their kernels in camelCase, without the layout and the type: reduce_axis_f32 → reduceAxis.
import { getBackend, type Kernels, type RangeKernel } from '../backend/index';

const table = (): Kernels => getBackend().k;

// Work per element as Backend.parts counts it: 2 slices from 62.5k elements.
const WORK_PER_ELEMENT = 16;

// Kernel `name` over outer indices [0, outer): `ptrs` step by `sizes` floats per index; then
// the count and `rest`. `lead` arguments (an op code) go first.
export function byOuter(name: RangeKernel, outer: number, elems: number, lead: number[], ptrs: number[], sizes: number[], rest: number[]): void {
  getBackend().runRanges(name, outer, outer * elems * WORK_PER_ELEMENT, 1, (lo, hi) => [
    ...lead,
    ...ptrs.map((p, i) => p + lo * sizes[i] * 4),
    hi - lo,
    ...rest,
  ]);
}

export const reduceAxis = (op: number, x: number, y: number, outer: number, R: number, inner: number): void =>
  byOuter('reduce_axis_f32', outer, R * inner, [op], [x, y], [R * inner, inner], [R, inner]);
export const broadcastAxis = (x: number, y: number, outer: number, R: number, inner: number): void =>
  byOuter('broadcast_axis_f32', outer, R * inner, [], [x, y], [inner, R * inner], [R, inner]);
export const selectEq = (x: number, ref: number, g: number, out: number, n: number): void => table().select_eq_f32(x, ref, g, out, n);
export const softmaxAxisFwd = (x: number, y: number, outer: number, R: number, inner: number, log: number): void =>
  byOuter('softmax_axis_fwd_f32', outer, R * inner, [], [x, y], [R * inner, R * inner], [R, inner, log]);
export const softmaxAxisBwd = (y: number, dy: number, dx: number, outer: number, R: number, inner: number, log: number): void =>
  byOuter('softmax_axis_bwd_f32', outer, R * inner, [], [y, dy, dx], [R * inner, R * inner, R * inner], [R, inner, log]);
export const topkAxisFwd = (x: number, vals: number, idx: number, outer: number, R: number, inner: number, k: number, largest: number): void => table().topk_axis_fwd_f32(x, vals, idx, outer, R, inner, k, largest);
export const topkAxisBwd = (dy: number, idx: number, dx: number, outer: number, R: number, inner: number, k: number): void => table().topk_axis_bwd_f32(dy, idx, dx, outer, R, inner, k);
