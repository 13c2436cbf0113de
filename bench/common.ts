// Shared benchmark machinery: warm-up, interleaved timing rounds, medians and spread,
// the machine's f32x4 peak, table and JSON output.
//
// Every job is warmed up first (V8 runs a slow baseline tier of each wasm function before
// the optimised one, and peers JIT-compile too), then timed in rounds: each round takes one
// sample of every job in turn, so a burst of load from another process hits all libraries
// alike instead of whichever case happened to be running.

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { init, type Backend } from '../ts/backend/index';
import { median } from './standalone';

export interface Options {
  json: boolean;
  rounds: number;
  /** Target duration of one sample; the job's inner repeat count is calibrated to it. */
  sampleMs: number;
  /** 'wall' (performance.now) or 'cpu' (process CPU time: ignores time the OS gave to others). */
  clock: 'wall' | 'cpu';
  /** Optional filter of sizes/cases, as given by --sizes=… */
  sizes?: number[];
}

export interface Row {
  suite: string;
  case: string;
  lib: string;
  /** Median milliseconds per call. */
  ms: number;
  /** GFLOP/s at the median time (null where flops are not defined). */
  gflops: number | null;
  /** Fastest sample, ms per call. */
  minMs: number;
  /** GFLOP/s of the fastest sample. */
  bestGflops: number | null;
  /** (max − min) / median over the samples. */
  spread: number;
  /**
   * bestGflops / the best sample of the peak measured in the same run. Best against best:
   * load from other processes only ever slows a sample down, so the fastest samples are
   * the least disturbed estimate of what the code can do.
   */
  ofPeak?: number;
  note?: string;
  /** The per-round samples, ms per call, in round order (jobs of a round run back to back). */
  samples?: number[];
}

/**
 * The median over rounds of peer / ours taken within each round. This machine's noise comes
 * in phases of seconds (other guests on the host): a phase slows both jobs of one round
 * alike, so ratios paired by round are steadier than the ratio of the two medians.
 */
export function pairedRatio(peer: Row, ours: Row): number {
  const a = peer.samples ?? [], b = ours.samples ?? [];
  const n = Math.min(a.length, b.length);
  return n ? median(Array.from({ length: n }, (_, i) => a[i] / b[i])) : NaN;
}

export interface Job {
  case: string;
  lib: string;
  /** Floating-point operations of one call (0 if not meaningful). */
  flops: number;
  /** One call; may be async (onnxruntime's run is). */
  run: () => unknown;
  note?: string;
}

// ---------------------------------------------------------------------------------------
// Clocks

const hasCpuClock = typeof process !== 'undefined' && typeof process.cpuUsage === 'function';

function clockFn(kind: Options['clock']): () => number {
  if (kind === 'cpu' && hasCpuClock) {
    return () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
  }
  return () => performance.now();
}

// ---------------------------------------------------------------------------------------
// Statistics

// The standalone kernel benches' median (they must not bundle the library): one for all.
export { median };

function spreadOf(xs: number[]): number {
  const med = median(xs);
  return med > 0 ? (Math.max(...xs) - Math.min(...xs)) / med : 0;
}

// ---------------------------------------------------------------------------------------
// Timing

async function callN(run: () => unknown, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = run();
    if (r && typeof (r as Promise<unknown>).then === 'function') await r;
  }
}

interface Calibrated {
  job: Job;
  inner: number;
  samples: number[]; // ms per call
}

/** Warm a job up and find how many calls make one sample of about `sampleMs`. */
async function calibrate(job: Job, opts: Options, now: () => number): Promise<Calibrated> {
  // Warm-up: about 2 sample lengths and at least 3 calls, so that the optimised tier of every
  // wasm function involved is compiled and installed (V8 does not replace a running call's
  // baseline code, so a slow call only needs the next calls). Jobs far slower than a sample
  // stop after 3 calls.
  const t0 = performance.now();
  let calls = 0;
  while (calls < 3 || (performance.now() - t0 < 2 * opts.sampleMs && calls < 100000)) {
    await callN(job.run, 1);
    calls++;
  }
  const t1 = now();
  await callN(job.run, 1);
  const per = Math.max(now() - t1, 1e-4);
  return { job, inner: Math.max(1, Math.round(opts.sampleMs / per)), samples: [] };
}

/**
 * Runs the jobs in interleaved rounds and returns one row per job. Rows for jobs with flops
 * get GFLOP/s; `peakGflops` (a best-sample peak), if given, adds the fraction of peak.
 */
