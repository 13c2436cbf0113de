// Image preprocessing on NHWC tensors, differentiable: resizing, luma and per-channel
// normalisation.
import { opError, fmtShape } from '../backend/index';
import { Tensor, tidy } from '../tensor/tensor';
import { tensor } from '../ops/creation';
import { sub, div } from '../ops/arith';
import { matmul } from '../ops/linalg';
import { reshape } from '../ops/shape';
import { checkTensor, checkNumber, checkOptions } from '../ops/check';
import { resize as resizeOp } from '../ops/resize';
import { isGradEnabled } from '../tensor/autograd';

// A composite op's intermediates: freed at once when no gradient flows, left to the tape
// (and the caller's tidy) when one does, since backward() needs them.
const scoped = (x: Tensor, fn: () => Tensor): Tensor => (x.requiresGrad && isGradEnabled() ? fn() : tidy(fn));

function channelsOf(op: string, x: Tensor): number {
  checkTensor(op, 'x', x);
  if (x.rank !== 4) throw opError(op, `argument 'x' must be NHWC images [N, H, W, C], got ${fmtShape(x.shape)}`);
  return x.shape[3];
}

/**
 * RGB(A) [N, H, W, 3 | 4] to luma [N, H, W, 1]: 0.299 R + 0.587 G + 0.114 B (ITU-R 601, as PIL and torchvision); alpha is ignored.
 *
 * @example
 * ```ts
 * const rgb = sn.tensor([1, 0, 0, 0, 0, 1], [1, 1, 2, 3]); // a red and a blue pixel
 * console.log(sn.image.grayscale(rgb).dataSync()); // Float32Array [0.299…, 0.114…]
 * ```
 */
export function grayscale(x: Tensor): Tensor {
  const op = 'image.grayscale';
  const C = channelsOf(op, x);
  if (C !== 3 && C !== 4) throw opError(op, `argument 'x' ${fmtShape(x.shape)} must have 3 (RGB) or 4 (RGBA) channels`);
  const [N, H, W] = x.shape;
  return scoped(x, () => reshape(matmul(reshape(x, [N * H * W, C]), tensor([0.299, 0.587, 0.114, 0].slice(0, C), [C, 1])), [N, H, W, 1]));
}

/**
 * (x − mean[c]) / std[c] for each channel c of NHWC images (torchvision's Normalize).
 *
 * @example
 * ```ts
 * const x = sn.ones([1, 2, 2, 3]);
 * const y = sn.image.normalize(x, [0.5, 0.5, 0.5], [0.25, 0.5, 0.5]);
 * console.log(y.dataSync().slice(0, 3)); // Float32Array [2, 1, 1]
 * ```
 */
export function normalize(x: Tensor, mean: ArrayLike<number>, std: ArrayLike<number>): Tensor {
  const op = 'image.normalize';
  const C = channelsOf(op, x);
  for (const [name, v] of [['mean', mean], ['std', std]] as const) {
    if (!v || v.length !== C) throw opError(op, `argument '${name}' must have one value per channel (${C} for x ${fmtShape(x.shape)}), got ${v?.length ?? v}`);
    for (let c = 0; c < C; c++)
      if (!Number.isFinite(v[c]) || (name === 'std' && !(v[c] > 0))) throw opError(op, `argument '${name}'[${c}] = ${v[c]} must be a finite number${name === 'std' ? ' > 0' : ''}`);
  }
  return scoped(x, () => div(sub(x, tensor(Array.from(mean), [C])), tensor(Array.from(std), [C])));
}

/** sn.image.resize's options. */
export interface ImageResizeOptions {
  /** 'bilinear' (default) or 'nearest'. */
  mode?: 'bilinear' | 'nearest';
  /** Corner pixels map onto corner pixels (PyTorch's align_corners = true, TF.js's alignCorners); default false: half-pixel centres, as PyTorch's interpolate and torchvision's Resize. */
  alignCorners?: boolean;
}

/**
 * NHWC images [N, H, W, C] to [N, height, width, C] (size a number for a square), bilinear by
 * default with half-pixel centres (PyTorch's interpolate(mode='bilinear',
 * align_corners=False), without antialiasing); differentiable. It is sn.resize with the
 * coordinate rule chosen as PyTorch's and TF.js's resizeBilinear name it.
 *
 * @example
 * ```ts
 * const photo = sn.rand([1, 480, 640, 3], { seed: 1 }); // e.g. from sn.image.decode(bytes)
 * const net = sn.nn.models.mobilenetV3Small();
 * const x = sn.image.normalize(sn.image.resize(photo, net.input!.shape.slice(0, 2)), net.input!.mean, net.input!.std);
 * console.log(x.shape); // [1, 224, 224, 3]
 * ```
 */
export function resize(x: Tensor, size: number | readonly number[], options: ImageResizeOptions = {}): Tensor {
  const op = 'image.resize';
  channelsOf(op, x);
  const o = checkOptions(op, options, ['mode', 'alignCorners']);
  const hw = typeof size === 'number' ? [size, size] : size;
  if (!Array.isArray(hw) || hw.length !== 2) throw opError(op, `argument 'size' must be a number or [height, width], got ${JSON.stringify(size)}`);
  for (const v of hw) checkNumber(op, 'size', v, { integer: true, min: 1 });
  const mode = o.mode ?? 'bilinear';
  if (mode !== 'bilinear' && mode !== 'nearest') throw opError(op, `argument 'mode' must be 'bilinear' or 'nearest', got ${JSON.stringify(o.mode)}`);
  if (o.alignCorners !== undefined && typeof o.alignCorners !== 'boolean') throw opError(op, `argument 'alignCorners' must be a boolean, got ${JSON.stringify(o.alignCorners)}`);
  if (x.shape[1] * x.shape[2] === 0) throw opError(op, `argument 'x' ${fmtShape(x.shape)} has no pixels`);
  const coordinate = o.alignCorners ? 'align_corners' : mode === 'bilinear' ? 'half_pixel' : 'asymmetric';
  return resizeOp(x, { size: [hw[0], hw[1]], mode, coordinate });
}
