// Convolution: simdnet's conv2d against TensorFlow.js (wasm) and onnxruntime-web (wasm), all
// single-threaded, on four dense forward shapes at batch 1 and on the backward of the first
// shape at batch 8 (next to its forward at batch 8); then the few-channel direct kernels
// against im2col + GEMM on first layers (./conv_direct.ts). Depthwise has its own family
// (./depthwise.ts), Winograd too (./winograd.ts).
//
// simdnet runs the public op sn.conv2d (forward) and the backward the op records (its data
// and filter gradients timed apart) on tensors already in linear memory. tfjs runs
// tf.conv2d / tf.depthwiseConv2d / tf.conv2dTranspose on tensors in its wasm memory.
// onnxruntime runs a one-node model (Conv, or ConvTranspose for the data gradient) whose
// weights are initializers; session.run copies the input in and the output out (its API),
// and ONNX convolutions are NCHW, so its inputs are the same values transposed to NCHW.

import { conv2d, tensor } from '../../ts/index';
import { winogradChoice, winogradConv2d, WinogradWeights } from '../../ts/ops/winograd';
import { backwardOf, check as checkIn, loadSimdnet, maxRelErr, naRow, putF32, randomArray, runJobs, type Job, type Options, type Simdnet, type SuiteResult } from '../common';
import { ortSession, ortWasm, registerTfjsGradients, tfjsWasm } from '../peers/index';
import { hwioToOihw, nchwToNhwc, nhwcToNchw } from '../peers/layout';
import { onnxModel } from '../peers/onnx';
import { directJobs } from './conv_direct';

/** [top, bottom, left, right] */
type Pads = [number, number, number, number];

export interface ConvCase {
  id: string;
  N: number;
  H: number;
  W: number;
  C: number;
  K: number;
  KH: number;
  KW: number;
  stride: number;
  pads: Pads;
  groups: number;
  /** What tfjs is told (its 'same' gives these pads for stride 1). */
  tfPad: 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
}

const CASES: ConvCase[] = [
  { id: '(i) 56²×64→64 3×3 same', N: 1, H: 56, W: 56, C: 64, K: 64, KH: 3, KW: 3, stride: 1, pads: [1, 1, 1, 1], groups: 1, tfPad: 'same' },
  { id: '(ii) 28²×128→128 3×3 same', N: 1, H: 28, W: 28, C: 128, K: 128, KH: 3, KW: 3, stride: 1, pads: [1, 1, 1, 1], groups: 1, tfPad: 'same' },
  { id: '(iii) 56²×64→256 1×1', N: 1, H: 56, W: 56, C: 64, K: 256, KH: 1, KW: 1, stride: 1, pads: [0, 0, 0, 0], groups: 1, tfPad: 'valid' },
  { id: '(iv) 224²×3→64 7×7 s2 p3', N: 1, H: 224, W: 224, C: 3, K: 64, KH: 7, KW: 7, stride: 2, pads: [3, 3, 3, 3], groups: 1, tfPad: [[0, 0], [3, 3], [3, 3], [0, 0]] },
];

// Diagnostics: LeNet-5's two convolutions at batch 64 (the lenet suite's inference), to
// compare layer by layer where the network's time goes.
const LENET_CASES: ConvCase[] = [
  { id: 'LeNet conv1 b64 28²×1→6 5×5 p2', N: 64, H: 28, W: 28, C: 1, K: 6, KH: 5, KW: 5, stride: 1, pads: [2, 2, 2, 2], groups: 1, tfPad: 'same' },
  { id: 'LeNet conv2 b64 14²×6→16 5×5', N: 64, H: 14, W: 14, C: 6, K: 16, KH: 5, KW: 5, stride: 1, pads: [0, 0, 0, 0], groups: 1, tfPad: 'valid' },
];

// The backward case: (i) at batch 8.
const BWD: ConvCase = { ...CASES[0], id: '(i) b8', N: 8 };

