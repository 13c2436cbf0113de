// MobileNetV2, V3-small and V3-large inference, 224×224×3, batch 1, one thread: simdnet's
// fused inference copy (nn.fuseForInference: batch norm folded; ReLU6/HardSwish/ReLU,
// residual adds and squeeze-excite in the convolution and GEMM epilogues) against
// onnxruntime-web (wasm EP, graph optimisations 'all') running the same model written by
// saveOnnx, and TensorFlow.js's wasm backend running the same fused weights through
// tf.fused.conv2d / depthwiseConv2d / matMul (HardSwish and hard-sigmoid as tfjs ops).
// Also timed: simdnet's model unfused (eval mode: every batch norm, activation, add and
// squeeze-excite step as its own pass).
//
// The weights are the seeded initialisers plus random batch-norm statistics and affine
// parameters; the logits of every library are checked against onnxruntime's before timing.
//
//   npm run bench -- mobilenet [--rounds=15] [--clock=cpu] [--only=V2]
import { loadavg } from 'node:os';
import { noGrad, seed, tensor, tidy, nn } from '../../ts/index';
import { saveOnnx } from '../../ts/io/onnx/save';
import type { FusedActivation } from '../../ts/ops/epilogue';
import { clockFn, fmt, loadSimdnet, randomArray as uniform, runJobs, table, type Job, type Options, type Row } from '../common';
import { ortSession, ortWasm, tfjsWasm } from '../peers/index';
import { nhwcToNchw } from '../peers/layout';
import { profileKernels } from './profile';

type Tf = typeof import('@tensorflow/tfjs-core');
type TfTensor = import('@tensorflow/tfjs-core').Tensor;
type T4 = import('@tensorflow/tfjs-core').Tensor4D;

const SIZE = 224;
const AGREE = 1e-3; // max |Δ| / max |ref| of the logits
const PROFILE_STEPS = 5;
const KINDS = ['mobilenetV2', 'mobilenetV3Small', 'mobilenetV3Large'] as const;
type Kind = (typeof KINDS)[number];

function buildModel(kind: Kind): nn.Module {
  seed(2019);
  const m = nn.models[kind]({ classes: 1000 });
  let s = 3000;
  const visit = (mod: nn.Module): void => {
    if (mod instanceof nn.BatchNorm2d) {
      const n = mod.channels;
      mod.weight.assign(uniform(n, s++, 0.5, 1.2));
      mod.bias.assign(uniform(n, s++, -0.2, 0.2));
      mod.runningMean.assign(uniform(n, s++, -0.2, 0.2));
      mod.runningVar.assign(uniform(n, s++, 0.5, 2));
    }
    if (mod instanceof nn.Linear && mod.bias) mod.bias.assign(uniform(mod.bias.size, s++, -0.1, 0.1));
    for (const [, c] of mod.children()) visit(c);
  };
  visit(m);
  return m.eval();
}

// ---------------------------------------------------------------------------------------
// TensorFlow.js from the fused copy's modules (its folded weights; NHWC and HWIO as simdnet's).

