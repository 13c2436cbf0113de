// The few-channel direct convolution (assembly/conv_direct.ts) against im2col + GEMM on first
// layers, forward and filter gradient, single thread; part of the conv family. The op picks
// the direct kernels for these shapes, so here both are called below the op, on the same
// operands in linear memory; each direct result is checked against the GEMM path first.
// --extra adds channel and output-channel sweeps (C = 1…32, K = 4…128, 3×3, 5×5 and 1×1) to
// find where the direct kernels stop winning.

import { check, getF32, putF32, randomArray, type Job, type Simdnet } from '../common';

// The kernels compared, by export name: the only place this family names them.
const KERNEL = {
  fwd: 'conv2d_nhwc_fwd_f32',
  fwdDirect: 'conv2d_nhwc_direct_fwd_f32',
  filter: 'conv2d_nhwc_bwd_filter_f32',
  filterDirect: 'conv2d_nhwc_direct_bwd_filter_f32',
  fwdScratch: 'conv2d_nhwc_fwd_f32_scratch_bytes',
  filterScratch: 'conv2d_nhwc_bwd_filter_f32_scratch_bytes',
} as const;

interface Shape {
  name: string; N: number; H: number; W: number; C: number; K: number;
  KH: number; KW: number; s: number; p: number;
}

const SHAPES: Shape[] = [
  { name: 'LeNet conv1', N: 64, H: 28, W: 28, C: 1, K: 6, KH: 5, KW: 5, s: 1, p: 2 },
  { name: 'LeNet conv2', N: 64, H: 14, W: 14, C: 6, K: 16, KH: 5, KW: 5, s: 1, p: 0 },
  { name: 'ResNet stem', N: 1, H: 224, W: 224, C: 3, K: 64, KH: 7, KW: 7, s: 2, p: 3 },
  { name: 'VGG conv1_1', N: 1, H: 224, W: 224, C: 3, K: 64, KH: 3, KW: 3, s: 1, p: 1 },
];

function sweep(): Shape[] {
  const out: Shape[] = [];
  for (const [k, K] of [[3, 32], [5, 16]]) {
    for (const C of [1, 2, 3, 4, 6, 8, 16, 32]) out.push({ name: `C sweep ${k}×${k}`, N: 8, H: 32, W: 32, C, K, KH: k, KW: k, s: 1, p: (k - 1) / 2 });
  }
  for (const K of [4, 8, 16, 64, 128]) out.push({ name: 'K sweep 3×3', N: 8, H: 32, W: 32, C: 3, K, KH: 3, KW: 3, s: 1, p: 1 });
  for (const C of [8, 16, 32]) out.push({ name: 'C sweep 3×3 K64', N: 1, H: 56, W: 56, C, K: 64, KH: 3, KW: 3, s: 1, p: 1 });
  for (const C of [3, 16]) out.push({ name: '1×1', N: 8, H: 32, W: 32, C, K: 64, KH: 1, KW: 1, s: 1, p: 0 });
  out.push({ name: 'CIFAR conv1', N: 32, H: 32, W: 32, C: 3, K: 32, KH: 3, KW: 3, s: 1, p: 1 });
  out.push({ name: 'LeNet conv1 N1', N: 1, H: 28, W: 28, C: 1, K: 6, KH: 5, KW: 5, s: 1, p: 2 });
  out.push({ name: 'AlexNet conv1', N: 1, H: 227, W: 227, C: 3, K: 96, KH: 11, KW: 11, s: 4, p: 0 });
  return out;
}

/** Direct and im2col jobs (forward with bias and ReLU, filter gradient) for the first layers. */
export function directJobs(sn: Simdnet, extra: boolean): Job[] {
  const k = sn.fns;
  const be = sn.backend;
  const jobs: Job[] = [];
  let seed = 500;
  for (const sh of extra ? [...SHAPES, ...sweep()] : SHAPES) {
    const { N, H, W, C, K, KH, KW } = sh;
    const OH = Math.floor((H + 2 * sh.p - KH) / sh.s) + 1, OW = Math.floor((W + 2 * sh.p - KW) / sh.s) + 1;
    const g = [N, H, W, C, OH, OW, KH, KW, K, sh.s, sh.s, sh.p, sh.p, 1, 1] as const;
    const xn = N * H * W * C, yn = N * OH * OW * K, wn = KH * KW * C * K;
    const put = (n: number) => putF32(be, randomArray(n, seed++));
    const x = put(xn), w = put(wn), b = put(K), dy = put(yn);
    const y0 = be.alloc(yn * 4), y1 = be.alloc(yn * 4), dw0 = be.alloc(wn * 4), dw1 = be.alloc(wn * 4);
    const scr = be.alloc(Math.max(k[KERNEL.fwdScratch](...g, 1), k[KERNEL.filterScratch](...g, 1)));
    const run = {
      im2col: () => k[KERNEL.fwd](x, w, b, y0, ...g, 1, 1, 0, 0, 0, scr),
      direct: () => k[KERNEL.fwdDirect](x, w, b, y1, ...g, 1, 0, 0),
      filterIm2col: () => k[KERNEL.filter](x, dy, dw0, ...g, 1, scr),
      filterDirect: () => k[KERNEL.filterDirect](x, dy, dw1, ...g),
    };
    for (const f of Object.values(run)) f();
    const label = `direct ${sh.name} ${N}×${H}×${W}×${C}→${K} ${KH}×${KW}/${sh.s} p${sh.p}`;
    for (const [what, a, bb, n] of [['fwd', y0, y1, yn], ['filter', dw0, dw1, wn]] as const) {
      const want = getF32(be, a, n), got = getF32(be, bb, n);
      let scale = 0, e = 0;
      for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(want[i]));
      for (let i = 0; i < n; i++) e = Math.max(e, Math.abs(got[i] - want[i]));
      check('conv', `${label} ${what}: direct differs from im2col`, e / scale, 1e-5);
    }
    const flops = 2 * N * OH * OW * KH * KW * C * K;
    jobs.push(
      { case: `${label} fwd`, lib: 'simdnet', flops, run: run.direct },
      { case: `${label} fwd`, lib: 'simdnet im2col', flops, run: run.im2col },
      { case: `${label} filter`, lib: 'simdnet', flops, run: run.filterDirect },
      { case: `${label} filter`, lib: 'simdnet im2col', flops, run: run.filterIm2col },
    );
  }
  return jobs;
}
