// Callbacks for fit(): early stopping, learning-rate schedules on epochs or on a plateau.
import { opError } from '../backend/index';
import type { Module } from '../nn/module';
import type { Optimizer } from '../optim/optimizer';

/** One epoch's logs (fit's History.epochs, onEpochEnd): means over the epoch's samples. */
export interface EpochLogs {
  /** The epoch (0-based). */
  epoch: number;
  /** The mean training loss. */
  loss: number;
  /** Top-1 training accuracy, with metrics: ['accuracy'] (the default). */
  accuracy?: number;
  /** Top-5 training accuracy, with metrics: ['top5']. */
  top5?: number;
  /** The validation data's loss, when fit has validation data. */
  valLoss?: number;
  /** The validation data's top-1 accuracy. */
  valAccuracy?: number;
  /** The validation data's top-5 accuracy. */
  valTop5?: number;
  /** The learning rate the epoch ran with. */
  lr: number;
  /** Wall-clock seconds of the epoch (with its validation). */
  seconds: number;
  /** Training samples per second. */
  imagesPerSecond: number;
  [metric: string]: number | undefined;
}

/** One step's logs: the batch's own loss and accuracy, not a running mean. */
export interface BatchLogs {
  /** The epoch (0-based). */
  epoch: number;
  /** The batch's index in its epoch (0-based). */
  batch: number;
  /** Batches per epoch (NaN for a stream of batches). */
  batches: number;
  /** Steps since this fit() began. */
  iteration: number;
  /** Samples in the batch. */
  size: number;
  /** The batch's loss. */
  loss: number;
  /** The batch's top-1 accuracy. */
  accuracy: number;
}

/** What callbacks see and may change while fit runs. */
export interface TrainState {
  /** The model being trained. */
  readonly model: Module;
  /** fit's optimizer. */
  readonly optimizer: Optimizer;
  /** The epoch running (0-based). */
  epoch: number;
  /** The optimizer's learning rate; callbacks may change it. */
  lr: number;
  /** Set to true to end training after this epoch. */
  stop: boolean;
  /**
   * Copies the model's weights now; the returned function puts them back.
   *
   * @example
   * ```ts
   * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
   * let restore = (): void => {};
   * await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
   *   epochs: 2, optimizer: new sn.optim.SGD(model.parameters(), { lr: 0.1 }), progress: false,
   *   callbacks: [{ onTrainBegin: (state) => void (restore = state.snapshot()) }],
   * });
   * restore(); // the weights before training
   * ```
   */
  snapshot(): () => void;
}

/** Hooks fit() calls (and awaits when they return a Promise). */
export interface Callback {
  /**
   * Before the first epoch.
   *
   * @example
   * ```ts
   * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
   * const warmup: sn.Callback = { onTrainBegin: (state) => void (state.lr = 0.01) };
   * await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
   *   epochs: 1, optimizer: new sn.optim.SGD(model.parameters(), { lr: 0.1 }), callbacks: [warmup], progress: false,
   * });
   * ```
   */
  onTrainBegin?(state: TrainState): void | Promise<void>;
  /**
   * After every step, with that batch's own loss.
   *
   * @example
   * ```ts
   * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
   * const losses: number[] = [];
   * await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
   *   epochs: 1, batchSize: 2, optimizer: new sn.optim.SGD(model.parameters(), { lr: 0.1 }), progress: false,
   *   callbacks: [{ onBatchEnd: (logs) => void losses.push(logs.loss) }],
   * });
   * console.log(losses.length); // 2
   * ```
   */
  onBatchEnd?(logs: BatchLogs, state: TrainState): void | Promise<void>;
  /**
   * After every epoch and its validation; setting `state.stop` ends training.
   *
   * @example
   * ```ts
   * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
   * const history = await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
   *   epochs: 10, optimizer: new sn.optim.SGD(model.parameters(), { lr: 0.1 }), progress: false,
   *   callbacks: [{ onEpochEnd: (logs, state) => void (state.stop = logs.epoch >= 2) }],
   * });
   * console.log(history.epochs.length); // 3
   * ```
   */
  onEpochEnd?(logs: EpochLogs, state: TrainState): void | Promise<void>;
  /**
   * After the last epoch (also when stopped early).
   *
   * @example
   * ```ts
   * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
   * await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
   *   epochs: 1, optimizer: new sn.optim.SGD(model.parameters(), { lr: 0.1 }), progress: false,
   *   callbacks: [{ onTrainEnd: (state) => console.log('done at epoch', state.epoch) }],
   * });
   * ```
   */
  onTrainEnd?(state: TrainState): void | Promise<void>;
}

