// Pooling (assembly/pool.ts, ts/ops/pool.ts): max, average, L2 and global pooling forward
// and backward on a batch far beyond the caches, in GB/s against the memory-copy bandwidth
// measured in the same rounds, with TensorFlow.js (wasm) as the peer for the forwards.
// Max pooling runs two forwards: inference (no winner indices) and training (the op
// records its winners for the backward: 4 more bytes per output).
//
// Adding a case is one entry in CASES: the op's name on sn, its options, the output size
// ratio, and the tfjs call when tfjs has one.

import * as sn from '../../ts/index';
import type { Tensor } from '../../ts/index';
import { check, type Job, loadSimdnet, maxRelErr, type Options, runJobs, type SuiteResult } from '../common';
import { tfjsWasm } from '../peers/index';
import { input, opJobs, sizeOf, type OpCase } from './ops';

type Tf = Awaited<ReturnType<typeof tfjsWasm>>;
type TfT = import('@tensorflow/tfjs-core').Tensor4D;

interface PoolCase {
  name: string;
  op: (x: Tensor) => Tensor;
  /** Outputs per input element. */
  out: number;
  /** Bytes per output of the backward's extra reads (max pooling's winner indices). */
  indices: boolean;
  tf?: (tf: Tf, x: TfT) => import('@tensorflow/tfjs-core').Tensor;
}

const CASES: PoolCase[] = [
  { name: 'maxPool2d 2×2/2', op: (x) => sn.maxPool2d(x, { kernel: 2 }), out: 1 / 4, indices: true, tf: (tf, x) => tf.maxPool(x, 2, 2, 'valid') },
  { name: 'maxPool2d 3×3/2 p1', op: (x) => sn.maxPool2d(x, { kernel: 3, stride: 2, padding: 1, roundMode: 'floor' }), out: 1 / 4, indices: true, tf: (tf, x) => tf.maxPool(x, 3, 2, 1, 'floor') },
  { name: 'avgPool2d 2×2/2', op: (x) => sn.avgPool2d(x, { kernel: 2 }), out: 1 / 4, indices: false, tf: (tf, x) => tf.avgPool(x, 2, 2, 'valid') },
  { name: 'avgPool2d 3×3/1 same', op: (x) => sn.avgPool2d(x, { kernel: 3, stride: 1, padding: 'same' }), out: 1, indices: false },
  { name: 'lpPool2d 2×2/2', op: (x) => sn.lpPool2d(x, { kernel: 2 }), out: 1 / 4, indices: false },
  { name: 'globalAvgPool', op: (x) => sn.globalAvgPool(x), out: 0, indices: false, tf: (tf, x) => tf.mean(x, [1, 2], true) },
];

export async function run(opts: Options): Promise<SuiteResult> {
  await loadSimdnet();
  const shape = [opts.sizes?.[0] ?? 16, 112, 112, 64]; // 51 MiB
  const n = sizeOf(shape);
  const tf = await tfjsWasm();
  const x = input(shape, 1);
  const tx = tf.tensor4d(x.dataSync(), shape as [number, number, number, number]);
  const ops: OpCase[] = [];
  const jobs: Job[] = [];
  for (const c of CASES) {
    const outN = c.out * n;
    const s = `${c.name} [${shape}]`;
    // Backward: reads dy (and the winners), writes dx; L2 pooling also reads x and y.
    const bwd = 4 * (outN + (c.indices ? outN : 0) + n + (c.name.startsWith('lp') ? n + outN : 0));
    ops.push({ name: s, inputs: () => [x], op: c.op, bytes: 4 * (n + outN), bwdBytes: bwd });
    if (c.indices) {
      const xg = x.detach();
      xg.requiresGrad = true;
      jobs.push({ case: `${s} recording`, lib: 'simdnet', bytes: 4 * (n + 2 * outN), run: () => c.op(xg).dispose() });
    }
    if (c.tf) {
      const tfRun = c.tf;
      const y = sn.noGrad(() => c.op(x));
      const want = tfRun(tf, tx);
      check('pool', `${s}: simdnet differs from tfjs`, maxRelErr(y.dataSync(), want.dataSync()), 1e-5);
      y.dispose();
      want.dispose();
      jobs.push({ case: s, lib: 'tfjs-wasm', bytes: 4 * (n + outN), run: () => tfRun(tf, tx).dispose() });
    }
  }
  const mine = opJobs('pool', ops);
  // Each case's simdnet jobs, then its peer, in the rounds.
  const all = [...mine.jobs, ...jobs];
  const order = [...new Set(all.map((j) => j.case.replace(/ (bwd|recording)$/, '')))];
  const sorted = order.flatMap((c) => all.filter((j) => j.case.replace(/ (bwd|recording)$/, '') === c));
  const rows = await runJobs('pool', sorted, opts);
  mine.free();
  x.dispose();
  tx.dispose();
  return {
    rows: [...rows, ...mine.na],
    notes: ['GB/s counts compulsory traffic: x in, y out (and max pooling\'s i32 winners when recording); backward: dy (and winners) in, dx out; L2 pooling\'s backward also reads x and y',
      'tfjs-wasm: forward only (its wasm backend has no pooling gradients); inputs already in each library\'s memory'],
  };
}
