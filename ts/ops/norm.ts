// Batch normalisation (NHWC: statistics per channel over N·H·W), layer, group and instance
// normalisation, local response normalisation, and dropout.
import { opError, fmtShape, OP } from '../backend/index';
import * as E from '../kernels/elementwise';
import * as Nm from '../kernels/norm';
import { Tensor, empty } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { rng } from '../tensor/rng';
import { checkTensor, checkNumber, checkOptions, sameShape, optionsOf } from './check';
import { reshape } from './shape';

/** Options of batchNorm. */
export interface BatchNormOptions {
  /** Batch statistics (and running-average updates) when true; running statistics otherwise. */
  training: boolean;
  /** Weight of the batch statistics in the running averages (default 0.1, as PyTorch). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/**
 * y = (x − mean)/sqrt(var + eps)·gamma + beta over the last axis (channels). In training
 * the batch's statistics are used and runningMean/runningVar move toward them in place.
 *
 * @example
 * ```ts
 * const x = sn.randn([8, 4, 4, 3], { seed: 1 }); // NHWC: statistics per channel
 * const gamma = sn.ones([3]), beta = sn.zeros([3]);
 * const runningMean = sn.zeros([3]), runningVar = sn.ones([3]);
 * const y = sn.batchNorm(x, gamma, beta, runningMean, runningVar, { training: true });
 * console.log(y.shape, runningMean.toArray()); // [8, 4, 4, 3] and means moved 10 % toward the batch's
 * ```
 */
export function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor, options: BatchNormOptions): Tensor {
  const op = 'batchNorm';
  checkTensor(op, 'x', x);
  options = optionsOf(op, options);
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
  const mean = empty([C]);
  const invstd = empty([C]);
  if (options.training) {
    const v = empty([C]);
    Nm.batchnormStats(x.ptr, mean.ptr, v.ptr, rows, C);
    Nm.batchnormInvstd(v.ptr, invstd.ptr, C, eps);
    Nm.batchnormRunningUpdate(runningMean.ptr, runningVar.ptr, mean.ptr, v.ptr, C, momentum, rows);
    v.dispose();
  } else {
    E.copy(runningMean.ptr, mean.ptr, C);
    Nm.batchnormInvstd(runningVar.ptr, invstd.ptr, C, eps);
  }
  const y = empty(x.shape);
  Nm.batchnormFwd(x.ptr, y.ptr, mean.ptr, invstd.ptr, gamma.ptr, beta.ptr, rows, C);
  const training = options.training;
  return record(op, [x, gamma, beta], y, (dy) => {
    const dx = empty(x.shape);
    const dgamma = empty([C]);
    const dbeta = empty([C]);
    if (training) {
      Nm.batchnormBwd(x.ptr, dy.ptr, mean.ptr, invstd.ptr, gamma.ptr, dx.ptr, dgamma.ptr, dbeta.ptr, rows, C);
    } else {
      // Fixed statistics: y is affine in x per channel.
      const scale = empty([C]);
      E.binary(OP.MUL, gamma.ptr, invstd.ptr, scale.ptr, C);
      E.binaryRows(OP.MUL, dy.ptr, scale.ptr, dx.ptr, rows, C);
      // x̂ = (x − mean)·invstd: the forward with gamma = 1 and beta = 0 (dbeta is still free).
      E.fillValue(scale.ptr, 1, C);
      E.fillValue(dbeta.ptr, 0, C);
      const xhat = empty(x.shape);
      Nm.batchnormFwd(x.ptr, xhat.ptr, mean.ptr, invstd.ptr, scale.ptr, dbeta.ptr, rows, C);
      E.binary(OP.MUL, xhat.ptr, dy.ptr, xhat.ptr, xhat.size);
      E.sumRows(xhat.ptr, dgamma.ptr, rows, C);
      E.sumRows(dy.ptr, dbeta.ptr, rows, C);
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
 *
 * @example
 * ```ts
 * const x = sn.ones([2, 4]);
 * console.log(sn.dropout(x, { p: 0.5, training: true, seed: 3 }).toArray()); // 0s and 2s
 * console.log(sn.dropout(x, { p: 0.5, training: false }).toArray());         // all 1s
 * ```
 */
export function dropout(x: Tensor, options: { p?: number; training: boolean; seed?: number }): Tensor {
  const op = 'dropout';
  checkTensor(op, 'x', x);
  options = optionsOf(op, options);
  const p = checkNumber(op, 'p', options.p ?? 0.5, { min: 0, max: 1 });
  if (!options.training || p === 0) return reshape(x, x.shape);
  const seed = options.seed ?? rng().nextU32();
  const y = empty(x.shape);
  const mask = empty([Math.ceil(x.size / 4)]); // one byte per element
  Nm.dropoutFwd(x.ptr, y.ptr, mask.ptr, x.size, p, seed);
  const scale = p >= 1 ? 0 : 1 / (1 - p);
  return record(op, [x], y, (dy) => {
    const dx = empty(x.shape);
    Nm.dropoutBwd(dy.ptr, mask.ptr, dx.ptr, x.size, scale);
    return [dx];
  }, [mask]);
}

/** Options of layerNorm and groupNorm. */
export interface NormOptions {
  /** Scale (gamma), of the normalised shape (layerNorm) or [C] (groupNorm); default none. */
  weight?: Tensor | null;
  /** Shift (beta), shaped as weight; default none. */
  bias?: Tensor | null;
  /** Added to the variance; default 1e-5; 0 allowed. */
  eps?: number;
}

// (x − mean)·invstd·weight + bias with statistics per (n, group) over x viewed as [N, P, C]
// (assembly/norm.ts groupnorm_*), weight and bias of `affine` elements.
function groupStats(op: string, x: Tensor, N: number, P: number, C: number, G: number, affine: readonly number[], options: NormOptions | null | undefined): Tensor {
  const o = checkOptions(op, options, ['weight', 'bias', 'eps']);
  const eps = checkNumber(op, 'eps', o.eps ?? 1e-5, { min: 0 });
  const params: Tensor[] = [];
  for (const name of ['weight', 'bias'] as const) {
    const t = o[name];
    if (t == null) continue;
    checkTensor(op, name, t);
    if (!sameShape(t.shape, affine)) throw opError(op, `argument '${name}' must have shape ${fmtShape(affine)} for x ${fmtShape(x.shape)}, got ${fmtShape(t.shape)}`);
  }
  const weight = o.weight ?? null;
  const bias = o.bias ?? null;
  if (weight) params.push(weight);
  if (bias) params.push(bias);
  const mean = empty([N * G]);
  const invstd = empty([N * G]);
  const y = empty(x.shape);
  if (x.size > 0) {
    Nm.groupnormStats(x.ptr, mean.ptr, invstd.ptr, N, P, C, G, eps);
    Nm.groupnormFwd(x.ptr, y.ptr, mean.ptr, invstd.ptr, weight ? weight.ptr : 0, bias ? bias.ptr : 0, N, P, C, G);
  }
  return record(op, [x, ...params], y, (dy) => {
    const dx = empty(x.shape);
    const dw = weight ? empty(affine) : null;
    const db = bias ? empty(affine) : null;
    if (x.size > 0) Nm.groupnormBwd(x.ptr, dy.ptr, mean.ptr, invstd.ptr, weight ? weight.ptr : 0, dx.ptr, dw ? dw.ptr : 0, db ? db.ptr : 0, N, P, C, G);
    else {
      if (dw) E.fillValue(dw.ptr, 0, dw.size);
      if (db) E.fillValue(db.ptr, 0, db.size);
    }
    const keepIf = (t: Tensor | null, p: Tensor | null) => (t && p?.requiresGrad ? t : (t?.dispose(), null));
    const grads: (Tensor | null)[] = [x.requiresGrad ? dx : (dx.dispose(), null)];
    if (weight) grads.push(keepIf(dw, weight));
    if (bias) grads.push(keepIf(db, bias));
    return grads;
  }, [mean, invstd]);
}

/**
 * Layer normalisation over the last axes (PyTorch's layer_norm): normalizedShape is the
 * trailing shape normalised together (a number for the last axis); weight and bias have it.
 *
 * @example
 * ```ts
 * const x = sn.randn([2, 10, 64], { seed: 1 }); // [batch, tokens, features]
 * const y = sn.layerNorm(x, 64, { weight: sn.ones([64]), bias: sn.zeros([64]) });
 * console.log(y.shape); // [2, 10, 64]
 * ```
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], options?: NormOptions | null): Tensor {
  const op = 'layerNorm';
  checkTensor(op, 'x', x);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (!Array.isArray(ns) || ns.length === 0 || ns.length > x.rank || ns.some((d, i) => d !== x.shape[x.rank - ns.length + i]))
    throw opError(op, `argument 'normalizedShape' ${JSON.stringify(normalizedShape)} must be a non-empty trailing part of x's shape ${fmtShape(x.shape)}`);
  const C = ns.reduce((a, b) => a * b, 1);
  if (C === 0) throw opError(op, `argument 'normalizedShape' ${JSON.stringify(normalizedShape)} has no elements`);
  return groupStats(op, x, x.size / C, 1, C, 1, ns, options);
}

/**
 * Group normalisation (PyTorch's group_norm) of channels-last x [N, ..., C]: statistics per
 * sample and group of C/groups adjacent channels over all positions; weight and bias [C].
 * groups = C is instance normalisation, groups = 1 normalises each sample whole.
 *
 * @example
 * ```ts
 * const x = sn.randn([2, 8, 8, 32], { seed: 1 }); // NHWC
 * console.log(sn.groupNorm(x, 8).shape); // [2, 8, 8, 32]: 8 groups of 4 channels
 * ```
 */
export function groupNorm(x: Tensor, groups: number, options?: NormOptions | null): Tensor {
  const op = 'groupNorm';
  checkTensor(op, 'x', x);
  if (x.rank < 2) throw opError(op, `argument 'x' must be [N, ..., C] (channels last), got ${fmtShape(x.shape)}`);
  const C = x.shape[x.rank - 1];
  checkNumber(op, 'groups', groups, { integer: true, min: 1 });
  // (with no channels, more than one group would only size the statistics)
  if (C % groups !== 0 || groups > Math.max(C, 1))
    throw opError(op, `argument 'groups' (${groups}) must divide the channels of x ${fmtShape(x.shape)} (${C})`);
  const N = x.shape[0];
  const P = N * C === 0 ? 0 : x.size / (N * C);
  return groupStats(op, x, N, P, C, groups, [C], options);
}

/**
 * Local response normalisation across channels (AlexNet, GoogLeNet; PyTorch's
 * local_response_norm) of channels-last x: y = x·(k + alpha/size·Σ x²)^−beta, the sum over
 * `size` neighbouring channels (⌊size/2⌋ before, ⌊(size − 1)/2⌋ after).
 *
 * @example
 * ```ts
 * const x = sn.randn([1, 13, 13, 96], { seed: 1 });
 * console.log(sn.localResponseNorm(x, 5, { alpha: 1e-4, beta: 0.75, k: 2 }).shape); // [1, 13, 13, 96]
 * ```
 */
export function localResponseNorm(x: Tensor, size: number, options?: { alpha?: number; beta?: number; k?: number } | null): Tensor {
  const op = 'localResponseNorm';
  checkTensor(op, 'x', x);
  if (x.rank < 2) throw opError(op, `argument 'x' must have a channel axis last (e.g. [N, H, W, C]), got ${fmtShape(x.shape)}`);
  checkNumber(op, 'size', size, { integer: true, min: 1 });
  const o = checkOptions(op, options, ['alpha', 'beta', 'k']);
  const alpha = checkNumber(op, 'alpha', o.alpha ?? 1e-4);
  const beta = checkNumber(op, 'beta', o.beta ?? 0.75);
  const kk = checkNumber(op, 'k', o.k ?? 1, { min: 0, minExclusive: true });
  const C = x.shape[x.rank - 1];
  const P = C === 0 ? 0 : x.size / C;
  const y = empty(x.shape);
  const s = empty(x.shape);
  Nm.lrnFwd(x.ptr, y.ptr, s.ptr, P, C, size, alpha, beta, kk);
  return record(op, [x], y, (dy) => {
    const dx = empty(x.shape);
    Nm.lrnBwd(x.ptr, s.ptr, dy.ptr, dx.ptr, P, C, size, alpha, beta);
    return [dx];
  }, [s]);
}
