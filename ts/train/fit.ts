// fit / evaluate / predict: batching, seeded shuffling, loss and metrics, validation,
// callbacks and progress. Every step runs inside tidy(), so memory stays flat.
import { opError, fmtShape } from '../backend/index';
import { Tensor, tidy, memory } from '../tensor/tensor';
import { checkTensor, describe, sameShape } from '../ops/check';
import { noGrad } from '../tensor/autograd';
import { Rng } from '../tensor/rng';
import { crossEntropy, mseLoss, hingeLoss, oneHot, type Labels } from '../ops/loss';
import { concat, slice } from '../ops/shape';
import type { Module } from '../nn/module';
import type { Optimizer } from '../optim/optimizer';
import { makeDataset, batchTensor, type Dataset } from '../data/dataset';
import type { Transform } from '../data/augment';
import type { Callback, EpochLogs, TrainState } from './callbacks';
import { Progress } from './progress';

export type LossName = 'crossEntropy' | 'mse' | 'hinge';
export type LossFn = (output: Tensor, labels: Int32Array) => Tensor;
export type Metric = 'accuracy' | 'top5';

export interface FitOptions {
  epochs: number;
  batchSize?: number;
  optimizer: Optimizer;
  loss?: LossName | LossFn;
  metrics?: Metric[];
  validation?: Dataset | { x: Tensor; y: Labels };
  shuffle?: boolean;
  seed?: number;
  augment?: Transform;
  callbacks?: Callback[];
  /** A progress bar on a terminal, periodic lines otherwise; false for silence. */
  progress?: boolean;
  onProgress?: (p: { epoch: number; epochs: number; step: number; steps: number; loss: number; imagesPerSecond: number }) => void;
}

export interface History {
  epochs: EpochLogs[];
}

function toDataset(op: string, d: Dataset | { x: Tensor; y: Labels }): Dataset {
  if (d === null || typeof d !== 'object') throw opError(op, `argument 'data' must be a Dataset or { x: Tensor, y: labels }, got ${describe(d)}`);
  if ('sampleShape' in d) {
    checkLabels(op, 'data.y', d.y);
    return d;
  }
  checkTensor(op, 'data.x', d.x);
  if (d.x.rank < 1) throw opError(op, `argument 'data.x' ${fmtShape(d.x.shape)} must be [N, ...]`);
  const y = checkLabels(op, 'data.y', d.y instanceof Tensor ? checkTensor(op, 'data.y', d.y).dataSync() : d.y);
  if (y.length !== d.x.shape[0]) throw opError(op, `data.y has ${y.length} labels, data.x ${fmtShape(d.x.shape)} has ${d.x.shape[0]} samples`);
  return makeDataset(d.x.dataSync(), d.x.shape.slice(1), y);
}

// Class labels as Int32Array: every one a non-negative integer (Int32Array.from would read
// NaN and 0.5 as 0, 2.9 as 2).
function checkLabels(op: string, arg: string, y: unknown): Int32Array {
  if (y === null || typeof y !== 'object' || typeof (y as ArrayLike<number>).length !== 'number')
    throw opError(op, `argument '${arg}' must be an array of class indices, got ${describe(y)}`);
  const a = y as ArrayLike<unknown>;
  for (let i = 0; i < a.length; i++) {
    const l = a[i];
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l > 0x7fffffff)
      throw opError(op, `argument '${arg}'[${i}] = ${typeof l === 'number' ? l : describe(l)} is not a class index (a non-negative integer)`);
  }
  return y instanceof Int32Array ? y : Int32Array.from(a as ArrayLike<number>);
}

function checkModel(op: string, model: unknown): void {
  if (model === null || typeof model !== 'object' || typeof (model as Module).call !== 'function' || typeof (model as Module).eval !== 'function')
    throw opError(op, `argument 'model' must be a Module (sn.nn.Sequential, a layer, a model builder's result), got ${describe(model)}`);
}

/** A batch size: a positive integer (0 looped forever, 0.5 and '2' misbehaved). */
function checkBatchSize(op: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw opError(op, `options.batchSize must be a positive integer, got ${typeof v === 'number' ? v : describe(v)}`);
  return v;
}

function lossOf(op: string, loss: LossName | LossFn | undefined): LossFn {
  if (typeof loss === 'function') return loss;
  switch (loss ?? 'crossEntropy') {
    case 'crossEntropy':
      return crossEntropy;
    case 'hinge':
      return (o, y) => hingeLoss(o, y);
    case 'mse':
      return (o, y) => {
        // MSE against one-hot targets of the labels.
        checkTensor('mseLoss', 'output', o);
        if (o.rank !== 2 || o.shape[0] !== y.length)
          throw opError('mseLoss', `the model's output ${fmtShape(o.shape)} must be [${y.length}, classes] for one-hot targets of ${y.length} labels`);
        const C = o.shape[1];
        for (let i = 0; i < y.length; i++)
          if (!(y[i] >= 0 && y[i] < C)) throw opError('mseLoss', `label ${y[i]} (sample ${i}) is not a class index in [0, ${C})`);
        return mseLoss(o, oneHot(y, C));
      };
    default:
      throw opError(op, `unknown loss ${JSON.stringify(loss)} (crossEntropy, mse, hinge, or a function)`);
  }
}

