// Depthwise convolution (groups = C = K; the depthwise kernels of assembly/conv.ts through
// sn.conv2d): 3×3 and 5×5, stride 1 and 2, on MobileNet's 112²×32 map at batch 1, forward
// and backward (data and filter gradients apart, as the op's recorded backward runs them),
// in GFLOP/s against the f32x4 peak measured in the same rounds; TensorFlow.js (wasm) and
// onnxruntime-web as peers for the forward, tfjs for the backward where its wasm backend
// has the kernels (else an n/a row with its error). Single thread each.
//
// Adding a case is one entry in CASES (a ConvCase with groups = C = K).

import { check, type Job, loadSimdnet, maxRelErr, naRow, type Options, randomArray, type Row, runJobs, type SuiteResult } from '../common';
import { ortWasm, registerTfjsGradients, tfjsWasm } from '../peers/index';
import { convFlops, forwardJobs, operands, outSize, simdnetGradients, type ConvCase, type Tf } from './conv';

const dw = (KH: number, stride: number): ConvCase => {
  const p = (KH - 1) / 2;
  return {
    id: `dw ${KH}×${KH}/${stride} 112²×32`, N: 1, H: 112, W: 112, C: 32, K: 32, KH, KW: KH, stride,
    pads: [p, p, p, p], groups: 32, tfPad: [[0, 0], [p, p], [p, p], [0, 0]],
  };
};

const CASES: ConvCase[] = [dw(3, 1), dw(3, 2), dw(5, 1), dw(5, 2)];

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
  return {
    rows: [...new Set(all.map((r) => r.case))].flatMap((c) => all.filter((r) => r.case === c)),
    notes: [
      'GFLOP/s = 2·N·OH·OW·C·KH·KW per forward, per data gradient and per filter gradient; best of roof against the f32x4 mul+add peak',
      'simdnet and tfjs on tensors already in wasm memory; ort-web (NCHW, group = C) copies the input in and the output out per run',
      'backward / forward of a case: compare its "bwd data" + "bwd filter" rows with its forward row',
    ],
  };
}
