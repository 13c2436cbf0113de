// Launchers of assembly/pool.ts. Every pooling kernel computes each image on its own (max
// pooling's winner indices are within the image), so a batch splits into slices of images:
// the same kernel on offset pointers, bit-identical for any split. The split pays from about
// 64k input elements (the LeNet-5 training step of `npm run bench -- threads` pools 221k and
// 66k); one image runs whole. Named as their kernels in camelCase, without the layout and
// the type: maxpool2d_nhwc_fwd_f32 → maxpool2dFwd.
import { getBackend, type PoolDims, type RangeKernel } from '../backend/index';

// Work per input element as Backend.parts counts it: 2 slices from 62.5k elements.
const WORK_PER_ELEMENT = 16;

// Pointers `ptrs` to per-image blocks of `sizes` floats (0 stays 0), images [lo, hi), then the
// batch size hi − lo and `rest`.
function byImages(name: RangeKernel, N: number, inElems: number, ptrs: number[], sizes: number[], rest: number[]): void {
  getBackend().runRanges(name, N, N * inElems * WORK_PER_ELEMENT, 1, (lo, hi) => [
    ...ptrs.map((p, i) => (p === 0 ? 0 : p + lo * sizes[i] * 4)),
    hi - lo,
    ...rest,
  ]);
}

type Pool = PoolDims;
const dims = (d: Pool) => ({ N: d[0], img: d[1] * d[2] * d[3], out: d[4] * d[5] * d[3], rest: d.slice(1) });

export const maxpool2dFwd = (x: number, y: number, argmax: number, ...d: Pool): void => {
  const { N, img, out, rest } = dims(d);
  byImages('maxpool2d_nhwc_fwd_f32', N, img, [x, y, argmax], [img, out, out], rest);
};
export const maxpool2dBwd = (dy: number, argmax: number, dx: number, N: number, H: number, W: number, C: number, OH: number, OW: number): void =>
  byImages('maxpool2d_nhwc_bwd_f32', N, H * W * C, [dy, argmax, dx], [OH * OW * C, OH * OW * C, H * W * C], [H, W, C, OH, OW]);
export const avgpool2dFwd = (x: number, y: number, ...d: [...Pool, number]): void => {
  const { N, img, out, rest } = dims(d.slice(0, 16) as Pool);
  byImages('avgpool2d_nhwc_fwd_f32', N, img, [x, y], [img, out], [...rest, d[16]]);
};
export const avgpool2dBwd = (dy: number, dx: number, ...d: [...Pool, number]): void => {
  const { N, img, out, rest } = dims(d.slice(0, 16) as Pool);
  byImages('avgpool2d_nhwc_bwd_f32', N, img, [dy, dx], [out, img], [...rest, d[16]]);
};
export const l2pool2dFwd = (x: number, y: number, ...d: Pool): void => {
  const { N, img, out, rest } = dims(d);
  byImages('l2pool2d_nhwc_fwd_f32', N, img, [x, y], [img, out], rest);
};
export const l2pool2dBwd = (x: number, y: number, dy: number, dx: number, ...d: Pool): void => {
  const { N, img, out, rest } = dims(d);
  byImages('l2pool2d_nhwc_bwd_f32', N, img, [x, y, dy, dx], [img, out, out, img], rest);
};
export const globalAvgpoolFwd = (x: number, y: number, N: number, H: number, W: number, C: number): void =>
  byImages('global_avgpool_nhwc_fwd_f32', N, H * W * C, [x, y], [H * W * C, C], [H, W, C]);
export const globalAvgpoolBwd = (dy: number, dx: number, N: number, H: number, W: number, C: number): void =>
  byImages('global_avgpool_nhwc_bwd_f32', N, H * W * C, [dy, dx], [C, H * W * C], [H, W, C]);
export const adaptiveAvgpool2dFwd = (x: number, y: number, N: number, H: number, W: number, C: number, OH: number, OW: number): void =>
  byImages('adaptive_avgpool2d_nhwc_fwd_f32', N, H * W * C, [x, y], [H * W * C, OH * OW * C], [H, W, C, OH, OW]);
export const adaptiveAvgpool2dBwd = (dy: number, dx: number, N: number, H: number, W: number, C: number, OH: number, OW: number): void =>
  byImages('adaptive_avgpool2d_nhwc_bwd_f32', N, H * W * C, [dy, dx], [OH * OW * C, H * W * C], [H, W, C, OH, OW]);
