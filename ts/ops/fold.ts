// Batch norm folded into the convolution before it, for inference copies (nn.fuseForInference).
import { binary, binaryRows, copy, OP } from '../kernels/elementwise';
import { batchnormInvstd } from '../kernels/norm';
import { Tensor, empty } from '../tensor/tensor';
import { checkTensor } from './check';
import { zeros } from './creation';

/** A batch norm's affine parameters and running statistics over K channels. */
export interface FoldedNorm {
  gamma: Tensor;
  beta: Tensor;
  runningMean: Tensor;
  runningVar: Tensor;
  eps: number;
}

/**
 * New weights and bias [K] of a convolution (w [..., K], bias [K] or none) followed by the
 * batch norm `bn` (or none: copies): w' = w·s, b' = (b − mean)·s + beta with
 * s = gamma / sqrt(var + eps) per output channel. No gradient is recorded.
 */
export function foldBatchNorm(w: Tensor, bias: Tensor | null, bn: FoldedNorm | null): { weight: Tensor; bias: Tensor } {
  checkTensor('foldBatchNorm', 'w', w);
  const K = w.shape[w.rank - 1];
  const wf = empty(w.shape);
  const b = zeros([K]);
  if (bias) copy(bias.ptr, b.ptr, K);
  if (bn) {
    const s = empty([K]);
    batchnormInvstd(bn.runningVar.ptr, s.ptr, K, bn.eps);
    binary(OP.MUL, s.ptr, bn.gamma.ptr, s.ptr, K);
    binaryRows(OP.MUL, w.ptr, s.ptr, wf.ptr, w.size / K, K);
    binary(OP.SUB, b.ptr, bn.runningMean.ptr, b.ptr, K);
    binary(OP.MUL, b.ptr, s.ptr, b.ptr, K);
    binary(OP.ADD, b.ptr, bn.beta.ptr, b.ptr, K);
    s.dispose();
  } else {
    copy(w.ptr, wf.ptr, wf.size);
  }
  return { weight: wf, bias: b };
}
