// Shared pieces of the standalone kernel benchmarks (conv_direct.ts, winograd.ts): they
// compile their own wasm with asc and instantiate it without the library, so nothing here
// imports the library (common.ts takes its median from here).
// Jobs are warmed up and calibrated, then timed in interleaved rounds, by wall clock and by
// process CPU time (the machine is shared: CPU time leaves out time the OS gave to others).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';

export type Fn = (...a: number[]) => number;

/**
 * The path of a release build of `sources` (compiled into the temp folder as `outName`), or
 * the path in the environment variable `envVar` when it is set.
 */
export function compileKernels(sources: string[], outName: string, envVar: string): string {
  const given = process.env[envVar];
  if (given) return given;
  const out = join(tmpdir(), outName);
  execFileSync('node_modules/.bin/asc', [...sources, '-O3', '--runtime', 'stub',
    '--enable', 'simd', '--importMemory', '--use', 'abort=', '--noAssert', '-o', out], { stdio: 'inherit' });
  return out;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Process CPU time (user + system), ms. */
export const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** A bump allocator over `memory` from byte `base`, 64-byte aligned; `reset` frees everything. */
export function bumpAllocator(memory: WebAssembly.Memory, base: number): { alloc: (bytes: number) => number; reset: () => void } {
  let top = base;
  const alloc = (bytes: number) => { const p = top; top = (top + bytes + 63) & ~63; if (top > memory.buffer.byteLength) throw new Error('bench: out of memory'); return p; };
  return { alloc, reset: () => { top = base; } };
}

/** Xorshift32 from `seed`: uniform numbers in [-1, 1). */
export function xorshift(seed: number): () => number {
  let s = seed;
  return () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return ((s >>> 0) / 4294967296) * 2 - 1; };
}

const loadAverage = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** Rounds (argv[2], else `defaultRounds`) and ms per sample (argv[3], else 150). */
export function timingArgs(defaultRounds: number): { rounds: number; sampleMs: number } {
  return { rounds: Number(process.argv[2] ?? defaultRounds), sampleMs: Number(process.argv[3] ?? 150) };
}

/**
 * Instantiates the module at `wasmPath` over a new memory of `pages` 64 KiB pages and prints
 * the load average before the runs. Gives the kernels, a fresh f32 view of the memory, a bump
 * allocator from 1 MiB (static data of these modules is far below 1 MiB) and the random
 * source for the inputs.
 */
export async function startBench(wasmPath: string, pages: number) {
  const memory = new WebAssembly.Memory({ initial: pages });
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { env: { memory } });
  const k = instance.exports as unknown as Record<string, Fn>;
  const f32 = () => new Float32Array(memory.buffer);
  const rnd = xorshift(12345);
  console.log(`load average before: ${loadAverage()}`);
  return { k, memory, f32, rnd, ...bumpAllocator(memory, 1 << 20) };
}

/** A job's samples: ms per call, by wall clock and by CPU time; `inner` calls per sample. */
export interface TimedJob { name: string; run: () => void; wall: number[]; cpu: number[]; inner: number }

export const timedJob = (name: string, run: () => void): TimedJob => ({ name, run, wall: [], cpu: [], inner: 1 });

/** Warm-up (at least 3 calls and 2 × sampleMs), then calls per sample for about sampleMs. */
export function warmUp(jobs: TimedJob[], sampleMs: number): void {
  for (const j of jobs) {
    const t0 = performance.now();
    let calls = 0;
    while (calls < 3 || performance.now() - t0 < 2 * sampleMs) { j.run(); calls++; }
    const t1 = performance.now(); j.run();
    j.inner = Math.max(1, Math.round(sampleMs / Math.max(performance.now() - t1, 1e-3)));
  }
}

/** `rounds` rounds, each one sample of every job in turn. */
export function timeRounds(jobs: TimedJob[], rounds: number): void {
  for (let r = 0; r < rounds; r++) {
    for (const j of jobs) {
      const c0 = cpuMs(), t0 = performance.now();
      for (let i = 0; i < j.inner; i++) j.run();
      j.wall.push((performance.now() - t0) / j.inner);
      j.cpu.push((cpuMs() - c0) / j.inner);
    }
  }
}

/** The tab-separated table, then the load average after the runs. */
export function printTable(header: string[], rows: string[]): void {
  console.log(header.join('\t'));
  for (const r of rows) console.log(r);
  console.log(`load average after: ${loadAverage()}`);
}
