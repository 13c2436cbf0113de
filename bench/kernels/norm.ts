// Normalisation and dropout (assembly/norm.ts, ts/ops/norm.ts): batch norm in training
// (batch statistics) and inference (running statistics) and its backward, dropout forward
// and backward, on a batch far beyond the caches, in GB/s against the memory-copy bandwidth
// measured in the same rounds. GB/s counts compulsory traffic (x in, y out; backward x, dy
// in, dx out; dropout's mask is one byte per element): batch norm's training forward reads
// x twice (statistics, then the normalisation), so it shows as half the copy rate at best.
//
// Adding a case is one entry in the list in cases(); `needs: 'opName'` makes it an n/a row
// in a build without that op.

import * as sn from '../../ts/index';
import { loadSimdnet, type Options, runJobs, type SuiteResult } from '../common';
import { streamShape } from './activation';
import { input, optionalOp, opJobs, sizeOf, type OpCase } from './ops';

function cases(shape: number[]): OpCase[] {
  const C = shape[3];
  const n = sizeOf(shape);
  const s = `[${shape}]`;
  const stats = () => [input([C], 21), input([C], 22), sn.zeros([C]), sn.ones([C])];
  const bn = (training: boolean) => (x: sn.Tensor, g: sn.Tensor, b: sn.Tensor, m: sn.Tensor, v: sn.Tensor) => sn.batchNorm(x, g, b, m, v, { training });
  return [
    { name: `batchNorm training ${s}`, inputs: () => [input(shape, 20), ...stats()], op: bn(true), bytes: 8 * n, bwdBytes: 12 * n, grad: [0, 1, 2] },
    { name: `batchNorm inference ${s}`, inputs: () => [input(shape, 23), ...stats()], op: bn(false), bytes: 8 * n },
    { name: `dropout p=0.5 ${s}`, inputs: () => [input(shape, 24)], op: (x) => sn.dropout(x, { p: 0.5, training: true, seed: 1 }), bytes: 9 * n, bwdBytes: 9 * n },
    { name: `layerNorm over C ${s}`, needs: 'layerNorm', inputs: () => [input(shape, 25)], op: (x) => optionalOp('layerNorm')!(x, [C]), bytes: 8 * n, bwdBytes: 12 * n },
    { name: `groupNorm 8 groups ${s}`, needs: 'groupNorm', inputs: () => [input(shape, 26)], op: (x) => optionalOp('groupNorm')!(x, 8), bytes: 8 * n, bwdBytes: 12 * n },
    { name: `localResponseNorm size 5 ${s}`, needs: 'localResponseNorm', inputs: () => [input(shape, 27)], op: (x) => optionalOp('localResponseNorm')!(x, 5), bytes: 8 * n, bwdBytes: 12 * n },
  ];
}

export async function run(opts: Options): Promise<SuiteResult> {
  await loadSimdnet();
  const { jobs, na, free } = opJobs('norm', cases(streamShape(opts)));
  const rows = await runJobs('norm', jobs, opts);
  free();
  return {
    rows: [...rows, ...na],
    notes: ['batchNorm training: the forward computes the batch statistics (a first pass over x) and moves the running statistics; its backward is timed with x, gamma and beta requiring gradients'],
  };
}
