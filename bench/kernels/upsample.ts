// Upsampling (assembly/upsample.ts, ts/ops/pool.ts upsampleNearest; ts/ops/resize.ts):
// nearest-neighbour and bilinear ×2 forward and backward on a batch whose output is far
// beyond the caches, in GB/s against the memory-copy bandwidth measured in the same rounds.
// GB/s counts compulsory traffic: x in and y (4× as large) out; backward dy in, dx out.
//
// Adding a case is one entry in the list in cases(); `needs: 'opName'` makes it an n/a row
// in a build without that op.

import * as sn from '../../ts/index';
import { loadSimdnet, type Options, runJobs, type SuiteResult } from '../common';
import { input, optionalOp, opJobs, sizeOf, type OpCase } from './ops';

function cases(shape: number[]): OpCase[] {
  const n = sizeOf(shape);
  const s = `[${shape}]`;
  const resize = (mode: string) => (x: sn.Tensor) => optionalOp('resize')!(x, { scale: 2, mode });
  return [
    { name: `upsampleNearest ×2 ${s}`, inputs: () => [input(shape, 50)], op: (x) => sn.upsampleNearest(x, { scale: 2 }), bytes: 4 * 5 * n, bwdBytes: 4 * 5 * n },
    { name: `resize nearest ×2 ${s}`, needs: 'resize', inputs: () => [input(shape, 51)], op: resize('nearest'), bytes: 4 * 5 * n, bwdBytes: 4 * 5 * n },
    { name: `resize bilinear ×2 ${s}`, needs: 'resize', inputs: () => [input(shape, 52)], op: resize('bilinear'), bytes: 4 * 5 * n, bwdBytes: 4 * 5 * n },
  ];
}

export async function run(opts: Options): Promise<SuiteResult> {
  await loadSimdnet();
  const { jobs, na, free } = opJobs('upsample', cases([opts.sizes?.[0] ?? 16, 56, 56, 64]));
  const rows = await runJobs('upsample', jobs, opts);
  free();
  return { rows: [...rows, ...na] };
}