function tfNet(tf: Tf, fused: nn.Module): { forward: (x: T4) => TfTensor; dispose: () => void } {
  const owned: TfTensor[] = [];
  const keep = <U extends TfTensor>(t: U): U => (owned.push(t), t);
  type F = (x: TfTensor) => TfTensor;
  const hardSigmoid = (x: TfTensor, a: number, b: number) => tf.clipByValue(tf.add(tf.mul(x, a), b), 0, 1);
  // tfjs's fused ops take relu, relu6, sigmoid and leaky ReLU; HardSwish and hard-sigmoid follow as ops.
  const split = (a: FusedActivation | null): { fused: 'linear' | 'relu' | 'relu6' | 'sigmoid'; after: F | null } => {
    if (a === null || a === 'relu' || a === 'relu6' || a === 'sigmoid') return { fused: a ?? 'linear', after: null };
    if (a === 'hardswish') return { fused: 'linear', after: (x) => tf.mul(x, hardSigmoid(x, 1 / 6, 0.5)) };
    if (typeof a === 'object' && 'hardsigmoid' in a) return { fused: 'linear', after: (x) => hardSigmoid(x, a.hardsigmoid[0], a.hardsigmoid[1]) };
    throw new Error(`bench mobilenet: no tfjs form for ${JSON.stringify(a)}`);
  };
  const conv = (m: nn.FusedConv2d, act: FusedActivation | null): ((x: TfTensor, res?: TfTensor) => TfTensor) => {
    const [KH, KW, Cg, K] = m.weight.shape;
    const o = m.conv.options;
    const stride = (o.stride as number) ?? 1;
    const p = (o.padding as number) ?? 0;
    const pad: [[0, 0], [number, number], [number, number], [0, 0]] = [[0, 0], [p, p], [p, p], [0, 0]];
    const b = keep(tf.tensor1d(m.bias.dataSync()));
    const depthwise = (o.groups ?? 1) > 1;
    // Depthwise filters [KH, KW, C, 1] are simdnet's [KH, KW, 1, C] in the same order.
    const w = keep(depthwise ? tf.tensor4d(m.weight.dataSync(), [KH, KW, K, 1]) : tf.tensor4d(m.weight.dataSync(), [KH, KW, Cg, K]));
    return (x, res) => {
      const { fused, after } = split(act);
      let y: TfTensor;
      if (res) {
        const z = depthwise
          ? tf.fused.depthwiseConv2d({ x: x as T4, filter: w, strides: stride, pad: p === 0 ? 'valid' : (pad as never), bias: b })
          : tf.fused.conv2d({ x: x as T4, filter: w, strides: stride, pad: p === 0 ? 'valid' : pad, bias: b });
        y = tf.add(z, res);
        if (fused === 'relu') y = tf.relu(y);
        else if (fused === 'relu6') y = tf.relu6(y);
        else if (fused === 'sigmoid') y = tf.sigmoid(y);
      } else if (depthwise) {
        y = tf.fused.depthwiseConv2d({ x: x as T4, filter: w, strides: stride, pad: p === 0 ? 'valid' : (pad as never), bias: b, activation: fused });
      } else {
        y = tf.fused.conv2d({ x: x as T4, filter: w, strides: stride, pad: p === 0 ? 'valid' : pad, bias: b, activation: fused });
      }
      return after ? after(y) : y;
    };
  };
  const build = (m: nn.Module): F => {
    if (m instanceof nn.FusedConv2d) return conv(m, m.activation);
    if (m instanceof nn.Sequential) {
      const fs = m.layers.map(build);
      return (x) => fs.reduce((h, f) => f(h), x);
    }
    if (m instanceof nn.Dropout) return (x) => x;
    const name = m.constructor.name;
    const kids = Object.fromEntries(m.children());
    if (name === 'Fused') return build(kids.model);
    if (name === 'Graph' && kids.features && kids.classifier) {
      const f = build(kids.features), c = build(kids.classifier);
      return (x) => c(tf.mean(f(x), [1, 2]));
    }
    if (name === 'FusedResidual') {
      const head = build(kids.head);
      const last = conv(kids.last as nn.FusedConv2d, (m as unknown as { activation: FusedActivation | null }).activation);
      const sc = kids.shortcut ? build(kids.shortcut) : (x: TfTensor) => x;
      return (x) => last(head(x), sc(x));
    }
    if (name === 'InvertedResidual') return build(kids.conv ?? kids.block);
    if (name === 'FusedLinear') {
      const l = (m as unknown as { linear: nn.Linear; activation: FusedActivation }).linear;
      const { fused, after } = split((m as unknown as { activation: FusedActivation }).activation);
      const w = keep(tf.tensor2d(l.weight.dataSync(), l.weight.shape as [number, number]));
      const b = keep(tf.tensor1d(l.bias!.dataSync()));
      return (x) => {
        const y = tf.fused.matMul({ a: x as never, b: w as never, bias: b, activation: fused });
        return after ? after(y) : y;
      };
    }
    if (m instanceof nn.Linear) {
      const w = keep(tf.tensor2d(m.weight.dataSync(), m.weight.shape as [number, number]));
      const b = keep(tf.tensor1d(m.bias!.dataSync()));
      return (x) => tf.fused.matMul({ a: x as never, b: w as never, bias: b });
    }
    if (name === 'FusedSqueezeExcite') {
      const se = (m as unknown as { se: { fc1: nn.Conv2d; fc2: nn.Conv2d } }).se;
      const mat = (c: nn.Conv2d) => [keep(tf.tensor2d(c.weight.dataSync(), [c.weight.shape[2], c.weight.shape[3]])), keep(tf.tensor1d(c.bias!.dataSync()))] as const;
      const [w1, b1] = mat(se.fc1), [w2, b2] = mat(se.fc2);
      return (x) => {
        const s = tf.fused.matMul({ a: tf.mean(x, [1, 2]) as never, b: w1 as never, bias: b1, activation: 'relu' });
        const g = hardSigmoid(tf.fused.matMul({ a: s as never, b: w2 as never, bias: b2 }), 1 / 6, 0.5);
        return tf.mul(x, tf.reshape(g, [x.shape[0], 1, 1, x.shape[3] as number]));
      };
    }
    throw new Error(`bench mobilenet: no tfjs form for ${name}`);
  };
  return { forward: build(fused) as (x: T4) => TfTensor, dispose: () => owned.forEach((t) => t.dispose()) };
}

