// Activations (assembly/activation.ts, ts/ops/activation.ts): forward and backward of each,
// on a batch far beyond the caches, in GB/s against the memory-copy bandwidth measured in
// the same rounds (a forward reads x and writes y, 8 bytes per element; a backward reads
// x or y and dy and writes dx, 12).
//
// Adding an activation is one entry in ACTIVATIONS below: its op name (a function of sn
// taking the tensor and the listed extra arguments). One not in this build yet shows as n/a.
// The elementwise family times the same forwards among its streaming ops.
//
//   npm run bench -- activation [--sizes=N] (batch N of 64×64×64 maps; default 64 = 64 MiB)

import { loadSimdnet, type Options, runJobs, type SuiteResult } from '../common';
import { input, optionalOp, opJobs, sizeOf, type OpCase } from './ops';

/** Op name and extra arguments after the tensor. */
export const ACTIVATIONS: [string, ...unknown[]][] = [
  ['relu'], ['leakyRelu', 0.01], ['elu', 1], ['sigmoid'], ['tanh'], ['softplus'], ['exp'], ['sign'],
  ['relu6'], ['hardSigmoid'], ['hardSwish'], ['silu'], ['gelu'], ['logSigmoid'],
];

/** The activation cases on an NHWC batch of `shape`, forward only or with their backward. */
export function activationCases(shape: number[], backward: boolean): OpCase[] {
  const n = sizeOf(shape);
  return ACTIVATIONS.map(([name, ...args], i) => ({
    name: `${name} [${shape}]`,
    needs: name,
    inputs: () => [input(shape, 100 + i)],
    op: (x) => optionalOp(name)!(x, ...args),
    bytes: 8 * n,
    bwdBytes: backward ? 12 * n : undefined,
  }));
}

/** The batch shape of the streaming families: N maps of 64×64×64 (N from --sizes, default 64: 64 MiB). */
export const streamShape = (opts: Options): number[] => [opts.sizes?.[0] ?? 64, 64, 64, 64];

export async function run(opts: Options): Promise<SuiteResult> {
  await loadSimdnet();
  const { jobs, na, free } = opJobs('activation', activationCases(streamShape(opts), true));
  const rows = await runJobs('activation', jobs, opts);
  free();
  return {
    rows: [...rows, ...na],
    notes: ['GB/s counts compulsory traffic: forward 8 bytes per element (x in, y out), backward 12 (x or y, dy in; dx out); the op allocates its output each call, as in use'],
  };
}
