// LeNet-5 (28×28×1 → conv5 pad 2, 6 → ReLU → maxpool 2 → conv5, 16 → ReLU → maxpool 2 →
// 400 → 120 → 84 → 10): one training step at batch 64 (forward, cross-entropy, backward,
// one plain SGD update) and inference at batch 1 and 64, in images per second, for simdnet,
// ConvNetJS, TensorFlow.js (cpu and wasm backends) and onnxruntime-web (inference only).
//
// Every library gets the same weights (converted to its layout) and the same images, and
// the inference outputs are checked against each other once before timing.
//
// Inference takes a Float32Array of images and gives the logits back as a typed array in
// every library (onnxruntime's session.run copies in and out by its API; simdnet and tfjs
// copy the input into a tensor and read the output back; ConvNetJS copies into its Vols),
// so all pay the same transfers. Training works on a batch already in each library's own
// format (simdnet/tfjs tensors, ConvNetJS Vols): the data pipeline is not measured.

import { crossEntropy, noGrad, tensor, tidy, nn, optim, type Tensor } from '../../ts/index';
import { clockFn, fmt, loadSimdnet, markdownTable, maxRelErr, naRow, pairedRatio, randomArray, runJobs, type Job, type Options, type Row } from '../common';
import { convnetjs, LENET5_LAYERS, vols, type Net } from '../peers/convnetjs';
import { ortSession, ortWasm, registerTfjsGradients, tfjsWasm } from '../peers/index';
import { hwioToOihw } from '../peers/layout';
import { onnxModel, type OnnxTensor } from '../peers/onnx';
import { ROOF_LIB } from '../roofs';
import { profileKernels, type Profile } from './profile';

type Tf = typeof import('@tensorflow/tfjs-core');
type TfTensor = import('@tensorflow/tfjs-core').Tensor;

const BATCH = 64;
const PIXELS = 28 * 28;
const PROFILE_STEPS = 30;

// ---------------------------------------------------------------------------------------
// One set of weights in simdnet's layout (HWIO convolutions, [in, out] dense, NHWC flatten)

const ORDER = ['w1', 'b1', 'w2', 'b2', 'w3', 'b3', 'w4', 'b4', 'w5', 'b5'] as const;

interface Weights {
  w1: Float32Array; b1: Float32Array; // [5, 5, 1, 6], [6]
  w2: Float32Array; b2: Float32Array; // [5, 5, 6, 16], [16]
  w3: Float32Array; b3: Float32Array; // [400, 120] (rows in NHWC order of the 5×5×16 map)
  w4: Float32Array; b4: Float32Array; // [120, 84]
  w5: Float32Array; b5: Float32Array; // [84, 10]
}

const SHAPES: Record<(typeof ORDER)[number], readonly number[]> = {
  w1: [5, 5, 1, 6], b1: [6], w2: [5, 5, 6, 16], b2: [16],
  w3: [400, 120], b3: [120], w4: [120, 84], b4: [84], w5: [84, 10], b5: [10],
};

function makeWeights(seed: number): Weights {
  const fanIn = { w1: 25, w2: 150, w3: 400, w4: 120, w5: 84 } as Record<string, number>;
  const out = {} as Record<string, Float32Array>;
  for (const k of ORDER) {
    const size = SHAPES[k].reduce((a, b) => a * b, 1);
    const a = randomArray(size, seed++);
    // He-uniform for weights, small biases (non-zero, so a dropped bias shows in the check).
    const s = k.startsWith('w') ? Math.sqrt(6 / fanIn[k]) : 0.1;
    for (let i = 0; i < size; i++) a[i] *= s;
    out[k] = a;
  }
  return out as unknown as Weights;
}

// ---------------------------------------------------------------------------------------
// simdnet

function simdnetModel(wts: Weights): nn.Sequential {
  const m = nn.models.lenet5();
  const ps = m.parameters();
  if (ps.length !== ORDER.length) throw new Error(`bench lenet: lenet5() has ${ps.length} parameters, expected ${ORDER.length}`);
  ORDER.forEach((k, i) => {
    if (ps[i].shape.join() !== SHAPES[k].join()) throw new Error(`bench lenet: parameter ${i} is ${ps[i].shape}, expected ${SHAPES[k]}`);
    ps[i].assign(wts[k]);
  });
  return m;
}

