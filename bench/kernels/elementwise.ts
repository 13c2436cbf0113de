// Streaming ops (assembly/elementwise.ts, the activations of assembly/activation.ts, the
// transposes): broadcast arithmetic, reductions, activations and NCHW↔NHWC permutes of an
// image batch far beyond the caches, in GB/s against the memory-copy bandwidth measured in
// the same rounds. GB/s counts compulsory traffic: every input read once, every output
// written once (a broadcast operand counted at its own size).
//
// Adding a case is one entry in CASES below: a name, the inputs (shapes and seeds), the op
// and its bytes; `needs: 'opName'` makes it an n/a row in a build without `sn.opName` (the
// permute cases need sn.permute). Activation forwards come from the activation family's
// list (./activation.ts ACTIVATIONS): adding an activation there adds it here too. They all
// read one input tensor, and a note names any timed case whose input and output are a multiple
// of 256 MiB apart (./activation.ts watchAliasing: that placement alone slows a stream 1.6×
// on this machine; hardSwish's 0.63 of the copy in an earlier run was that, not its kernel).
//
// Every case runs on 1 thread and on 2 (the threaded build, setThreads per job, interleaved
// in the same rounds). The copy roof is one thread's f32x4 copy loop over 64 MiB: the
// fractions of 1-thread rows are the criterion, 2-thread rows show what the pool adds.
// The exp-based activations (exp, sigmoid, tanh, softplus, ELU, SiLU, GELU, logSigmoid) are
// bound by arithmetic, not memory: a note line gives each one's f32x4 instructions per vector
// (counted in the loop body of its kernel in build/simdnet.wat, loads, stores and constants
// left out) and the rate that makes against the f32x4 peak measured in the same rounds.
//
// The default batch is 64 MiB per tensor, beyond every cache (as the copy roof); --extra
// adds batches of 1 and 4 maps (256 KiB and 1 MiB per tensor, in L2/L3), around where the
// launchers start splitting between threads (ts/kernels/elementwise.ts, activation.ts).
//
//   npm run bench -- elementwise [--sizes=N] [--extra] (batch N of 64×64×64 maps; default 64 = 64 MiB)

import { existsSync, readFileSync } from 'node:fs';
import * as sn from '../../ts/index';
import { loadSimdnet, type Job, type Options, type Row, runJobs, type SuiteResult } from '../common';
import { ROOF_LIB } from '../roofs';
import { activationCases, streamShape, watchAliasing } from './activation';
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
    // A batch of 64-channel maps between layouts (needs sn.permute), and an RGB image batch
    // of 4H×4W (3/4 of the bytes; the three-channel shuffles, not the blocked transposes).
    { name: `permute ${s} NHWC→NCHW`, needs: 'permute', inputs: () => [input(shape, 13)], op: (a) => optionalOp('permute')!(a, [0, 3, 1, 2]), bytes: 2 * f * n },
    { name: `permute [${N},${C},${H},${W}] NCHW→NHWC`, needs: 'permute', inputs: () => [input([N, C, H, W], 14)], op: (a) => optionalOp('permute')!(a, [0, 2, 3, 1]), bytes: 2 * f * n },
    { name: `permute [${N},${4 * H},${4 * W},3] NHWC→NCHW`, needs: 'permute', inputs: () => [input([N, 4 * H, 4 * W, 3], 15)], op: (a) => optionalOp('permute')!(a, [0, 3, 1, 2]), bytes: 2 * f * N * 16 * H * W * 3 },
    { name: `permute [${N},3,${4 * H},${4 * W}] NCHW→NHWC`, needs: 'permute', inputs: () => [input([N, 3, 4 * H, 4 * W], 16)], op: (a) => optionalOp('permute')!(a, [0, 2, 3, 1]), bytes: 2 * f * N * 16 * H * W * 3 },
  ];
}

/**
 * f32x4 instructions per vector of the forward kernel `<op>_fwd_f32` (snake case of the op
 * name): the SIMD instructions other than loads, stores and constants in its one-vector loop
 * (the loop with one load and one store), from the text of the release build. Undefined
 * without build/simdnet.wat or the kernel.
 */
