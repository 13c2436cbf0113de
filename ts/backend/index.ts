// One module, one WebAssembly.Memory, one allocator per process or page.
import { Allocator, fmtBytes, f32Index, type AllocatorStats } from './memory';
import { defaultWasmUrl, load, type WasmSource } from './loader';
import type { Kernels, PartKernel, RangeKernel } from './kernels';
import { MAX_THREADS, ThreadPool, threadSupport } from './threads';

export { OP, type Kernels, type PartKernel, type PoolDims, type RangeKernel } from './kernels';
export { opError, fmtShape } from './errors';
export { isWasmModule, type WasmSource } from './loader';
export type { AllocatorStats } from './memory';
export type { ThreadPool } from './threads';

const PAGE = 65536;
const WASM32_MAX_PAGES = 65536; // 4 GiB

/** Options of init. */
export interface InitOptions {
  /** Where the kernels come from: a compiled Module (edge runtimes), bytes, a Response, or a URL. */
  wasm?: WasmSource;
  /** Upper bound of linear memory in MiB (default 4096, the wasm32 limit). */
  maxMemoryMB?: number;
  /**
   * Threads running kernel slices over one shared memory: a number, 'auto' (the machine's
   * cores), or 1 (the default: everything on the calling thread). Needs SharedArrayBuffer
   * and workers (Node, Deno, Bun, cross-origin-isolated pages); elsewhere init() runs with
   * 1 thread and backendInfo().threadsReason says why.
   */
  threads?: number | 'auto';
  /** The threaded build of the kernels (default: simdnet-threads.wasm next to the bundle). */
  threadsWasm?: WasmSource;
  /** A worker that has not finished its slice after max(this, 20 × the caller's slice) ms is given up (default 2000). */
  threadTimeoutMs?: number;
}

/** Parts of a kernel call have at least this many flops (waking a worker costs ~5–50 µs). */
const MIN_PART_FLOPS = 5e5;

export class Backend {
  readonly allocator: Allocator;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private u8View: Uint8Array;
  // One scratch block per thread: thread t runs its kernel parts in block t.
  private readonly scratchPtr: number[] = [];
  private readonly scratchSize: number[] = [];
  private threadLimit = Infinity;
  /** Threads asked for and why this many run (see backendInfo). */
  threadsRequested: number | 'auto' = 1;
  threadsReason = "1 thread: threads not requested (init({ threads: 2 | 'auto' }) runs kernel parts on workers)";
  /** Parts per thread of a large call: threads claim them, so one the OS delays takes fewer. */
  partsPerThread = 2;

  constructor(
    readonly module: WebAssembly.Module,
    readonly memory: WebAssembly.Memory,
    readonly k: Kernels,
    readonly maxPages: number,
    /** The worker pool, when threads are on. */
    readonly pool: ThreadPool | null = null,
  ) {
    this.f32View = new Float32Array(memory.buffer);
    this.i32View = new Int32Array(memory.buffer);
    this.u8View = new Uint8Array(memory.buffer);
    this.allocator = new Allocator(
      k.heap_base(),
      () => memory.buffer.byteLength,
      (bytes) => this.growTo(bytes),
    );
  }

  alloc(bytes: number): number {
    return this.allocator.alloc(bytes);
  }

  free(ptr: number): void {
    this.allocator.free(ptr);
  }

  // Views are re-created after memory.grow, which detaches the old buffer.
  f32(): Float32Array {
    if (this.f32View.buffer !== this.memory.buffer) this.refreshViews();
    return this.f32View;
  }
  i32(): Int32Array {
    if (this.i32View.buffer !== this.memory.buffer) this.refreshViews();
    return this.i32View;
  }
  u8(): Uint8Array {
    if (this.u8View.buffer !== this.memory.buffer) this.refreshViews();
    return this.u8View;
  }

