// GEMM: simdnet's gemm_f32 against the machine's f32x4 peak and against TensorFlow.js (wasm)
// and onnxruntime-web (wasm), all single-threaded, square n×n×n.
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
    run: () => gemm(tA, tB, n, n, n, 1, a, n, b, n, 0, c, n, 0, 0, scratch),
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

  const rows = await runJobs('gemm', jobs, opts);
  notes.push('single thread each; simdnet and tfjs on operands already in wasm memory, ort-web copies A, B in and C out per run');
  return { rows, notes };
}
