// Image preprocessing on NHWC tensors, differentiable: luma and per-channel normalisation.
import { opError, fmtShape } from '../backend/index';
import { Tensor, tidy } from '../tensor/tensor';
import { tensor } from '../ops/creation';
import { sub, div } from '../ops/arith';
import { matmul } from '../ops/linalg';
import { reshape } from '../ops/shape';
import { checkTensor } from '../ops/check';
import { isGradEnabled } from '../tensor/autograd';

// A composite op's intermediates: freed at once when no gradient flows, left to the tape
// (and the caller's tidy) when one does, since backward() needs them.
const scoped = (x: Tensor, fn: () => Tensor): Tensor => (x.requiresGrad && isGradEnabled() ? fn() : tidy(fn));

function channelsOf(op: string, x: Tensor): number {
  checkTensor(op, 'x', x);
  if (x.rank !== 4) throw opError(op, `argument 'x' must be NHWC images [N, H, W, C], got ${fmtShape(x.shape)}`);
  return x.shape[3];
}

/** RGB(A) [N, H, W, 3 | 4] to luma [N, H, W, 1]: 0.299 R + 0.587 G + 0.114 B (ITU-R 601, as PIL and torchvision); alpha is ignored. */
export function grayscale(x: Tensor): Tensor {
  const op = 'image.grayscale';
  const C = channelsOf(op, x);
  if (C !== 3 && C !== 4) throw opError(op, `argument 'x' ${fmtShape(x.shape)} must have 3 (RGB) or 4 (RGBA) channels`);
  const [N, H, W] = x.shape;
  return scoped(x, () => reshape(matmul(reshape(x, [N * H * W, C]), tensor([0.299, 0.587, 0.114, 0].slice(0, C), [C, 1])), [N, H, W, 1]));
}

/** (x − mean[c]) / std[c] for each channel c of NHWC images (torchvision's Normalize). */
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
