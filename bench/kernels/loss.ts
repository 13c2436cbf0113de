// Softmax and losses (assembly/loss.ts, ts/ops/loss.ts): softmax, log-softmax, cross-entropy
// with labels and with distributions, MSE and multi-class hinge, forward and backward, on
// 4096 rows of 1000 classes (16 MiB per tensor), in GB/s against the memory-copy bandwidth
// measured in the same rounds. GB/s counts compulsory traffic: the logits in (and targets),
// probabilities or gradients out; a loss's scalar output is not counted.
//
// Adding a case is one entry in the list in cases().

import * as sn from '../../ts/index';
import { loadSimdnet, type Options, runJobs, type SuiteResult } from '../common';
import { input, opJobs, sizeOf, type OpCase } from './ops';

function cases(rows: number, cols: number): OpCase[] {
  const shape = [rows, cols];
  const n = sizeOf(shape);
  const s = `[${shape}]`;
  const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7919) % cols);
  const dist = () => sn.softmax(input(shape, 31));
  return [
    { name: `softmax ${s}`, inputs: () => [input(shape, 30)], op: (x) => sn.softmax(x), bytes: 8 * n, bwdBytes: 12 * n },
    { name: `logSoftmax ${s}`, inputs: () => [input(shape, 32)], op: (x) => sn.logSoftmax(x), bytes: 8 * n, bwdBytes: 12 * n },
    // The forward also keeps the probabilities for the backward (written once).
    { name: `crossEntropy labels ${s}`, inputs: () => [input(shape, 33)], op: (x) => sn.crossEntropy(x, labels), bytes: 8 * n, bwdBytes: 8 * n },
    { name: `crossEntropy distributions ${s}`, inputs: () => [input(shape, 34), dist()], op: (x, t) => sn.crossEntropy(x, t), bytes: 12 * n, bwdBytes: 12 * n },
    { name: `mseLoss ${s}`, inputs: () => [input(shape, 35), input(shape, 36)], op: (a, b) => sn.mseLoss(a, b), bytes: 8 * n, bwdBytes: 12 * n },
    { name: `hingeLoss ${s}`, inputs: () => [input(shape, 37)], op: (x) => sn.hingeLoss(x, labels), bytes: 4 * n, bwdBytes: 8 * n },
  ];
}

export async function run(opts: Options): Promise<SuiteResult> {
  await loadSimdnet();
  const { jobs, na, free } = opJobs('loss', cases(opts.sizes?.[0] ?? 4096, 1000));
  const rows = await runJobs('loss', jobs, opts);
  free();
  return { rows: [...rows, ...na], notes: ['a loss\'s backward is timed with a seeded upstream gradient; --sizes=R sets the rows'] };
}