function vectorOps(wat: string, op: string): number | undefined {
  const name = `${op.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_fwd_f32`;
  const start = wat.indexOf(`(func $assembly/activation/${name} `);
  if (start < 0) return undefined;
  const body = wat.slice(start, wat.indexOf('\n )', start));
  for (const loop of body.split(/\n\s*loop \$/).slice(1)) {
    const lines = loop.split('br $for-loop')[0].split('\n').map((l) => l.trim());
    if (lines.filter((l) => /^v128\.(load|store)\b/.test(l)).length !== 2) continue;
    return lines.filter((l) => /^(f32x4|i32x4|v128)\./.test(l) && !/^v128\.(load|store|const)\b/.test(l)).length;
  }
  return undefined;
}

/**
 * Note lines for the compute-bound activations (more than 10 f32x4 instructions per vector):
 * their 1-thread best rate as a fraction of the copy roof and, in instructions per second,
 * of the f32x4 peak (one f32x4 instruction per 4 FLOPs of the mul+add peak).
 */
function computeNotes(rows: Row[]): string[] {
  const wat = existsSync('build/simdnet.wat') ? readFileSync('build/simdnet.wat', 'utf8') : '';
  const best = (c: string, key: 'bestGflops' | 'bestGbps') => rows.find((r) => r.lib === ROOF_LIB && r.case.startsWith(c))?.[key] ?? null;
  const peak = best('f32x4 mul+add peak', 'bestGflops');
  const copy = best('copy 64 MiB, f32x4 loop', 'bestGbps');
  if (!wat || !peak || !copy) return [];
  const out: string[] = [];
  for (const r of rows) {
    const op = r.case.split(' ')[0];
    const ops = r.lib === '1 thread' || r.lib === 'simdnet' ? vectorOps(wat, op) : undefined;
    if (!ops || ops <= 10 || !r.bestGbps) continue;
    const laneOps = ((r.bestGbps * 1e9) / 8) * ops; // 8 bytes per element (x in, y out); one lane-op per instruction and element
    out.push(`${op}: ${ops} f32x4 instructions per vector (${ops / 4} per element): ${(r.bestGbps / copy).toFixed(2)} of the copy roof, ` +
      `${(laneOps / 1e9).toFixed(1)} G lane-ops/s = ${(laneOps / (peak * 1e9)).toFixed(2)} of the f32x4 mul+add peak (compute-bound)`);
  }
  if (out.length) {
    out.unshift('compute-bound rows (1 thread): instructions counted in each kernel\'s one-vector loop in build/simdnet.wat (loads, stores and constants left out; ' +
      'GELU\'s count includes its lower-tail branch, run only for vectors with a lane below −1); lane-ops (4 per instruction) against the peak\'s FLOP/s: ' +
      'bitwise and integer instructions issue beside the mul and add, so more than 1 is possible');
  }
  return out;
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
  const cs = shapes.flatMap((shape) => [...cases(shape), ...activationCases(shape, false)]);
  const aliasing = watchAliasing(cs);
  const all = opJobs('elementwise', cs);
  const jobs = perThreads(all.jobs, pool ? (n) => backend.setThreads(n) : null);
  const rows = await runJobs('elementwise', jobs, opts);
  all.free();
  if (pool) backend.setThreads(2);
  const aliased = aliasing.note();
  return {
    rows: [...rows, ...all.na],
    notes: [
      'GB/s counts compulsory traffic (inputs read once, outputs written once; a broadcast operand at its own size); each op allocates its output per call, as in use',
      'best of roof = best sample ÷ the best 1-thread f32x4 copy of 64 MiB (bytes read + written, as the ops) in the same rounds',
      pool ? '1 thread / 2 threads: the threaded build, setThreads before each call; results are bit-identical (tests/threads.test.ts)'
        : 'one thread only: the threaded build did not load here',
      'the activations all read one input tensor (activation.ts: placement alone can change a streaming rate)',
      ...(aliased ? [aliased] : []),
      ...computeNotes(rows),
    ],
  };
}
