// Softmax, log-softmax and the losses: cross-entropy (integer labels or target
// distributions), mean squared error and the multi-class hinge. Losses are means over rows.
import { getBackend, opError, fmtShape, f32Index } from '../backend/index';
import * as L from '../kernels/loss';
import * as Rd from '../kernels/reduce';
import { Tensor, empty } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { tensor } from './creation';
import { checkTensor, checkNumber, checkOptions, sameShape, optionsOf } from './check';
import { normAxis } from './strided';

/** Class labels: integers (one per row) or a Tensor [N, C] of target distributions. */
export type Labels = Int32Array | Uint8Array | number[] | Tensor;

/** Options of softmax and logSoftmax. */
export interface SoftmaxOptions {
  /** The axis normalised over (negative from the end); default -1, the last. */
  axis?: number;
}

function softmaxLike(op: 'softmax' | 'logSoftmax', x: Tensor, options: SoftmaxOptions | null | undefined): Tensor {
  checkTensor(op, 'x', x);
  const o = checkOptions(op, options, ['axis']);
  if (x.rank < 1) throw opError(op, `argument 'x' must have at least one axis, got a scalar`);
  const a = normAxis(op, o.axis ?? -1, x.rank, 'axis', x.shape);
  const R = x.shape[a];
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const outer = R * inner === 0 ? 0 : x.size / (R * inner);
  const log = op === 'logSoftmax';
  const y = empty(x.shape);
  // The contiguous last axis has its own row kernels; any other axis the strided ones.
  if (x.size === 0) return record(op, [x], y, () => [empty(x.shape)]);
  if (inner === 1) (log ? L.logSoftmaxFwd : L.softmaxFwd)(x.ptr, y.ptr, outer, R);
  else Rd.softmaxAxisFwd(x.ptr, y.ptr, outer, R, inner, +log);
  return record(op, [x], y, (dy) => {
    const dx = empty(x.shape);
    if (inner === 1) (log ? L.logSoftmaxBwd : L.softmaxBwd)(y.ptr, dy.ptr, dx.ptr, outer, R);
    else Rd.softmaxAxisBwd(y.ptr, dy.ptr, dx.ptr, outer, R, inner, +log);
    return [dx];
  });
}

/**
 * Softmax along options.axis (default the last), numerically stable.
 *
 * @example
 * ```ts
 * const p = sn.softmax(sn.tensor([1, 2, 3]));
 * console.log(p.toArray()); // [0.090…, 0.244…, 0.665…], summing to 1
 * ```
 */
export const softmax = (x: Tensor, options?: SoftmaxOptions | null): Tensor => softmaxLike('softmax', x, options);
/**
 * log(softmax(x)) along options.axis (default the last), without forming the softmax.
 *
 * @example
 * ```ts
 * console.log(sn.logSoftmax(sn.tensor([0, 0])).toArray()); // [-0.693…, -0.693…]
 * ```
 */
export const logSoftmax = (x: Tensor, options?: SoftmaxOptions | null): Tensor => softmaxLike('logSoftmax', x, options);

// Integer labels into an i32 block (a tensor-sized allocation freed with the loss).
function labelBlock(op: string, labels: Labels, rows: number, cols: number): Tensor {
  if (labels === null || typeof labels !== 'object' || typeof (labels as ArrayLike<number>).length !== 'number')
    throw opError(op, `argument 'labels' must be class indices (Int32Array or numbers) or a Tensor, got ${labels === null ? 'null' : typeof labels}`);
  const n = (labels as ArrayLike<number>).length;
  if (n !== rows) throw opError(op, `argument 'labels' has ${n} entries, the scores have ${rows} rows`);
  const t = empty([rows]);
  const v = getBackend().i32();
  const base = f32Index(t.ptr);
  for (let i = 0; i < rows; i++) {
    const l = (labels as ArrayLike<number>)[i];
    if (!Number.isInteger(l) || l < 0 || l >= cols) {
      t.dispose();
      throw opError(op, `argument 'labels'[${i}] = ${l} is not a class index in [0, ${cols})`);
    }
    v[base + i] = l;
  }
  return t;
}

function scalarOut(v: number): Tensor {
  const out = empty([]);
  getBackend().f32()[f32Index(out.ptr)] = v;
  return out;
}

const dyValue = (dy: Tensor): number => getBackend().f32()[f32Index(dy.ptr)];

/**
 * Mean cross-entropy of softmax(logits) [N, C] against integer labels (Int32Array, numbers)
 * or target distributions (a Tensor [N, C], one-hot or soft).
 *
 * @example
 * ```ts
 * const logits = sn.randn([4, 10], { seed: 1, requiresGrad: true });
 * const loss = sn.crossEntropy(logits, [3, 1, 4, 1]);          // integer labels
 * loss.backward();
 * console.log(loss.item() > 0, logits.grad?.shape);             // true [4, 10]
 * const soft = sn.softmax(sn.randn([4, 10], { seed: 2 }));
 * console.log(sn.crossEntropy(logits, soft).rank);              // 0: distributions as targets
 * ```
 */
