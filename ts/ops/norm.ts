// Batch normalisation (NHWC: statistics per channel over N·H·W) and dropout.
import { getBackend, opError, fmtShape, OP } from '../backend/index';
import { Tensor, empty } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { rng } from '../tensor/rng';
import { checkTensor, checkNumber } from './check';
import { reshape } from './shape';

export interface BatchNormOptions {
  /** Batch statistics (and running-average updates) when true; running statistics otherwise. */
  training: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * y = (x − mean)/sqrt(var + eps)·gamma + beta over the last axis (channels). In training
 * the batch's statistics are used and runningMean/runningVar move toward them in place.
 */
export function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor, options: BatchNormOptions): Tensor {
  const op = 'batchNorm';
  checkTensor(op, 'x', x);
  if (x.rank < 2) throw opError(op, `argument 'x' must have a channel axis last (e.g. [N, H, W, C]), got ${fmtShape(x.shape)}`);
  const C = x.shape[x.rank - 1];
  for (const [name, t] of [['gamma', gamma], ['beta', beta], ['runningMean', runningMean], ['runningVar', runningVar]] as const) {
    checkTensor(op, name, t);
    if (t.rank !== 1 || t.shape[0] !== C) throw opError(op, `argument '${name}' must have shape [${C}] (the channels of x ${fmtShape(x.shape)}), got ${fmtShape(t.shape)}`);
  }
  const eps = checkNumber(op, 'eps', options.eps ?? 1e-5, { min: 0 });
  const momentum = checkNumber(op, 'momentum', options.momentum ?? 0.1, { min: 0, max: 1 });
  const rows = x.size / C;
  if (options.training && rows < 2) throw opError(op, `training needs more than one value per channel, x ${fmtShape(x.shape)} has ${rows}`);
  const k = getBackend().k;
  const mean = empty([C]);
  const invstd = empty([C]);
  if (options.training) {
    const v = empty([C]);
    k.batchnorm_stats_f32(x.ptr, mean.ptr, v.ptr, rows, C);
    k.batchnorm_invstd_f32(v.ptr, invstd.ptr, C, eps);
    k.batchnorm_running_update_f32(runningMean.ptr, runningVar.ptr, mean.ptr, v.ptr, C, momentum, rows);
    v.dispose();
  } else {
    k.copy_f32(runningMean.ptr, mean.ptr, C);
    k.batchnorm_invstd_f32(runningVar.ptr, invstd.ptr, C, eps);
  }
  const y = empty(x.shape);
  k.batchnorm_fwd_f32(x.ptr, y.ptr, mean.ptr, invstd.ptr, gamma.ptr, beta.ptr, rows, C);
  const training = options.training;
  return record(op, [x, gamma, beta], y, (dy) => {
    const dx = empty(x.shape);
    const dgamma = empty([C]);
    const dbeta = empty([C]);
    if (training) {
      k.batchnorm_bwd_f32(x.ptr, dy.ptr, mean.ptr, invstd.ptr, gamma.ptr, dx.ptr, dgamma.ptr, dbeta.ptr, rows, C);
    } else {
      // Fixed statistics: y is affine in x per channel.
      const scale = empty([C]);
      k.binary_f32(OP.MUL, gamma.ptr, invstd.ptr, scale.ptr, C);
      k.binary_rows_f32(OP.MUL, dy.ptr, scale.ptr, dx.ptr, rows, C);
      // x̂ = (x − mean)·invstd: the forward with gamma = 1 and beta = 0 (dbeta is still free).
      k.fill_f32(scale.ptr, 1, C);
      k.fill_f32(dbeta.ptr, 0, C);
      const xhat = empty(x.shape);
      k.batchnorm_fwd_f32(x.ptr, xhat.ptr, mean.ptr, invstd.ptr, scale.ptr, dbeta.ptr, rows, C);
      k.binary_f32(OP.MUL, xhat.ptr, dy.ptr, xhat.ptr, xhat.size);
      k.sum_rows_f32(xhat.ptr, dgamma.ptr, rows, C);
      k.sum_rows_f32(dy.ptr, dbeta.ptr, rows, C);
      xhat.dispose();
      scale.dispose();
    }
    return [x.requiresGrad ? dx : (dx.dispose(), null), gamma.requiresGrad ? dgamma : (dgamma.dispose(), null), beta.requiresGrad ? dbeta : (dbeta.dispose(), null)];
  }, [mean, invstd]);
}

/**
 * Inverted dropout: in training each element is zeroed with probability p and the rest
 * scaled by 1/(1 − p); the mask comes from a counter-based hash of a seed drawn from the
 * global generator (sn.seed), so runs repeat. Outside training it returns x unchanged.
 */
export function dropout(x: Tensor, options: { p?: number; training: boolean; seed?: number }): Tensor {
  const op = 'dropout';
  checkTensor(op, 'x', x);
  const p = checkNumber(op, 'p', options.p ?? 0.5, { min: 0, max: 1 });
  if (!options.training || p === 0) return reshape(x, x.shape);
  const k = getBackend().k;
  const seed = options.seed ?? rng().nextU32();
  const y = empty(x.shape);
  const mask = empty([Math.ceil(x.size / 4)]); // one byte per element
  k.dropout_fwd_f32(x.ptr, y.ptr, mask.ptr, x.size, p, seed);
  const scale = p >= 1 ? 0 : 1 / (1 - p);
  return record(op, [x], y, (dy) => {
    const dx = empty(x.shape);
    k.dropout_bwd_f32(dy.ptr, mask.ptr, dx.ptr, x.size, scale);
    return [dx];
  }, [mask]);
}
