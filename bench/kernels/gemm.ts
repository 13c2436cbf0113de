// GEMM: simdnet's gemm_f32 against the machine's f32x4 peak and against TensorFlow.js (wasm)
// and onnxruntime-web (wasm), all single-threaded, square n×n×n; then MobileNetV2's 1×1
// convolutions (the shapes of its inverted residual blocks, the GEMMs that take most of its
// time), each as the convolution kernel with its fused bias + ReLU6 / residual epilogue
// against tfjs-wasm's fused conv2d (select them with --only=MNv2); 'simdnet prepacked' is
// the GEMM on weights packed once, as an inference copy (nn.fuseForInference) runs them.
//
// simdnet is called at the kernel level on operands already in linear memory. tfjs's
// tf.matMul also works on tensors already in its wasm memory. onnxruntime's session.run
// has to copy A and B in and C out on every call (that is its API); at n = 256 this copying
// is a few per cent of its time, less at larger n.

import { check, getF32, loadSimdnet, maxRelErr, putF32, randomArray, runJobs, type Job, type Options, type SuiteResult, type Simdnet } from '../common';
import { ortSession, ortWasm, tfjsWasm } from '../peers/index';
import { onnxModel } from '../peers/onnx';

export const DEFAULT_SIZES = [256, 512, 1024];

interface Operands {
  a: Float32Array;
  b: Float32Array;
}

function randomOperands(n: number, seed: number): Operands {
  const rnd = randomArray(2 * n * n, seed);
  return { a: rnd.subarray(0, n * n), b: rnd.subarray(n * n) };
}

// op(A)·op(B) for the three products training needs; the stored operand is transposed so
// that every variant computes the same C.
const VARIANTS = [
  { name: 'A·B', tA: 0, tB: 0 },
  { name: 'A·Bᵀ', tA: 0, tB: 1 },
  { name: 'Aᵀ·B', tA: 1, tB: 0 },
] as const;

function transpose(x: Float32Array, n: number): Float32Array {
  const t = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = x[i * n + j];
  return t;
}

/** simdnet's gemm_f32 on operands in linear memory; returns the job and a result reader. */
function simdnetJob(sn: Simdnet, n: number, ops: Operands, tA: number, tB: number, name: string) {
  const be = sn.backend;
  const bytes = n * n * 4;
  const a = putF32(be, tA ? transpose(ops.a, n) : ops.a);
  const b = putF32(be, tB ? transpose(ops.b, n) : ops.b);
  const c = be.alloc(bytes);
  const scratch = be.alloc(sn.fns.gemm_f32_scratch_bytes(n, n, n));
  const gemm = sn.fns.gemm_f32;
  const job: Job = {
    case: `${n} ${name}`,
    lib: 'simdnet',
    flops: 2 * n ** 3,
    run: () => gemm(tA, tB, n, n, n, 1, a, n, b, n, 0, c, n, 0, 0, 0, 0, 0, scratch),
  };
  return { job, result: () => getF32(be, c, n * n) };
}