// ---------------------------------------------------------------------------------------
// TensorFlow.js: the same network from tfjs-core ops (fused conv/matMul + bias + ReLU, as
// tfjs-layers runs it), on whichever backend is active when it is built.

interface TfModel {
  vars: import('@tensorflow/tfjs-core').Variable[];
  forward: (x: TfTensor) => TfTensor;
}

function tfModel(tf: Tf, wts: Weights): TfModel {
  const v = ORDER.map((k) => tf.variable(tf.tensor(wts[k], [...SHAPES[k]])));
  const [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5] = v;
  const forward = (x: TfTensor): TfTensor => {
    let h = tf.fused.conv2d({ x: x as import('@tensorflow/tfjs-core').Tensor4D, filter: w1 as never, strides: 1, pad: 'same', bias: b1, activation: 'relu' });
    h = tf.maxPool(h, 2, 2, 'valid');
    h = tf.fused.conv2d({ x: h, filter: w2 as never, strides: 1, pad: 'valid', bias: b2, activation: 'relu' });
    h = tf.maxPool(h, 2, 2, 'valid');
    let d: TfTensor = tf.reshape(h, [-1, 400]);
    d = tf.fused.matMul({ a: d as never, b: w3 as never, bias: b3, activation: 'relu' });
    d = tf.fused.matMul({ a: d as never, b: w4 as never, bias: b4, activation: 'relu' });
    return tf.fused.matMul({ a: d as never, b: w5 as never, bias: b5 });
  };
  return { vars: v, forward };
}

// ---------------------------------------------------------------------------------------
// onnxruntime: the graph in NCHW with OIHW weights; the first dense layer's rows permuted
// from NHWC flatten order (h, w, c) to ONNX's NCHW Flatten order (c, h, w).

function onnxLenet(wts: Weights, N: number): Uint8Array {
  const oihw = hwioToOihw;
  const w3 = new Float32Array(wts.w3.length);
  for (let h = 0; h < 5; h++)
    for (let x = 0; x < 5; x++)
      for (let c = 0; c < 16; c++) w3.set(wts.w3.subarray(((h * 5 + x) * 16 + c) * 120, ((h * 5 + x) * 16 + c + 1) * 120), (c * 25 + h * 5 + x) * 120);
  const init: OnnxTensor[] = [
    { name: 'W1', dims: [6, 1, 5, 5], data: oihw(wts.w1, 5, 5, 1, 6) },
    { name: 'B1', dims: [6], data: wts.b1 },
    { name: 'W2', dims: [16, 6, 5, 5], data: oihw(wts.w2, 5, 5, 6, 16) },
    { name: 'B2', dims: [16], data: wts.b2 },
    { name: 'W3', dims: [400, 120], data: w3 },
    { name: 'B3', dims: [120], data: wts.b3 },
    { name: 'W4', dims: [120, 84], data: wts.w4 },
    { name: 'B4', dims: [84], data: wts.b4 },
    { name: 'W5', dims: [84, 10], data: wts.w5 },
    { name: 'B5', dims: [10], data: wts.b5 },
  ];
  const k5 = { kernel_shape: { ints: [5, 5] } };
  const pool = { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } };
  return onnxModel({
    nodes: [
      { op: 'Conv', inputs: ['X', 'W1', 'B1'], outputs: ['c1'], attrs: { ...k5, pads: { ints: [2, 2, 2, 2] } } },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      { op: 'MaxPool', inputs: ['r1'], outputs: ['p1'], attrs: pool },
      { op: 'Conv', inputs: ['p1', 'W2', 'B2'], outputs: ['c2'], attrs: k5 },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      { op: 'MaxPool', inputs: ['r2'], outputs: ['p2'], attrs: pool },
      { op: 'Flatten', inputs: ['p2'], outputs: ['f'], attrs: { axis: { int: 1 } } },
      { op: 'Gemm', inputs: ['f', 'W3', 'B3'], outputs: ['g3'] },
      { op: 'Relu', inputs: ['g3'], outputs: ['r3'] },
      { op: 'Gemm', inputs: ['r3', 'W4', 'B4'], outputs: ['g4'] },
      { op: 'Relu', inputs: ['g4'], outputs: ['r4'] },
      { op: 'Gemm', inputs: ['r4', 'W5', 'B5'], outputs: ['Y'] },
    ],
    inputs: [{ name: 'X', dims: [N, 1, 28, 28] }],
    outputs: [{ name: 'Y', dims: [N, 10] }],
    initializers: init,
  });
}

