// What fit and evaluate read: in-memory tensors or datasets, lazy datasets read sample by
// sample, and (async) iterables of batches. Each becomes a sequence of batches
// { x: Tensor, y: class indices or target distributions } that the caller disposes.
import { opError, fmtShape } from '../backend/index';
import { Tensor } from '../tensor/tensor';
import { tensor } from '../ops/creation';
import { checkTensor, describe } from '../ops/check';
import type { Labels } from '../ops/loss';
import { makeDataset, type Dataset, type LazyDataset, type Sample } from '../data/dataset';
import type { Transform } from '../data/augment';

/** Targets: class indices, or distributions (one-hot or soft) as a Tensor [N, classes] or rows of numbers. */
export type Targets = Labels | ArrayLike<number> | ArrayLike<number>[];

/** One batch of an iterable passed to fit or evaluate; fit disposes its tensors after the step (as TF.js's fitDataset does). */
export interface Batch {
  /** The batch's inputs [B, ...]. */
  x: Tensor;
  /** The batch's targets: B class indices, or distributions [B, classes]. */
  y: Targets;
}

/** A re-iterable collection of batches, or a function that returns a fresh one for each epoch. */
export type BatchStream = Iterable<Batch> | AsyncIterable<Batch> | (() => Iterable<Batch> | AsyncIterable<Batch>);

/** Everything fit and evaluate read. */
export type Data = Dataset | LazyDataset | {
  /** The samples [N, ...]. */
  x: Tensor;
  /** Their targets: N class indices, or distributions [N, classes]. */
  y: Targets;
} | BatchStream;

/** A batch ready for a step: y is Int32Array class indices or a Tensor [B, C] of distributions. */
export interface ReadyBatch {
  x: Tensor;
  y: Int32Array | Tensor;
  size: number;
}

/** The batches of one epoch, in `order` for sample sources. */
export interface Source {
  /** Samples, when known (sample sources); null for streams. */
  length: number | null;
  batches(order: Int32Array | null, batchSize: number, augment?: Transform): AsyncIterator<ReadyBatch> | Iterator<ReadyBatch>;
}

type Distribution = { rows: Float32Array; classes: number };

