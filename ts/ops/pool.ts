// Pooling (max, average, L2, global average and max, adaptive average) and nearest-neighbour
// upsampling, NHWC.
import { opError, fmtShape, type PoolDims } from '../backend/index';
import * as Pl from '../kernels/pool';
import * as U from '../kernels/upsample';
import { Tensor, empty } from '../tensor/tensor';
import { needsGrad, record } from '../tensor/autograd';
import { checkTensor, checkRank } from './check';
import { windowGeometry, pair, type Padding, type Pair, type RoundMode, type Window } from './window';

/** The window of a 2-D pooling over NHWC x. */
export interface Pool2dOptions {
  /** Window size [KH, KW] (a number for both). */
  kernel: Pair;
  /** Default: the kernel size (non-overlapping windows). */
  stride?: Pair;
  /** 'valid' (default), 'same', or explicit pads; padded cells never win a max. */
  padding?: Padding;
  /** Spacing of the window's taps (PyTorch's dilation); default 1. */
  dilation?: Pair;
  /** 'floor' (default), 'ceil' (PyTorch's ceil_mode) or 'exact' (a misfit is an Error). */
  roundMode?: RoundMode;
}

function geometry(op: string, x: Tensor, o: Pool2dOptions): { g: Window; N: number; H: number; W: number; C: number } {
  checkTensor(op, 'x', x);
  checkRank(op, 'x', x, 4);
  // As PyTorch: a window over an empty image has no cell to pool (a batch of 0 is fine).
  if (x.shape[1] === 0 || x.shape[2] === 0) throw opError(op, `argument 'x' ${fmtShape(x.shape)} has an empty height or width`);
  if (!o || typeof o !== 'object') throw opError(op, `argument 'options' must be an object with a 'kernel'`);
  const kernel = pair(op, 'kernel', o.kernel, 0, 1);
  const g = windowGeometry(op, x.shape[1], x.shape[2], { kernel, stride: o.stride ?? kernel, dilation: o.dilation, padding: o.padding, roundMode: o.roundMode });
  if (g.padTop >= g.KH || g.padLeft >= g.KW || g.padBottom >= g.KH || g.padRight >= g.KW)
    throw opError(op, `padding must be smaller than the kernel ${fmtShape(kernel)}, or some windows would see padding only`);
  const [N, H, W, C] = x.shape;
  return { g, N, H, W, C };
}

// The argument run shared by the windowed pooling kernels after the tensors.
function dims(N: number, H: number, W: number, C: number, g: Window): PoolDims {
  return [N, H, W, C, g.OH, g.OW, g.KH, g.KW, g.sh, g.sw, g.padTop, g.padLeft, g.padBottom, g.padRight, g.dh, g.dw];
}

/**
 * Max over each window; the backward pass routes the gradient to the winning cell.
 *
 * @example
 * ```ts
 * const x = sn.randn([1, 28, 28, 8], { seed: 1 }); // NHWC
 * console.log(sn.maxPool2d(x, { kernel: 2 }).shape);                          // [1, 14, 14, 8]
 * console.log(sn.maxPool2d(x, { kernel: 3, stride: 2, padding: 1 }).shape);   // [1, 14, 14, 8]
 * ```
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const { g, N, H, W, C } = geometry('maxPool2d', x, options);
  return maxPool('maxPool2d', x, g, N, H, W, C, [N, g.OH, g.OW, C]);
}

// The max-pooling kernels into y of `shape` (laid out as [N, OH, OW, C]).
function maxPool(op: string, x: Tensor, g: Window, N: number, H: number, W: number, C: number, shape: number[]): Tensor {
  const y = empty(shape);
  const d = dims(N, H, W, C, g);
  if (!needsGrad([x])) {
    Pl.maxpool2dFwd(x.ptr, y.ptr, 0, ...d); // no backward: no winner indices
    return y;
  }
  const argmax = empty(shape); // i32 indices stored in a float block
  Pl.maxpool2dFwd(x.ptr, y.ptr, argmax.ptr, ...d);
  return record(op, [x], y, (dy) => {
    const dx = empty(x.shape);
    Pl.maxpool2dBwd(dy.ptr, argmax.ptr, dx.ptr, N, H, W, C, g.OH, g.OW);
    return [dx];
  }, [argmax]);
}

/**
 * Mean over each window. countIncludePad (default true, as PyTorch) divides by the taps
 * inside the padded input, false by the real cells only; in ceil mode the cells a last
 * window hangs past the padded input never count (PyTorch's rule).
 *
 * @example
 * ```ts
 * const x = sn.tensor([1, 2, 3, 4], [1, 2, 2, 1]);
 * console.log(sn.avgPool2d(x, { kernel: 2 }).toArray()); // [[[[2.5]]]]
 * ```
 */
export function avgPool2d(x: Tensor, options: Pool2dOptions & { countIncludePad?: boolean }): Tensor {
  const { g, N, H, W, C } = geometry('avgPool2d', x, options);
  const cp = options.countIncludePad === false ? 0 : 1;
  const y = empty([N, g.OH, g.OW, C]);
  const d = dims(N, H, W, C, g);
  Pl.avgpool2dFwd(x.ptr, y.ptr, ...d, cp);
  return record('avgPool2d', [x], y, (dy) => {
    const dx = empty(x.shape);
    Pl.avgpool2dBwd(dy.ptr, dx.ptr, ...d, cp);
    return [dx];
  });
}

