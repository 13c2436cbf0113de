// Imported ONNX models, batch 1, one thread: simdnet's loadOnnx against onnxruntime-web (wasm
// EP, SIMD, one thread, all graph optimisations) on the ten torchvision models the importer's
// tests export (random weights, opset 13; tests/onnx/torchvision_export.py, cached under
// build/onnx/ — /usr/bin/python3 with PyTorch makes them on first use). Both take the same
// NCHW input and return the logits as a Float32Array; every output is checked first.
//
// Also in the same rounds: the imported resnet18 (NHWC input, so neither side transposes)
// against the hand-built zoo resnet18 after fuseForInference, with the same weights: the
// exporter folded each batch norm into its convolution, so the zoo's batch norms get identity
// statistics and the folded bias, and fuseForInference gives back exactly the file's weights.
//
//   npm run bench -- onnx [--rounds=15] [--clock=cpu] [--only=resnet18]

import { loadavg } from 'node:os';
import { noGrad, tensor, tidy, nn, io } from '../../ts/index';
import { loadOnnx } from '../../ts/io/onnx/model';
import { decodeModel } from '../../ts/io/onnx/decode';
import { fixtures, fixtureBytes, torchMissing } from '../../tests/onnx/fixtures';
import { fmt, loadSimdnet, maxRelErr, randomArray, runJobs, table, type Job, type Options, type Row } from '../common';
import { ortSession, ortWasm } from '../peers/index';
import { nchwToNhwc } from '../peers/layout';

const MODELS = ['mobilenet_v2', 'mobilenet_v3_small', 'resnet18', 'squeezenet1_1', 'shufflenet_v2_x1_0',
  'efficientnet_b0', 'googlenet', 'densenet121', 'regnet_x_400mf', 'mnasnet1_0'];
const AGREE = 1e-3; // max |Δ| / (1 + |ref|) of the logits (maxRelErr)
const PREWARM_PASSES = 2;

/**
 * torchvision's resnet18 state dict as the file holds it: each convolution with its batch norm
 * folded in (weight and bias), the batch norm itself the identity (γ = 1, μ = 0, σ² = 1 − ε,
 * so that 1/√(σ² + ε) = 1 exactly) carrying the folded bias as β.
 */
function foldedResnet18Dict(bytes: Uint8Array, eps: number): Record<string, { shape: number[]; data: Float32Array }> {
  const g = decodeModel(bytes);
  const dict: Record<string, { shape: number[]; data: Float32Array }> = {};
  const init = (name: string) => {
    const c = g.initializers.get(name);
    if (!c) throw new Error(`bench onnx: initializer '${name}' not found`);
    return { shape: [...c.shape], data: Float32Array.from(c.data) };
  };
  for (const n of g.nodes) {
    // torch 1.13 names nodes by scope, each level named from its parent's name:
    // '/layer2/layer2.0/downsample/downsample.0/Conv' → 'layer2.0.downsample.0'.
    const levels: string[] = [];
    for (const p of n.name.split('/').filter(Boolean).slice(0, -1)) {
      if (levels.length && p.startsWith(levels[levels.length - 1] + '.')) levels[levels.length - 1] = p;
      else levels.push(p);
    }
    const path = levels.join('.');
    if (n.op === 'Conv') {
      const bn = path === 'conv1' ? 'bn1' : path.replace(/conv(\d)$/, 'bn$1').replace(/downsample\.0$/, 'downsample.1');
      const w = init(n.inputs[1]);
      const b = init(n.inputs[2]);
      const C = b.shape[0];
      dict[`${path}.weight`] = w;
      dict[`${bn}.weight`] = { shape: [C], data: new Float32Array(C).fill(1) };
      dict[`${bn}.bias`] = b;
      dict[`${bn}.running_mean`] = { shape: [C], data: new Float32Array(C) };
      dict[`${bn}.running_var`] = { shape: [C], data: new Float32Array(C).fill(1 - eps) };
    } else if (n.op === 'Gemm') {
      dict['fc.weight'] = init(n.inputs[1]);
      dict['fc.bias'] = init(n.inputs[2]);
    }
  }
  return dict;
}

