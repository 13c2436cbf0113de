// The machine's two roofs, measured in the same rounds as every suite's jobs: the f32x4
// mul+add peak (what a compute-bound kernel could reach) and the memory-copy bandwidth on
// buffers far beyond the caches (what a streaming kernel could reach). The kernels live in
// a bench-only module, bench/assembly/peak.ts, compiled by scripts/bench.mjs into
// build/bench-peak.wasm beside the bundle; the shipped simdnet.wasm does not contain them.

import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Job } from './common';

/** The `lib` of the roof rows. */
export const ROOF_LIB = 'roof';

/** Bytes of each copy buffer: far beyond any cache of this machine (L3 is a few tens of MiB). */
export const COPY_BYTES = 64 << 20;
const PEAK_ITERS = 1_000_000;

interface PeakFns {
  peak_f32x4(iters: number, buf: number): number;
  peak_f32x4_chains(): number;
  peak_f32x4_scratch_bytes(): number;
  copy_f32x4(src: number, dst: number, bytes: number): void;
  copy_memory(src: number, dst: number, bytes: number): void;
}

const wasmBytes = (): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(new URL('./bench-peak.wasm', import.meta.url)));

let module: Promise<{ k: PeakFns; buf: number; src: number; dst: number }> | null = null;

/** The peak module over its own memory: 256 B of peak operands, then two copy buffers. */
function load() {
  module ??= (async () => {
    const pages = 2 * (COPY_BYTES >> 16) + 2;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes()), { env: { memory } });
    const k = instance.exports as unknown as PeakFns;
    const src = 65536, dst = src + COPY_BYTES;
    // Touch every page of both buffers once, so the first timed copy does not pay page faults.
    new Uint8Array(memory.buffer, src, 2 * COPY_BYTES).fill(1);
    return { k, buf: 1024, src, dst };
  })();
  return module;
}

/**
 * The roof jobs, first in every suite's rounds: the f32x4 peak and two copies of 64 MiB
 * (an f32x4 load/store loop and memory.copy; the faster one is the bandwidth roof). A copy
 * moves 2 × 64 MiB (one read stream, one write stream), counted like a streaming kernel's
 * inputs and outputs.
 */
export async function roofJobs(): Promise<Job[]> {
  const { k, buf, src, dst } = await load();
  const mib = COPY_BYTES >> 20;
  return [
    { case: 'f32x4 mul+add peak', lib: ROOF_LIB, flops: PEAK_ITERS * k.peak_f32x4_chains() * 8, run: () => k.peak_f32x4(PEAK_ITERS, buf) },
    { case: `copy ${mib} MiB, f32x4 loop`, lib: ROOF_LIB, bytes: 2 * COPY_BYTES, run: () => k.copy_f32x4(src, dst, COPY_BYTES) },
    { case: `copy ${mib} MiB, memory.copy`, lib: ROOF_LIB, bytes: 2 * COPY_BYTES, run: () => k.copy_memory(src, dst, COPY_BYTES) },
  ];
}

// A worker that instantiates the peak module on its own memory and runs peak_f32x4 each time
// the generation counter ctl[0] moves on (ctl[2] iterations), then counts itself done in ctl[1].
const WORKER = `
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData.sab);
const memory = new WebAssembly.Memory({ initial: 1 });
const k = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes), { env: { memory } }).exports;
let gen = 0;
for (;;) {
  Atomics.wait(ctl, 0, gen);
  gen = Atomics.load(ctl, 0);
  if (gen < 0) break;
  k.peak_f32x4(Atomics.load(ctl, 2), 1024);
  Atomics.add(ctl, 1, 1);
  Atomics.notify(ctl, 1);
}`;

/**
 * The peak on `threads` threads at once (this thread and threads − 1 workers, each its own
 * chains): a job doing `threads` times the FLOPs of one peak call, and a stop function.
 */
export async function parallelPeakJob(threads: number, caseName: string, lib: string): Promise<{ job: Job; stop: () => Promise<void> }> {
  const { k, buf } = await load();
  const sab = new SharedArrayBuffer(16);
  const ctl = new Int32Array(sab);
  const iters = PEAK_ITERS;
  Atomics.store(ctl, 2, iters);
  const bytes = wasmBytes();
  const workers = Array.from({ length: threads - 1 }, () => new Worker(WORKER, { eval: true, workerData: { sab, bytes } }));
  const run = () => {
    Atomics.store(ctl, 1, 0);
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    k.peak_f32x4(iters, buf);
    for (let done = Atomics.load(ctl, 1); done < threads - 1; done = Atomics.load(ctl, 1)) Atomics.wait(ctl, 1, done);
  };
  const stop = async () => {
    Atomics.store(ctl, 0, -1);
    Atomics.notify(ctl, 0);
    await Promise.all(workers.map((w) => w.terminate()));
  };
  return { job: { case: caseName, lib, flops: threads * iters * k.peak_f32x4_chains() * 8, run }, stop };
}