/**
 * LP pooling with p = 2: sqrt of the sum of squares over each window.
 *
 * @example
 * ```ts
 * const x = sn.tensor([3, 4, 0, 0], [1, 2, 2, 1]);
 * console.log(sn.lpPool2d(x, { kernel: 2 }).toArray()); // [[[[5]]]]
 * ```
 */
export function lpPool2d(x: Tensor, options: Pool2dOptions & { p?: 2 }): Tensor {
  if (options?.p !== undefined && options.p !== 2) throw opError('lpPool2d', `only p = 2 (L2 pooling) is supported, got p = ${options.p}`);
  const { g, N, H, W, C } = geometry('lpPool2d', x, options);
  const y = empty([N, g.OH, g.OW, C]);
  const d = dims(N, H, W, C, g);
  Pl.l2pool2dFwd(x.ptr, y.ptr, ...d);
  return record('lpPool2d', [x], y, (dy) => {
    const dx = empty(x.shape);
    Pl.l2pool2dBwd(x.ptr, y.ptr, dy.ptr, dx.ptr, ...d);
    return [dx];
  });
}

/**
 * [N, H, W, C] → [N, C]: the mean of each channel.
 *
 * @example
 * ```ts
 * const features = sn.randn([2, 7, 7, 512], { seed: 1 });
 * console.log(sn.globalAvgPool(features).shape); // [2, 512]
 * ```
 */
export function globalAvgPool(x: Tensor): Tensor {
  checkTensor('globalAvgPool', 'x', x);
  checkRank('globalAvgPool', 'x', x, 4);
  const [N, H, W, C] = x.shape;
  if (H * W === 0) throw opError('globalAvgPool', `argument 'x' ${fmtShape(x.shape)} has no pixels`);
  const y = empty([N, C]);
  Pl.globalAvgpoolFwd(x.ptr, y.ptr, N, H, W, C);
  return record('globalAvgPool', [x], y, (dy) => {
    const dx = empty(x.shape);
    Pl.globalAvgpoolBwd(dy.ptr, dx.ptr, N, H, W, C);
    return [dx];
  });
}

/**
 * [N, H, W, C] → [N, C]: the maximum of each channel; the gradient goes to the first maximum.
 *
 * @example
 * ```ts
 * console.log(sn.globalMaxPool(sn.tensor([1, 9, 5, 2], [1, 2, 1, 2])).toArray()); // [[5, 9]]
 * ```
 */
export function globalMaxPool(x: Tensor): Tensor {
  const op = 'globalMaxPool';
  checkTensor(op, 'x', x);
  checkRank(op, 'x', x, 4);
  const [N, H, W, C] = x.shape;
  if (H * W === 0) throw opError(op, `argument 'x' ${fmtShape(x.shape)} has no pixels`);
  return maxPool(op, x, windowGeometry(op, H, W, { kernel: [H, W] }), N, H, W, C, [N, C]);
}

/**
 * Average pooling to a fixed output size [OH, OW] (a number for both): output row i averages
 * input rows floor(i·H/OH) … ceil((i + 1)·H/OH) − 1, as PyTorch's AdaptiveAvgPool2d (the
 * VGG/AlexNet heads); an output larger than the input repeats cells.
 *
 * @example
 * ```ts
 * const x = sn.randn([1, 13, 13, 256], { seed: 1 });
 * console.log(sn.adaptiveAvgPool2d(x, 6).shape); // [1, 6, 6, 256] (AlexNet's head)
 * ```
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  const op = 'adaptiveAvgPool2d';
  checkTensor(op, 'x', x);
  checkRank(op, 'x', x, 4);
  const [OH, OW] = pair(op, 'outputSize', outputSize, 0, 1);
  const [N, H, W, C] = x.shape;
  if (H * W === 0) throw opError(op, `argument 'x' ${fmtShape(x.shape)} has no pixels`);
  const y = empty([N, OH, OW, C]);
  Pl.adaptiveAvgpool2dFwd(x.ptr, y.ptr, N, H, W, C, OH, OW);
  return record(op, [x], y, (dy) => {
    const dx = empty(x.shape);
    Pl.adaptiveAvgpool2dBwd(dy.ptr, dx.ptr, N, H, W, C, OH, OW);
    return [dx];
  });
}

/**
 * Repeats each pixel scale×scale times: [N, H, W, C] → [N, H·sh, W·sw, C].
 *
 * @example
 * ```ts
 * const x = sn.tensor([1, 2], [1, 1, 2, 1]);
 * console.log(sn.upsampleNearest(x, { scale: 2 }).toArray()); // [[[[1], [1], [2], [2]], [[1], [1], [2], [2]]]]
 * ```
 */
export function upsampleNearest(x: Tensor, options: { scale: Pair }): Tensor {
  const op = 'upsampleNearest';
  checkTensor(op, 'x', x);
  checkRank(op, 'x', x, 4);
  const [sh, sw] = pair(op, 'scale', options?.scale, 0, 1);
  const [N, H, W, C] = x.shape;
  const y = empty([N, H * sh, W * sw, C]);
  U.upsampleNearestFwd(x.ptr, y.ptr, N, H, W, C, sh, sw);
  return record(op, [x], y, (dy) => {
    const dx = empty(x.shape);
    U.upsampleNearestBwd(dy.ptr, dx.ptr, N, H, W, C, sh, sw);
    return [dx];
  });
}