export async function run(opts: Options): Promise<{ rows: Row[]; notes: string[] }> {
  const missing = torchMissing();
  if (missing) throw new Error(`bench onnx: the models are exported by PyTorch: ${missing}`);
  const load0 = loadavg();
  await loadSimdnet();
  const ort = await ortWasm();
  const fx = fixtures();

  const image = randomArray(224 * 224 * 3, 7); // NCHW, in [-1, 1) like a normalised image
  const x = tensor(image, [1, 3, 224, 224]);
  const xHwc = tensor(nchwToNhwc(image, 1, 3, 224, 224), [1, 224, 224, 3]);
  const feeds = { input: new ort.Tensor('float32', image, [1, 3, 224, 224]) };

  const jobs: Job[] = [];
  const agreement: string[][] = [];
  const owned: { dispose(): void }[] = [];
  const check = (what: string, pair: string, got: Float32Array, want: Float32Array) => {
    const err = maxRelErr(got, want);
    agreement.push([what, pair, err.toExponential(2)]);
    if (!(err <= AGREE)) {
      console.log(table(['model', 'pair', 'max |Δ| / (1 + |ref|)'], agreement));
      throw new Error(`bench onnx: ${what}: ${pair} differ by ${err.toExponential(2)} (max |Δ| / (1 + |ref|)) (> ${AGREE})`);
    }
  };
  for (const name of MODELS) {
    const c = `${name} b1`;
    if (opts.only && !opts.only.test(c)) continue;
    const f = fx[`${name}-op13`];
    if (!f?.file) throw new Error(`bench onnx: ${name} was not exported: ${f?.error ?? 'not in the manifest'}`);
    const bytes = fixtureBytes(f);
    const model = loadOnnx(bytes);
    owned.push(model);
    const session = await ortSession(bytes);
    const runs: Record<string, () => Float32Array | Promise<Float32Array>> = {
      simdnet: () => tidy(() => noGrad(() => model.call(x)).dataSync()),
      'ort-web': async () => (await session.run(feeds)).output.data as Float32Array,
    };
    check(name, 'simdnet vs ort-web', await runs.simdnet(), await runs['ort-web']());
    for (const [lib, r] of Object.entries(runs)) jobs.push({ case: c, lib, run: r });

    if (name === 'resnet18') {
      const nhwc = loadOnnx(bytes, { layout: 'NHWC' });
      const zoo = nn.models.resnet18({ classes: 1000 });
      const eps = 1e-5;
      zoo.loadStateDict(io.fromPytorch(zoo, foldedResnet18Dict(bytes, eps)));
      zoo.eval();
      const fused = noGrad(() => nn.fuseForInference(zoo));
      owned.push(nhwc, zoo, fused);
      const z = 'resnet18 NHWC b1';
      const zr: Record<string, () => Float32Array> = {
        'simdnet onnx': () => tidy(() => noGrad(() => nhwc.call(xHwc)).dataSync()),
        'simdnet zoo fused': () => tidy(() => noGrad(() => fused.call(xHwc)).dataSync()),
      };
      check(name, 'onnx NHWC vs zoo fused', zr['simdnet onnx'](), zr['simdnet zoo fused']());
      for (const [lib, r] of Object.entries(zr)) jobs.push({ case: z, lib, run: r });
    }
  }
  // Extra warm-up of every job in turn (V8 tiers up both libraries' wasm in the background).
  for (let pass = 0; pass < PREWARM_PASSES; pass++) for (const j of jobs) await j.run();
  const rows = await runJobs('onnx', jobs, opts, { roofs: false });
  const load1 = loadavg();

  const find = (c: string, lib: string) => rows.find((r) => r.case === c && r.lib === lib);
  const ratios: string[][] = [];
  for (const name of MODELS) {
    const a = find(`${name} b1`, 'simdnet');
    const b = find(`${name} b1`, 'ort-web');
    if (a && b) ratios.push([name, fmt(a.ms, 2), fmt(b.ms, 2), fmt(b.ms / a.ms, 2) + '×', fmt(b.minMs / a.minMs, 2) + '×']);
  }
  const on = find('resnet18 NHWC b1', 'simdnet onnx');
  const zo = find('resnet18 NHWC b1', 'simdnet zoo fused');
  const notes = [
    `load average (1, 5, 15 min) before: ${load0.map((v) => v.toFixed(2)).join(', ')}; after: ${load1.map((v) => v.toFixed(2)).join(', ')}`,
    `ort-web: onnxruntime-web wasm EP, ${ort.env.wasm.numThreads} thread(s), graphOptimizationLevel 'all'; both read the logits back as a Float32Array`,
  ];
  if (!opts.json) {
    console.log(`\n### onnx: torchvision models (opset 13, random weights), 1×3×224×224, one thread (${opts.rounds} rounds, ${opts.clock} clock)\n`);
    console.log(table(['model', 'simdnet ms', 'ort-web ms', 'ort ÷ simdnet (medians)', 'ort ÷ simdnet (bests)'], ratios, 1));
    if (on && zo) {
      console.log(`\nimported resnet18 ÷ zoo resnet18 fused (same weights, NHWC input): ${fmt(on.ms, 2)} ms ÷ ${fmt(zo.ms, 2)} ms = ${fmt(on.ms / zo.ms, 3)}× of medians, ${fmt(on.minMs / zo.minMs, 3)}× of bests`);
    }
    console.log('\nAgreement before timing:\n');
    console.log(table(['model', 'pair', 'max |Δ| / (1 + |ref|)'], agreement, 2));
    console.log('\nNotes: ' + notes.join('; ') + '.');
  }
  for (const o of owned) o.dispose();
  x.dispose();
  xHwc.dispose();
  return { rows, notes };
}
