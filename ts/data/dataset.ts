// In-memory datasets: samples as one float32 array (NHWC images or feature rows) and integer
// labels, with seeded splits and batching into tensors.
import { opError, fmtShape } from '../backend/index';
import type { Tensor } from '../tensor/tensor';
import { tensor } from '../ops/creation';
import { Rng } from '../tensor/rng';

/** Samples in memory: one float32 array and integer labels (what fit, evaluate, split and subset take). */
export interface Dataset {
  /** All samples, sample after sample. */
  x: Float32Array;
  /** Shape of one sample, e.g. [28, 28, 1]. */
  sampleShape: number[];
  /** Integer class labels, one per sample. */
  y: Int32Array;
  /** The number of samples. */
  length: number;
}

/** One sample of a LazyDataset: its values (sampleShape, flattened) and a class index or a target distribution. */
export interface Sample {
  /** The sample's values, sampleShape flattened (NHWC order for images). */
  x: ArrayLike<number> | Tensor;
  /** A class index, or a target distribution over the classes. */
  y: number | ArrayLike<number>;
}

/**
 * A dataset read one sample at a time, e.g. from files (sn.data.imageFolder): fit and
 * evaluate ask only for the samples of the next batch, so it need not fit in memory. A Tensor
 * returned as `x` is disposed once copied into the batch.
 */
export interface LazyDataset {
  /** The number of samples. */
  length: number;
  /** Shape of one sample, e.g. [32, 32, 3]. */
  sampleShape: number[];
  /**
   * The sample at `index` (0 ≤ index < length), at once or as a Promise.
   *
   * @example
   * ```ts
   * const squares: sn.data.LazyDataset = {
   *   length: 8,
   *   sampleShape: [2],
   *   get: (i) => ({ x: [i / 8, (i * i) / 64], y: i % 2 }),
   * };
   * const model = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
   * await sn.fit(model, squares, { epochs: 1, batchSize: 4, optimizer: new sn.optim.Adam(model.parameters()), progress: false });
   * ```
   */
  get(index: number): Sample | Promise<Sample>;
}

/**
 * A Dataset of samples in one array (sample after sample) and their labels; checks the sizes agree.
 *
 * @example
 * ```ts
 * const d = sn.data.makeDataset(new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), [2], new Int32Array([0, 1, 1, 0]));
 * console.log(d.length); // 4
 * ```
 */
export function makeDataset(x: Float32Array, sampleShape: number[], y: Int32Array): Dataset {
  const per = sampleShape.reduce((a, b) => a * b, 1);
  if (x.length !== per * y.length)
    throw opError('dataset', `x has ${x.length} values but ${y.length} labels × sample shape ${fmtShape(sampleShape)} need ${per * y.length}`);
  return { x, sampleShape, y, length: y.length };
}

/**
 * The samples at `indices`, in that order.
 *
 * @example
 * ```ts
 * const d = sn.data.makeDataset(new Float32Array([10, 11, 12]), [1], new Int32Array([0, 1, 2]));
 * console.log(Array.from(sn.data.subset(d, [2, 0]).x)); // [12, 10]
 * ```
 */
export function subset(d: Dataset, indices: ArrayLike<number>): Dataset {
  const per = d.x.length / Math.max(d.length, 1);
  const x = new Float32Array(indices.length * per);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    x.set(d.x.subarray(j * per, (j + 1) * per), i * per);
    y[i] = d.y[j];
  }
  return { x, sampleShape: d.sampleShape, y, length: indices.length };
}

/**
 * A seeded shuffle, then the first `trainSize` samples for training and the next `testSize` for testing.
 *
 * @example
 * ```ts
 * const d = sn.data.makeDataset(new Float32Array(10), [1], new Int32Array(10));
 * const { train, test } = sn.data.split(d, 7, 3, 42);
 * console.log(train.length, test.length); // 7 3
 * ```
 */
export function split(d: Dataset, trainSize: number, testSize: number, seed = 0): {
  /** The first `trainSize` shuffled samples. */
  train: Dataset;
  /** The next `testSize`. */
  test: Dataset;
} {
  if (trainSize + testSize > d.length) throw opError('split', `train ${trainSize} + test ${testSize} exceeds the ${d.length} samples`);
  const idx = Int32Array.from({ length: d.length }, (_, i) => i);
  new Rng(seed).shuffle(idx);
  return { train: subset(d, idx.subarray(0, trainSize)), test: subset(d, idx.subarray(trainSize, trainSize + testSize)) };
}

/**
 * Copies the samples at indices [start, end) of `order` into a new batch tensor [B, ...sampleShape].
 *
 * @example
 * ```ts
 * const d = sn.data.makeDataset(new Float32Array([1, 2, 3, 4, 5, 6]), [2], new Int32Array([0, 1, 2]));
 * const { x, y } = sn.data.batchTensor(d, [2, 0, 1], 0, 2);
 * console.log(x.toArray(), Array.from(y)); // [[5, 6], [1, 2]] [2, 0]
 * ```
 */
export function batchTensor(d: Dataset, order: ArrayLike<number>, start: number, end: number, transform?: (batch: Float32Array, shape: number[]) => void): {
  /** The samples [B, ...sampleShape]. */
  x: Tensor;
  /** Their labels. */
  y: Int32Array;
} {
  const per = d.x.length / Math.max(d.length, 1);
  const B = end - start;
  const shape = [B, ...d.sampleShape];
  const buf = new Float32Array(B * per);
  const y = new Int32Array(B);
  for (let i = 0; i < B; i++) {
    const j = order[start + i];
    buf.set(d.x.subarray(j * per, (j + 1) * per), i * per);
    y[i] = d.y[j];
  }
  transform?.(buf, shape);
  return { x: tensor(buf, shape), y };
}
