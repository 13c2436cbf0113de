// The benchmark harness, one for every suite: warm-up, interleaved timing rounds, medians
// and spread, the machine's two roofs measured in the same rounds, table and JSON output,
// and the few helpers every suite shares (seeded inputs, error measures, op-level backward).
//
// Every job is warmed up first (V8 runs a slow baseline tier of each wasm function before
// the optimised one, and peers JIT-compile too), then timed in rounds: each round takes one
// sample of every job in turn, so a burst of load from another process hits all libraries
// and cases alike instead of whichever case happened to be running.
//
// Rates: a job counts either FLOPs (compute-bound kernels: GFLOP/s against the f32x4
// mul+add peak) or bytes (streaming kernels: GB/s against the memory-copy bandwidth). Bytes
// are the op's compulsory traffic: each input read once, each output written once.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { init, type Backend, type Kernels } from '../ts/backend/index';
import { f32Index } from '../ts/backend/memory';
import type { Tensor } from '../ts/index';
import { roofJobs, ROOF_LIB } from './roofs';

export interface Options {
  json: boolean;
  rounds: number;
  /** Target duration of one sample; the job's inner repeat count is calibrated to it. */
  sampleMs: number;
  /** 'wall' (performance.now) or 'cpu' (process CPU time: ignores time the OS gave to others). */
  clock: 'wall' | 'cpu';
  /** Optional filter of sizes, as given by --sizes=… (suites that have sizes). */
  sizes?: number[];
  /** Only the cases whose name matches (--only=regex); the roofs always run. */
  only?: RegExp;
  /** Extra cases (--extra): sweeps and shapes for tuning, beyond the default set. */
  extra: boolean;
}

export interface Row {
  suite: string;
  case: string;
  lib: string;
  /** Median milliseconds per call. */
  ms: number;
  /** GFLOP/s at the median time (null where FLOPs are not counted). */
  gflops: number | null;
  /** Fastest sample, ms per call. */
  minMs: number;
  /** GFLOP/s of the fastest sample. */
  bestGflops: number | null;
  /** GB/s at the median time and of the fastest sample (streaming jobs only). */
  gbps?: number | null;
  bestGbps?: number | null;
  /** (max − min) / median over the samples. */
  spread: number;
  /**
   * The best sample's rate over the best sample of its roof measured in the same rounds
   * (compute peak for FLOPs, copy bandwidth for bytes). Best against best: load from other
   * processes only ever slows a sample down, so the fastest samples are the least disturbed
   * estimate of what the code can do.
   */
  ofPeak?: number;
  note?: string;
  /** The per-round samples, ms per call, in round order (jobs of a round run back to back). */
  samples?: number[];
}

export interface Job {
  case: string;
  lib: string;
  /** Floating-point operations of one call (compute-bound jobs). */
  flops?: number;
  /** Bytes one call must move: inputs read once, outputs written once (streaming jobs). */
  bytes?: number;
  /** One call; may be async (onnxruntime's run is). */
  run: () => unknown;
  note?: string;
}

/** What a suite returns: its rows (the roofs first) and notes to print under them. */
export interface SuiteResult {
  rows: Row[];
  notes?: string[];
  /** The lib the others' times are divided by (default 'simdnet'). */
  base?: string;
}

// ---------------------------------------------------------------------------------------
// Clocks and statistics

