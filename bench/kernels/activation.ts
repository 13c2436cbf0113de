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

import type { Tensor } from '../../ts/index';
import { loadSimdnet, type Options, runJobs, type SuiteResult } from '../common';
import { input, optionalOp, opJobs, sizeOf, type OpCase } from './ops';

/** Op name and extra arguments after the tensor. */
export const ACTIVATIONS: [string, ...unknown[]][] = [
  ['relu'], ['leakyRelu', 0.01], ['elu', 1], ['sigmoid'], ['tanh'], ['softplus'], ['exp'], ['sign'],
  ['relu6'], ['hardSigmoid'], ['hardSwish'], ['silu'], ['gelu'], ['logSigmoid'],
];

/**
 * The activation cases on an NHWC batch of `shape`, forward only or with their backward.
 * Every case reads the same input tensor, so every activation streams from the same addresses
 * (and, its output allocated per call at the top of the heap, to the same addresses): where a
 * tensor lands can change a streaming kernel's speed by itself (see watchAliasing), and with one
 * input per case the rows differed by where each input landed. (The backward's y and dy are
 * each case's own.)
 */
export function activationCases(shape: number[], backward: boolean): OpCase[] {
  const n = sizeOf(shape);
  let x: Tensor | undefined;
  return ACTIVATIONS.map(([name, ...args]) => ({
    name: `${name} [${shape}]`,
    needs: name,
    inputs: () => [(x ??= input(shape, 100))],
    op: (t) => optionalOp(name)!(t, ...args),
    bytes: 8 * n,
    bwdBytes: backward ? 12 * n : undefined,
  }));
}

/**
 * Watches the cases' ops (wrapping each `op`): `note()` names the timed cases whose last call
 * had an input and its output (of the same size: two streams) a multiple of 256 MiB apart, to
 * within a page. On AMD Zen the L1 data cache's way predictor tags a line by a hash of address
 * bits 12–27, so two streams that far apart keep evicting each other: the f32x4 copy of 64 MiB
 * measured 1.6–1.7× slower at 256 MiB and 512 MiB (+64 bytes too) than at 64–192, 320 or
 * 384 MiB, or 256 MiB + 4 KiB; ReLU6 and hardSwish alike. Equal 64 MiB tensors laid end to
 * end land that far apart one time in four, a user's tensors of other sizes seldom.
 */
export function watchAliasing(cases: OpCase[]): { note: () => string | null } {
  const last = new Map<string, boolean>();
  const calls = new Map<string, number>();
  const far = (a: number, b: number) => {
    const d = Math.abs(a - b) % 2 ** 28;
    return d < 4096 || 2 ** 28 - d < 4096;
  };
  for (const c of cases) {
    const op = c.op;
    c.op = (...xs) => {
      const y = op(...xs);
      last.set(c.name, xs.some((x) => x.size === y.size && far(x.ptr, y.ptr)));
      calls.set(c.name, (calls.get(c.name) ?? 0) + 1);
      return y;
    };
  }
  return {
    note: () => {
      // More than the (at most 2) calls opJobs makes to set a case up: a timed case.
      const hit = [...last].filter(([k, v]) => v && (calls.get(k) ?? 0) > 2).map(([k]) => k);
      return hit.length ? `input and output a multiple of 256 MiB apart (L1 way-predictor aliasing on AMD Zen, 1.6-1.7x slower streams): ${hit.join('; ')}` : null;
    },
  };
}

/** The batch shape of the streaming families: N maps of 64×64×64 (N from --sizes, default 64: 64 MiB). */
export const streamShape = (opts: Options): number[] => [opts.sizes?.[0] ?? 64, 64, 64, 64];

export async function run(opts: Options): Promise<SuiteResult> {
  await loadSimdnet();
  const cases = activationCases(streamShape(opts), true);
  const aliasing = watchAliasing(cases);
  const { jobs, na, free } = opJobs('activation', cases);
  const rows = await runJobs('activation', jobs, opts);
  free();
  const aliased = aliasing.note();
  return {
    rows: [...rows, ...na],
    notes: [
      'GB/s counts compulsory traffic: forward 8 bytes per element (x in, y out), backward 12 (x or y, dy in; dx out); the op allocates its output each call, as in use',
      'every activation reads the same input tensor (placement alone can change a streaming rate)',
      ...(aliased ? [aliased] : []),
    ],
  };
}
