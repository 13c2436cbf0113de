// fit / evaluate / predict: batching, seeded shuffling, loss and metrics, validation,
// callbacks and progress. Every step runs inside tidy(), so memory stays flat.
import { opError, fmtShape } from '../backend/index';
import { Tensor, tidy, memory } from '../tensor/tensor';
import { noGrad } from '../tensor/autograd';
import { Rng } from '../tensor/rng';
import { crossEntropy, mseLoss, hingeLoss, oneHot, softmax } from '../ops/loss';
import { concat, slice } from '../ops/shape';
import type { Module } from '../nn/module';
import type { Optimizer } from '../optim/optimizer';
import type { Dataset, LazyDataset } from '../data/dataset';
import type { Transform } from '../data/augment';
import { checkTensor, describe, sameShape } from '../ops/check';
import type { BatchLogs, Callback, EpochLogs, TrainState } from './callbacks';
import { Progress, hasTerminal } from './progress';
import { sourceOf, type BatchStream, type Data, type ReadyBatch, type Source, type Targets } from './data';

/** A built-in loss: cross-entropy of logits (the default), mean squared error (against one-hot targets of class indices), multi-class hinge. */
export type LossName = 'crossEntropy' | 'mse' | 'hinge';
/** A loss of the outputs and the batch's targets: class indices, or distributions [B, classes] when the data has them. */
export type LossFn = (output: Tensor, labels: Int32Array | Tensor) => Tensor;
/** A metric reported with the loss: top-1 or top-5 accuracy. */
export type Metric = 'accuracy' | 'top5';

/** What fit does: the epochs, optimizer and loss, validation, augmentation, callbacks. */
export interface FitOptions {
  /** Epochs to train (passes over the data). */
  epochs: number;
  /** Samples per step (default 32). */
  batchSize?: number;
  /** The optimizer over the model's parameters (e.g. new sn.optim.Adam(model.parameters())). */
  optimizer: Optimizer;
  /** The loss (default 'crossEntropy' of the model's logits). */
  loss?: LossName | LossFn;
  /** Metrics in the logs besides the loss (default ['accuracy']). */
  metrics?: Metric[];
  /** Data evaluated after every epoch: valLoss, valAccuracy... in the logs. */
  validation?: Data;
  /** Shuffle the samples every epoch (default true; streams of batches are read in their order). */
  shuffle?: boolean;
  /** The shuffles' seed, for runs that repeat exactly. */
  seed?: number;
  /** A transform of every training batch's values, NHWC (sn.data.randomFlip, compose...). */
  augment?: Transform;
  /** Early stopping, learning-rate schedules, checkpoints. */
  callbacks?: Callback[];
  /**
   * The epoch to start at (0-based; Keras' initial_epoch), to resume from a checkpoint:
   * epochs `initialEpoch` … `epochs − 1` run, shuffled as they would have been.
   */
  initialEpoch?: number;
  /** Aborting stops training before the next step; fit then resolves with `history.aborted` true. */
  signal?: AbortSignal;
  /** After every step, with that batch's own loss. */
  onBatchEnd?: (logs: BatchLogs) => void | Promise<void>;
  /** After every epoch (and its validation). */
  onEpochEnd?: (logs: EpochLogs) => void | Promise<void>;
  /** A progress bar; on by default only where stdout is a terminal, false for silence. */
  progress?: boolean;
  /** Progress of the running epoch, at most every 100 ms and after each epoch (for a UI of your own). */
  onProgress?: (p: { epoch: number; epochs: number; step: number; steps: number; loss: number; imagesPerSecond: number }) => void;
}

/** What fit resolves with. */
export interface History {
  /** The logs of every epoch run. */
  epochs: EpochLogs[];
  /** True when options.signal stopped training. */
  aborted?: boolean;
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
      return (o, y) => hingeLoss(o, y instanceof Tensor ? classesOf(y, o.shape[1]) : y);
    case 'mse':
      return (o, y) => {
        if (y instanceof Tensor) return mseLoss(o, y);
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

// The most likely class of each row of distributions [B, C].
function classesOf(y: Tensor, C: number): Int32Array {
  const v = y.dataSync();
  const out = new Int32Array(v.length / C);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let j = 1; j < C; j++) if (v[i * C + j] > v[i * C + best]) best = j;
    out[i] = best;
  }
  return out;
}