/** Process CPU time (user + system), ms. */
export const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function clockFn(kind: Options['clock']): () => number {
  return kind === 'cpu' ? cpuMs : () => performance.now();
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function spreadOf(xs: number[]): number {
  const med = median(xs);
  return med > 0 ? (Math.max(...xs) - Math.min(...xs)) / med : 0;
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

function rowOf(suite: string, c: Calibrated): Row {
  const { job, samples } = c;
  const ms = median(samples);
  const minMs = Math.min(...samples);
  const rate = (units: number | undefined, t: number) => (units ? units / t / 1e6 : null);
  const row: Row = {
    suite,
    case: job.case,
    lib: job.lib,
    ms,
    gflops: rate(job.flops, ms),
    minMs,
    bestGflops: rate(job.flops, minMs),
    spread: spreadOf(samples),
    samples,
  };
  if (job.bytes) {
    row.gbps = rate(job.bytes, ms);
    row.bestGbps = rate(job.bytes, minMs);
  }
  if (job.note) row.note = job.note;
  return row;
}

/**
 * Runs the jobs in interleaved rounds and returns one row per job, the roofs first (the
 * f32x4 peak and the copy bandwidth, timed in the same rounds with the same clock; pass
 * `roofs: false` where a suite measures its own). Every row with FLOPs or bytes gets its
 * fraction of the matching roof.
 */
export async function runJobs(suite: string, jobs: Job[], opts: Options, { roofs = true } = {}): Promise<Row[]> {
  const now = clockFn(opts.clock);
  const picked = opts.only ? jobs.filter((j) => opts.only!.test(j.case)) : jobs;
  const all = roofs ? [...(await roofJobs()), ...picked] : picked;
  const cal: Calibrated[] = [];
  for (const j of all) cal.push(await calibrate(j, opts, now));
  for (let r = 0; r < opts.rounds; r++) {
    for (const c of cal) {
      const t = now();
      await callN(c.job.run, c.inner);
      c.samples.push((now() - t) / c.inner);
    }
  }
  const rows = cal.map((c) => rowOf(suite, c));
  addPeakFractions(rows);
  return rows;
}

/** The roofs of a run: best-sample f32x4 GFLOP/s and copy GB/s (the faster copy). */
export function roofsOf(rows: Row[]): { gflops: number; gbps: number } {
  const roofRows = rows.filter((r) => r.lib === ROOF_LIB);
  return {
    gflops: Math.max(0, ...roofRows.map((r) => r.bestGflops ?? 0)),
    gbps: Math.max(0, ...roofRows.map((r) => r.bestGbps ?? 0)),
  };
}

/** Sets ofPeak on every row from the roofs among the rows (no-op without them). */
export function addPeakFractions(rows: Row[]): void {
  const roof = roofsOf(rows);
  for (const r of rows) {
    if (r.lib === ROOF_LIB) continue;
    if (r.bestGbps && roof.gbps > 0) r.ofPeak = r.bestGbps / roof.gbps;
    else if (r.bestGflops && roof.gflops > 0) r.ofPeak = r.bestGflops / roof.gflops;
  }
}

// ---------------------------------------------------------------------------------------
// simdnet's module

export type KernelFns = Kernels;

export interface Simdnet {
  backend: Backend;
  /** The typed kernel table (a few suites call kernels below the ops, e.g. gemm_f32 on raw operands). */
  fns: KernelFns;
}

let simdnet: Promise<Simdnet> | null = null;

// Compiles the threaded kernels next to the bundle when missing or older than a source.
export function threadsWasm(): URL {
  const url = new URL('./simdnet-threads.wasm', import.meta.url);
  const sources = [...readdirSync('assembly').filter((f) => f.endsWith('.ts')).map((f) => `assembly/${f}`), 'asconfig.json'];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (!existsSync(url) || statSync(url).mtimeMs < newest) {
    console.error('bench: compiling the threaded wasm');
    execFileSync('node_modules/.bin/asc', ['--config', 'asconfig.json', '--target', 'threads'], { stdio: 'inherit' });
  }
  return url;
}

/**
 * Loads build/simdnet.wasm (next to the bundled bench), or the file named by the
 * SIMDNET_WASM environment variable, through the library's own backend. `threads` (or
 * SIMDNET_THREADS=n) loads the threaded build with a pool of that many threads; suites
 * that compare thread counts pick one per job with setThreads. The first call of the
 * process decides.
 */
export function loadSimdnet(opts: { threads?: number } = {}): Promise<Simdnet> {
  simdnet ??= (async () => {
    const file = process.env.SIMDNET_WASM;
    const url = file ? pathToFileURL(resolve(file)) : new URL('./simdnet.wasm', import.meta.url);
    const threads = opts.threads ?? Number(process.env.SIMDNET_THREADS ?? 1);
    const backend = await init(threads > 1 ? { wasm: url, threads, threadsWasm: threadsWasm() } : { wasm: url });
    return { backend, fns: backend.k as unknown as KernelFns };
  })();
  return simdnet;
}

/** Copies `data` into a new block of simdnet's memory; returns its byte offset. */
export function putF32(be: Backend, data: Float32Array): number {
  const p = be.alloc(data.length * 4);
  be.f32().set(data, f32Index(p));
  return p;
}

/** A copy of `n` floats of simdnet's memory from byte offset `p`. */
export function getF32(be: Backend, p: number, n: number): Float32Array {
  return be.f32().slice(f32Index(p), f32Index(p) + n);
}

/**
 * The backward an op recorded on `y` (y = op(inputs) with some input requiring a gradient),
 * as a job body: given dy, it runs exactly what autograd runs for that op and frees the
 * gradients it returns. Only the inputs that require a gradient get one, so an op's data and
 * filter gradients can be timed apart.
 */
export function backwardOf(y: Tensor, dy: Tensor): () => void {
  const node = y._node;
  if (!node) throw new Error('bench: backwardOf needs the output of an op whose input requires a gradient');
  return () => {
    for (const g of node.backward(dy)) if (g && g !== dy) g.dispose();
  };
}

// ---------------------------------------------------------------------------------------
// Seeded inputs and checks

/** Xorshift32 from `seed`: uniform numbers in [lo, hi). The one generator of the benches. */
export function xorshift(seed: number, lo = -1, hi = 1): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return lo + ((s >>> 0) / 4294967296) * (hi - lo);
  };
}

