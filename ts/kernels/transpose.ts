// Launchers of assembly/transpose.ts, one call each on the calling thread (a thread split for this
// family would go here, nowhere else). Named as their kernels in camelCase, without the
// layout and the type: transpose_2d_f32 → transpose2d.
import { getBackend, type Kernels } from '../backend/index';

const table = (): Kernels => getBackend().k;

export const transpose2d = (src: number, dst: number, B: number, R: number, C: number): void => table().transpose_2d_f32(src, dst, B, R, C);
export const copyStrided = (src: number, dst: number, d0: number, d1: number, d2: number, d3: number, s0: number, s1: number, s2: number, s3: number, t0: number, t1: number, t2: number, t3: number): void => table().copy_strided_f32(src, dst, d0, d1, d2, d3, s0, s1, s2, s3, t0, t1, t2, t3);
export const addStrided = (src: number, dst: number, d0: number, d1: number, d2: number, d3: number, s0: number, s1: number, s2: number, s3: number, t0: number, t1: number, t2: number, t3: number): void => table().add_strided_f32(src, dst, d0, d1, d2, d3, s0, s1, s2, s3, t0, t1, t2, t3);
export const gatherFwd = (src: number, idx: number, dst: number, outer: number, nIdx: number, axisLen: number, inner: number): void => table().gather_fwd_f32(src, idx, dst, outer, nIdx, axisLen, inner);
export const gatherBwd = (dy: number, idx: number, dx: number, outer: number, nIdx: number, axisLen: number, inner: number): void => table().gather_bwd_f32(dy, idx, dx, outer, nIdx, axisLen, inner);