// Counts of correct top-1 and top-5 predictions in a batch of scores [B, C].
function countCorrect(scores: Float32Array, y: Int32Array | Tensor, C: number): [number, number] {
  const labels = y instanceof Tensor ? classesOf(y, C) : y;
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
// A macrotask turn without setTimeout's clamping (up to 4 ms in browsers): what lets an
// abort() from a timer or a message land between two steps.
const G = globalThis as { setImmediate?: (f: () => void) => void; MessageChannel?: typeof MessageChannel };
const yieldQuickly = (): Promise<void> =>
  new Promise((r) => {
    if (G.setImmediate) return G.setImmediate(r);
    if (!G.MessageChannel) return setTimeout(r, 0);
    const ch = new G.MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      r();
    };
    ch.port2.postMessage(null);
  });

const next = async <T>(it: AsyncIterator<T> | Iterator<T>): Promise<IteratorResult<T>> => it.next();

// Sums of a pass over batches: loss weighted by batch size, top-1 and top-5 hits.
class Meter {
  loss = 0;
  seen = 0;
  top1 = 0;
  top5 = 0;
  add(loss: number, out: Tensor, y: Int32Array | Tensor, n: number): [number, number] {
    const [a, b] = countCorrect(out.dataSync(), y, out.shape[1]);
    this.loss += loss * n;
    this.seen += n;
    this.top1 += a;
    this.top5 += b;
    return [a, b];
  }
  result(metrics: Metric[]): { loss: number; accuracy?: number; top5?: number } {
    const n = Math.max(this.seen, 1);
    const r: { loss: number; accuracy?: number; top5?: number } = { loss: this.loss / n };
    if (metrics.includes('accuracy')) r.accuracy = this.top1 / n;
    if (metrics.includes('top5')) r.top5 = this.top5 / n;
    return r;
  }
}

const isPromise = (v: unknown): v is Promise<unknown> => !!v && typeof (v as { then?: unknown }).then === 'function';

/**
 * Trains `model` on `data` and returns the per-epoch logs. `data` is tensors { x, y } (y:
 * class indices, or one-hot / soft targets [N, classes]), a Dataset, a LazyDataset read
 * sample by sample, or an (async) iterable of { x, y } batches (a function returning one
 * for each epoch).
 *
 * @example
 * ```ts
 * sn.seed(0);
 * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 8), new sn.nn.ReLU(), new sn.nn.Linear(8, 2));
 * const x = sn.tensor([0, 0, 0, 1, 1, 0, 1, 1], [4, 2]);
 * const history = await sn.fit(model, { x, y: [0, 1, 1, 0] }, {
 *   epochs: 3, batchSize: 2, optimizer: new sn.optim.Adam(model.parameters(), { lr: 0.01 }), progress: false,
 * });
 * console.log(history.epochs.length, typeof history.epochs[2].loss); // 3 'number'
 * ```
 */
