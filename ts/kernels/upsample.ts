// Launchers of assembly/upsample.ts, one call each on the calling thread (a thread split for this
// family would go here, nowhere else). Named as their kernels in camelCase, without the
// layout and the type: upsample_nhwc_nearest_fwd_f32 → upsampleNearestFwd.
import { getBackend, type Kernels } from '../backend/index';

const table = (): Kernels => getBackend().k;

export const upsampleNearestFwd = (x: number, y: number, N: number, H: number, W: number, C: number, sh: number, sw: number): void => table().upsample_nhwc_nearest_fwd_f32(x, y, N, H, W, C, sh, sw);
export const upsampleNearestBwd = (dy: number, dx: number, N: number, H: number, W: number, C: number, sh: number, sw: number): void => table().upsample_nhwc_nearest_bwd_f32(dy, dx, N, H, W, C, sh, sw);
export const resizeFwd = (x: number, y: number, N: number, H: number, W: number, C: number, OH: number, OW: number, rows: number, cols: number): void => table().resize_nhwc_fwd_f32(x, y, N, H, W, C, OH, OW, rows, cols);
export const resizeBwd = (dy: number, dx: number, N: number, H: number, W: number, C: number, OH: number, OW: number, rows: number, cols: number): void => table().resize_nhwc_bwd_f32(dy, dx, N, H, W, C, OH, OW, rows, cols);
