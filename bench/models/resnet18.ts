// ResNet-18 inference, 224×224×3, batch 1, single thread: simdnet (fuseForInference: batch
// norm folded, ReLU fused, Winograd for the 3×3 stride-1 convolutions) against TensorFlow.js
// on its wasm backend (tfjs-core ops, NHWC) and onnxruntime-web on its wasm EP (ONNX graph,
// NCHW), all with the same folded weights.
//
// Also timed: simdnet's fused model with the Winograd path switched off (every convolution
// through im2col + GEMM, as conv2d runs it) and the unfused model in eval mode (batch norm
// and ReLU as separate passes); every network cut into stem, four stages and head, each
// segment timed on the same input in every library; and simdnet's forward kernel by kernel.
//
// The weights are seeded: the library's initialisers after seed(), and random batch-norm
// statistics and affine parameters (identity batch norms would not test the folding). The
// peers' weights are folded here in float64 from the unfused model (peers/resnet18.ts),
// independently of simdnet's own folding, and every output is checked before timing.
//
// Every timed call takes an input already in the library's memory (onnxruntime's run copies
// it in and the output out, by its API) and the full-network jobs read the 1000 logits back
// as a Float32Array in all three libraries.
//
// The native anchor (peers/torch.ts): torchvision's ResNet-18 in PyTorch on /usr/bin/python3,
// one thread, timed by wall clock in the same rounds; "PyTorch not installed … skipped" when
// it cannot run. The ratio row "simdnet ÷ pytorch native" is the 1-thread target.
//
//   npm run bench -- resnet18 [--rounds=15] [--clock=cpu]
// (one round is about 1.5 s; on a shared machine 15 rounds and the CPU clock are steadier.)

import { loadavg } from 'node:os';
import { conv2d, noGrad, seed, tensor, tidy, nn, type Tensor } from '../../ts/index';
import { clockFn, fmt, loadSimdnet, randomArray as uniform, runJobs, table, type Job, type Options, type Row } from '../common';
import { ortSession, ortWasm, tfjsWasm } from '../peers/index';
import { torchResnet18 } from '../peers/torch';
import { nchwToNhwc, nhwcToNchw } from '../peers/layout';
import { onnxNet, tfNet, unitOut, unitsFlops, unitsOf, type Unit } from '../peers/resnet18';
import { profileKernels } from './profile';

const SIZE = 224;
const IN_SHAPE = [SIZE, SIZE, 3];
const AGREE = 1e-3; // max |Δ| / max |ref| of the logits
const PROFILE_STEPS = 9;
const PREWARM_PASSES = 3;

/** ResNet-18 with the library's seeded initialisers and random batch-norm parameters and statistics. */
function buildModel(): nn.Sequential {
  seed(2018);
  const m = nn.models.resnet18({ classes: 1000 });
  let s = 1000;
  const visit = (mod: nn.Module): void => {
    if (mod instanceof nn.BatchNorm2d) {
      const n = mod.channels;
      mod.weight.assign(uniform(n, s++, 0.5, 1.2));
      mod.bias.assign(uniform(n, s++, -0.2, 0.2));
      mod.runningMean.assign(uniform(n, s++, -0.2, 0.2));
      mod.runningVar.assign(uniform(n, s++, 0.5, 2));
    }
    for (const [, c] of mod.children()) visit(c);
  };
  visit(m);
  // Bias of the classifier: non-zero, so a dropped bias shows in the check.
  const fc = m.layers[m.layers.length - 1] as nn.Linear;
  fc.bias!.assign(uniform(1000, s++, -0.1, 0.1));
  return m.eval();
}

// Agreement of two outputs: max |a − b| / max |b| (relative to the output's scale).
function relDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    if (!(e <= d)) d = e;
    m = Math.max(m, Math.abs(b[i]));
  }
  return m > 0 ? d / m : d;
}

const argmax = (a: Float32Array) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);

// ---------------------------------------------------------------------------------------
// Segments: stem, the four stages, head. `units` index the peer units (conv, maxpool,
// 8 blocks, head); `layers` index simdnet's fused Sequential (FusedConv2d, MaxPool2d,
// 8 Residual, GlobalAvgPool, Linear).

