// Checkpoints: the model's weights and the optimizer's state in one safetensors file, and a
// callback that writes them during fit (every N epochs, or when a monitored value improves).
import { opError } from '../backend/index';
import type { Module } from '../nn/module';
import type { Optimizer } from '../optim/optimizer';
import { encodeSafetensors, decodeSafetensors } from '../io/safetensors';
import { describe } from '../ops/check';
import type { Callback, EpochLogs, Monitor, TrainState } from './callbacks';

// Optimizer entries are named apart from the model's dotted parameter names.
const OPT = 'optimizer/';

/**
 * The model's weights and buffers, the optimizer's state and the epoch just finished as
 * safetensors bytes. Resume with loadCheckpoint, then fit with initialEpoch: epoch + 1.
 *
 * @example
 * ```ts
 * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
 * const opt = new sn.optim.Adam(model.parameters());
 * await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, { epochs: 1, optimizer: opt, progress: false });
 * const bytes = sn.saveCheckpoint(model, opt, { epoch: 0, metadata: { note: 'demo' } });
 * console.log(bytes instanceof Uint8Array); // true (a safetensors file)
 * ```
 */
export function saveCheckpoint(model: Module, optimizer: Optimizer, info: { epoch: number; metadata?: Record<string, string> }): Uint8Array {
  const op = 'saveCheckpoint';
  if (!Number.isInteger(info?.epoch) || info.epoch < 0) throw opError(op, `argument 'info.epoch' must be the epoch just finished (an integer >= 0), got ${info?.epoch}`);
  const sd = optimizer.stateDict();
  const entries: Record<string, { shape: readonly number[]; data: Float32Array }> = {};
  for (const [name, t] of Object.entries(model.stateDict())) entries[name] = { shape: t.shape, data: t.dataSync() };
  for (const [key, data] of Object.entries(sd.state)) entries[OPT + key] = { shape: optimizer.params[+key.split('.')[0]].shape, data };
  return encodeSafetensors(entries, {
    ...info.metadata,
    format: 'simdnet-checkpoint',
    epoch: String(info.epoch),
    optimizer: sd.type,
    optimizerStep: String(sd.step),
    lr: String(sd.lr),
  });
}

/**
 * Restores a checkpoint into `model` and, when given, `optimizer` (the same architecture and
 * optimizer kind). Returns the epoch it was saved after and its metadata.
 *
 * @example
 * ```ts
 * const make = () => new sn.nn.Sequential(new sn.nn.Linear(2, 2));
 * const model = make();
 * const opt = new sn.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, { epochs: 2, optimizer: opt, progress: false });
 * const bytes = sn.saveCheckpoint(model, opt, { epoch: 1 });
 *
 * const resumed = make();
 * const opt2 = new sn.optim.SGD(resumed.parameters(), { lr: 0.1, momentum: 0.9 });
 * const { epoch } = sn.loadCheckpoint(bytes, resumed, opt2);
 * await sn.fit(resumed, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, { epochs: 4, initialEpoch: epoch + 1, optimizer: opt2, progress: false });
 * ```
 */
export function loadCheckpoint(bytes: Uint8Array, model: Module, optimizer?: Optimizer): {
  /** The epoch the checkpoint was saved after (0-based). */
  epoch: number;
  /** The file's metadata: saveCheckpoint's `metadata` and its own entries (format, epoch, optimizer...). */
  metadata: Record<string, string>;
} {
  const op = 'loadCheckpoint';
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.format !== 'simdnet-checkpoint') throw opError(op, `these bytes are not a checkpoint of saveCheckpoint/ModelCheckpoint (format '${metadata.format}'); weights alone load with sn.io.loadSafetensors`);
  const weights: typeof tensors = {};
  const state: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(OPT)) state[name.slice(OPT.length)] = Float32Array.from(t.data);
    else weights[name] = t;
  }
  if (optimizer) optimizer.loadStateDict({ type: metadata.optimizer, step: Number(metadata.optimizerStep), lr: Number(metadata.lr), state });
  model.loadStateDict(weights, true);
  return { epoch: Number(metadata.epoch), metadata };
}

