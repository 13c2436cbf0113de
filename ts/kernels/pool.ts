// Launchers of assembly/pool.ts, one call each on the calling thread (a thread split for this
// family would go here, nowhere else). Named as their kernels in camelCase, without the
// layout and the type: maxpool2d_nhwc_fwd_f32 → maxpool2dFwd.
import { getBackend, type Kernels } from '../backend/index';

const table = (): Kernels => getBackend().k;

export const maxpool2dFwd = (...a: Parameters<Kernels['maxpool2d_nhwc_fwd_f32']>): void => table().maxpool2d_nhwc_fwd_f32(...a);
export const maxpool2dBwd = (dy: number, argmax: number, dx: number, N: number, H: number, W: number, C: number, OH: number, OW: number): void => table().maxpool2d_nhwc_bwd_f32(dy, argmax, dx, N, H, W, C, OH, OW);
export const avgpool2dFwd = (...a: Parameters<Kernels['avgpool2d_nhwc_fwd_f32']>): void => table().avgpool2d_nhwc_fwd_f32(...a);
export const avgpool2dBwd = (...a: Parameters<Kernels['avgpool2d_nhwc_bwd_f32']>): void => table().avgpool2d_nhwc_bwd_f32(...a);
export const l2pool2dFwd = (...a: Parameters<Kernels['l2pool2d_nhwc_fwd_f32']>): void => table().l2pool2d_nhwc_fwd_f32(...a);
export const l2pool2dBwd = (...a: Parameters<Kernels['l2pool2d_nhwc_bwd_f32']>): void => table().l2pool2d_nhwc_bwd_f32(...a);
export const globalAvgpoolFwd = (x: number, y: number, N: number, H: number, W: number, C: number): void => table().global_avgpool_nhwc_fwd_f32(x, y, N, H, W, C);
export const globalAvgpoolBwd = (dy: number, dx: number, N: number, H: number, W: number, C: number): void => table().global_avgpool_nhwc_bwd_f32(dy, dx, N, H, W, C);
export const adaptiveAvgpool2dFwd = (x: number, y: number, N: number, H: number, W: number, C: number, OH: number, OW: number): void => table().adaptive_avgpool2d_nhwc_fwd_f32(x, y, N, H, W, C, OH, OW);
export const adaptiveAvgpool2dBwd = (dy: number, dx: number, N: number, H: number, W: number, C: number, OH: number, OW: number): void => table().adaptive_avgpool2d_nhwc_bwd_f32(dy, dx, N, H, W, C, OH, OW);