interface Segment {
  name: string;
  units: [number, number];
  layers: [number, number];
}

const SEGMENTS: Segment[] = [
  { name: 'stem 7×7/2 + pool', units: [0, 2], layers: [0, 2] },
  { name: 'stage1 56²×64', units: [2, 4], layers: [2, 4] },
  { name: 'stage2 28²×128', units: [4, 6], layers: [4, 6] },
  { name: 'stage3 14²×256', units: [6, 8], layers: [6, 8] },
  { name: 'stage4 7²×512', units: [8, 10], layers: [8, 10] },
  { name: 'head GAP + FC', units: [10, 11], layers: [10, 12] },
];

/** The fused model's layers (fuseForInference wraps one Sequential). */
function innerLayers(fused: nn.Module): nn.Module[] {
  const [[, inner]] = fused.children();
  if (!(inner instanceof nn.Sequential) || inner.layers.length !== 12) throw new Error('bench resnet18: unexpected structure of the fused model');
  return inner.layers;
}

/** Switches off Winograd in a fused model: each FusedConv2d runs conv2d (im2col + GEMM) with its folded weights. */
function im2colOnly(fused: nn.Module): number {
  let n = 0;
  const visit = (m: nn.Module): void => {
    if (m instanceof nn.FusedConv2d) {
      const o = m.conv.options;
      m.run = (x: Tensor, residual: Tensor | null, activation: typeof m.activation) =>
        conv2d(x, m.weight, { stride: o.stride, padding: o.padding, dilation: o.dilation, groups: o.groups, roundMode: o.roundMode, bias: m.bias, activation, residual });
      n++;
      return;
    }
    for (const [, c] of m.children()) visit(c);
  };
  visit(fused);
  return n;
}

// ---------------------------------------------------------------------------------------
// simdnet's forward kernel by kernel (profileKernels in ./profile): every kernel call wrapped
// with the clock; per-call medians over a few forwards (alternating with plain ones), summed
// per kernel and shape.

function describe(name: string, a: number[]): { shape: string; flops: number } {
  if (name.startsWith('conv2d_nhwc_fwd_f32')) { // whole or a thread part (same leading arguments)
    const [, , , , N, H, , C, OH, OW, KH, KW, K, sh] = a;
    return { shape: `${H}²×${C}→${K} ${KH}×${KW}/${sh}`, flops: 2 * N * OH * OW * K * KH * KW * C / a[19] };
  }
  if (name.startsWith('conv2d_nhwc_winograd_') && name.endsWith('_fwd_f32')) {
    const [, , , , N, H, , C, OH, OW, K] = a;
    return { shape: `${H}²×${C}→${K} 3×3/1`, flops: 2 * N * OH * OW * K * 9 * C };
  }
  if (name === 'gemm_f32') return { shape: `${a[2]}×${a[4]}·${a[4]}×${a[3]}`, flops: 2 * a[2] * a[3] * a[4] };
  if (name === 'maxpool2d_nhwc_fwd_f32') return { shape: `${a[4]}²×${a[6]}→${a[7]}²`, flops: 0 };
  return { shape: '', flops: 0 };
}

// ---------------------------------------------------------------------------------------