  /**
   * A scratch block of at least `bytes` for thread `thread` (0: the calling thread; each
   * thread needs its own, the GEMM packs panels in it). It is reused across calls, grown
   * when a call needs more.
   */
  scratch(bytes: number, thread = 0): number {
    if (bytes <= (this.scratchSize[thread] ?? 0)) return this.scratchPtr[thread];
    if (this.scratchSize[thread] > 0) this.free(this.scratchPtr[thread]);
    this.scratchSize[thread] = 0;
    this.scratchPtr[thread] = this.alloc(bytes);
    this.scratchSize[thread] = bytes;
    return this.scratchPtr[thread];
  }

  /** Bytes held by the scratch blocks (allocated sizes). */
  scratchBytes(): number {
    let n = 0;
    for (let t = 0; t < this.scratchSize.length; t++) if (this.scratchSize[t] > 0) n += this.allocator.sizeOf(this.scratchPtr[t]) ?? 0;
    return n;
  }


  /** Threads running kernel slices now (1 without a pool or after it failed). */
  get threads(): number {
    return this.pool && !this.pool.failure ? Math.min(this.pool.size, this.threadLimit) : 1;
  }

  /**
   * Uses at most `n` of the pool's threads for later calls (1: the calling thread alone),
   * e.g. to compare 1 and 2 threads in one process; returns the threads now in use.
   */
  setThreads(n: number): number {
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`simdnet.setThreads: n must be a positive integer, got ${n}`);
    this.threadLimit = n;
    return this.threads;
  }

  /**
   * How many parts to split a kernel call of about `flops` into: 1 on one thread or when
   * parts would be too small to pay for waking a worker, else a few per thread (a multiple
   * of the threads), at most `maxParts`.
   */
  parts(flops: number, maxParts = Infinity): number {
    const n = this.threads;
    const byWork = Math.floor(flops / MIN_PART_FLOPS);
    if (n <= 1 || byWork < 2) return 1;
    const parts = Math.min(n * this.partsPerThread, byWork, maxParts, 64);
    return parts >= n ? parts - (parts % n) : parts;
  }

  /**
   * Runs kernel export `name` as parts 0 … parts−1, `args(part)` giving each part's
   * arguments: the calling thread and the workers take parts until none is left. Argument
   * `scratch.arg` is set to the running thread's scratch block of `scratch.bytes`.
   */
  runParts(name: PartKernel, parts: number, args: (part: number) => number[], scratch?: { arg: number; bytes: number }): void {
    const block = (bytes: number, thread: number) => this.scratch(bytes, thread);
    if (this.pool) {
      this.pool.run(name, parts, args, scratch && { ...scratch, block });
      return;
    }
    const fn = this.k[name] as (...a: number[]) => unknown;
    const s = scratch ? this.scratch(scratch.bytes) : 0;
    for (let p = 0; p < parts; p++) {
      const a = args(p);
      if (scratch) a[scratch.arg] = s;
      fn(...a);
    }
  }

  /**
   * Runs a kernel whose items [0, total) are independent (RangeKernel) as slices: `args(lo,
   * hi)` gives the kernel's arguments for items [lo, hi) (pointers offset, count hi − lo).
   * Slice boundaries are multiples of `align`; `work` (flops or their equivalent) decides
   * the number of slices as for parts. One slice: one plain call on the calling thread.
   */
  runRanges(name: RangeKernel, total: number, work: number, align: number, args: (lo: number, hi: number) => number[]): void {
    const parts = this.parts(work, Math.ceil(total / align));
    const at = (p: number) => (p >= parts ? total : Math.min(total, Math.round((total * p) / parts / align) * align));
    if (parts <= 1) {
      (this.k[name] as (...a: number[]) => unknown)(...args(0, total));
      return;
    }
    this.runParts(name, parts, (p) => args(at(p), at(p + 1)));
  }

  stats(): AllocatorStats {
    return this.allocator.stats();
  }

  private growTo(bytes: number): boolean {
    const have = this.memory.buffer.byteLength / PAGE;
    // Grow geometrically so a long run of small growths does not copy memory each time.
    const need = Math.ceil(bytes / PAGE);
    const want = Math.min(this.maxPages, Math.max(need, Math.ceil(have * 1.5)));
    if (need > this.maxPages) return false;
    try {
      this.memory.grow(want - have);
    } catch {
      try {
        this.memory.grow(need - have);
      } catch {
        return false;
      }
    }
    this.refreshViews();
    return true;
  }

  private refreshViews(): void {
    this.f32View = new Float32Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
    this.u8View = new Uint8Array(this.memory.buffer);
  }
}

