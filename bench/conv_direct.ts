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

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';

type Fn = (...a: number[]) => number;

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

function compile(): string {
  if (process.env.CONV_DIRECT_WASM) return process.env.CONV_DIRECT_WASM;
  const out = join(tmpdir(), 'simdnet-conv-direct-bench.wasm');
  execFileSync('node_modules/.bin/asc', ['assembly/conv_direct.ts', 'assembly/conv.ts', '-O3', '--runtime', 'stub',
    '--enable', 'simd', '--importMemory', '--use', 'abort=', '--noAssert', '-o', out], { stdio: 'inherit' });
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 11);
  const sampleMs = Number(process.argv[3] ?? 150);
  const memory = new WebAssembly.Memory({ initial: 8192 });   // 512 MiB
  const { instance } = await WebAssembly.instantiate(readFileSync(compile()), { env: { memory } });
  const k = instance.exports as unknown as Record<string, Fn>;
  let top = 1 << 20;   // static data of these modules is far below 1 MiB
  const alloc = (bytes: number) => { const p = top; top = (top + bytes + 63) & ~63; if (top > memory.buffer.byteLength) throw new Error('bench: out of memory'); return p; };
  const f32 = () => new Float32Array(memory.buffer);

  let s = 12345;
  const rnd = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return ((s >>> 0) / 4294967296) * 2 - 1; };

  console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const rows: string[] = [];
  const only = process.argv[5] ? new RegExp(process.argv[5]) : null;
  const shapes = (process.argv[4] === 'sweep' ? [...SHAPES, ...sweep()] : SHAPES)
    .filter((sh) => !only || only.test(`${sh.name} ${sh.N}x${sh.H}x${sh.W}x${sh.C}->${sh.K}`));
  for (const sh of shapes) {
    top = 1 << 20;
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
    const jobs: { name: string; run: () => void; wall: number[]; cpu: number[]; inner: number }[] = [
      { name: 'fwd im2col', run: () => k.conv2d_nhwc_fwd(x, w, b, y0, ...g, 1, 1, scr), wall: [], cpu: [], inner: 1 },
      { name: 'fwd direct', run: () => k.conv2d_nhwc_direct_fwd(x, w, b, y1, ...g, 1), wall: [], cpu: [], inner: 1 },
      { name: 'filter im2col', run: () => k.conv2d_nhwc_bwd_filter(x, dy, dw0, ...g, 1, scr), wall: [], cpu: [], inner: 1 },
      { name: 'filter direct', run: () => k.conv2d_nhwc_direct_bwd_filter(x, dy, dw1, ...g), wall: [], cpu: [], inner: 1 },
      { name: 'data im2col', run: () => k.conv2d_nhwc_bwd_data(dy, w, dx0, ...g, 1, scr), wall: [], cpu: [], inner: 1 },
    ];
    // Warm-up and calibration, then the direct results against the GEMM path.
    for (const j of jobs) {
      const t0 = performance.now();
      let calls = 0;
      while (calls < 3 || performance.now() - t0 < 2 * sampleMs) { j.run(); calls++; }
      const t1 = performance.now(); j.run();
      j.inner = Math.max(1, Math.round(sampleMs / Math.max(performance.now() - t1, 1e-3)));
    }
    for (const [what, a, bb, n] of [['fwd', y0, y1, yn], ['filter', dw0, dw1, wn]] as const) {
      let scale = 0, e = 0;
      for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(f32()[(a >> 2) + i]));
      for (let i = 0; i < n; i++) e = Math.max(e, Math.abs(f32()[(bb >> 2) + i] - f32()[(a >> 2) + i]));
      if (!(e / scale < 1e-5)) throw new Error(`bench conv_direct: ${sh.name} ${what} differs from im2col (${e / scale})`);
    }
    for (let r = 0; r < rounds; r++) {
      for (const j of jobs) {
        const c0 = cpuMs(), t0 = performance.now();
        for (let i = 0; i < j.inner; i++) j.run();
        j.wall.push((performance.now() - t0) / j.inner);
        j.cpu.push((cpuMs() - c0) / j.inner);
      }
    }
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
  console.log(['shape', 'kernel', 'wall ms', 'cpu ms', 'best cpu ms', 'GFLOP/s', 'vs im2col'].join('\t'));
  for (const r of rows) console.log(r);
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

await main();