export async function run(opts: Options): Promise<SuiteResult> {
  const sizes = opts.sizes ?? DEFAULT_SIZES;
  const sn = await loadSimdnet();
  const tf = await tfjsWasm();
  const ort = await ortWasm();
  const notes: string[] = [];
  const jobs: Job[] = [];

  for (const n of sizes) {
    // --only=MNv2 skips the square operands' setup (the 1024 case takes seconds).
    if (opts.only && !VARIANTS.some((v) => opts.only!.test(`${n} ${v.name}`))) continue;
    const ops = randomOperands(n, 1234 + n);
    const ta = tf.tensor2d(ops.a, [n, n]);
    const tb = tf.tensor2d(ops.b, [n, n]);
    const tat = tf.tensor2d(transpose(ops.a, n), [n, n]);
    const tbt = tf.tensor2d(transpose(ops.b, n), [n, n]);

    for (const v of VARIANTS) {
      const mine = simdnetJob(sn, n, ops, v.tA, v.tB, v.name);
      jobs.push(mine.job);
      const x = v.tA ? tat : ta;
      const y = v.tB ? tbt : tb;
      // tfjs-wasm's transposed matMul is 10-60× slower than its A·B (seconds per call at
      // 1024): timed up to 512 only, to keep the run short.
      if (!(v.tA || v.tB) || n <= 512) {
        jobs.push({
          case: mine.job.case,
          lib: 'tfjs-wasm',
          flops: mine.job.flops,
          run: () => tf.matMul(x, y, v.tA === 1, v.tB === 1).dispose(),
        });
      }
      // Check simdnet against tfjs once, so a fast wrong kernel cannot pass unnoticed.
      mine.job.run();
      const want = tf.matMul(x, y, v.tA === 1, v.tB === 1);
      const err = maxRelErr(mine.result(), want.dataSync());
      want.dispose();
      check('gemm', `simdnet ${mine.job.case} differs from tfjs`, err, 1e-4);
    }

    // onnxruntime: MatMul for A·B, Gemm with transA/transB for the transposed products.
    for (const v of VARIANTS) {
      const model = onnxModel({
        nodes: [
          v.tA || v.tB
            ? { op: 'Gemm', inputs: ['A', 'B'], outputs: ['C'], attrs: { transA: { int: v.tA }, transB: { int: v.tB } } }
            : { op: 'MatMul', inputs: ['A', 'B'], outputs: ['C'] },
        ],
        inputs: [
          { name: 'A', dims: [n, n] },
          { name: 'B', dims: [n, n] },
        ],
        outputs: [{ name: 'C', dims: [n, n] }],
      });
      const session = await ortSession(model);
      const feeds = {
        A: new ort.Tensor('float32', v.tA ? transpose(ops.a, n) : ops.a, [n, n]),
        B: new ort.Tensor('float32', v.tB ? transpose(ops.b, n) : ops.b, [n, n]),
      };
      jobs.push({
        case: `${n} ${v.name}`,
        lib: 'ort-web',
        flops: 2 * n ** 3,
        run: () => session.run(feeds),
      });
    }
  }

  jobs.push(...pointwiseJobs(sn, tf, opts));
  const rows = await runJobs('gemm', jobs, opts);
  notes.push('single thread each; simdnet and tfjs on operands already in wasm memory, ort-web copies A, B in and C out per run');
  return { rows, notes };
}

// MobileNetV2's 1×1 convolutions at 224×224, batch 1 (torchvision's layout): pixels (M),
// input channels (K of the GEMM), output channels (N), the epilogue, and how many layers of
// the network have the shape. Expansions end in ReLU6, projections in nothing, or in the
// block's residual add when the block keeps its shape.
interface Pointwise { hw: number; C: number; K: number; epi: 'relu6' | 'none' | 'res'; count: number }
const MNV2_POINTWISE: Pointwise[] = [
  { hw: 112, C: 32, K: 16, epi: 'none', count: 1 },
  { hw: 112, C: 16, K: 96, epi: 'relu6', count: 1 },
  { hw: 56, C: 96, K: 24, epi: 'none', count: 1 },
  { hw: 56, C: 24, K: 144, epi: 'relu6', count: 2 },
  { hw: 56, C: 144, K: 24, epi: 'res', count: 1 },
  { hw: 28, C: 144, K: 32, epi: 'none', count: 1 },
  { hw: 28, C: 32, K: 192, epi: 'relu6', count: 3 },
  { hw: 28, C: 192, K: 32, epi: 'res', count: 2 },
  { hw: 14, C: 192, K: 64, epi: 'none', count: 1 },
  { hw: 14, C: 64, K: 384, epi: 'relu6', count: 4 },
  { hw: 14, C: 384, K: 64, epi: 'res', count: 3 },
  { hw: 14, C: 384, K: 96, epi: 'none', count: 1 },
  { hw: 14, C: 96, K: 576, epi: 'relu6', count: 3 },
  { hw: 14, C: 576, K: 96, epi: 'res', count: 2 },
  { hw: 7, C: 576, K: 160, epi: 'none', count: 1 },
  { hw: 7, C: 160, K: 960, epi: 'relu6', count: 3 },
  { hw: 7, C: 960, K: 160, epi: 'res', count: 2 },
  { hw: 7, C: 960, K: 320, epi: 'none', count: 1 },
  { hw: 7, C: 320, K: 1280, epi: 'relu6', count: 1 },
];
const ACT_CLIP = 2; // ts/kernels/epilogue.ts's ACT.clip