// Agreement of two outputs: max |a − b| / max |b|.
function relDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    if (!(e <= d)) d = e;
    m = Math.max(m, Math.abs(b[i]));
  }
  return m > 0 ? d / m : d;
}
const argmax = (a: Float32Array) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);

function describe(name: string, a: number[]): { shape: string; flops: number } {
  if (name.startsWith('conv2d_nhwc_fwd_f32')) {
    const [, , , , N, H, , C, OH, OW, KH, KW, K, sh, , , , , , groups] = a;
    return { shape: `${H}²×${C}→${K} ${KH}×${KW}/${sh}${groups > 1 ? ` g${groups}` : ''}`, flops: 0 * N * OH * OW };
  }
  if (name.startsWith('dwconv2d_nhwc_fwd_f32')) {
    const [, , , , , H, , C, , , KH, KW, sh] = a;
    return { shape: `${H}²×${C} ${KH}×${KW}/${sh}`, flops: 0 };
  }
  if (name === 'gemm_f32') return { shape: `${a[2]}×${a[4]}·${a[4]}×${a[3]}`, flops: 2 * a[2] * a[3] * a[4] };
  if (name === 'gemm_prepacked_f32') return { shape: `${a[0]}×${a[2]}·${a[2]}×${a[1]}`, flops: 2 * a[0] * a[1] * a[2] };
  return { shape: '', flops: 0 };
}

