// Streaming ops (assembly/elementwise.ts, the activations of assembly/activation.ts, the
// transposes): broadcast arithmetic, reductions, activations and NCHW↔NHWC permutes of an
// image batch far beyond the caches, in GB/s against the memory-copy bandwidth measured in
// the same rounds. GB/s counts compulsory traffic: every input read once, every output
// written once (a broadcast operand counted at its own size).
//
// Adding a case is one entry in CASES below: a name, the inputs (shapes and seeds), the op
// and its bytes; `needs: 'opName'` makes it an n/a row in a build without `sn.opName` (the
// permute cases need sn.permute). Activation forwards come from the activation family's
// list (./activation.ts ACTIVATIONS): adding an activation there adds it here too.
//
// Every case runs on 1 thread and on 2 (the threaded build, setThreads per job, interleaved
// in the same rounds). The copy roof is one thread's f32x4 copy loop over 64 MiB: the
// fractions of 1-thread rows are the criterion, 2-thread rows show what the pool adds.
// The default batch is 64 MiB per tensor, beyond every cache (as the copy roof); --extra
// adds batches of 1 and 4 maps (256 KiB and 1 MiB per tensor, in L2/L3), around where the
// launchers start splitting between threads (ts/kernels/elementwise.ts, activation.ts).
//
//   npm run bench -- elementwise [--sizes=N] [--extra] (batch N of 64×64×64 maps; default 64 = 64 MiB)

import * as sn from '../../ts/index';
import { loadSimdnet, type Job, type Options, runJobs, type SuiteResult } from '../common';
import { activationCases, streamShape } from './activation';
import { input, optionalOp, opJobs, sizeOf, type OpCase } from './ops';

function cases(shape: number[]): OpCase[] {
  const [N, H, W, C] = shape;
  const n = sizeOf(shape);
  const f = 4; // bytes per f32
  const s = `[${shape}]`;
  return [
    { name: `add ${s} + ${s}`, inputs: () => [input(shape, 1), input(shape, 2)], op: (a, b) => sn.add(a, b), bytes: 3 * f * n },
    { name: `mul ${s} × ${s}`, inputs: () => [input(shape, 3), input(shape, 4)], op: (a, b) => sn.mul(a, b), bytes: 3 * f * n, bwdBytes: 5 * f * n, grad: [0, 1] },
    { name: `add ${s} + bias [${C}]`, inputs: () => [input(shape, 5), input([C], 6)], op: (a, b) => sn.add(a, b), bytes: 2 * f * n, bwdBytes: 2 * f * n, grad: [0, 1] },
    { name: `mul ${s} × scalar`, inputs: () => [input(shape, 7)], op: (a) => sn.mul(a, 1.5), bytes: 2 * f * n },
    // Squeeze-excite's channel scale and a per-pixel scale: numpy broadcasting.
    { name: `mul ${s} × [${N},1,1,${C}]`, inputs: () => [input(shape, 8), input([N, 1, 1, C], 9)], op: (a, b) => sn.mul(a, b), bytes: 2 * f * n },
    { name: `add ${s} + [${N},${H},${W},1]`, inputs: () => [input(shape, 10), input([N, H, W, 1], 11)], op: (a, b) => sn.add(a, b), bytes: 2 * f * n },
    { name: `sum ${s}`, inputs: () => [input(shape, 12)], op: (a) => sn.sum(a), bytes: f * n },
    // An image batch between layouts (needs sn.permute).
    { name: `permute ${s} NHWC→NCHW`, needs: 'permute', inputs: () => [input(shape, 13)], op: (a) => optionalOp('permute')!(a, [0, 3, 1, 2]), bytes: 2 * f * n },
    { name: `permute [${N},${C},${H},${W}] NCHW→NHWC`, needs: 'permute', inputs: () => [input([N, C, H, W], 14)], op: (a) => optionalOp('permute')!(a, [0, 2, 3, 1]), bytes: 2 * f * n },
  ];
}

/** Each job twice, on 1 thread and on 2 (setThreads before the call), when the pool exists. */
function perThreads(jobs: Job[], setThreads: ((n: number) => unknown) | null): Job[] {
  if (!setThreads) return jobs;
  return jobs.flatMap((j) => [1, 2].map((t) => ({
    ...j,
    lib: `${t} thread${t > 1 ? 's' : ''}`,
    run: () => {
      setThreads(t);
      return j.run();
    },
  })));
}

export async function run(opts: Options): Promise<SuiteResult> {
  const { backend } = await loadSimdnet({ threads: 2 });
  const pool = !!backend.pool;
  const shapes = [streamShape(opts), ...(opts.extra ? [[4, 32, 32, 64], [1, 32, 32, 64]] : [])];
  const all = opJobs('elementwise', shapes.flatMap((shape) => [...cases(shape), ...activationCases(shape, false)]));
  const jobs = perThreads(all.jobs, pool ? (n) => backend.setThreads(n) : null);
  const rows = await runJobs('elementwise', jobs, opts);
  all.free();
  if (pool) backend.setThreads(2);
  return {
    rows: [...rows, ...all.na],
    notes: [
      'GB/s counts compulsory traffic (inputs read once, outputs written once; a broadcast operand at its own size); each op allocates its output per call, as in use',
      'best of roof = best sample ÷ the best 1-thread f32x4 copy of 64 MiB (bytes read + written, as the ops) in the same rounds',
      pool ? '1 thread / 2 threads: the threaded build, setThreads before each call; results are bit-identical (tests/threads.test.ts)'
        : 'one thread only: the threaded build did not load here',
    ],
  };
}