// Floor, as PyTorch, TensorFlow and ONNX do: (iv)'s (224 + 6 − 7) / 2 + 1 is 112.5 → 112.
export const outSize = (c: ConvCase): [number, number] => [
  Math.floor((c.H + c.pads[0] + c.pads[1] - c.KH) / c.stride) + 1,
  Math.floor((c.W + c.pads[2] + c.pads[3] - c.KW) / c.stride) + 1,
];

/** 2·N·OH·OW·K·KH·KW·C/groups: one forward (and likewise one data or one filter gradient). */
export function convFlops(c: ConvCase): number {
  const [OH, OW] = outSize(c);
  return 2 * c.N * OH * OW * c.K * c.KH * c.KW * (c.C / c.groups);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

const check = (what: string, err: number, tol = 1e-3): void => checkIn('conv', what, err, tol);

// ---------------------------------------------------------------------------------------
// ONNX graphs

export function onnxConv(c: ConvCase, w: Float32Array, transpose: boolean): Uint8Array {
  const [OH, OW] = outSize(c);
  const Cg = c.C / c.groups;
  const [pt, pb, pl, pr] = c.pads;
  const attrs = {
    kernel_shape: { ints: [c.KH, c.KW] },
    strides: { ints: [c.stride, c.stride] },
    pads: { ints: [pt, pl, pb, pr] }, // ONNX order: begins then ends
    dilations: { ints: [1, 1] },
    group: { int: c.groups },
  };
  return onnxModel({
    nodes: [{ op: transpose ? 'ConvTranspose' : 'Conv', inputs: ['X', 'W'], outputs: ['Y'], attrs }],
    inputs: [{ name: 'X', dims: transpose ? [c.N, c.K, OH, OW] : [c.N, c.C, c.H, c.W] }],
    outputs: [{ name: 'Y', dims: transpose ? [c.N, c.C, c.H, c.W] : [c.N, c.K, OH, OW] }],
    initializers: [{ name: 'W', dims: [c.K, Cg, c.KH, c.KW], data: hwioToOihw(w, c.KH, c.KW, Cg, c.K) }],
  });
}

// ---------------------------------------------------------------------------------------

export interface Operands {
  x: Float32Array; // NHWC
  w: Float32Array; // HWIO
}

export function operands(c: ConvCase, seed: number): Operands {
  const x = randomArray(c.N * c.H * c.W * c.C, seed);
  const w = randomArray(c.KH * c.KW * (c.C / c.groups) * c.K, seed + 1);
  // He-like scale keeps outputs O(1) whatever the fan-in, so relative errors mean something.
  const s = Math.sqrt(2 / (c.KH * c.KW * (c.C / c.groups)));
  for (let i = 0; i < w.length; i++) w[i] *= s;
  return { x, w };
}

export type Tf = Awaited<ReturnType<typeof tfjsWasm>>;
export type Ort = Awaited<ReturnType<typeof ortWasm>>;

/** Forward jobs of one case for the three libraries, each checked once against tfjs. */
export async function forwardJobs(tf: Tf, ort: Ort, c: ConvCase, seed: number, caseName = c.id): Promise<Job[]> {
  const ops = operands(c, seed);
  const [OH, OW] = outSize(c);
  const flops = convFlops(c);
  const Cg = c.C / c.groups;
  const depthwise = c.groups > 1;
  const opts = { stride: c.stride, padding: c.pads, groups: c.groups, roundMode: 'floor' as const };

  const x = tensor(ops.x, [c.N, c.H, c.W, c.C]);
  const w = tensor(ops.w, [c.KH, c.KW, Cg, c.K]);
  const mine: Job = { case: caseName, lib: 'simdnet', flops, run: () => conv2d(x, w, opts).dispose() };

  const tx = tf.tensor4d(ops.x, [c.N, c.H, c.W, c.C]);
  // tf.depthwiseConv2d's filter is [KH, KW, C, multiplier]: for multiplier 1 the same values as HWIO [KH, KW, 1, C].
  const tw = depthwise ? tf.tensor4d(ops.w, [c.KH, c.KW, c.C, 1]) : tf.tensor4d(ops.w, [c.KH, c.KW, Cg, c.K]);
  const tfRun = depthwise
    ? () => tf.depthwiseConv2d(tx, tw, c.stride, c.tfPad as 'same')
    : () => tf.conv2d(tx, tw, c.stride, c.tfPad);
  const theirs: Job = { case: caseName, lib: 'tfjs-wasm', flops, run: () => tfRun().dispose() };

  const session = await ortSession(onnxConv(c, ops.w, false));
  const feeds = { X: new ort.Tensor('float32', nhwcToNchw(ops.x, c.N, c.H, c.W, c.C), [c.N, c.C, c.H, c.W]) };
  const onnx: Job = { case: caseName, lib: 'ort-web', flops, run: () => session.run(feeds) };

  // One check per case, so that a fast wrong kernel (or a wrongly built peer graph) shows.
  const y = conv2d(x, w, opts);
  const want = tfRun();
  if (want.shape.join() !== y.shape.join()) throw new Error(`bench conv: ${caseName}: shapes ${y.shape} vs tfjs ${want.shape}`);
  const ref = want.dataSync() as Float32Array;
  check(`${caseName}: simdnet differs from tfjs`, maxRelErr(y.dataSync(), ref));
  want.dispose();
  y.dispose();
  const out = (await session.run(feeds)).Y;
  check(`${caseName}: ort-web differs from tfjs`, maxRelErr(nchwToNhwc(out.data as Float32Array, c.N, c.K, OH, OW), ref));

  // simdnet's inference path (nn.fuseForInference) runs 3×3 stride-1 convolutions through
  // Winograd where its measured rule picks it: timed too, with the weights transformed once.
  const jobs = [mine, theirs, onnx];
  const tile = c.KH === 3 && c.KW === 3 && c.stride === 1 && c.groups === 1 ? winogradChoice(c.N, OH, OW, c.C) : null;
  if (tile) {
    const wt = new WinogradWeights(w, tile);
    const wino = () => winogradConv2d(x, wt, { padding: c.pads });
    const yw = wino();
    check(`${caseName}: simdnet Winograd ${tile} differs from tfjs`, maxRelErr(yw.dataSync(), ref));
    yw.dispose();
    jobs.splice(1, 0, { case: caseName, lib: `simdnet-winograd`, flops, run: () => wino().dispose(), note: tile });
  }
  return jobs;
}

/**
 * Diagnostic: the GEMM a dense conv becomes (M = N·OH·OW rows of im2col, K = KH·KW·C,
 * N = output channels), as simdnet's gemm_f32 on operands in linear memory and as tfjs's
 * matMul. Next to the conv it shows how much of the conv's time is im2col and blocking
 * around the GEMM, and how simdnet's GEMM compares with XNNPACK's at that shape.
 */
function gemmJobs(sn: Simdnet, tf: Tf, c: ConvCase, tag: string, seed: number): Job[] {
  const [OH, OW] = outSize(c);
  const M = c.N * OH * OW, K = c.KH * c.KW * c.C, N = c.K;
  const a = randomArray(M * K, seed);
  const b = randomArray(K * N, seed + 1);
  const be = sn.backend;
  const pa = putF32(be, a), pb = putF32(be, b), pc = be.alloc(M * N * 4);
  const scratch = be.alloc(sn.fns.gemm_f32_scratch_bytes(M, N, K));
  const name = `${tag} as GEMM ${M}×${K}·${K}×${N}`;
  const ta = tf.tensor2d(a, [M, K]);
  const tb = tf.tensor2d(b, [K, N]);
  return [
    { case: name, lib: 'simdnet', flops: 2 * M * N * K, run: () => sn.fns.gemm_f32(0, 0, M, N, K, 1, pa, K, pb, N, 0, pc, N, 0, 0, 0, 0, 0, scratch) },
    { case: name, lib: 'tfjs-wasm', flops: 2 * M * N * K, run: () => tf.matMul(ta, tb).dispose() },
  ];
}

interface BackwardSet {
  jobs: Job[];
  tfFilterError: string;
}

/**
 * simdnet's data and filter gradients of a case as the op's recorded backward runs them
 * (x alone requiring a gradient gives dx, w alone dw), checked with the adjoint identity
 * ⟨dy, conv(x, w)⟩ = ⟨dx, x⟩ = ⟨dw, w⟩ (conv is linear in x and in w), in f64 over every
 * element: a wrong index cannot keep all three equal. Gives the two job bodies and dx, dw.
 */
export function simdnetGradients(c: ConvCase, ops: Operands, dyData: Float32Array, suite: string) {
  const [OH, OW] = outSize(c);
  const opts = { stride: c.stride, padding: c.pads, groups: c.groups, roundMode: 'floor' as const };
  const dy = tensor(dyData, [c.N, OH, OW, c.K]);
  const y = conv2d(tensor(ops.x, [c.N, c.H, c.W, c.C]), tensor(ops.w, [c.KH, c.KW, c.C / c.groups, c.K]), opts);
  const ref = dot(dyData, y.dataSync());
  y.dispose();
  // Own operands per gradient, only the one input requiring it (the backward computes the
  // gradients of the inputs that require one when it runs).
  const gradOf = (wrt: 'x' | 'w'): { run: () => void; value: Float32Array } => {
    const x = tensor(ops.x, [c.N, c.H, c.W, c.C], { requiresGrad: wrt === 'x' });
    const w = tensor(ops.w, [c.KH, c.KW, c.C / c.groups, c.K], { requiresGrad: wrt === 'w' });
    const yg = conv2d(x, w, opts);
    const [gx, gw] = yg._node!.backward(dy);
    const value = (gx ?? gw)!.dataSync().slice();
    gx?.dispose();
    gw?.dispose();
    return { run: backwardOf(yg, dy), value };
  };
  const data = gradOf('x');
  const filter = gradOf('w');
  checkIn(suite, `${c.id}: data gradient fails ⟨dx, x⟩ = ⟨dy, y⟩`, Math.abs(dot(data.value, ops.x) - ref) / Math.abs(ref), 1e-4);
  checkIn(suite, `${c.id}: filter gradient fails ⟨dw, w⟩ = ⟨dy, y⟩`, Math.abs(dot(filter.value, ops.w) - ref) / Math.abs(ref), 1e-4);
  return { data: data.run, filter: filter.run, dx: data.value, dw: filter.value };
}

/** The data and filter gradients of BWD: simdnet's op backward, tfjs's conv2dTranspose, ort's ConvTranspose. */
async function backwardJobs(tf: Tf, ort: Ort, c: ConvCase, seed: number): Promise<BackwardSet> {
  const ops = operands(c, seed);
  const [OH, OW] = outSize(c);
  const dyData = randomArray(c.N * OH * OW * c.K, seed + 7);
  const flops = convFlops(c);
  const g = simdnetGradients(c, ops, dyData, 'conv');
  const dxv = g.dx;

  const jobs: Job[] = [
    { case: `${c.id} bwd data`, lib: 'simdnet', flops, run: g.data },
    { case: `${c.id} bwd filter`, lib: 'simdnet', flops, run: g.filter },
    { case: `${c.id} bwd data+filter`, lib: 'simdnet', flops: 2 * flops, run: () => { g.data(); g.filter(); } },
  ];

  // tfjs: the data gradient is tf.conv2dTranspose (kernel Conv2DBackpropInput).
  const tdy = tf.tensor4d(dyData, [c.N, OH, OW, c.K]);
  const tw = tf.tensor4d(ops.w, [c.KH, c.KW, c.C, c.K]);
  const tx = tf.tensor4d(ops.x, [c.N, c.H, c.W, c.C]);
  const tfData = () => tf.conv2dTranspose(tdy, tw, [c.N, c.H, c.W, c.C], c.stride, c.tfPad as 'same');
  const t = tfData();
  check('tfjs conv2dTranspose differs from simdnet bwd_data', maxRelErr(t.dataSync(), dxv));
  t.dispose();
  jobs.push({ case: `${c.id} bwd data`, lib: 'tfjs-wasm', flops, run: () => tfData().dispose() });
  // The filter gradient: what a tfjs user gets from tf.grad on the wasm backend.
  let tfFilterError = '';
  try {
    const gw = tf.grad((wv) => tf.sum(tf.mul(tf.conv2d(tx, wv as typeof tw, c.stride, c.tfPad), tdy)))(tw);
    gw.dispose();
    tfFilterError = 'tf.grad with respect to the filter unexpectedly worked';
  } catch (e) {
    tfFilterError = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  }

  // onnxruntime: ConvTranspose with the conv's weights is the data gradient.
  const session = await ortSession(onnxConv(c, ops.w, true));
  const feeds = { X: new ort.Tensor('float32', nhwcToNchw(dyData, c.N, OH, OW, c.K), [c.N, c.K, OH, OW]) };
  const out = (await session.run(feeds)).Y;
  check('ort ConvTranspose differs from simdnet bwd_data', maxRelErr(nchwToNhwc(out.data as Float32Array, c.N, c.C, c.H, c.W), dxv));
  jobs.push({ case: `${c.id} bwd data`, lib: 'ort-web', flops, run: () => session.run(feeds) });
  return { jobs, tfFilterError };
}

export async function run(opts: Options): Promise<SuiteResult> {
  const sn = await loadSimdnet();
  const tf = await tfjsWasm();
  const ort = await ortWasm();
  await registerTfjsGradients();

  const jobs: Job[] = [];
  let seed = 100;
  for (const c of CASES) jobs.push(...(await forwardJobs(tf, ort, c, (seed += 10))));
  jobs.push(...(await forwardJobs(tf, ort, BWD, (seed += 10), `${BWD.id} fwd`)));
  const bwd = await backwardJobs(tf, ort, BWD, (seed += 10));
  jobs.push(...bwd.jobs);
  for (const c of CASES) jobs.push(...gemmJobs(sn, tf, c, c.id.split(' ')[0], (seed += 10)));
  for (const c of LENET_CASES) jobs.push(...(await forwardJobs(tf, ort, c, (seed += 10))));
  LENET_CASES.forEach((c, i) => jobs.push(...gemmJobs(sn, tf, c, `LeNet conv${i + 1} b64`, (seed += 10))));
  jobs.push(...directJobs(sn, opts.extra));

  const measured = await runJobs('conv', jobs, opts);
  // Group the rows by case, keeping the job order, and put tfjs's missing filter gradient in.
  const na = (c: string) => naRow('conv', c, 'tfjs-wasm', 'no Conv2DBackpropFilter kernel');
  const all = [...measured, na(`${BWD.id} bwd filter`), na(`${BWD.id} bwd data+filter`)];
  const rows = [...new Set(all.map((r) => r.case))].flatMap((c) => all.filter((r) => r.case === c));

  const notes = [
    'single thread each; simdnet and tfjs on tensors already in wasm memory, ort-web copies the input in and the output out per run',
    'ort-web runs NCHW (ONNX Conv/ConvTranspose; weights OIHW initializers) on the same values transposed; simdnet and tfjs run NHWC with HWIO weights',
    `tfjs-wasm has no filter gradient: tf.grad(conv2d) w.r.t. the filter on the wasm backend throws "${bwd.tfFilterError}"`,
    'bwd data of tfjs-wasm is tf.conv2dTranspose (Conv2DBackpropInput); of ort-web a ConvTranspose node with the conv\'s weights',
    'GFLOP/s = 2·N·OH·OW·K·KH·KW·(C/groups) per forward, per data gradient and per filter gradient (twice that for data+filter)',
    'simdnet-winograd: the inference path (nn.fuseForInference) for 3×3 stride-1 convs, winogradConv2d with weights transformed once (F(4×4) or F(2×2) by its measured rule); its GFLOP/s count the direct convolution\'s FLOPs (effective rate, so it can exceed the mul+add peak)',
    '"LeNet conv" rows (diagnostic): the lenet suite\'s two convolutions at batch 64, without bias and ReLU',
    '"as GEMM" rows (diagnostic): the matrix product a dense conv becomes (im2col rows × KH·KW·C × output channels), simdnet gemm_f32 vs tfjs matMul, operands already in wasm memory',
    '"direct" rows: the few-channel direct kernels against im2col + GEMM on the same first layers (--extra adds channel sweeps)',
  ];
  return { rows, notes };
}
