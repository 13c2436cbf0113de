// Launchers of assembly/transpose.ts. Named as their kernels in camelCase, without the layout
// and the type: transpose_2d_f32 → transpose2d. The batched 2-D transpose splits over
// threads (shares of its source rows: data movement, the same bytes for any split); the
// strided copies and gathers run as one call on the calling thread.
import { getBackend, type Kernels } from '../backend/index';

const table = (): Kernels => getBackend().k;

/** dst[b, c, r] = src[b, r, c] for B matrices [R, C]; threads take shares of the B·R rows. */
export function transpose2d(src: number, dst: number, B: number, R: number, C: number): void {
  // Work 4 per element moved, as the streaming arithmetic (./elementwise.ts).
  const parts = getBackend().parts(4 * B * R * C, Math.ceil((B * (R === 3 ? C : R)) / 4));
  if (parts <= 1) table().transpose_2d_f32(src, dst, B, R, C);
  else getBackend().runParts('transpose_2d_f32_part', parts, (p) => [src, dst, B, R, C, p, parts]);
}
export const copyStrided = (src: number, dst: number, d0: number, d1: number, d2: number, d3: number, s0: number, s1: number, s2: number, s3: number, t0: number, t1: number, t2: number, t3: number): void => table().copy_strided_f32(src, dst, d0, d1, d2, d3, s0, s1, s2, s3, t0, t1, t2, t3);
export const addStrided = (src: number, dst: number, d0: number, d1: number, d2: number, d3: number, s0: number, s1: number, s2: number, s3: number, t0: number, t1: number, t2: number, t3: number): void => table().add_strided_f32(src, dst, d0, d1, d2, d3, s0, s1, s2, s3, t0, t1, t2, t3);
export const gatherFwd = (src: number, idx: number, dst: number, outer: number, nIdx: number, axisLen: number, inner: number): void => table().gather_fwd_f32(src, idx, dst, outer, nIdx, axisLen, inner);
export const gatherBwd = (dy: number, idx: number, dx: number, outer: number, nIdx: number, axisLen: number, inner: number): void => table().gather_bwd_f32(dy, idx, dx, outer, nIdx, axisLen, inner);