function isIterable(d: object): boolean {
  return typeof (d as Iterable<unknown>)[Symbol.iterator] === 'function' || typeof (d as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** Class indices or distributions from labels, checked against the sample count. */
export function targetsOf(op: string, y: unknown, N: number, xShape: readonly number[], what = 'data.y'): Int32Array | Distribution {
  if (y instanceof Tensor) {
    checkTensor(op, what, y);
    if (y.rank === 2 && y.shape[0] === N) return { rows: y.dataSync(), classes: y.shape[1] };
    if (y.rank !== 1) throw opError(op, `${what} ${fmtShape(y.shape)} must be class indices [${N}] or distributions [${N}, classes] for x ${fmtShape(xShape)}`);
    y = y.dataSync();
  }
  if (Array.isArray(y) && y.length > 0 && typeof y[0] === 'object') {
    const rows = y as ArrayLike<number>[];
    const C = rows[0].length;
    if (rows.length !== N || rows.some((r) => !r || r.length !== C))
      throw opError(op, `${what} has ${rows.length} rows (of ${C}), x ${fmtShape(xShape)} has ${N} samples: one row of equal length per sample`);
    const out = new Float32Array(N * C);
    rows.forEach((r, i) => out.set(r, i * C));
    return { rows: out, classes: C };
  }
  if (!y || typeof (y as ArrayLike<number>).length !== 'number') throw opError(op, `argument '${what}' must be class indices (Int32Array, numbers) or a Tensor [N, classes], got ${describe(y)}`);
  const a = y as ArrayLike<number>;
  if (a.length !== N) {
    const k = a.length / N;
    const hint = N > 0 && Number.isInteger(k) && k > 1 ? `: one-hot or probability rows of ${k}? pass y as a Tensor [${N}, ${k}] (sn.tensor(y, [${N}, ${k}]))` : '';
    throw opError(op, `${what} has ${a.length} labels, ${what.replace(/y$/, 'x')} ${fmtShape(xShape)} has ${N} samples${hint}`);
  }
  return checkLabels(op, what, a);
}

// Class labels as Int32Array: every one a non-negative integer (Int32Array.from would read
// NaN and 0.5 as 0, 2.9 as 2).
function checkLabels(op: string, arg: string, a: ArrayLike<unknown>): Int32Array {
  for (let i = 0; i < a.length; i++) {
    const l = a[i];
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l > 0x7fffffff)
      throw opError(op, `argument '${arg}'[${i}] = ${typeof l === 'number' ? l : describe(l)} is not a class index (a non-negative integer)`);
  }
  return a instanceof Int32Array ? a : Int32Array.from(a as ArrayLike<number>);
}

// Batches reach linear memory through tensor() (ts/train does not write memory itself).
const tensorOf = (shape: number[], values: Float32Array): Tensor => tensor(values, shape);

function readyTargets(y: Int32Array | Distribution, idx: ArrayLike<number>): Int32Array | Tensor {
  if (y instanceof Int32Array) return Int32Array.from(idx, (j) => y[j]);
  const C = y.classes;
  const out = new Float32Array(idx.length * C);
  for (let i = 0; i < idx.length; i++) out.set(y.rows.subarray(idx[i] * C, (idx[i] + 1) * C), i * C);
  return tensorOf([idx.length, C], out);
}

function memorySource(d: Dataset, y: Int32Array | Distribution): Source {
  const per = d.x.length / Math.max(d.length, 1);
  return {
    length: d.length,
    *batches(order, batchSize, augment) {
      for (let start = 0; start < d.length; start += batchSize) {
        const idx = order!.subarray(start, Math.min(start + batchSize, d.length));
        const shape = [idx.length, ...d.sampleShape];
        const buf = new Float32Array(idx.length * per);
        for (let i = 0; i < idx.length; i++) buf.set(d.x.subarray(idx[i] * per, (idx[i] + 1) * per), i * per);
        augment?.(buf, shape);
        yield { x: tensorOf(shape, buf), y: readyTargets(y, idx), size: idx.length };
      }
    },
  };
}

function lazySource(op: string, d: LazyDataset): Source {
  const per = d.sampleShape.reduce((a, b) => a * b, 1);
  return {
    length: d.length,
    async *batches(order, batchSize, augment) {
      for (let start = 0; start < d.length; start += batchSize) {
        const idx = order!.subarray(start, Math.min(start + batchSize, d.length));
        const samples: Sample[] = await Promise.all(Array.from(idx, (j) => d.get(j)));
        const shape = [idx.length, ...d.sampleShape];
        const buf = new Float32Array(idx.length * per);
        const classes = typeof samples[0].y === 'number' ? 0 : (samples[0].y as ArrayLike<number>).length;
        const labels = new Int32Array(idx.length);
        const rows = new Float32Array(idx.length * classes);
        samples.forEach((s, i) => {
          const x = s.x instanceof Tensor ? s.x.dataSync() : s.x;
          if (s.x instanceof Tensor) s.x.dispose();
          if (!x || x.length !== per) throw opError(op, `sample ${idx[i]} has ${x?.length} values, the sample shape ${fmtShape(d.sampleShape)} needs ${per}`);
          buf.set(x, i * per);
          if (classes === 0 && Number.isInteger(s.y) && (s.y as number) >= 0) labels[i] = s.y as number;
          else if (classes > 0 && typeof s.y !== 'number' && s.y?.length === classes) rows.set(s.y, i * classes);
          else throw opError(op, `sample ${idx[i]}'s y (${describe(s.y)}) is not like sample ${idx[0]}'s (${classes ? `a distribution of ${classes}` : 'a class index'})`);
        });
        augment?.(buf, shape);
        yield { x: tensorOf(shape, buf), y: classes ? tensorOf([idx.length, classes], rows) : labels, size: idx.length };
      }
    },
  };
}

function streamSource(op: string, d: BatchStream): Source {
  let epoch = 0;
  return {
    length: null,
    async *batches() {
      const it = typeof d === 'function' ? d() : d;
      if (!it || !isIterable(it)) throw opError(op, `the data function must return an iterable of { x, y } batches, got ${describe(it)}`);
      let n = 0;
      for await (const b of it as AsyncIterable<Batch>) {
        if (!b || !(b.x instanceof Tensor)) throw opError(op, `batch ${n} of the data stream must be { x: Tensor, y }, got ${b && typeof b === 'object' ? `{ x: ${describe(b.x)} }` : describe(b)}`);
        if (b.x.isDisposed)
          throw opError(op, `batch ${n} of epoch ${epoch + 1}: x was disposed; fit frees each batch's tensors after its step (as TF.js's fitDataset), so yield new tensors each epoch (pass a generator function: () => batches())`);
        const N = b.x.shape[0];
        let y: Int32Array | Distribution;
        try {
          y = targetsOf(op, b.y, N, b.x.shape, `batch ${n}.y`);
        } finally {
          if (b.y instanceof Tensor) b.y.dispose();
        }
        n++;
        yield { x: b.x, y: y instanceof Int32Array ? y : tensorOf([N, y.classes], y.rows), size: N };
      }
      if (n === 0)
        throw opError(op, epoch === 0 ? 'the data stream gave no batches' : `the data stream gave no batches in epoch ${epoch + 1}: a generator runs once; pass a function that returns a new one (() => batches())`);
      epoch++;
    },
  };
}

/** The source behind `data`, checked. */
export function sourceOf(op: string, data: unknown): Source {
  if (data === null || (typeof data !== 'object' && typeof data !== 'function'))
    throw opError(op, `argument 'data' must be { x: Tensor, y }, a Dataset, a LazyDataset or an (async) iterable of { x, y } batches, got ${describe(data)}`);
  const d = data as Partial<Dataset & LazyDataset> & { x?: unknown; y?: unknown };
  if (typeof data === 'function' || (isIterable(data) && !('sampleShape' in d))) return streamSource(op, data as BatchStream);
  if (typeof d.get === 'function' && Array.isArray(d.sampleShape)) {
    if (!Number.isInteger(d.length) || d.length! < 0) throw opError(op, `the LazyDataset's length must be a non-negative integer, got ${d.length}`);
    return lazySource(op, d as LazyDataset);
  }
  if (d.x instanceof Float32Array && Array.isArray(d.sampleShape)) return memorySource(d as Dataset, targetsOf(op, d.y, d.length ?? 0, [d.length ?? 0, ...d.sampleShape]));
  if (!(d.x instanceof Tensor)) throw opError(op, `argument 'data.x' must be a Tensor [N, ...], got ${describe(d.x)} (for streamed data pass an iterable of { x, y } batches or a LazyDataset)`);
  checkTensor(op, 'data.x', d.x);
  if (d.x.rank < 1) throw opError(op, `argument 'data.x' ${fmtShape(d.x.shape)} must be [N, ...]`);
  const N = d.x.shape[0];
  const y = targetsOf(op, d.y, N, d.x.shape);
  const labels = y instanceof Int32Array ? y : new Int32Array(N);
  const ds = makeDataset(d.x.dataSync(), d.x.shape.slice(1), labels);
  return memorySource(ds, y);
}