export async function fit(model: Module, data: Data, options: FitOptions): Promise<History> {
  const op = 'fit';
  checkModel(op, model);
  if (options === null || typeof options !== 'object') throw opError(op, `argument 'options' must be an object ({ epochs, optimizer, ... }), got ${describe(options)}`);
  const train = sourceOf(op, data);
  const val = options.validation ? sourceOf(op, options.validation) : null;
  const epochs = options.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) throw opError(op, `options.epochs must be a positive integer, got ${epochs}`);
  const batchSize = checkBatchSize(op, options.batchSize, 32);
  if (!options.optimizer || typeof options.optimizer.step !== 'function') throw opError(op, 'options.optimizer must be an optimizer (sn.optim.SGD, Adam, RMSProp)');
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs)
    throw opError(op, `options.initialEpoch must be an integer in [0, epochs = ${epochs}), got ${initialEpoch}`);
  const signal = options.signal;
  if (signal !== undefined && (signal === null || typeof signal.aborted !== 'boolean')) throw opError(op, `options.signal must be an AbortSignal, got ${describe(signal)}`);
  const opt = options.optimizer;
  const lossFn = lossOf(op, options.loss);
  const metrics = options.metrics ?? ['accuracy'];
  const callbacks = options.callbacks ?? [];
  const rng = new Rng(options.seed ?? 0);
  const order = train.length === null ? null : Int32Array.from({ length: train.length }, (_, i) => i);
  const steps = train.length === null ? NaN : Math.ceil(train.length / batchSize);
  const state: TrainState = { lr: opt.lr, stop: false, snapshot: snapshotOf(model), model, optimizer: opt, epoch: initialEpoch };
  const history: History = { epochs: [] };
  const progress = options.progress ?? hasTerminal() ? new Progress() : null;
  const shuffle = options.shuffle !== false && order !== null;
  // The shuffles of the epochs skipped by initialEpoch, so the orders continue as they would.
  if (shuffle) for (let e = 0; e < initialEpoch; e++) rng.shuffle(order);
  for (const c of callbacks) await c.onTrainBegin?.(state);
  let iteration = 0;
  const leaks = leakWatch();

  for (let epoch = initialEpoch; epoch < epochs && !state.stop && !signal?.aborted; epoch++) {
    state.epoch = epoch;
    model.train();
    opt.lr = state.lr;
    if (shuffle) rng.shuffle(order);
    const t0 = now();
    const meter = new Meter();
    let lastYield = t0;
    const it = train.batches(order, batchSize, options.augment);
    try {
      for (let step = 0; ; step++) {
        if (signal) await yieldQuickly();
        if (signal?.aborted) break;
        const r = await next(it);
        if (r.done) break;
        const { x, y, size } = r.value;
        let l: number;
        let c1: number;
        try {
          [l, c1] = tidy(() => {
            const out = model.call(x);
            const loss = lossFn(out, y);
            opt.zeroGrad();
            loss.backward();
            opt.step();
            const v = loss.item();
            return [v, meter.add(v, out, y, size)[0]];
          });
        } finally {
          x.dispose();
          if (y instanceof Tensor) y.dispose();
        }
        if (!Number.isFinite(l)) throw opError(op, `the loss became ${l} at epoch ${epoch + 1}, step ${step + 1}: lower the learning rate`);
        leaks(epoch, step);
        const t = now();
        const ips = (meter.seen / (t - t0)) * 1000;
        const batchLogs: BatchLogs = { epoch, batch: step, batches: steps, iteration: iteration++, size, loss: l, accuracy: c1 / size };
        const pending = [options.onBatchEnd?.(batchLogs), ...callbacks.map((c) => c.onBatchEnd?.(batchLogs, state))].filter(isPromise);
        if (pending.length) await Promise.all(pending);
        progress?.update(epoch, epochs, step + 1, steps, meter.loss / meter.seen, meter.top1 / meter.seen, ips);
        if (t - lastYield > 100) {
          options.onProgress?.({ epoch, epochs, step: step + 1, steps, loss: meter.loss / meter.seen, imagesPerSecond: ips });
          if (!signal) await yieldToEventLoop();
          lastYield = now();
        }
      }
    } finally {
      // An abort or an error mid-epoch: let the data source clean up (a generator's finally).
      await it.return?.();
    }
    if (signal?.aborted) break;
    const seconds = (now() - t0) / 1000;
    const m = meter.result(metrics);
    const logs: EpochLogs = { epoch, loss: m.loss, lr: opt.lr, seconds, imagesPerSecond: meter.seen / seconds };
    if (m.accuracy !== undefined) logs.accuracy = m.accuracy;
    if (m.top5 !== undefined) logs.top5 = m.top5;
    if (val) {
      const v = await evaluateSource(model, val, Math.max(batchSize, 256), lossOf(op, options.loss), metrics);
      logs.valLoss = v.loss;
      if (v.accuracy !== undefined) logs.valAccuracy = v.accuracy;
      if (v.top5 !== undefined) logs.valTop5 = v.top5;
    }
    history.epochs.push(logs);
    progress?.epochEnd(logs, epochs);
    options.onProgress?.({ epoch, epochs, step: meter.seen, steps: meter.seen, loss: logs.loss, imagesPerSecond: logs.imagesPerSecond });
    await options.onEpochEnd?.(logs);
    for (const c of callbacks) await c.onEpochEnd?.(logs, state);
    await yieldToEventLoop();
  }
  if (signal?.aborted) history.aborted = true;
  for (const c of callbacks) await c.onTrainEnd?.(state);
  return history;
}