// Counts of correct top-1 and top-5 predictions in a batch of scores [B, C].
function countCorrect(scores: Float32Array, labels: Int32Array, C: number): [number, number] {
  let top1 = 0;
  let top5 = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = scores.subarray(i * C, (i + 1) * C);
    const s = row[labels[i]];
    let above = 0;
    for (let j = 0; j < C; j++) if (row[j] > s || (row[j] === s && j < labels[i])) above++;
    if (above === 0) top1++;
    if (above < 5) top5++;
  }
  return [top1, top5];
}

function snapshotOf(model: Module): () => () => void {
  return () => {
    const saved = model.parameters().map((p) => [p, p.dataSync()] as const);
    const buffers = model.namedBuffers().map(([, b]) => [b, b.dataSync()] as const);
    return () => {
      for (const [p, d] of saved) if (!p.isDisposed) p.assign(d);
      for (const [b, d] of buffers) if (!b.isDisposed) b.assign(d);
    };
  };
}

// Every step runs in tidy(), so live tensors stay level unless a custom loss, model or
// callback keeps tensors: warn once when the count rises at 3 checkpoints (every 25 steps)
// in a row, before the out-of-memory error.
function leakWatch(): (epoch: number, step: number) => void {
  let last = -1;
  let rises = 0;
  let warned = false;
  let n = 0;
  return (epoch, step) => {
    if (warned || ++n % 25 !== 0) return;
    const live = memory().tensors;
    rises = last >= 0 && live > last ? rises + 1 : 0;
    if (rises >= 3) {
      warned = true;
      console.warn(
        `simdnet.fit: live tensors keep growing (${live} at epoch ${epoch + 1}, step ${step + 1}, +${live - last} in the last 25 steps): ` +
          'a custom loss, model or callback keeps tensors; dispose() them or wrap the work in tidy() (sn.memory() shows the count)',
      );
    }
    last = live;
  };
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
const yieldToEventLoop = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** Trains `model` on `data` and returns the per-epoch logs. */
export async function fit(model: Module, data: Dataset | { x: Tensor; y: Labels }, options: FitOptions): Promise<History> {
  const op = 'fit';
  checkModel(op, model);
  if (options === null || typeof options !== 'object') throw opError(op, `argument 'options' must be an object ({ epochs, optimizer, ... }), got ${describe(options)}`);
  const train = toDataset(op, data);
  const val = options.validation ? toDataset(op, options.validation) : null;
  const epochs = options.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) throw opError(op, `options.epochs must be a positive integer, got ${epochs}`);
  const batchSize = checkBatchSize(op, options.batchSize, 32);
  if (!options.optimizer || typeof options.optimizer.step !== 'function') throw opError(op, 'options.optimizer must be an optimizer (sn.optim.SGD, Adam, RMSProp)');
  const opt = options.optimizer;
  const lossFn = lossOf(op, options.loss);
  const metrics = options.metrics ?? ['accuracy'];
  const callbacks = options.callbacks ?? [];
  const rng = new Rng(options.seed ?? 0);
  const order = Int32Array.from({ length: train.length }, (_, i) => i);
  const steps = Math.ceil(train.length / batchSize);
  const state: TrainState = { lr: opt.lr, stop: false, snapshot: snapshotOf(model) };
  const history: History = { epochs: [] };
  const progress = options.progress === false ? null : new Progress();
  for (const c of callbacks) c.onTrainBegin?.(state);
  const leaks = leakWatch();

  for (let epoch = 0; epoch < epochs && !state.stop; epoch++) {
    model.train();
    opt.lr = state.lr;
    if (options.shuffle !== false) rng.shuffle(order);
    const t0 = now();
    let lossSum = 0;
    let seen = 0;
    let correct1 = 0;
    let correct5 = 0;
    let lastYield = t0;
    for (let step = 0; step < steps; step++) {
      const start = step * batchSize;
      const end = Math.min(start + batchSize, train.length);
      const { x, y } = batchTensor(train, order, start, end, options.augment);
      let l: number, c1: number, c5: number;
      try {
        [l, c1, c5] = tidy(() => {
          const out = model.call(x);
          const loss = lossFn(out, y);
          opt.zeroGrad();
          loss.backward();
          opt.step();
          const [a, b] = countCorrect(out.dataSync(), y, out.shape[1]);
          return [loss.item(), a, b];
        });
      } finally {
        x.dispose();
      }
      if (!Number.isFinite(l)) throw opError(op, `the loss became ${l} at epoch ${epoch + 1}, step ${step + 1}: lower the learning rate`);
      leaks(epoch, step);
      lossSum += l * (end - start);
      seen += end - start;
      correct1 += c1;
      correct5 += c5;
      const t = now();
      const ips = (seen / (t - t0)) * 1000;
      progress?.update(epoch, epochs, step + 1, steps, lossSum / seen, correct1 / seen, ips);
      if (t - lastYield > 100) {
        options.onProgress?.({ epoch, epochs, step: step + 1, steps, loss: lossSum / seen, imagesPerSecond: ips });
        await yieldToEventLoop();
        lastYield = now();
      }
    }
    const seconds = (now() - t0) / 1000;
    const logs: EpochLogs = { epoch, loss: lossSum / seen, lr: opt.lr, seconds, imagesPerSecond: seen / seconds };
    if (metrics.includes('accuracy')) logs.accuracy = correct1 / seen;
    if (metrics.includes('top5')) logs.top5 = correct5 / seen;
    if (val) {
      const v = evaluate(model, val, { batchSize: Math.max(batchSize, 256), loss: options.loss, metrics });
      logs.valLoss = v.loss;
      if (v.accuracy !== undefined) logs.valAccuracy = v.accuracy;
      if (v.top5 !== undefined) logs.valTop5 = v.top5;
    }
    history.epochs.push(logs);
    progress?.epochEnd(logs, epochs);
    options.onProgress?.({ epoch, epochs, step: steps, steps, loss: logs.loss, imagesPerSecond: logs.imagesPerSecond });
    for (const c of callbacks) c.onEpochEnd?.(logs, state);
    await yieldToEventLoop();
  }
  for (const c of callbacks) c.onTrainEnd?.(state);
  return history;
}

