// Direct small-C convolution (assembly/conv_direct.ts) against im2col + GEMM
// (conv2d_nhwc_fwd / conv2d_nhwc_bwd_filter) on first layers, single thread.
//
// Standalone: compiles assembly/conv_direct.ts + assembly/conv.ts (release flags) into a temp
// file, or takes CONV_DIRECT_WASM=path. Run:
//   npx esbuild bench/conv_direct.ts --bundle --platform=node --format=esm --outfile=/tmp/cd-bench.mjs
//   node /tmp/cd-bench.mjs [rounds=11] [sampleMs=150] [sweep|all] [name regex]
// "sweep" adds channel and output-channel sweeps (C = 1…32, K = 4…128, 3×3 and 5×5, 1×1) to
// find where the direct kernels stop winning.
// Times are medians of interleaved rounds after warm-up, by wall clock and by process CPU
// time (the machine is shared: CPU time leaves out time the OS gave to other processes).
// Each direct result is checked against the GEMM path before timing.

import { compileKernels, median, printTable, startBench, timedJob, timeRounds, timingArgs, warmUp } from './standalone';

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
    for (const C of [1, 2, 3, 4, 6, 8, 16, 32]) {
      out.push({ name: `C sweep ${k}x${k}`, N: 8, H: 32, W: 32, C, K, KH: k, KW: k, s: 1, p: (k - 1) / 2 });
    }
  }
  for (const K of [4, 8, 16, 64, 128]) {
    out.push({ name: 'K sweep 3x3', N: 8, H: 32, W: 32, C: 3, K, KH: 3, KW: 3, s: 1, p: 1 });
  }
  for (const C of [8, 16, 32]) out.push({ name: 'C sweep 3x3 K64', N: 1, H: 56, W: 56, C, K: 64, KH: 3, KW: 3, s: 1, p: 1 });
  for (const C of [3, 16]) out.push({ name: '1x1', N: 8, H: 32, W: 32, C, K: 64, KH: 1, KW: 1, s: 1, p: 0 });
  out.push({ name: 'CIFAR conv1', N: 32, H: 32, W: 32, C: 3, K: 32, KH: 3, KW: 3, s: 1, p: 1 });
  out.push({ name: 'LeNet conv1 N1', N: 1, H: 28, W: 28, C: 1, K: 6, KH: 5, KW: 5, s: 1, p: 2 });
  out.push({ name: 'AlexNet conv1', N: 1, H: 227, W: 227, C: 3, K: 96, KH: 11, KW: 11, s: 4, p: 0 });
  return out;
}

async function main(): Promise<void> {
  const { rounds, sampleMs } = timingArgs(11);
  const wasm = compileKernels(['assembly/conv_direct.ts', 'assembly/conv.ts'], 'simdnet-conv-direct-bench.wasm', 'CONV_DIRECT_WASM');
  const { k, f32, alloc, reset, rnd } = await startBench(wasm, 8192);   // 512 MiB
  const rows: string[] = [];
  const only = process.argv[5] ? new RegExp(process.argv[5]) : null;
  const shapes = (process.argv[4] === 'sweep' ? [...SHAPES, ...sweep()] : SHAPES)
    .filter((sh) => !only || only.test(`${sh.name} ${sh.N}x${sh.H}x${sh.W}x${sh.C}->${sh.K}`));
  for (const sh of shapes) {
    reset();
    const { N, H, W, C, K, KH, KW } = sh;
    const OH = Math.floor((H + 2 * sh.p - KH) / sh.s) + 1, OW = Math.floor((W + 2 * sh.p - KW) / sh.s) + 1;
    const g = [N, H, W, C, OH, OW, KH, KW, K, sh.s, sh.s, sh.p, sh.p, 1, 1] as const;
    const xn = N * H * W * C, yn = N * OH * OW * K, wn = KH * KW * C * K;
    const x = alloc(xn * 4), w = alloc(wn * 4), b = alloc(K * 4), dy = alloc(yn * 4);
    const y0 = alloc(yn * 4), y1 = alloc(yn * 4), dw0 = alloc(wn * 4), dw1 = alloc(wn * 4), dx0 = alloc(xn * 4);
    for (const [p, n] of [[x, xn], [w, wn], [b, K], [dy, yn]]) for (let i = 0; i < n; i++) f32()[(p >> 2) + i] = rnd();
    const sF = k.conv2d_nhwc_fwd_scratch_bytes(...g, 1);
    const sB = k.conv2d_nhwc_bwd_filter_scratch_bytes(...g, 1);
    const sD = k.conv2d_nhwc_bwd_data_scratch_bytes(...g, 1);
    const scr = alloc(Math.max(sF, sB, sD));
    const jobs = [
      timedJob('fwd im2col', () => k.conv2d_nhwc_fwd(x, w, b, y0, ...g, 1, 1, scr)),
      timedJob('fwd direct', () => k.conv2d_nhwc_direct_fwd(x, w, b, y1, ...g, 1)),
      timedJob('filter im2col', () => k.conv2d_nhwc_bwd_filter(x, dy, dw0, ...g, 1, scr)),
      timedJob('filter direct', () => k.conv2d_nhwc_direct_bwd_filter(x, dy, dw1, ...g)),
      timedJob('data im2col', () => k.conv2d_nhwc_bwd_data(dy, w, dx0, ...g, 1, scr)),
    ];
    // Warm-up and calibration, then the direct results against the GEMM path.
    warmUp(jobs, sampleMs);
    for (const [what, a, bb, n] of [['fwd', y0, y1, yn], ['filter', dw0, dw1, wn]] as const) {
      let scale = 0, e = 0;
      for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(f32()[(a >> 2) + i]));
      for (let i = 0; i < n; i++) e = Math.max(e, Math.abs(f32()[(bb >> 2) + i] - f32()[(a >> 2) + i]));
      if (!(e / scale < 1e-5)) throw new Error(`bench conv_direct: ${sh.name} ${what} differs from im2col (${e / scale})`);
    }
    timeRounds(jobs, rounds);
    const flops = 2 * N * OH * OW * KH * KW * C * K;
    const label = `${sh.name} ${N}x${H}x${W}x${C}->${K} ${KH}x${KW}/${sh.s} p${sh.p}`;
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs[i];
      const wall = median(j.wall), cpu = median(j.cpu);
      const base = i % 2 === 1 ? median(jobs[i - 1].cpu) : cpu;
      rows.push([label, j.name, wall.toFixed(3), cpu.toFixed(3), Math.min(...j.cpu).toFixed(3),
        (flops / cpu / 1e6).toFixed(1), (base / cpu).toFixed(2)].join('\t'));
    }
  }
  printTable(['shape', 'kernel', 'wall ms', 'cpu ms', 'best cpu ms', 'GFLOP/s', 'vs im2col'], rows);
}

await main();
