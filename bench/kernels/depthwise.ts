// Depthwise convolution (groups = C = K; the kernels of assembly/dwconv.ts through
// sn.conv2d): 3×3 and 5×5, stride 1 and 2, on MobileNet's 112²×32 map at batch 1 and two
// later MobileNet layers, forward and backward (data and filter gradients apart, as the
// op's recorded backward runs them), in GFLOP/s against the f32x4 peak measured in the
// same rounds; TensorFlow.js (wasm) and onnxruntime-web as peers for the forward, tfjs for the backward where its wasm backend
// has the kernels (else an n/a row with its error). Single thread each.
//
// Adding a case is one entry in CASES (a ConvCase with groups = C = K).

import { check, type Job, loadSimdnet, maxRelErr, naRow, type Options, pairedRatio, randomArray, type Row, runJobs, type SuiteResult } from '../common';
import { ortWasm, registerTfjsGradients, tfjsWasm } from '../peers/index';
import { convFlops, forwardJobs, operands, outSize, simdnetGradients, type ConvCase, type Tf } from './conv';

const dw = (KH: number, stride: number, H = 112, C = 32): ConvCase => {
  const p = (KH - 1) / 2;
  return {
    id: `dw ${KH}×${KH}/${stride} ${H}²×${C}`, N: 1, H, W: H, C, K: C, KH, KW: KH, stride,
    pads: [p, p, p, p], groups: C, tfPad: [[0, 0], [p, p], [p, p], [0, 0]],
  };
};

// MobileNet's first depthwise map at both strides and both kernel sizes, then three
// MobileNetV2/V3 layers: the 112²×96 and 56²×144 stride-2 3×3 (MobileNetV2's costliest
// depthwise layer and the next one down) and the 14²×576 5×5.
const CASES: ConvCase[] = [dw(3, 1), dw(3, 2), dw(5, 1), dw(5, 2), dw(3, 2, 112, 96), dw(3, 2, 56, 144), dw(5, 1, 14, 576)];

/** tfjs's depthwise gradients (wrt x, wrt the filter) as jobs, or n/a rows with the error it throws. */
function tfBackward(tf: Tf, c: ConvCase, x: Float32Array, w: Float32Array, dyData: Float32Array, dx: Float32Array, dwv: Float32Array, flops: number): { jobs: Job[]; na: Row[] } {
  const [OH, OW] = outSize(c);
  const tx = tf.tensor4d(x, [c.N, c.H, c.W, c.C]);
  const tw = tf.tensor4d(w, [c.KH, c.KW, c.C, 1]);
  const tdy = tf.tensor4d(dyData, [c.N, OH, OW, c.K]);
  const f = (xv: typeof tx, wv: typeof tw) => tf.sum(tf.mul(tf.depthwiseConv2d(xv, wv, c.stride, c.tfPad as 'same'), tdy));
  const wrt = {
    data: { grad: () => tf.grad((xv) => f(xv as typeof tx, tw))(tx), want: dx },
    filter: { grad: () => tf.grad((wv) => f(tx, wv as typeof tw))(tw), want: dwv },
  };
  const jobs: Job[] = [];
  const na: Row[] = [];
  for (const [name, g] of Object.entries(wrt)) {
    const kase = `${c.id} bwd ${name}`;
    try {
      const t = g.grad();
      check('depthwise', `${kase}: tfjs differs from simdnet`, maxRelErr(t.dataSync(), g.want));
      t.dispose();
      // tf.grad reruns the forward: timed as tfjs's forward + gradient (the note says so).
      jobs.push({ case: kase, lib: 'tfjs-wasm', flops, run: () => g.grad().dispose(), note: 'forward + gradient' });
    } catch (e) {
      na.push(naRow('depthwise', kase, 'tfjs-wasm', (e instanceof Error ? e.message : String(e)).split('\n')[0]));
    }
  }
  return { jobs, na };
}

export async function run(opts: Options): Promise<SuiteResult> {
  await loadSimdnet();
  const tf = await tfjsWasm();
  const ort = await ortWasm();
  await registerTfjsGradients();
  const jobs: Job[] = [];
  const na: Row[] = [];
  let seed = 300;
  for (const c of CASES) {
    jobs.push(...(await forwardJobs(tf, ort, c, (seed += 10))));
    const ops = operands(c, (seed += 10));
    const [OH, OW] = outSize(c);
    const dyData = randomArray(c.N * OH * OW * c.K, seed + 7);
    const flops = convFlops(c);
    const g = simdnetGradients(c, ops, dyData, 'depthwise');
    jobs.push(
      { case: `${c.id} bwd data`, lib: 'simdnet', flops, run: g.data },
      { case: `${c.id} bwd filter`, lib: 'simdnet', flops, run: g.filter },
    );
    const peer = tfBackward(tf, c, ops.x, ops.w, dyData, g.dx, g.dw, flops);
    jobs.push(...peer.jobs);
    na.push(...peer.na);
  }
  const rows = await runJobs('depthwise', jobs, opts);
  const all = [...rows, ...na];
  // Per case: the forward's fraction of the peak, its speed against tfjs (paired by
  // round) and the backward (data + filter gradients) over the forward, from medians.
  const summary: string[] = [];
  for (const c of CASES) {
    const at = (kase: string, lib: string) => rows.find((r) => r.case === kase && r.lib === lib);
    const fwd = at(c.id, 'simdnet');
    if (!fwd) continue;
    const tf = at(c.id, 'tfjs-wasm'), bd = at(`${c.id} bwd data`, 'simdnet'), bf = at(`${c.id} bwd filter`, 'simdnet');
    const parts = [`${c.id}: forward ${fwd.gflops?.toFixed(1)} GFLOP/s, ${((fwd.ofPeak ?? NaN) * 100).toFixed(0)} % of the f32x4 peak`];
    if (tf) parts.push(`${pairedRatio(tf, fwd).toFixed(2)}× tfjs-wasm`);
    if (bd && bf) parts.push(`backward / forward ${((bd.ms + bf.ms) / fwd.ms).toFixed(2)}`);
    summary.push(parts.join(', '));
  }
  return {
    rows: [...new Set(all.map((r) => r.case))].flatMap((c) => all.filter((r) => r.case === c)),
    notes: [
      'GFLOP/s = 2·N·OH·OW·C·KH·KW per forward, per data gradient and per filter gradient; best of roof against the f32x4 mul+add peak',
      'simdnet and tfjs on tensors already in wasm memory; ort-web (NCHW, group = C) copies the input in and the output out per run',
      'backward / forward of a case: its "bwd data" + "bwd filter" medians over its forward median; N× tfjs-wasm: tfjs time / simdnet time, median over rounds',
      ...summary,
    ],
  };
}