// evaluate's loop over any source (streams and lazy datasets are awaited).
async function evaluateSource(model: Module, src: Source, bs: number, lossFn: LossFn, metrics: Metric[]): Promise<{ loss: number; accuracy?: number; top5?: number }> {
  const order = src.length === null ? null : Int32Array.from({ length: src.length }, (_, i) => i);
  const it = src.batches(order, bs);
  const meter = new Meter();
  const wasTraining = model.training;
  model.eval();
  try {
    for (let r = await next(it); !r.done; r = await next(it)) evalBatch(model, r.value, lossFn, meter);
  } finally {
    model.train(wasTraining);
    await it.return?.();
  }
  return meter.result(metrics);
}

function evalBatch(model: Module, { x, y, size }: ReadyBatch, lossFn: LossFn, meter: Meter): void {
  try {
    noGrad(() =>
      tidy(() => {
        const out = model.call(x);
        meter.add(lossFn(out, y).item(), out, y, size);
      }),
    );
  } finally {
    x.dispose();
    if (y instanceof Tensor) y.dispose();
  }
}

/** evaluate's options: the batch size (default 256), the loss (default 'crossEntropy') and metrics (default ['accuracy']). */
export type EvalOptions = {
  /** Samples per batch (default 256). */
  batchSize?: number;
  /** The loss to report (default 'crossEntropy'). */
  loss?: LossName | LossFn;
  /** Metrics to compute (default ['accuracy']). */
  metrics?: Metric[];
};
/** evaluate's result: the mean loss and the metrics asked for. */
export type EvalResult = {
  /** The mean loss over the samples. */
  loss: number;
  /** Top-1 accuracy in [0, 1], when asked for. */
  accuracy?: number;
  /** Top-5 accuracy in [0, 1], when asked for. */
  top5?: number;
};

/**
 * Loss and metrics of `model` (in eval mode) over a dataset: at once for data in memory,
 * as a Promise for a LazyDataset or a stream of batches.
 *
 * @example
 * ```ts
 * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
 * const r = sn.evaluate(model, { x: sn.tensor([1, 0, 0, 1], [2, 2]), y: [0, 1] });
 * console.log(r.loss > 0, r.accuracy! >= 0); // true true
 * ```
 */
export function evaluate(model: Module, data: Dataset | { x: Tensor; y: Targets }, options?: EvalOptions): EvalResult;
export function evaluate(model: Module, data: LazyDataset | BatchStream, options?: EvalOptions): Promise<EvalResult>;
export function evaluate(model: Module, data: Data, options: EvalOptions = {}): EvalResult | Promise<EvalResult> {
  checkModel('evaluate', model);
  options ??= {};
  const src = sourceOf('evaluate', data);
  const lossFn = lossOf('evaluate', options.loss);
  const bs = checkBatchSize('evaluate', options.batchSize, 256);
  const metrics = options.metrics ?? ['accuracy'];
  if (src.length === null || (data as Partial<LazyDataset>).get) return evaluateSource(model, src, bs, lossFn, metrics);
  const order = Int32Array.from({ length: src.length }, (_, i) => i);
  const it = src.batches(order, bs) as Iterator<ReadyBatch>;
  const meter = new Meter();
  const wasTraining = model.training;
  model.eval();
  try {
    for (let r = it.next(); !r.done; r = it.next()) evalBatch(model, r.value, lossFn, meter);
  } finally {
    model.train(wasTraining);
  }
  return meter.result(metrics);
}

/** predict's options. */
export interface PredictOptions {
  /** Samples per forward pass (default 256). */
  batchSize?: number;
  /** Softmax over the outputs' last axis: class probabilities instead of logits. */
  probabilities?: boolean;
}

/**
 * Runs the model in eval mode over x in batches; returns the stacked outputs (logits, or probabilities if asked).
 *
 * @example
 * ```ts
 * const model = new sn.nn.Sequential(new sn.nn.Linear(3, 4));
 * const p = sn.predict(model, sn.rand([5, 3]), { batchSize: 2, probabilities: true });
 * console.log(p.shape); // [5, 4], each row sums to 1
 * ```
 */
export function predict(model: Module, x: Tensor, options: PredictOptions = {}): Tensor {
  checkModel('predict', model);
  options ??= {};
  checkTensor('predict', 'x', x);
  const bs = checkBatchSize('predict', options.batchSize, 256);
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
      const yb: unknown = noGrad(() => tidy(() => (options.probabilities ? softmax(model.call(input)) : model.call(input))));
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