let backend: Backend | null = null;
let pending: Promise<Backend> | null = null;
let firstOptions: InitOptions = {};

/**
 * Loads the kernels once; later calls return the same backend. Options apply at the first
 * call: a later call with other options warns that they are ignored.
 *
 * @example
 * ```ts
 * await sn.init(); // once, before the first tensor; { threads: 'auto' } runs kernels on workers
 * console.log(sn.isInitialized(), sn.backendInfo().threadsReason);
 * ```
 */
export function init(options: InitOptions = {}): Promise<Backend> {
  options ??= {};
  if (backend || pending) {
    const differ = (['maxMemoryMB', 'threads', 'threadTimeoutMs', 'wasm', 'threadsWasm'] as const).filter(
      (key) => options[key] !== undefined && options[key] !== firstOptions[key],
    );
    if (differ.length)
      console.warn(
        `simdnet.init: already initialised; the options of this call (${differ.map((k) => `${k}: ${describeOption(options[k])}`).join(', ')}) are ignored — ` +
          `options apply at the first init() (${describeFirst()})`,
      );
  }
  if (backend) return Promise.resolve(backend);
  if (!pending) {
    firstOptions = { ...options };
    pending = create(options).then(
      (b) => (backend = b),
      (err) => {
        pending = null; // let the caller retry with other options
        throw err;
      },
    );
  }
  return pending;
}

function describeOption(v: unknown): string {
  return typeof v === 'number' || typeof v === 'string' ? JSON.stringify(v) : Object.prototype.toString.call(v);
}

function describeFirst(): string {
  const b = backend;
  return b ? `threads ${b.threads}, maxMemoryMB ${(b.maxPages * PAGE) / 2 ** 20}` : 'still loading';
}