// ---------------------------------------------------------------------------------------
// ConvNetJS: the same weights poured into its layers (conv filters are Vols indexed
// ((y·sx)+x)·depth+d, i.e. HWC per output channel; dense filters are 1×1×inputs Vols over
// the input Vol in its HWC order, i.e. NHWC flatten order, as simdnet's).

interface CjLayer {
  layer_type: string;
  filters?: { w: Float64Array }[];
  biases?: { w: Float64Array };
}

function convnetjsModel(wts: Weights): Net {
  const cj = convnetjs();
  const net = new cj.Net();
  net.makeLayers(LENET5_LAYERS);
  const layers = (net as unknown as { layers: CjLayer[] }).layers.filter((l) => l.filters);
  const pairs: [Float32Array, Float32Array, number, number][] = [
    [wts.w1, wts.b1, 25, 6], [wts.w2, wts.b2, 150, 16], [wts.w3, wts.b3, 400, 120], [wts.w4, wts.b4, 120, 84], [wts.w5, wts.b5, 84, 10],
  ];
  if (layers.length !== pairs.length) throw new Error(`bench lenet: ConvNetJS net has ${layers.length} weighted layers, expected 5`);
  layers.forEach((l, i) => {
    const [w, b, fanIn, K] = pairs[i];
    if (l.filters!.length !== K || l.filters![0].w.length !== fanIn) throw new Error(`bench lenet: ConvNetJS layer ${i} (${l.layer_type}) has the wrong size`);
    // HWIO / [in, out]: the fan-in index runs over (h, w, c) / inputs, column k is filter k.
    for (let k = 0; k < K; k++) for (let j = 0; j < fanIn; j++) l.filters![k].w[j] = w[j * K + k];
    l.biases!.w.set(b);
  });
  return net;
}

// ---------------------------------------------------------------------------------------
// simdnet kernel by kernel (profileKernels in ./profile): each call is labelled by kernel and
// shape (so the two convolutions, the three dense layers and their gradients show apart)
// with its FLOPs where they are defined.

// Labels and FLOPs of a call from its arguments (the conv geometry run N, H, W, C, OH, OW,
// KH, KW, K, …, groups starts at `g`; gemm_f32 starts transA, transB, M, N, K).
function describe(name: string, a: number[]): { shape: string; flops: number } {
  // A `_part` kernel takes its whole kernel's arguments first; the direct ones have no groups.
  const base = name.replace(/_part$/, '').replace('_direct', '');
  const g = base === 'conv2d_nhwc_fwd_f32' ? 4 : base === 'conv2d_nhwc_bwd_data_f32' || base === 'conv2d_nhwc_bwd_filter_f32' ? 3 : -1;
  if (g >= 0) {
    const [N, H, W, C, OH, OW, KH, KW, K] = a.slice(g, g + 9);
    const groups = name.includes('_direct') ? 1 : a[g + 15];
    return { shape: `${N}×${H}×${W}×${C}→${K} ${KH}×${KW}`, flops: 2 * N * OH * OW * K * KH * KW * (C / groups) };
  }
  if (name === 'gemm_f32') {
    const [tA, tB, M, N, K] = a;
    return { shape: `${M}×${K}${tA ? 'ᵀ' : ''}·${K}×${N}${tB ? 'ᵀ' : ''}`, flops: 2 * M * N * K };
  }
  // Both max pool kernels take N, H, W, C (of the input) from the fourth argument.
  if (name.startsWith('maxpool2d_nhwc_')) return { shape: `${a[3]}×${a[4]}×${a[5]}×${a[6]}`, flops: 0 };
  return { shape: '', flops: 0 };
}