/** When and where ModelCheckpoint saves. */
export interface ModelCheckpointOptions {
  /**
   * Receives each checkpoint (bytes of saveCheckpoint) and its epoch; may return a Promise,
   * which fit awaits. Give this or `path`.
   */
  save?: (checkpoint: Uint8Array, logs: EpochLogs) => void | Promise<void>;
  /** Node, Deno, Bun: a file to write, `{epoch}` replaced by the epoch number (1-based), e.g. 'ckpt-{epoch}.safetensors'. */
  path?: string;
  /** Save every N epochs (default 1), unless `monitor` is given. */
  every?: number;
  /** Save only when this value improved (the best epoch so far): lower loss, higher accuracy. */
  monitor?: Monitor;
}

/**
 * Saves weights and optimizer state during fit (Keras' ModelCheckpoint).
 *
 * @example
 * ```ts
 * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
 * const saved: number[] = [];
 * const ckpt = new sn.ModelCheckpoint({ save: (bytes, logs) => void saved.push(logs.epoch), every: 2 });
 * await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
 *   epochs: 4, optimizer: new sn.optim.Adam(model.parameters()), callbacks: [ckpt], progress: false,
 * });
 * console.log(saved, ckpt.lastSaved); // [1, 3] 3
 * ```
 *
 * @example
 * ```ts writes files
 * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
 * await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
 *   epochs: 3, optimizer: new sn.optim.Adam(model.parameters()), progress: false,
 *   callbacks: [new sn.ModelCheckpoint({ path: 'ckpt-{epoch}.safetensors', monitor: 'loss' })],
 * });
 * ```
 */
export class ModelCheckpoint implements Callback {
  private best = NaN;
  /** The epoch of the last checkpoint written (0-based), -1 before any. */
  lastSaved = -1;
  constructor(private readonly opts: ModelCheckpointOptions) {
    const op = 'ModelCheckpoint';
    if (!opts || (typeof opts.save !== 'function' && typeof opts.path !== 'string')) throw opError(op, `give options.save (a function of the bytes) or options.path, got ${describe(opts)}`);
    if (opts.every !== undefined && !(Number.isInteger(opts.every) && opts.every >= 1)) throw opError(op, `options.every must be an integer >= 1, got ${opts.every}`);
  }
  /**
   * fit calls it before the first epoch: forgets the best value of an earlier fit.
   *
   * @example
   * ```ts
   * const ckpt = new sn.ModelCheckpoint({ save: () => {}, monitor: 'loss' });
   * ckpt.onTrainBegin(); // as fit does
   * ```
   */
  onTrainBegin(): void {
    this.best = NaN;
  }
  /**
   * fit calls (and awaits) it after every epoch: saves when due (every N epochs, or an improved `monitor`).
   *
   * @example
   * ```ts
   * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
   * let best: Uint8Array | null = null;
   * await sn.fit(model, { x: sn.ones([4, 2]), y: [0, 1, 0, 1] }, {
   *   epochs: 3, optimizer: new sn.optim.Adam(model.parameters()), progress: false,
   *   callbacks: [new sn.ModelCheckpoint({ save: (bytes) => void (best = bytes), monitor: 'loss' })],
   * });
   * console.log(best !== null); // true
   * ```
   */
  async onEpochEnd(logs: EpochLogs, state: TrainState): Promise<void> {
    const m = this.opts.monitor;
    if (m) {
      const v = logs[m];
      if (v === undefined) throw opError('ModelCheckpoint', `monitor '${m}' is not in the epoch logs (pass validation data to fit for val metrics)`);
      const better = Number.isNaN(this.best) || (m.endsWith('ccuracy') ? v > this.best : v < this.best);
      if (!better) return;
      this.best = v;
    } else if ((logs.epoch + 1) % (this.opts.every ?? 1) !== 0) return;
    const bytes = saveCheckpoint(state.model, state.optimizer, { epoch: logs.epoch, metadata: { loss: String(logs.loss) } });
    if (this.opts.save) await this.opts.save(bytes, logs);
    if (this.opts.path) {
      const fs = await import('node:fs/promises');
      await fs.writeFile(this.opts.path.replace(/\{epoch\}/g, String(logs.epoch + 1)), bytes);
    }
    this.lastSaved = logs.epoch;
  }
}