async function create(options: InitOptions): Promise<Backend> {
  if (!simdSupported()) throw new Error('simdnet.init: this runtime does not support WebAssembly SIMD (v128)');
  const maxMB = options.maxMemoryMB ?? 4096;
  // At least 1 MiB (the kernels' static data and a heap); at most 4 GiB, the wasm32 limit.
  if (typeof maxMB !== 'number' || !(maxMB >= 1 && maxMB <= 4096))
    throw new Error(`simdnet.init: maxMemoryMB must be a number from 1 to 4096 (MiB), got ${describeOption(maxMB)}`);
  const maxPages = Math.min(WASM32_MAX_PAGES, Math.floor((maxMB * 1024 * 1024) / PAGE));
  const requested = options.threads ?? 1;
  if (requested !== 'auto' && !(Number.isInteger(requested) && requested >= 1))
    throw new Error(`simdnet.init: threads must be a positive integer or 'auto', got ${JSON.stringify(requested)}`);
  const timeoutMs = options.threadTimeoutMs ?? 2000;
  if (!(timeoutMs > 0)) throw new Error(`simdnet.init: threadTimeoutMs must be a positive number, got ${timeoutMs}`);
  const initial = Math.min(maxPages, 64);

  let reason = '';
  if (requested !== 1) {
    const support = await threadSupport();
    const n = Math.min(requested === 'auto' ? support.cores : requested, MAX_THREADS);
    if (!support.ok) reason = support.reason;
    else if (n <= 1) reason = `'auto' found ${support.cores} core`;
    else {
      try {
        // The threaded build imports a shared memory, which must declare its maximum.
        const memory = new WebAssembly.Memory({ initial, maximum: maxPages, shared: true });
        const source = options.threadsWasm ?? options.wasm ?? defaultThreadsWasmUrl();
        const { module, exports } = await load(source, memory).catch((err: Error) => {
          if (!options.threadsWasm && options.wasm && err instanceof WebAssembly.LinkError)
            throw new Error('the wasm given to init() is the single-threaded build: pass the threaded one (simdnet-threads.wasm) as init({ threadsWasm })');
          throw err;
        });
        const pool = await ThreadPool.start(module, memory, exports, n, support, { timeoutMs, spinMs: 0.2 });
        const b = new Backend(module, memory, exports as unknown as Kernels, maxPages, pool);
        b.threadsRequested = requested;
        b.threadsReason =
          `${n} threads (the calling thread and ${n - 1} worker${n > 2 ? 's' : ''} over one shared memory)` +
          (requested === 'auto' ? `: 'auto' found ${support.cores} cores` : '');
        return b;
      } catch (err) {
        reason = `threads could not start: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
  }
  const memory = new WebAssembly.Memory({ initial, maximum: maxPages });
  const { module, exports } = await load(options.wasm ?? defaultWasmUrl(), memory);
  const b = new Backend(module, memory, exports as unknown as Kernels, maxPages);
  b.threadsRequested = requested;
  if (reason) b.threadsReason = `1 thread: ${reason}`;
  return b;
}

// simdnet-threads.wasm next to the bundle, resolved only when threads are asked for (workerd
// gives modules no import.meta.url; it has no workers either).
function defaultThreadsWasmUrl(): URL {
  if (!import.meta.url) throw new Error('this runtime gives modules no URL to find simdnet-threads.wasm by: pass init({ threadsWasm })');
  return new URL('./simdnet-threads.wasm', import.meta.url);
}

/** The loaded backend; throws a clear Error before init() has finished. */
export function getBackend(): Backend {
  if (!backend) throw new Error('simdnet: call `await sn.init()` before using tensors');
  return backend;
}

/**
 * True once init() has finished.
 *
 * @example
 * ```ts
 * console.log(sn.isInitialized()); // true after `await sn.init()`
 * ```
 */
export function isInitialized(): boolean {
  return backend !== null;
}

// The smallest module using a v128 instruction: (func (result v128) v128.const 0).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

/**
 * Whether this runtime runs WebAssembly SIMD (v128), which simdnet needs; callable before init().
 *
 * @example
 * ```ts
 * if (!sn.simdSupported()) console.log('this browser is too old for simdnet');
 * ```
 */
export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

/** What backendInfo() reports. */
export interface BackendInfo {
  /** Always true (init() fails without SIMD). */
  simd: boolean;
  /** Threads running kernel slices (1: the calling thread alone). */
  threads: number;
  /** What init() was asked for. */
  threadsRequested: number | 'auto';
  /** Why `threads` is what it is (e.g. "the page is not cross-origin isolated"). */
  threadsReason: string;
  /** The wasm linear memory's current size in bytes. */
  memoryBytes: number;
  /** Bytes allocated to live tensors and scratch. */
  memoryInUse: number;
  /** The largest memoryInUse so far. */
  memoryPeak: number;
  /** The limit the memory may grow to (init's maxMemoryMB). */
  maxMemoryBytes: number;
}

/**
 * The backend's threads and memory (after init()).
 *
 * @example
 * ```ts
 * const info = sn.backendInfo();
 * console.log(`${info.threads} thread(s), ${(info.memoryInUse / 2 ** 20).toFixed(1)} MiB in use`);
 * ```
 */
export function backendInfo(): BackendInfo {
  const b = getBackend();
  const s = b.stats();
  return {
    simd: true,
    threads: b.threads,
    threadsRequested: b.threadsRequested,
    threadsReason: b.pool?.failure ? `1 thread: the worker pool failed (${b.pool.failure})` : b.threadsReason,
    memoryBytes: s.capacity,
    memoryInUse: s.inUse,
    memoryPeak: s.peak,
    maxMemoryBytes: b.maxPages * PAGE,
  };
}

export { fmtBytes, f32Index };