/** A value of the epoch logs that EarlyStopping, ReduceLROnPlateau and ModelCheckpoint watch: losses improve downwards, accuracies upwards. */
export type Monitor = 'loss' | 'valLoss' | 'accuracy' | 'valAccuracy';

function better(monitor: Monitor, a: number, b: number, minDelta: number): boolean {
  return monitor.endsWith('ccuracy') ? a > b + minDelta : a < b - minDelta;
}

function read(monitor: Monitor, logs: EpochLogs, who: string): number {
  const v = logs[monitor];
  if (v === undefined) throw opError(who, `monitor '${monitor}' is not in the epoch logs (pass validation data to fit for val metrics)`);
  return v;
}

/**
 * Stops when `monitor` (default 'valLoss') has not improved by minDelta for `patience` epochs
 * (default 3); with restoreBest, puts back the best epoch's weights at the end.
 *
 * @example
 * ```ts
 * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
 * const stop = new sn.EarlyStopping({ monitor: 'loss', patience: 2, minDelta: 1e9 });
 * const history = await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
 *   epochs: 20, optimizer: new sn.optim.SGD(model.parameters(), { lr: 0.1 }), callbacks: [stop], progress: false,
 * });
 * console.log(history.epochs.length, stop.bestEpoch); // 3 0 (no epoch beat the first by 1e9)
 * ```
 */
export class EarlyStopping implements Callback {
  private best = NaN;
  private wait = 0;
  private restore: (() => void) | null = null;
  /** The epoch of the best value so far (0-based), -1 before any. */
  bestEpoch = -1;
  constructor(private readonly opts: { monitor?: Monitor; patience?: number; minDelta?: number; restoreBest?: boolean } = {}) {}
  /**
   * fit calls it before the first epoch: forgets the best value of an earlier fit.
   *
   * @example
   * ```ts
   * const stop = new sn.EarlyStopping({ monitor: 'loss' });
   * stop.onTrainBegin(); // as fit does; the instance can serve several fits
   * ```
   */
  onTrainBegin(): void {
    this.best = NaN;
    this.wait = 0;
  }
  /**
   * fit calls it after every epoch: records an improvement or counts towards `patience`,
   * then sets `state.stop`.
   *
   * @example
   * ```ts
   * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
   * await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
   *   epochs: 5, optimizer: new sn.optim.SGD(model.parameters(), { lr: 0.1 }), progress: false,
   *   validation: { x: sn.ones([2, 2]), y: [0, 1] }, callbacks: [new sn.EarlyStopping({ patience: 1 })],
   * });
   * ```
   */
  onEpochEnd(logs: EpochLogs, state: TrainState): void {
    const m = this.opts.monitor ?? 'valLoss';
    const v = read(m, logs, 'EarlyStopping');
    if (Number.isNaN(this.best) || better(m, v, this.best, this.opts.minDelta ?? 0)) {
      this.best = v;
      this.wait = 0;
      this.bestEpoch = logs.epoch;
      if (this.opts.restoreBest) this.restore = state.snapshot();
    } else if (++this.wait >= (this.opts.patience ?? 3)) {
      state.stop = true;
    }
  }
  /**
   * fit calls it at the end: with restoreBest, puts back the best epoch's weights.
   *
   * @example
   * ```ts
   * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
   * const stop = new sn.EarlyStopping({ monitor: 'loss', restoreBest: true });
   * await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
   *   epochs: 3, optimizer: new sn.optim.SGD(model.parameters(), { lr: 0.1 }), callbacks: [stop], progress: false,
   * }); // the model now holds the weights of epoch stop.bestEpoch
   * ```
   */
  onTrainEnd(): void {
    this.restore?.();
    this.restore = null;
  }
}