/** The MNv2 1×1 cases: simdnet's conv2d_nhwc_fwd_f32 and gemm_prepacked_f32 (kernel level), tfjs's fused conv2d. */
function pointwiseJobs(sn: Simdnet, tf: Awaited<ReturnType<typeof tfjsWasm>>, opts: Options): Job[] {
  const be = sn.backend;
  const f = sn.fns;
  const jobs: Job[] = [];
  MNV2_POINTWISE.forEach((s, i) => {
    const name = `MNv2 1×1 ${s.hw}²×${s.C}→${s.K} ${s.epi} (×${s.count})`;
    if (opts.only && !opts.only.test(name)) return;
    const M = s.hw * s.hw;
    const xs = randomArray(M * s.C, 100 + i), ws = randomArray(s.C * s.K, 200 + i, -0.2, 0.2), bs = randomArray(s.K, 300 + i);
    const rs = randomArray(M * s.K, 400 + i);
    const x = putF32(be, xs), w = putF32(be, ws), bias = putF32(be, bs), res = s.epi === 'res' ? putF32(be, rs) : 0;
    const y = be.alloc(M * s.K * 4);
    const geo = [1, s.hw, s.hw, s.C, s.hw, s.hw, 1, 1, s.K, 1, 1, 0, 0, 1, 1, 1] as const;
    const scratch = be.alloc(Math.max(16, f.conv2d_nhwc_fwd_f32_scratch_bytes(...geo)));
    const act = s.epi === 'relu6' ? ACT_CLIP : 0;
    const flops = 2 * M * s.C * s.K;
    const run = () => f.conv2d_nhwc_fwd_f32(x, w, bias, y, ...geo, act, 0, 6, res, scratch);
    jobs.push({ case: name, lib: 'simdnet', flops, run });
    // What an inference copy runs: the weights packed once (gemm_weights_f32), x in place.
    const wp = be.alloc(Math.max(16, f.gemm_weights_f32_bytes(s.C, s.K)));
    f.gemm_weights_f32(w, s.K, s.C, s.K, wp);
    const ps = be.alloc(Math.max(16, f.gemm_prepacked_f32_scratch_bytes(M, s.K, s.C)));
    const yp = be.alloc(M * s.K * 4);
    const runPacked = () => f.gemm_prepacked_f32(M, s.K, s.C, x, s.C, wp, yp, s.K, bias, act, 0, 6, res, ps);
    runPacked();
    run();
    check('gemm', `simdnet prepacked ${name} differs from conv2d_nhwc_fwd_f32`, maxRelErr(getF32(be, yp, M * s.K), getF32(be, y, M * s.K)), Number.MIN_VALUE); // the same bits
    jobs.push({ case: name, lib: 'simdnet prepacked', flops, run: runPacked });
    const tx = tf.tensor4d(xs, [1, s.hw, s.hw, s.C]), tw = tf.tensor4d(ws, [1, 1, s.C, s.K]), tb = tf.tensor1d(bs);
    const tr = tf.tensor4d(rs, [1, s.hw, s.hw, s.K]);
    const tfRun = () => tf.tidy(() => {
      if (s.epi === 'res') return tf.add(tf.fused.conv2d({ x: tx, filter: tw, strides: 1, pad: 'valid', bias: tb }), tr);
      return tf.fused.conv2d({ x: tx, filter: tw, strides: 1, pad: 'valid', bias: tb, activation: s.epi === 'relu6' ? 'relu6' : 'linear' });
    });
    // simdnet against tfjs once, so a fast wrong kernel cannot pass unnoticed.
    run();
    const want = tfRun();
    check('gemm', `simdnet ${name} differs from tfjs`, maxRelErr(getF32(be, y, M * s.K), want.dataSync()), 1e-4);
    want.dispose();
    jobs.push({ case: name, lib: 'tfjs-wasm', flops, run: () => tfRun().dispose() });
  });
  return jobs;
}
