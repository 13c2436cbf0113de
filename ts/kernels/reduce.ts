// Launchers of assembly/reduce.ts, one call each on the calling thread (a thread split for this
// family would go here, nowhere else). Named as their kernels in camelCase, without the
// layout and the type: reduce_axis_f32 → reduceAxis.
import { getBackend, type Kernels } from '../backend/index';

const table = (): Kernels => getBackend().k;

export const reduceAxis = (op: number, x: number, y: number, outer: number, R: number, inner: number): void => table().reduce_axis_f32(op, x, y, outer, R, inner);
export const broadcastAxis = (x: number, y: number, outer: number, R: number, inner: number): void => table().broadcast_axis_f32(x, y, outer, R, inner);
export const selectEq = (x: number, ref: number, g: number, out: number, n: number): void => table().select_eq_f32(x, ref, g, out, n);
export const softmaxAxisFwd = (x: number, y: number, outer: number, R: number, inner: number, log: number): void => table().softmax_axis_fwd_f32(x, y, outer, R, inner, log);
export const softmaxAxisBwd = (y: number, dy: number, dx: number, outer: number, R: number, inner: number, log: number): void => table().softmax_axis_bwd_f32(y, dy, dx, outer, R, inner, log);
export const topkAxisFwd = (x: number, vals: number, idx: number, outer: number, R: number, inner: number, k: number, largest: number): void => table().topk_axis_fwd_f32(x, vals, idx, outer, R, inner, k, largest);
export const topkAxisBwd = (dy: number, idx: number, dx: number, outer: number, R: number, inner: number, k: number): void => table().topk_axis_bwd_f32(dy, idx, dx, outer, R, inner, k);