/**
 * Multiplies the learning rate by `factor` (default 0.1) every `stepSize` epochs (step decay).
 *
 * @example
 * ```ts
 * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
 * const history = await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
 *   epochs: 3, optimizer: new sn.optim.SGD(model.parameters(), { lr: 0.1 }), progress: false,
 *   callbacks: [new sn.StepLR({ stepSize: 1, factor: 0.5 })],
 * });
 * console.log(history.epochs.map((e) => e.lr)); // [0.1, 0.05, 0.025]
 * ```
 */
export class StepLR implements Callback {
  constructor(private readonly opts: { stepSize: number; factor?: number }) {
    if (!(opts.stepSize >= 1)) throw opError('StepLR', `stepSize must be >= 1, got ${opts.stepSize}`);
  }
  /**
   * fit calls it after every epoch: lowers `state.lr` after every `stepSize`-th.
   *
   * @example
   * ```ts
   * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
   * const opt = new sn.optim.SGD(model.parameters(), { lr: 1 });
   * await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
   *   epochs: 5, optimizer: opt, callbacks: [new sn.StepLR({ stepSize: 2 })], progress: false,
   * });
   * console.log(opt.lr); // ≈ 0.01: the last epoch ran after two decays
   * ```
   */
  onEpochEnd(logs: EpochLogs, state: TrainState): void {
    if ((logs.epoch + 1) % this.opts.stepSize === 0) state.lr *= this.opts.factor ?? 0.1;
  }
}

/**
 * Multiplies the learning rate by `factor` (default 0.1, not below minLr) when `monitor`
 * (default 'valLoss') stalls for `patience` epochs (default 2).
 *
 * @example
 * ```ts
 * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
 * const plateau = new sn.ReduceLROnPlateau({ monitor: 'loss', patience: 1, minDelta: 1e9, factor: 0.5 });
 * const history = await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
 *   epochs: 3, optimizer: new sn.optim.SGD(model.parameters(), { lr: 0.1 }), callbacks: [plateau], progress: false,
 * });
 * console.log(history.epochs.map((e) => e.lr)); // [0.1, 0.1, 0.05]
 * ```
 */
export class ReduceLROnPlateau implements Callback {
  private best = NaN;
  private wait = 0;
  constructor(private readonly opts: { monitor?: Monitor; factor?: number; patience?: number; minDelta?: number; minLr?: number } = {}) {}
  /**
   * fit calls it after every epoch: lowers `state.lr` when `monitor` stalled.
   *
   * @example
   * ```ts
   * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
   * await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
   *   epochs: 3, optimizer: new sn.optim.Adam(model.parameters()), progress: false,
   *   validation: { x: sn.ones([2, 2]), y: [0, 1] }, callbacks: [new sn.ReduceLROnPlateau()],
   * });
   * ```
   */
  onEpochEnd(logs: EpochLogs, state: TrainState): void {
    const m = this.opts.monitor ?? 'valLoss';
    const v = read(m, logs, 'ReduceLROnPlateau');
    if (Number.isNaN(this.best) || better(m, v, this.best, this.opts.minDelta ?? 1e-4)) {
      this.best = v;
      this.wait = 0;
    } else if (++this.wait >= (this.opts.patience ?? 2)) {
      state.lr = Math.max(this.opts.minLr ?? 0, state.lr * (this.opts.factor ?? 0.1));
      this.wait = 0;
    }
  }
}