export async function run(opts: Options): Promise<{ rows: Row[]; notes: string[] }> {
  const load0 = loadavg();
  await loadSimdnet();
  const tf = await tfjsWasm();
  const ort = await ortWasm();
  const image = uniform(SIZE * SIZE * 3, 7);
  const x = tensor(image, [1, SIZE, SIZE, 3]);
  const tfx = tf.tensor4d(image, [1, SIZE, SIZE, 3]);
  const feeds = { input: new ort.Tensor('float32', nhwcToNchw(image, 1, SIZE, SIZE, 3), [1, 3, SIZE, SIZE]) };
  const only = opts.only ?? null;
  const kinds = KINDS.filter((k) => !only || only.test(k));

  const jobs: Job[] = [];
  const agreement: string[][] = [];
  const profiles: { kind: Kind; prof: ReturnType<typeof profileKernels> }[] = [];
  const cleanup: (() => void)[] = [];
  let worst = 0;
  for (const kind of kinds) {
    const model = buildModel(kind);
    const fused = noGrad(() => nn.fuseForInference(model));
    const session = await ortSession(saveOnnx(model, { inputShape: [1, SIZE, SIZE, 3] }));
    const tnet = tfNet(tf, fused);
    cleanup.push(() => { tnet.dispose(); fused.dispose(); model.dispose(); });
    const runs: Record<string, () => Float32Array | Promise<Float32Array>> = {
      simdnet: () => tidy(() => fused.call(x).dataSync()),
      'simdnet unfused': () => tidy(() => noGrad(() => model.call(x)).dataSync()),
      'tfjs-wasm': () => tf.tidy(() => tnet.forward(tfx).dataSync() as Float32Array),
      'ort-web': async () => (await session.run(feeds)).output.data as Float32Array,
    };
    const logits: Record<string, Float32Array> = {};
    for (const [lib, f] of Object.entries(runs)) logits[lib] = await f();
    const ref = logits['ort-web'];
    for (const [lib, v] of Object.entries(logits)) {
      if (lib === 'ort-web') continue;
      const d = relDiff(v, ref);
      worst = Math.max(worst, d);
      agreement.push([kind, `${lib} vs ort-web`, d.toExponential(2), String(argmax(v) === argmax(ref))]);
    }
    for (const [lib, f] of Object.entries(runs)) jobs.push({ case: `${kind} b1`, lib, run: f });
    profiles.push({ kind, prof: profileKernels(runs.simdnet as () => Float32Array, PROFILE_STEPS, clockFn(opts.clock), describe, `bench mobilenet: ${kind}`) });
  }
  if (!(worst <= AGREE)) {
    console.log(table(['model', 'pair', 'max |Δ| / max |ref|', 'same top-1'], agreement));
    throw new Error(`bench mobilenet: the libraries' logits differ by ${worst.toExponential(2)} of their scale (> ${AGREE})`);
  }
  for (let pass = 0; pass < 2; pass++) for (const j of jobs) await j.run();
  const rows = await runJobs('mobilenet', jobs, opts);
  const load1 = loadavg();

  const find = (c: string, lib: string) => rows.find((r) => r.case === c && r.lib === lib)!;
  const ratios: string[][] = [];
  for (const kind of kinds) {
    const mine = find(`${kind} b1`, 'simdnet');
    for (const peer of ['ort-web', 'tfjs-wasm', 'simdnet unfused']) {
      const p = find(`${kind} b1`, peer);
      ratios.push([`${kind} b1`, `simdnet ÷ ${peer} (time)`, fmt(mine.ms / p.ms, 2) + '×', fmt(mine.minMs / p.minMs, 2) + '×']);
    }
  }
  const notes = [`load average (1, 5, 15 min) before: ${load0.map((v) => v.toFixed(2)).join(', ')}; after: ${load1.map((v) => v.toFixed(2)).join(', ')} (2 cores, shared)`];
  if (!opts.json) {
    console.log(`\n### mobilenet: 224×224×3, batch 1, one thread (${opts.rounds} rounds, ${opts.clock} clock)\n`);
    console.log(table(['case', 'lib', 'median ms', 'best ms', 'spread'], rows.map((r) => [r.case, r.lib, fmt(r.ms, 2), fmt(r.minMs, 2), fmt(r.spread * 100, 0) + ' %'])));
    console.log('\n' + table(['case', 'ratio', 'medians', 'bests'], ratios));
    console.log('\nLogits (ort-web running saveOnnx of the same model as the reference):\n');
    console.log(table(['model', 'pair', 'max |Δ| / max |ref|', 'same top-1'], agreement));
    for (const { kind, prof } of profiles) {
      const ks = prof.kernels;
      const kSum = ks.reduce((s, k) => s + k.ms, 0);
      // Per kernel name (all shapes), then the largest entries.
      const byName = new Map<string, { ms: number; flops: number }>();
      for (const k of ks) {
        const e = byName.get(k.kernel) ?? { ms: 0, flops: 0 };
        byName.set(k.kernel, { ms: e.ms + k.ms, flops: e.flops + k.flops });
      }
      console.log(`\n${kind}: simdnet fused forward by kernel (plain forward ${fmt(prof.stepMs, 1)} ms, outside kernels ${fmt(prof.restMs, 2)} ms):\n`);
      console.log(table(['kernel', 'ms', '%', 'GFLOP/s'], [...byName].sort((a, b) => b[1].ms - a[1].ms).map(([k, { ms, flops }]) => [k, fmt(ms, 2), fmt((ms / kSum) * 100, 1), flops ? fmt(flops / ms / 1e6, 1) : ''])));
    }
    console.log('\nNotes: ' + notes.join('; ') + '.');
  }
  for (const t of ratios) notes.push(`${t[0]} ${t[1]}: ${t[2]} of medians, ${t[3]} of bests`);
  for (const c of cleanup) c();
  x.dispose();
  tfx.dispose();
  return { rows, notes };
}
