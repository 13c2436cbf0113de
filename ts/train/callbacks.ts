// Callbacks for fit(): early stopping, learning-rate schedules on epochs or on a plateau.
import { opError } from '../backend/index';
import type { Module } from '../nn/module';
import type { Optimizer } from '../optim/optimizer';

export interface EpochLogs {
  epoch: number;
  loss: number;
  accuracy?: number;
  top5?: number;
  valLoss?: number;
  valAccuracy?: number;
  valTop5?: number;
  lr: number;
  seconds: number;
  imagesPerSecond: number;
  [metric: string]: number | undefined;
}

/** One step's logs: the batch's own loss and accuracy, not a running mean. */
export interface BatchLogs {
  epoch: number;
  /** The batch's index in its epoch (0-based). */
  batch: number;
  /** Batches per epoch (NaN for a stream of batches). */
  batches: number;
  /** Steps since this fit() began. */
  iteration: number;
  /** Samples in the batch. */
  size: number;
  loss: number;
  accuracy: number;
}

export interface TrainState {
  readonly model: Module;
  readonly optimizer: Optimizer;
  /** The epoch running (0-based). */
  epoch: number;
  /** The optimizer's learning rate; callbacks may change it. */
  lr: number;
  /** Set to true to end training after this epoch. */
  stop: boolean;
  /** Copies the model's weights now; the returned function puts them back. */
  snapshot(): () => void;
}

/** Hooks fit() calls (and awaits when they return a Promise). */
export interface Callback {
  onTrainBegin?(state: TrainState): void | Promise<void>;
  onBatchEnd?(logs: BatchLogs, state: TrainState): void | Promise<void>;
  onEpochEnd?(logs: EpochLogs, state: TrainState): void | Promise<void>;
  onTrainEnd?(state: TrainState): void | Promise<void>;
}

export type Monitor = 'loss' | 'valLoss' | 'accuracy' | 'valAccuracy';

function better(monitor: Monitor, a: number, b: number, minDelta: number): boolean {
  return monitor.endsWith('ccuracy') ? a > b + minDelta : a < b - minDelta;
}

function read(monitor: Monitor, logs: EpochLogs, who: string): number {
  const v = logs[monitor];
  if (v === undefined) throw opError(who, `monitor '${monitor}' is not in the epoch logs (pass validation data to fit for val metrics)`);
  return v;
}

/** Stops when `monitor` has not improved by minDelta for `patience` epochs. */
export class EarlyStopping implements Callback {
  private best = NaN;
  private wait = 0;
  private restore: (() => void) | null = null;
  bestEpoch = -1;
  constructor(private readonly opts: { monitor?: Monitor; patience?: number; minDelta?: number; restoreBest?: boolean } = {}) {}
  onTrainBegin(): void {
    this.best = NaN;
    this.wait = 0;
  }
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
  onTrainEnd(): void {
    this.restore?.();
    this.restore = null;
  }
}

/** Multiplies the learning rate by `factor` every `stepSize` epochs (step decay). */
export class StepLR implements Callback {
  constructor(private readonly opts: { stepSize: number; factor?: number }) {
    if (!(opts.stepSize >= 1)) throw opError('StepLR', `stepSize must be >= 1, got ${opts.stepSize}`);
  }
  onEpochEnd(logs: EpochLogs, state: TrainState): void {
    if ((logs.epoch + 1) % this.opts.stepSize === 0) state.lr *= this.opts.factor ?? 0.1;
  }
}

/** Multiplies the learning rate by `factor` when `monitor` stalls for `patience` epochs. */
export class ReduceLROnPlateau implements Callback {
  private best = NaN;
  private wait = 0;
  constructor(private readonly opts: { monitor?: Monitor; factor?: number; patience?: number; minDelta?: number; minLr?: number } = {}) {}
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