// What each kernel is in LeNet.
const KERNEL_ROLE: Record<string, string> = {
  conv2d_nhwc_fwd_f32: 'conv forward (im2col + GEMM, bias in its epilogue)',
  conv2d_nhwc_bwd_data_f32: 'conv data gradient',
  conv2d_nhwc_bwd_filter_f32: 'conv filter gradient',
  conv2d_nhwc_fwd_f32_part: 'conv forward (im2col + GEMM), by parts',
  conv2d_nhwc_bwd_data_f32_part: 'conv data gradient, by parts',
  conv2d_nhwc_bwd_filter_f32_part: 'conv filter gradient, by parts',
  conv2d_nhwc_direct_fwd_f32_part: 'conv forward, direct (few input channels)',
  conv2d_nhwc_direct_bwd_filter_f32_part: 'conv filter gradient, direct (few input channels)',
  maxpool2d_nhwc_fwd_f32: 'max pool forward',
  maxpool2d_nhwc_bwd_f32: 'max pool backward',
  gemm_f32: 'dense layer GEMM (forward, dx or dw)',
  relu_fwd_f32: 'ReLU forward (its own layer)',
  relu_bwd_f32: 'ReLU backward',
  sum_rows_f32: 'bias gradient (column sums)',
  cross_entropy_labels_fwd_f32: 'softmax cross-entropy forward',
  cross_entropy_labels_bwd_f32: 'softmax cross-entropy backward',
  sgd_f32: 'SGD update',
  copy_f32: 'copy',
  fill_f32: 'fill',
};

function profileTable(p: Profile): string {
  const rows = p.kernels.map((k) => [
    k.kernel,
    k.shape,
    KERNEL_ROLE[k.kernel] ?? '',
    fmt(k.calls, 0),
    fmt(k.ms, 3),
    k.flops > 0 ? fmt(k.flops / k.ms / 1e6, 1) : '',
    fmt((k.ms / p.stepMs) * 100, 1) + ' %',
  ]);
  const kernelMs = p.kernels.reduce((s, k) => s + k.ms, 0);
  const pct = (ms: number) => fmt((ms / p.stepMs) * 100, 1) + ' %';
  rows.push(['(all kernels)', '', '', fmt(p.kernels.reduce((s, k) => s + k.calls, 0), 0), fmt(kernelMs, 3), '', pct(kernelMs)]);
  rows.push(['(rest: JS ops, autograd, allocator, tidy, timing wrappers)', '', 'wrapped step − its kernel calls', '', fmt(p.restMs, 3), '', pct(p.restMs)]);
  rows.push(['(whole step, with wrappers)', '', 'median', '', fmt(p.wrappedStepMs, 3), '', pct(p.wrappedStepMs)]);
  rows.push(['(whole step, no wrappers)', '', 'median', '', fmt(p.stepMs, 3), '', '100 %']);
  return markdownTable(['kernel', 'shape', 'role', 'calls', 'ms', 'GFLOP/s', 'of step'], rows, 3);
}

// ---------------------------------------------------------------------------------------

function softmaxRows(x: ArrayLike<number>, C: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let r = 0; r < x.length / C; r++) {
    let m = -Infinity;
    for (let j = 0; j < C; j++) m = Math.max(m, x[r * C + j]);
    let s = 0;
    for (let j = 0; j < C; j++) s += Math.exp(x[r * C + j] - m);
    for (let j = 0; j < C; j++) y[r * C + j] = Math.exp(x[r * C + j] - m) / s;
  }
  return y;
}