export function crossEntropy(logits: Tensor, labels: Labels): Tensor {
  const op = 'crossEntropy';
  checkTensor(op, 'logits', logits);
  if (logits.rank !== 2) throw opError(op, `argument 'logits' must be [N, classes], got ${fmtShape(logits.shape)}`);
  const [rows, cols] = logits.shape;
  if (rows === 0) throw opError(op, `argument 'logits' ${fmtShape(logits.shape)} has no rows`);
  if (labels instanceof Tensor) {
    checkTensor(op, 'labels', labels);
    if (!sameShape(labels.shape, logits.shape))
      throw opError(op, `target distributions 'labels' ${fmtShape(labels.shape)} must have the shape of 'logits' ${fmtShape(logits.shape)}`);
  }
  const probs = empty(logits.shape);
  const losses = empty([rows]);
  let total: number;
  let bwd: (dl: Tensor, scale: number) => void;
  let saved: Tensor[];
  const inputs = [logits];
  if (labels instanceof Tensor) {
    total = L.crossEntropyProbsFwd(logits.ptr, labels.ptr, losses.ptr, probs.ptr, rows, cols);
    bwd = (dl, scale) => L.crossEntropyProbsBwd(probs.ptr, labels.ptr, dl.ptr, rows, cols, scale);
    saved = [probs];
  } else {
    let lab: Tensor;
    try {
      lab = labelBlock(op, labels, rows, cols);
    } catch (e) {
      probs.dispose();
      losses.dispose();
      throw e;
    }
    total = L.crossEntropyLabelsFwd(logits.ptr, lab.ptr, losses.ptr, probs.ptr, rows, cols);
    bwd = (dl, scale) => L.crossEntropyLabelsBwd(probs.ptr, lab.ptr, dl.ptr, rows, cols, scale);
    saved = [probs, lab];
  }
  losses.dispose();
  const out = scalarOut(total / rows);
  return record(op, inputs, out, (dy) => {
    const dl = empty(logits.shape);
    bwd(dl, dyValue(dy) / rows);
    return [dl];
  }, saved);
}

/** One-hot rows [labels.length, classes]: 1 at each row's label, 0 elsewhere. */
export function oneHot(labels: ArrayLike<number>, classes: number): Tensor {
  const op = 'oneHot';
  checkNumber(op, 'classes', classes, { integer: true, min: 1 });
  const v = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0 || l >= classes) throw opError(op, `argument 'labels'[${i}] = ${l} is not a class index in [0, ${classes})`);
    v[i * classes + l] = 1;
  }
  return tensor(v, [labels.length, classes]);
}

/**
 * Mean of (pred − target)² over every element.
 *
 * @example
 * ```ts
 * console.log(sn.mseLoss(sn.tensor([1, 2]), sn.tensor([1, 4])).item()); // 2
 * ```
 */
export function mseLoss(pred: Tensor, target: Tensor): Tensor {
  const op = 'mseLoss';
  checkTensor(op, 'pred', pred);
  checkTensor(op, 'target', target);
  if (!sameShape(pred.shape, target.shape)) throw opError(op, `arguments 'pred' ${fmtShape(pred.shape)} and 'target' ${fmtShape(target.shape)} must have the same shape`);
  if (pred.size === 0) throw opError(op, `argument 'pred' ${fmtShape(pred.shape)} is empty`);
  const n = pred.size;
  const out = scalarOut(L.mseFwd(pred.ptr, target.ptr, n) / n);
  return record(op, [pred, target], out, (dy) => {
    const s = dyValue(dy) / n;
    let dp: Tensor | null = null;
    let dt: Tensor | null = null;
    if (pred.requiresGrad) {
      dp = empty(pred.shape);
      L.mseBwd(pred.ptr, target.ptr, dp.ptr, n, s);
    }
    if (target.requiresGrad) {
      dt = empty(target.shape);
      L.mseBwd(target.ptr, pred.ptr, dt.ptr, n, s);
    }
    return [dp, dt];
  });
}

/**
 * Mean multi-class hinge (Weston–Watkins SVM): Σ_{j≠y} max(0, s_j − s_y + margin) per row.
 *
 * @example
 * ```ts
 * const scores = sn.tensor([3, 1, 0, 0, 2, 2.5], [2, 3]);
 * console.log(sn.hingeLoss(scores, [0, 1]).item()); // (0 + 0 + 0 + 1.5) / 2 = 0.75
 * ```
 */
export function hingeLoss(scores: Tensor, labels: Labels, options: { margin?: number } = {}): Tensor {
  const op = 'hingeLoss';
  checkTensor(op, 'scores', scores);
  options = optionsOf(op, options);
  if (scores.rank !== 2) throw opError(op, `argument 'scores' must be [N, classes], got ${fmtShape(scores.shape)}`);
  const margin = checkNumber(op, 'margin', options.margin ?? 1);
  const [rows, cols] = scores.shape;
  if (rows === 0) throw opError(op, `argument 'scores' ${fmtShape(scores.shape)} has no rows`);
  if (labels instanceof Tensor) throw opError(op, `argument 'labels' must be integer class indices (Int32Array or numbers)`);
  const lab = labelBlock(op, labels, rows, cols);
  const losses = empty([rows]);
  const total = L.hingeMulticlassFwd(scores.ptr, lab.ptr, losses.ptr, rows, cols, margin);
  losses.dispose();
  const out = scalarOut(total / rows);
  return record(op, [scores], out, (dy) => {
    const ds = empty(scores.shape);
    L.hingeMulticlassBwd(scores.ptr, lab.ptr, ds.ptr, rows, cols, margin, dyValue(dy) / rows);
    return [ds];
  }, [lab]);
}