/** `n` uniform values in [lo, hi) from a xorshift32 seed (deterministic across runs). */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rnd = xorshift(seed, lo, hi);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rnd();
  return a;
}

/** max |got − want| / (1 + |want|) over all elements (Infinity if the lengths differ). */
export function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i]));
    if (!(e <= worst)) worst = e;
  }
  return worst;
}

/** Throws when a checked error is not below `tol`: a fast wrong kernel must not pass unnoticed. */
export function check(suite: string, what: string, err: number, tol = 1e-3): void {
  if (!(err < tol)) throw new Error(`bench ${suite}: ${what} (error ${err})`);
}

/** A row for a job a library cannot run (shown as n/a with the reason). */
export function naRow(suite: string, c: string, lib: string, note: string): Row {
  return { suite, case: c, lib, ms: NaN, gflops: null, minMs: NaN, bestGflops: null, spread: NaN, note };
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

/** A Markdown pipe table; numeric columns (all but the first `left`) right-aligned. */
export function markdownTable(header: string[], rows: string[][], left = 2): string {
  const w = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => (i < left ? (c ?? '').padEnd(w[i]) : (c ?? '').padStart(w[i]))).join(' | ') + ' |';
  const rule = '|' + w.map((n, i) => (i < left ? ':' + '-'.repeat(n + 1) : '-'.repeat(n + 1) + ':')).join('|') + '|';
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The rate of a row at its median and its best sample, with its unit. */
function rates(r: Row): [string, string] {
  if (r.gbps) return [`${fmt(r.gbps)} GB/s`, `${fmt(r.bestGbps)} GB/s`];
  if (r.gflops) return [`${fmt(r.gflops)} GFLOP/s`, `${fmt(r.bestGflops)} GFLOP/s`];
  return ['', ''];
}

export function printRows(rows: Row[], opts: Pick<Options, 'json'>): void {
  if (opts.json) {
    for (const r of rows) console.log(JSON.stringify(r));
    return;
  }
  console.log(
    table(
      ['case', 'lib', 'median ms', 'rate', 'best ms', 'best rate', 'best of roof', 'spread'],
      rows.map((r) => {
        const na = !Number.isFinite(r.ms);
        const [rate, best] = rates(r);
        return [
          r.case,
          r.lib + (na && r.note ? `: ${r.note}` : ''),
          na ? 'n/a' : fmt(r.ms, 3),
          rate,
          na ? '' : fmt(r.minMs, 3),
          best,
          r.ofPeak !== undefined ? fmt(r.ofPeak * 100, 0) + ' %' : '',
          na ? '' : fmt(r.spread * 100, 0) + ' %',
        ];
      }),
    ),
  );
}

/**
 * Per case, every other library's median time over `ours`' (how many times faster `ours` is)
 * and the median of the per-round ratios.
 */
export function ratioRows(rows: Row[], ours: string): string[][] {
  const out: string[][] = [];
  for (const c of [...new Set(rows.map((r) => r.case))]) {
    const mine = rows.find((r) => r.case === c && r.lib === ours);
    if (!mine) continue;
    for (const r of rows) {
      if (r.case !== c || r.lib === ours || !Number.isFinite(r.ms)) continue;
      out.push([c, `${r.lib} ÷ ${ours}`, fmt(r.ms / mine.ms, 2) + '×', fmt(pairedRatio(r, mine), 2) + '×']);
    }
  }
  return out;
}