export async function runJobs(suite: string, jobs: Job[], opts: Options, peakGflops?: number): Promise<Row[]> {
  const now = clockFn(opts.clock);
  const cal: Calibrated[] = [];
  for (const j of jobs) cal.push(await calibrate(j, opts, now));
  for (let r = 0; r < opts.rounds; r++) {
    for (const c of cal) {
      const t = now();
      await callN(c.job.run, c.inner);
      c.samples.push((now() - t) / c.inner);
    }
  }
  return cal.map((c) => {
    const ms = median(c.samples);
    const gflops = c.job.flops > 0 ? c.job.flops / ms / 1e6 : null;
    const row: Row = {
      suite,
      case: c.job.case,
      lib: c.job.lib,
      ms,
      gflops,
      minMs: Math.min(...c.samples),
      bestGflops: c.job.flops > 0 ? c.job.flops / Math.min(...c.samples) / 1e6 : null,
      spread: spreadOf(c.samples),
      samples: c.samples,
    };
    if (row.bestGflops !== null && peakGflops) row.ofPeak = row.bestGflops / peakGflops;
    if (c.job.note) row.note = c.job.note;
    return row;
  });
}

// ---------------------------------------------------------------------------------------
// simdnet's module

export type KernelFns = Record<string, (...args: number[]) => number>;

export interface Simdnet {
  backend: Backend;
  /** Every wasm export, untyped (benchmarks call kernels the typed table may not list). */
  fns: KernelFns;
}

let simdnet: Promise<Simdnet> | null = null;

/**
 * Loads build/simdnet.wasm (next to the bundled bench), or the file named by the
 * SIMDNET_WASM environment variable, through the library's own backend.
 */
export function loadSimdnet(): Promise<Simdnet> {
  simdnet ??= (async () => {
    const file = typeof process !== 'undefined' ? process.env.SIMDNET_WASM : undefined;
    const url = file ? pathToFileURL(resolve(file)) : new URL('./simdnet.wasm', import.meta.url);
    // SIMDNET_THREADS=n runs simdnet's kernels on n threads (the threaded build beside it).
    const threads = Number(typeof process !== 'undefined' ? (process.env.SIMDNET_THREADS ?? 1) : 1);
    const backend = await init(threads > 1 ? { wasm: url, threads, threadsWasm: new URL('./simdnet-threads.wasm', import.meta.url) } : { wasm: url });
    return { backend, fns: backend.k as unknown as KernelFns };
  })();
  return simdnet;
}

// ---------------------------------------------------------------------------------------
// Peak

/**
 * A job measuring the machine's f32x4 mul+add peak with peak_f32x4. Put it first among a
 * suite's jobs: it then runs in every round with the same clock as the others, and its
 * best sample is the roof (see addPeakFractions).
 */
export function peakJob(sn: Simdnet): Job {
  const buf = sn.backend.alloc(sn.fns.peak_f32x4_scratch_bytes());
  const chains = sn.fns.peak_f32x4_chains();
  const iters = 1_000_000;
  return {
    case: 'f32x4 mul+add peak',
    lib: 'peak_f32x4',
    flops: iters * chains * 8,
    run: () => sn.fns.peak_f32x4(iters, buf),
  };
}

/** Sets ofPeak on every row with flops from the peak row's best sample; returns that peak. */
export function addPeakFractions(rows: Row[], peakRow: Row): number {
  const peak = peakRow.bestGflops ?? 0;
  for (const r of rows) if (r !== peakRow && r.bestGflops !== null && peak > 0) r.ofPeak = r.bestGflops / peak;
  return peak;
}

// ---------------------------------------------------------------------------------------
// Output

export function fmt(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  return x.toFixed(digits);
}

/** A plain text table; columns are right-aligned except the first `left` ones. */
export function table(header: string[], rows: string[][], left = 2): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i < left ? (c ?? '').padEnd(w[i]) : (c ?? '').padStart(w[i]))).join('  ');
  return [line(header), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

export function printRows(rows: Row[], opts: Options): void {
  if (opts.json) {
    for (const r of rows) console.log(JSON.stringify(r));
    return;
  }
  console.log(
    table(
      ['case', 'lib', 'median ms', 'GFLOP/s', 'best ms', 'best GFLOP/s', 'best of peak', 'spread'],
      rows.map((r) => [
        r.case,
        r.lib,
        fmt(r.ms, 3),
        fmt(r.gflops),
        fmt(r.minMs, 3),
        fmt(r.bestGflops),
        r.ofPeak !== undefined ? fmt(r.ofPeak * 100, 0) + ' %' : '',
        fmt(r.spread * 100, 0) + ' %',
      ]),
    ),
  );
}

/** Rows "simdnet / peer" per case: how many times faster simdnet is (median times). */
export function ratioRows(rows: Row[], ours: string): string[][] {
  const out: string[][] = [];
  const cases = [...new Set(rows.map((r) => r.case))];
  for (const c of cases) {
    const mine = rows.find((r) => r.case === c && r.lib === ours);
    if (!mine) continue;
    for (const r of rows) {
      if (r.case !== c || r.lib === ours) continue;
      out.push([c, `${ours} / ${r.lib}`, fmt(r.ms / mine.ms, 2) + '×']);
    }
  }
  return out;
}