/** Loss and metrics of `model` (in eval mode) over a dataset. */
export function evaluate(
  model: Module,
  data: Dataset | { x: Tensor; y: Labels },
  options: { batchSize?: number; loss?: LossName | LossFn; metrics?: Metric[] } = {},
): { loss: number; accuracy?: number; top5?: number } {
  checkModel('evaluate', model);
  options ??= {};
  const d = toDataset('evaluate', data);
  const lossFn = lossOf('evaluate', options.loss);
  const bs = checkBatchSize('evaluate', options?.batchSize, 256);
  const metrics = options.metrics ?? ['accuracy'];
  const wasTraining = model.training;
  model.eval();
  const order = Int32Array.from({ length: d.length }, (_, i) => i);
  let lossSum = 0;
  let c1 = 0;
  let c5 = 0;
  try {
    for (let start = 0; start < d.length; start += bs) {
      const end = Math.min(start + bs, d.length);
      const { x, y } = batchTensor(d, order, start, end);
      try {
        noGrad(() =>
          tidy(() => {
            const out = model.call(x);
            lossSum += lossFn(out, y).item() * (end - start);
            const [a, b] = countCorrect(out.dataSync(), y, out.shape[1]);
            c1 += a;
            c5 += b;
          }),
        );
      } finally {
        x.dispose();
      }
    }
  } finally {
    model.train(wasTraining);
  }
  const n = Math.max(d.length, 1);
  const r: { loss: number; accuracy?: number; top5?: number } = { loss: lossSum / n };
  if (metrics.includes('accuracy')) r.accuracy = c1 / n;
  if (metrics.includes('top5')) r.top5 = c5 / n;
  return r;
}

/** Runs the model in eval mode over x in batches; returns the stacked outputs. */
export function predict(model: Module, x: Tensor, options: { batchSize?: number } = {}): Tensor {
  checkModel('predict', model);
  options ??= {};
  checkTensor('predict', 'x', x);
  const bs = checkBatchSize('predict', options?.batchSize, 256);
  if (x.rank < 1) throw opError('predict', `argument 'x' ${fmtShape(x.shape)} must be [N, ...]`);
  const N = x.shape[0];
  if (!(N > 0)) throw opError('predict', `argument 'x' ${fmtShape(x.shape)} has no samples`);
  const wasTraining = model.training;
  model.eval();
  const outs: Tensor[] = [];
  let xb: Tensor | null = null;
  try {
    for (let start = 0; start < N; start += bs) {
      const end = Math.min(start + bs, N);
      const input = (xb = noGrad(() => slice(x, { begin: [start], end: [end], axes: [0] })));
      const yb: unknown = noGrad(() => tidy(() => model.call(input)));
      if (!(yb instanceof Tensor) || yb.rank < 1 || yb.shape[0] !== end - start || (outs.length > 0 && !sameShape(outs[0].shape.slice(1), yb.shape.slice(1)))) {
        if (yb instanceof Tensor && yb !== input) yb.dispose();
        throw opError('predict', `the model returned ${describe(yb)} for a batch ${fmtShape(input.shape)}: predict needs one output row per sample, the same shape for every batch`);
      }
      outs.push(yb);
      if (yb !== input) input.dispose();
      xb = null;
    }
    return noGrad(() => concat(outs, 0));
  } finally {
    xb?.dispose();
    for (const o of outs) o.dispose();
    model.train(wasTraining);
  }
}