export async function run(opts: Options): Promise<{ rows: Row[]; notes: string[] }> {
  await loadSimdnet();
  const tf = await tfjsWasm();
  await registerTfjsGradients();
  await import('@tensorflow/tfjs-backend-cpu'); // registers 'cpu'; 'wasm' stays active
  const ort = await ortWasm();
  const cj = convnetjs();

  const probe = nn.models.lenet5();
  const fwdFlops = probe.profile([1, 28, 28, 1]).reduce((s, r) => s + r.flops, 0); // 833,040
  probe.dispose();

  const wts = makeWeights(4242);
  const images = randomArray(BATCH * PIXELS, 99).map((v) => (v + 1) / 2); // [0, 1), like MNIST
  const image1 = images.slice(0, PIXELS);
  const labels = Int32Array.from({ length: BATCH }, (_, i) => (i * 7 + 3) % 10);
  const lr = 0.01;
  const caseTrain = `train b${BATCH}`;
  const caseInfer = (n: number) => `infer b${n}`;
  const flopsOf = { train: 3 * fwdFlops * BATCH, infer: (n: number) => fwdFlops * n };
  const jobs: Job[] = [];
  const notes: string[] = [];

  // -- simdnet
  const snTrainModel = simdnetModel(wts);
  const snOpt = new optim.SGD(snTrainModel.parameters(), { lr });
  const snX = tensor(images, [BATCH, 28, 28, 1]);
  const snStep = (): number =>
    tidy(() => {
      const loss = crossEntropy(snTrainModel.call(snX), labels);
      snOpt.zeroGrad();
      loss.backward();
      snOpt.step();
      return loss.item();
    });
  const snInferModel = simdnetModel(wts).eval();
  const snIn: Record<number, Tensor> = { 1: tensor(image1, [1, 28, 28, 1]), [BATCH]: tensor(images, [BATCH, 28, 28, 1]) };
  const snInfer = (n: number, data: Float32Array, model: nn.Module = snInferModel) => (): Float32Array => {
    snIn[n].assign(data);
    return noGrad(() => tidy(() => model.call(snIn[n]).dataSync()));
  };
  // The library's inference path: ReLUs fused into the conv and dense epilogues.
  const snFused = nn.fuseForInference(simdnetModel(wts));

  // -- ConvNetJS
  const cjTrainNet = convnetjsModel(wts);
  const trainer = new cj.Trainer(cjTrainNet, { method: 'sgd', learning_rate: lr, momentum: 0, batch_size: BATCH, l2_decay: 0 });
  const cjBatch = vols(cj, images, BATCH);
  const cjStep = () => {
    for (let i = 0; i < BATCH; i++) trainer.train(cjBatch[i], labels[i]);
  };
  const cjInferNet = convnetjsModel(wts);
  const cjIn = vols(cj, images, BATCH);
  const cjInfer = (n: number, data: Float32Array) => (): Float32Array => {
    const out = new Float32Array(n * 10);
    for (let i = 0; i < n; i++) {
      cjIn[i].w.set(data.subarray(i * PIXELS, (i + 1) * PIXELS));
      out.set(cjInferNet.forward(cjIn[i], false).w, i * 10);
    }
    return out;
  };

  // -- TensorFlow.js: a model per backend, built while that backend is active; each job
  // switches the backend when it is not the active one (synchronous once initialised).
  const tfOn = (name: string, fn: () => unknown) => () => {
    if (tf.getBackend() !== name) void tf.setBackend(name);
    return fn();
  };
  const tfSetups: Record<string, { model: TfModel; train: () => void; infer: (n: number, data: Float32Array) => () => Float32Array }> = {};
  for (const name of ['cpu', 'wasm']) {
    if (!(await tf.setBackend(name))) throw new Error(`bench lenet: tfjs backend ${name} failed to initialise`);
    const model = tfModel(tf, wts);
    const x = tf.tensor4d(images, [BATCH, 28, 28, 1]);
    const y = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 10), 'float32');
    const sgd = tf.train.sgd(lr);
    const train = () => {
      sgd.minimize(() => tf.losses.softmaxCrossEntropy(y, model.forward(x)) as import('@tensorflow/tfjs-core').Scalar, false, model.vars);
    };
    const infer = (n: number, data: Float32Array) => () => {
      const out = tf.tidy(() => model.forward(tf.tensor4d(data, [n, 28, 28, 1])));
      const v = out.dataSync() as Float32Array;
      out.dispose();
      return v;
    };
    tfSetups[name] = { model, train, infer };
  }
  await tf.setBackend('wasm');

  // -- onnxruntime: one session per batch size (fixed shapes).
  const ortIn: Record<number, Float32Array> = { 1: image1, [BATCH]: images };
  const ortRun: Record<number, () => Promise<Float32Array>> = {};
  for (const n of [1, BATCH]) {
    const session = await ortSession(onnxLenet(wts, n));
    const feeds = { X: new ort.Tensor('float32', ortIn[n], [n, 1, 28, 28]) };
    ortRun[n] = async () => (await session.run(feeds)).Y.data as Float32Array;
  }

  // -- One check of every library's logits (ConvNetJS: probabilities) on the same 64 images.
  const ref = snInfer(BATCH, images)();
  const probs = softmaxRows(ref, 10);
  const checks: [string, Float32Array, Float32Array][] = [
    ['tfjs-cpu', await (async () => { await tf.setBackend('cpu'); const v = tfSetups.cpu.infer(BATCH, images)(); await tf.setBackend('wasm'); return v; })(), ref],
    ['tfjs-wasm', tfSetups.wasm.infer(BATCH, images)(), ref],
    ['ort-web', await ortRun[BATCH](), ref],
    ['convnetjs', cjInfer(BATCH, images)(), probs],
  ];
  for (const [lib, got, want] of checks) {
    const e = maxRelErr(got, want);
    if (!(e < 1e-3)) throw new Error(`bench lenet: ${lib} output differs from simdnet's (max rel err ${e})`);
  }
  if (maxRelErr(snInfer(1, image1)(), ref.subarray(0, 10)) > 1e-5) throw new Error('bench lenet: simdnet batch 1 differs from batch 64');
  if (maxRelErr(snInfer(BATCH, images, snFused)(), ref) > 1e-5) throw new Error('bench lenet: simdnet fuseForInference output differs');

  // tfjs on wasm cannot train LeNet: find out how it fails.
  let tfWasmTrainError = '';
  try {
    tfSetups.wasm.train();
    tfWasmTrainError = '';
  } catch (e) {
    tfWasmTrainError = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  }

  // -- Jobs, interleaved per case.
  jobs.push({ case: caseTrain, lib: 'simdnet', flops: flopsOf.train, run: snStep });
  jobs.push({ case: caseTrain, lib: 'convnetjs', flops: flopsOf.train, run: cjStep });
  jobs.push({ case: caseTrain, lib: 'tfjs-cpu', flops: flopsOf.train, run: tfOn('cpu', tfSetups.cpu.train) });
  if (!tfWasmTrainError) jobs.push({ case: caseTrain, lib: 'tfjs-wasm', flops: flopsOf.train, run: tfOn('wasm', tfSetups.wasm.train) });
  for (const n of [1, BATCH]) {
    const data = n === 1 ? image1 : images;
    // onnxruntime right after simdnet's two jobs: their samples of a round are taken within
    // a fraction of a second of each other (the slow pure-JS libraries come last).
    jobs.push({ case: caseInfer(n), lib: 'simdnet', flops: flopsOf.infer(n), run: snInfer(n, data) });
    jobs.push({ case: caseInfer(n), lib: 'simdnet-fused', flops: flopsOf.infer(n), run: snInfer(n, data, snFused) });
    jobs.push({ case: caseInfer(n), lib: 'ort-web', flops: flopsOf.infer(n), run: ortRun[n] });
    jobs.push({ case: caseInfer(n), lib: 'tfjs-wasm', flops: flopsOf.infer(n), run: tfOn('wasm', tfSetups.wasm.infer(n, data)) });
    jobs.push({ case: caseInfer(n), lib: 'convnetjs', flops: flopsOf.infer(n), run: cjInfer(n, data) });
    jobs.push({ case: caseInfer(n), lib: 'tfjs-cpu', flops: flopsOf.infer(n), run: tfOn('cpu', tfSetups.cpu.infer(n, data)) });
  }

  const measured = await runJobs('lenet', jobs, opts);
  await tf.setBackend('wasm');

  const rows: Row[] = [];
  for (const c of [caseTrain, caseInfer(1), caseInfer(BATCH)]) {
    rows.push(...measured.filter((r) => r.case === c));
    if (c === caseTrain && tfWasmTrainError)
      rows.push(naRow('lenet', c, 'tfjs-wasm', `throws: ${tfWasmTrainError}`));
  }
  const batchOf = (c: string) => (c === caseInfer(1) ? 1 : BATCH);
  const ips = (r: Row) => (Number.isFinite(r.ms) ? (batchOf(r.case) / r.ms) * 1000 : NaN);

  // simdnet against the peers: the ratio of medians, the median of per-round ratios and the ratio of bests.
  const find = (c: string, lib: string) => rows.find((r) => r.case === c && r.lib === lib);
  const ratios: string[][] = [];
  const ratio = (c: string, peer: string, ours = 'simdnet') => {
    const m = find(c, ours);
    const p = find(c, peer);
    if (!m || !p) return;
    ratios.push([c, `${peer} ÷ ${ours} (time)`, fmt(p.ms / m.ms, 2) + '×', fmt(pairedRatio(p, m), 2) + '×', fmt(p.minMs / m.minMs, 2) + '×']);
  };
  ratio(caseTrain, 'convnetjs');
  ratio(caseInfer(BATCH), 'ort-web');
  ratio(caseInfer(BATCH), 'ort-web', 'simdnet-fused');
  ratio(caseInfer(BATCH), 'tfjs-wasm');

  // simdnet's training step kernel by kernel (after the timed rounds, same process).
  const clock = clockFn(opts.clock);
  const profTrain = profileKernels(snStep, PROFILE_STEPS, clock, describe, 'bench lenet: the step');
  const profInfer = profileKernels(snInfer(BATCH, images), PROFILE_STEPS, clock, describe, 'bench lenet: the step');
  const lossNow = snStep();

  notes.push(`images/s = batch / median time; GFLOP/s from the model's forward FLOPs (${fwdFlops.toLocaleString('en-US')} per image, simdnet's summary), training counted as 3× forward`);
  notes.push('single thread each; every library has the same weights and images, outputs checked against simdnet once before timing');
  notes.push('inference: Float32Array in, logits out (input copy and output read included for every library); training: batch already in the library\'s format');
  notes.push('training: plain SGD (lr 0.01, no momentum), mean softmax cross-entropy; ConvNetJS: Trainer sgd batch_size 64 (64 train() calls, one update), Float64 volumes');
  notes.push('tfjs: tfjs-core ops (fused conv2d/matMul with bias and ReLU) with optimizer.minimize; the cpu and wasm backends in one process, switched per sample');
  notes.push('simdnet-fused: nn.fuseForInference(model), the library\'s inference path (ReLU in the conv and dense epilogues; LeNet has no 3×3 conv for Winograd)');
  notes.push('ort-web: NCHW ONNX graph (Conv, Relu, MaxPool, Flatten, Gemm; graph optimisation "all"), one fixed-shape session per batch size');
  if (tfWasmTrainError) notes.push(`tfjs-wasm training throws: "${tfWasmTrainError}"`);
  notes.push(`simdnet loss after the run: ${lossNow.toFixed(4)} (finite: the timed steps did not diverge into NaN/denormal territory)`);

  if (!opts.json) {
    const mark = (r: Row) => (r.note ? ' ¹' : '');
    console.log('\n### lenet (Markdown)\n');
    console.log(
      markdownTable(
        ['case', 'lib', 'images/s', 'median ms / batch', 'GFLOP/s', 'best ms', 'spread', 'simdnet speed-up'],
        rows.map((r) => {
          const na = !Number.isFinite(r.ms);
          const mine = find(r.case, 'simdnet');
          return [
            r.case,
            r.lib + mark(r),
            na ? 'n/a' : fmt(ips(r), 0),
            na ? '' : fmt(r.ms, 3),
            fmt(r.gflops, 2),
            na ? '' : fmt(r.minMs, 3),
            na ? '' : fmt(r.spread * 100, 0) + ' %',
            !r.lib.startsWith('simdnet') && mine && !na ? fmt(r.ms / mine.ms, 2) + '×' : '',
          ];
        }),
      ),
    );
    if (tfWasmTrainError) console.log(`\n¹ tfjs-wasm cannot train LeNet-5: one training step throws "${tfWasmTrainError}".`);
    console.log('\n' + markdownTable(['case', 'ratio', 'of medians', 'median of per-round ratios', 'of bests'], ratios));

    // The breakdowns.
    for (const [title, p] of [[`training step (batch ${BATCH})`, profTrain], [`inference (batch ${BATCH})`, profInfer]] as const) {
      console.log(`\n#### simdnet ${title} by kernel and shape, per step (${opts.clock} clock; medians of ${PROFILE_STEPS} wrapped steps alternating with plain ones, after the timed rounds)\n`);
      console.log(profileTable(p));
    }
    console.log('\nNotes: ' + notes.join('; ') + '.');
  }
  for (const r of rows) if (Number.isFinite(r.ms)) notes.push(`${r.case} ${r.lib}: ${fmt(ips(r), 0)} images/s`);
  for (const t of ratios) notes.push(`${t[0]}: ${t[1]}: ${t[2]} of medians, ${t[3]} per round, ${t[4]} of bests`);
  return { rows: [...measured.filter((r) => r.lib === ROOF_LIB), ...rows], notes };
}
