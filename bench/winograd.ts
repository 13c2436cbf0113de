// Winograd F(4×4, 3×3) and F(2×2, 3×3) against im2col + GEMM (conv2d_nhwc_fwd) on the
// 3×3 stride-1 'same' layers of a ResNet-style network, batch 1, single thread.
//
// Standalone: compiles assembly/winograd.ts + assembly/conv.ts (release flags) into a temp
// file, or takes WINO_WASM=path. Run:
//   npx esbuild bench/winograd.ts --bundle --platform=node --format=esm --outfile=/tmp/wino-bench.mjs
//   node /tmp/wino-bench.mjs [rounds=15] [sampleMs=150] [extra]
// "extra" adds small-channel, first-layer and batched shapes (where to switch strategies).
// Times are medians of interleaved rounds after warm-up, by wall clock and by process CPU
// time (the machine is shared: CPU time leaves out time the OS gave to other processes).
// Weight transforms are done once beforehand and timed separately.

import { compileKernels, median, printTable, startBench, timedJob, timeRounds, timingArgs, warmUp } from './standalone';

const SHAPES = [
  { N: 1, H: 56, C: 64, K: 64 },
  { N: 1, H: 28, C: 128, K: 128 },
  { N: 1, H: 14, C: 256, K: 256 },
  { N: 1, H: 7, C: 512, K: 512 },
];
const EXTRA = [
  { N: 1, H: 224, C: 3, K: 64 },
  { N: 1, H: 32, C: 8, K: 8 },
  { N: 1, H: 32, C: 16, K: 16 },
  { N: 1, H: 32, C: 32, K: 32 },
  { N: 1, H: 8, C: 64, K: 64 },
  { N: 1, H: 4, C: 256, K: 256 },
  { N: 8, H: 14, C: 256, K: 256 },
  { N: 8, H: 7, C: 512, K: 512 },
];

async function main(): Promise<void> {
  const { rounds, sampleMs } = timingArgs(15);
  const wasm = compileKernels(['assembly/winograd.ts', 'assembly/conv.ts'], 'simdnet-winograd-bench.wasm', 'WINO_WASM');
  const { k, f32, alloc, reset, rnd } = await startBench(wasm, 4096);   // 256 MiB
  const rows: string[] = [];
  const shapes = process.argv[4] === 'extra' ? [...SHAPES, ...EXTRA] : SHAPES;
  for (const { N, H, C, K } of shapes) {
    reset();
    const W = H, OH = H, OW = W;
    const x = alloc(N * H * W * C * 4), w = alloc(9 * C * K * 4), b = alloc(K * 4);
    const y0 = alloc(N * OH * OW * K * 4), y4 = alloc(N * OH * OW * K * 4), y2 = alloc(N * OH * OW * K * 4);
    for (const [p, n] of [[x, N * H * W * C], [w, 9 * C * K], [b, K]]) for (let i = 0; i < n; i++) f32()[(p >> 2) + i] = rnd();
    const wt4 = alloc(k.winograd_f4x4_3x3_weights_bytes(C, K));
    const wt2 = alloc(k.winograd_f2x2_3x3_weights_bytes(C, K));
    const sIm = k.conv2d_nhwc_fwd_scratch_bytes(N, H, W, C, OH, OW, 3, 3, K, 1, 1, 1, 1, 1, 1, 1);
    const s4 = k.winograd_f4x4_3x3_nhwc_fwd_scratch_bytes(N, H, W, C, OH, OW, K);
    const s2 = k.winograd_f2x2_3x3_nhwc_fwd_scratch_bytes(N, H, W, C, OH, OW, K);
    const scr = alloc(Math.max(sIm, s4, s2));
    const jobs = [
      timedJob('im2col', () => k.conv2d_nhwc_fwd(x, w, b, y0, N, H, W, C, OH, OW, 3, 3, K, 1, 1, 1, 1, 1, 1, 1, 1, scr)),
      timedJob('F4', () => k.winograd_f4x4_3x3_nhwc_fwd(x, wt4, b, y4, N, H, W, C, OH, OW, K, 1, 1, 1, scr)),
      timedJob('F2', () => k.winograd_f2x2_3x3_nhwc_fwd(x, wt2, b, y2, N, H, W, C, OH, OW, K, 1, 1, 1, scr)),
      timedJob('F4 weights', () => k.winograd_f4x4_3x3_weights(w, wt4, C, K)),
    ];
    // Warm-up and calibration, then a correctness check of the outputs.
    warmUp(jobs, sampleMs);
    k.winograd_f2x2_3x3_weights(w, wt2, C, K);
    for (const j of jobs.slice(0, 3)) j.run();
    const n = N * OH * OW * K;
    let scale = 0;
    for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(f32()[(y0 >> 2) + i]));
    for (const [name, y] of [['F4', y4], ['F2', y2]] as const) {
      let e = 0;
      for (let i = 0; i < n; i++) e = Math.max(e, Math.abs(f32()[(y >> 2) + i] - f32()[(y0 >> 2) + i]));
      if (!(e / scale < 3e-5)) throw new Error(`bench winograd: ${name} differs from im2col (${e / scale})`);
    }
    timeRounds(jobs, rounds);
    const flops = 2 * N * OH * OW * 9 * C * K;
    const base = median(jobs[0].cpu);
    for (const j of jobs) {
      const wall = median(j.wall), cpu = median(j.cpu);
      const gf = j.name.includes('weights') ? '' : (flops / cpu / 1e6).toFixed(1);
      const speedup = j.name.includes('weights') ? '' : (base / cpu).toFixed(2);
      rows.push([`${N > 1 ? `N${N} ` : ''}${H}x${W}x${C}->${K}`, j.name, wall.toFixed(3), cpu.toFixed(3), Math.min(...j.cpu).toFixed(3), gf, speedup,
        `scratch ${j.name === 'im2col' ? sIm : j.name === 'F4' ? s4 : j.name === 'F2' ? s2 : 0}`].join('\t'));
    }
  }
  printTable(['shape', 'kernel', 'wall ms', 'cpu ms', 'best cpu ms', 'eff GFLOP/s', 'vs im2col', ''], rows);
}

await main();