export async function run(opts: Options): Promise<{ rows: Row[]; notes: string[] }> {
  const load0 = loadavg();
  await loadSimdnet();
  const tf = await tfjsWasm();
  const ort = await ortWasm();

  // -- The models.
  const model = buildModel();
  const units: Unit[] = unitsOf(model);
  const fused = noGrad(() => nn.fuseForInference(model));
  const plainFused = noGrad(() => nn.fuseForInference(model));
  const patched = im2colOnly(plainFused);
  if (patched !== 20) throw new Error(`bench resnet18: ${patched} fused convolutions, expected 20`);
  const fusedLayers = innerLayers(fused);
  const plainLayers = innerLayers(plainFused);
  const flops = unitsFlops(units, IN_SHAPE);

  const image = uniform(SIZE * SIZE * 3, 7); // NHWC, in [-1, 1) like a normalised image
  const x = tensor(image, [1, SIZE, SIZE, 3]);
  const tfx = tf.tensor4d(image, [1, SIZE, SIZE, 3]);
  const tfFull = tfNet(tf, units);
  const ortFull = await ortSession(onnxNet(units, IN_SHAPE).bytes);
  const ortFeeds = { X: new ort.Tensor('float32', nhwcToNchw(image, 1, SIZE, SIZE, 3), [1, 3, SIZE, SIZE]) };

  const runs: Record<string, () => Float32Array | Promise<Float32Array>> = {
    simdnet: () => tidy(() => fused.call(x).dataSync()),
    'simdnet im2col': () => tidy(() => plainFused.call(x).dataSync()),
    'simdnet unfused': () => tidy(() => noGrad(() => model.call(x)).dataSync()),
    'tfjs-wasm': () => tf.tidy(() => tfFull.forward(tfx).dataSync() as Float32Array),
    'ort-web': async () => (await ortFull.run(ortFeeds)).Y.data as Float32Array,
  };

  // -- The check: every library's logits against onnxruntime's (and simdnet's).
  const logits: Record<string, Float32Array> = {};
  for (const [lib, f] of Object.entries(runs)) logits[lib] = await f();
  const ref = logits['ort-web'];
  const agreement: string[][] = [];
  for (const [lib, v] of Object.entries(logits)) {
    if (lib === 'ort-web') continue;
    agreement.push(['logits', `${lib} vs ort-web`, relDiff(v, ref).toExponential(2), String(argmax(v) === argmax(ref))]);
  }
  agreement.push(['logits', 'tfjs-wasm vs simdnet', relDiff(logits['tfjs-wasm'], logits.simdnet).toExponential(2), String(argmax(logits['tfjs-wasm']) === argmax(logits.simdnet))]);
  const worst = Math.max(...agreement.map((r) => Number(r[2])));
  const scale = Math.max(...ref.map(Math.abs));

  // -- Segments: inputs are simdnet's (fused) activations; every library gets the same values.
  type SegRun = { sn: () => void; snPlain: () => void; tf: () => void; ort: () => Promise<unknown>; flops: number; check: () => Promise<string[][]> };
  const segRuns: SegRun[] = [];
  let cur: Tensor = x;
  let shape = IN_SHAPE;
  const keepAlive: Tensor[] = [];
  for (const seg of SEGMENTS) {
    const segUnits = units.slice(...seg.units);
    const outShape = segUnits.reduce((s, u) => unitOut(u, s), shape);
    const inShape = shape;
    const input = cur;
    const through = (layers: nn.Module[]) => (): Tensor =>
      tidy(() => noGrad(() => layers.slice(...seg.layers).reduce((h, l) => l.call(h), input)));
    const sn = through(fusedLayers);
    const snPlain = through(plainLayers);
    const inData = input.dataSync();
    const tin = tf.tensor4d(inData, [1, ...inShape] as [number, number, number, number]);
    const tnet = tfNet(tf, segUnits);
    const { bytes, outDims } = onnxNet(segUnits, inShape);
    const session = await ortSession(bytes);
    const feeds = { X: new ort.Tensor('float32', nhwcToNchw(inData, 1, inShape[0], inShape[1], inShape[2]), [1, inShape[2], inShape[0], inShape[1]]) };
    const isHead = outDims.length === 2;
    const check = async (): Promise<string[][]> => {
      const a = sn(), b = snPlain();
      const va = a.dataSync(), vb = b.dataSync();
      a.dispose();
      b.dispose();
      const t = tf.tidy(() => tnet.forward(tin).dataSync() as Float32Array);
      const o = (await session.run(feeds)).Y.data as Float32Array;
      const on = isHead ? o : nchwToNhwc(o, 1, outShape[2], outShape[0], outShape[1]);
      return [
        [seg.name, 'simdnet vs ort-web', relDiff(va, on).toExponential(2), ''],
        [seg.name, 'simdnet im2col vs ort-web', relDiff(vb, on).toExponential(2), ''],
        [seg.name, 'tfjs-wasm vs ort-web', relDiff(t, on).toExponential(2), ''],
      ];
    };
    segRuns.push({
      sn: () => sn().dispose(),
      snPlain: () => snPlain().dispose(),
      tf: () => tf.tidy(() => void tnet.forward(tin)),
      ort: () => session.run(feeds),
      flops: unitsFlops(segUnits, inShape),
      check,
    });
    // The next segment's input.
    const next = sn();
    keepAlive.push(next);
    cur = next;
    shape = outShape;
  }
  for (const s of segRuns) agreement.push(...(await s.check()));
  const segEnd = keepAlive[keepAlive.length - 1].dataSync();
  agreement.push(['segments chained', 'simdnet vs its full forward', relDiff(segEnd, logits.simdnet).toExponential(2), '']);

  if (!(worst <= AGREE)) {
    console.log(table(['output', 'pair', 'max |Δ| / max |ref|', 'same top-1'], agreement));
    throw new Error(`bench resnet18: the libraries' logits differ by ${worst.toExponential(2)} of their scale (> ${AGREE})`);
  }

  // -- Jobs: full networks first, then segments; all interleaved in the same rounds.
  const FULL = 'resnet18 b1';
  const jobs: Job[] = [];
  for (const [lib, f] of Object.entries(runs)) jobs.push({ case: FULL, lib, flops, run: f });
  SEGMENTS.forEach((seg, i) => {
    const s = segRuns[i];
    jobs.push({ case: seg.name, lib: 'simdnet', flops: s.flops, run: s.sn });
    jobs.push({ case: seg.name, lib: 'simdnet im2col', flops: s.flops, run: s.snPlain });
    jobs.push({ case: seg.name, lib: 'tfjs-wasm', flops: s.flops, run: s.tf });
    jobs.push({ case: seg.name, lib: 'ort-web', flops: s.flops, run: s.ort });
  });
  // The native anchor: PyTorch's ResNet-18 on as many threads as simdnet (SIMDNET_THREADS,
  // default 1), timed in the same rounds (its own random weights: the time does not depend
  // on them). Wall clock only (another process).
  const torchThreads = Number(process.env.SIMDNET_THREADS ?? 1);
  const torch = opts.clock === 'wall' ? await torchResnet18() : { missing: 'timed by wall clock only (--clock=cpu counts this process)', notTried: true };
  if ('run' in torch) jobs.splice(Object.keys(runs).length, 0, { case: FULL, lib: 'pytorch (native)', flops, run: () => torch.run(torchThreads) });
  // Extra warm-up, all jobs in turn: V8 compiles the peers' large wasm modules' hot functions
  // in background threads, whose CPU time would otherwise land in the first rounds' samples.
  for (let pass = 0; pass < PREWARM_PASSES; pass++) for (const j of jobs) await j.run();
  const rows = await runJobs('resnet18', jobs, opts);

  const prof = profileKernels(runs.simdnet, PROFILE_STEPS, clockFn(opts.clock), describe, 'bench resnet18: a forward');
  const load1 = loadavg();

  // -- Report.
  const find = (c: string, lib: string) => rows.find((r) => r.case === c && r.lib === lib)!;
  const has = (c: string, lib: string) => rows.some((r) => r.case === c && r.lib === lib);
  const mine = find(FULL, 'simdnet');
  const ratios: string[][] = [];
  for (const peer of ['tfjs-wasm', 'ort-web']) {
    const p = find(FULL, peer);
    ratios.push([FULL, `simdnet ÷ ${peer} (time)`, fmt(mine.ms / p.ms, 2) + '×', fmt(mine.minMs / p.minMs, 2) + '×',
      `${fmt(mine.gflops, 1)} vs ${fmt(p.gflops, 1)} GFLOP/s`]);
  }
  if ('run' in torch) {
    const p = find(FULL, 'pytorch (native)');
    ratios.push([FULL, `simdnet ÷ pytorch native, ${torchThreads} thread${torchThreads > 1 ? 's' : ''} (time)`, fmt(mine.ms / p.ms, 2) + '×', fmt(mine.minMs / p.minMs, 2) + '×',
      `${fmt(mine.gflops, 1)} vs ${fmt(p.gflops, 1)} GFLOP/s`]);
    torch.close();
  }
  const notes: string[] = [];
  notes.push('run' in torch ? `native anchor: ${torch.info}, torchvision's resnet18 (random weights, eval, NCHW), torch.set_num_threads(${torchThreads})` : ('notTried' in torch ? `native anchor not run: ${torch.missing}` : `PyTorch not installed or not usable: skipped (${torch.missing})`));
  notes.push(`load average (1, 5, 15 min) before: ${load0.map((v) => v.toFixed(2)).join(', ')}; after: ${load1.map((v) => v.toFixed(2)).join(', ')} (2 cores, shared)`);
  notes.push(`FLOPs: ${(flops / 1e9).toFixed(3)} G per image (2 × multiply-adds of the 20 convolutions and the FC layer)`);
  if (opts.rounds < 11) notes.push(`only ${opts.rounds} rounds: on a loaded machine single samples of the full network vary by tens of per cent; --rounds=15 gives steadier medians`);
  notes.push(`logit scale max |ref| = ${fmt(scale, 2)}; worst logit disagreement ${worst.toExponential(2)} (limit ${AGREE})`);

  if (!opts.json) {
    const ratioCol = (r: Row) => {
      if (r.lib === 'simdnet' || !has(r.case, 'simdnet')) return '';
      const m = find(r.case, 'simdnet');
      return fmt(m.ms / r.ms, 2) + '×';
    };
    console.log(`\n### resnet18: 224×224×3, batch 1, one thread (${opts.rounds} rounds, ${opts.clock} clock)\n`);
    console.log(table(['case', 'lib', 'median ms', 'GFLOP/s', 'best ms', 'best GFLOP/s', 'best of peak', 'spread', 'simdnet / lib'],
      rows.map((r) => [r.case, r.lib, fmt(r.ms, 2), fmt(r.gflops ?? r.gbps), fmt(r.minMs, 2), fmt(r.bestGflops ?? r.bestGbps), r.ofPeak ? fmt(r.ofPeak * 100, 0) + ' %' : '',
        fmt(r.spread * 100, 0) + ' %', ratioCol(r)])));
    console.log('\n' + table(['case', 'ratio', 'medians', 'bests', ''], ratios));
    console.log('\nAgreement (same input to each segment; ort-web as the reference):\n');
    console.log(table(['output', 'pair', 'max |Δ| / max |ref|', 'same top-1'], agreement));

    // Where simdnet's time goes: segment share of the sum of segment medians (when --only
    // kept every segment and the full network).
    const libs = ['simdnet', 'simdnet im2col', 'tfjs-wasm', 'ort-web'];
    if ([FULL, ...SEGMENTS.map((g) => g.name)].every((c) => libs.every((l) => has(c, l)))) {
      const segSum = (lib: string) => SEGMENTS.reduce((s, g) => s + find(g.name, lib).ms, 0);
      console.log('\nSegments as share of their sum (median ms):\n');
      console.log(table(['segment', ...libs.map((l) => `${l} %`)],
        [...SEGMENTS.map((g) => [g.name, ...libs.map((l) => fmt((find(g.name, l).ms / segSum(l)) * 100, 0))]),
          ['sum of segments (ms)', ...libs.map((l) => fmt(segSum(l), 1))],
          ['full network (ms)', ...libs.map((l) => fmt(find(FULL, l).ms, 1))]], 1));
    }

    const ks = prof.kernels;
    const kSum = ks.reduce((s, k) => s + k.ms, 0);
    console.log(`\nsimdnet forward by kernel (${opts.clock} clock; per-call medians over ${PROFILE_STEPS} wrapped forwards, summed; plain forward ${fmt(prof.stepMs, 1)} ms, outside kernels ${fmt(prof.restMs, 2)} ms):\n`);
    console.log(table(['kernel', 'shape', 'calls', 'ms', '%', 'GFLOP/s'],
      ks.map((k) => [k.kernel, k.shape, String(k.calls), fmt(k.ms, 2), fmt((k.ms / kSum) * 100, 1), k.flops ? fmt(k.flops / k.ms / 1e6, 1) : '']), 2));
    console.log('\nNotes: ' + notes.join('; ') + '.');
  }
  for (const t of ratios) notes.push(`${t[1]}: ${t[2]} of medians, ${t[3]} of bests`);

  // Free what the suite made.
  for (const t of keepAlive) t.dispose();
  x.dispose();
  tfx.dispose();
  tfFull.dispose();
  return { rows, notes };
}
