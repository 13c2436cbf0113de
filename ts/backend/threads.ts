// Threads: a pool of workers, each with its own instance of the kernel module over the one
// shared WebAssembly.Memory, running parts of kernel calls. Nothing is copied and no message
// is sent per call: arguments go through a control block (a SharedArrayBuffer), and threads
// wait with Atomics.wait/notify.
//
// A call is split into parts (a kernel's `(part, parts)` slices, or GEMM row blocks) that
// every thread, the calling one included, claims one at a time from a shared counter until
// none is left. The parts are fixed before the call, and a part's result does not depend on
// which thread computes it, so results are the same whatever the threads do; claiming
// (rather than giving each thread a fixed share) means a worker that the OS leaves waiting —
// this is a shared machine — only takes fewer parts instead of holding the call up.
//
// Control block (int32 indices; the f64 arguments from byte ARGS_F64·8):
//   STOP, SEQ (the call number; workers sleep on it), PAGES (memory size at the call),
//   SPIN_US (how long an idle worker polls SEQ before it sleeps)
//   two call buffers (call s uses buffer s & 1, so a worker that wakes late for call s
//   cannot read the arguments of call s + 1), each with
//     OPEN (s while parts may be claimed), NEXT (next part to claim), DONE (parts done),
//     ACTIVE (workers inside the call), FN, NARGS, PARTS, SCRATCH_ARG,
//     STATUS[part] (0 pending, CLAIMED + thread, 1 done, 2 threw), args[part][MAX_ARGS]
//   SCRATCH[thread] (each thread's scratch block, patched into argument SCRATCH_ARG),
//   STARTED[thread] (the last call the thread took part in), BEAT[thread] (counts the
//   thread's wake-ups: at least one a second while it lives).
//
// Failure: a worker that exits or errors is noticed by its events (between calls), by a
// timeout on DONE (during a call, when the calling thread cannot see events), or by its
// heartbeat stopping (Web Workers have no exit event, and a dead worker that claims no part
// never holds a call up). The pool then stops every worker, warns once, and runs the parts
// nobody finished, and every later call, on the calling thread, so results stay right.
// Memory is the calling thread's: no tensor is lost.

import { WORKER_SOURCE } from './worker';
import { isNode } from './runtime';

/** Threads a pool runs at most (the control block's size). */
export const MAX_THREADS = 64;
const MAX_PARTS = 64;
const MAX_ARGS = 32;
const LAYOUT = {
  STOP: 0,
  SEQ: 1,
  PAGES: 2,
  SPIN_US: 3,
  BUF: 16, // call buffer headers at BUF and BUF + BUF_INTS
  BUF_INTS: 16,
  OPEN: 0,
  NEXT: 1,
  DONE: 2,
  ACTIVE: 3,
  FN: 4,
  NARGS: 5,
  PARTS: 6,
  SCRATCH_ARG: 7,
  SCRATCH: 64,
  STARTED: 64 + MAX_THREADS,
  BEAT: 64 + 2 * MAX_THREADS,
  STATUS: 64 + 3 * MAX_THREADS, // [2][MAX_PARTS]
  CLAIMED: 16,
  MAX_PARTS,
  MAX_ARGS,
  ARGS_F64: 256, // [2][MAX_PARTS][MAX_ARGS] (int32 index 512, past STATUS)
};
const CONTROL_BYTES = (LAYOUT.ARGS_F64 + 2 * MAX_PARTS * MAX_ARGS) * 8;

type Fn = (...args: number[]) => unknown;

interface WorkerLike {
  terminate(): unknown;
}

/** What this runtime offers for threads. */
export interface ThreadSupport {
  ok: boolean;
  /** Logical cores (os.availableParallelism or navigator.hardwareConcurrency). */
  cores: number;
  /** Why there are no threads (when !ok). */
  reason: string;
  kind: 'node' | 'web';
}

const g = globalThis as {
  process?: { versions?: Record<string, string> };
  Deno?: unknown;
  Bun?: unknown;
  Worker?: new (url: string | URL, opts?: { type?: string }) => WebWorker;
  navigator?: { hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
  Blob?: typeof Blob;
  URL?: typeof URL;
};

interface WebWorker extends WorkerLike {
  postMessage(m: unknown): void;
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string; preventDefault?: () => void }) => void) | null;
  unref?: () => void;
}


export async function threadSupport(): Promise<ThreadSupport> {
  const node = isNode();
  let cores = g.navigator?.hardwareConcurrency ?? 1;
  if (node) {
    try {
      const os = await import('node:os');
      cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    } catch {
      /* keep 1 */
    }
  }
  const kind = node ? 'node' : 'web';
  const no = (reason: string): ThreadSupport => ({ ok: false, cores, reason, kind });
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') {
    return no(
      g.crossOriginIsolated === false
        ? 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)'
        : 'no SharedArrayBuffer in this runtime',
    );
  }
  if (g.crossOriginIsolated === false)
    return no('the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)');
  if (!node && typeof g.Worker !== 'function') return no('no Worker in this runtime');
  if (!node && (typeof g.Blob !== 'function' || typeof g.URL?.createObjectURL !== 'function'))
    return no('no Blob URLs to start a Worker from in this runtime');
  return { ok: true, cores, reason: '', kind };
}

// Whether this thread may block in Atomics.wait (not a browser's main thread).
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export interface PoolOptions {
  /** Give up on a worker after max(timeoutMs, 20 × the calling thread's own parts) ms. */
  timeoutMs: number;
  /** How long an idle worker polls before it sleeps in Atomics.wait (ms). */
  spinMs: number;
}

/** How a call's parts get their scratch: argument `arg` is each thread's block of `bytes`. */
export interface PartScratch {
  arg: number;
  bytes: number;
  /** Gives thread `thread` a block of at least `bytes` (the backend's per-thread scratch). */
  block: (bytes: number, thread: number) => number;
}

/** A pool of `size − 1` workers; with the calling thread, `size` threads. */
export class ThreadPool {
  /** Threads a call may use: 1 + live workers (1 after a failure). */
  size: number;
  /** Why the pool stopped, or null while it runs. */
  failure: string | null = null;
  /** Calls run in more than one part so far. */
  parallelCalls = 0;
  private readonly ctl: Int32Array;
  private readonly f64: Float64Array;
  private readonly index = new Map<string, number>();
  private seq = 0;
  private readonly blocking = canBlock();
  private killThread = 0; // tests: terminate this worker in the middle of the next call
  private pendingFailure: string | null = null; // seen by an event, acted on at the next call
  private readonly beats: number[] = []; // last BEAT value seen per worker …
  private readonly beatSeen: number[] = []; // … and when it last changed

  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly fns: Record<string, Fn>,
    names: string[],
    control: SharedArrayBuffer,
    private readonly workers: WorkerLike[],
    private readonly opts: PoolOptions,
    private readonly nodeWorkers: boolean,
  ) {
    this.size = workers.length + 1;
    this.ctl = new Int32Array(control);
    this.f64 = new Float64Array(control);
    names.forEach((n, i) => this.index.set(n, i));
    const now = performance.now();
    for (let t = 1; t < this.size; t++) {
      this.beats[t] = -1;
      this.beatSeen[t] = now;
    }
  }

  /** Starts `threads − 1` workers; resolves when each has instantiated the module. */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    exports: WebAssembly.Exports,
    threads: number,
    support: ThreadSupport,
    opts: PoolOptions,
  ): Promise<ThreadPool> {
    threads = Math.min(threads, MAX_THREADS);
    const names = WebAssembly.Module.exports(module)
      .filter((e) => e.kind === 'function')
      .map((e) => e.name);
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    new Int32Array(control)[LAYOUT.SPIN_US] = Math.round(opts.spinMs * 1000);
    const workers: WorkerLike[] = [];
    let pool: ThreadPool | null = null;
    const lost = (what: string) => {
      if (pool) pool.pendingFailure ??= what;
    };
    try {
      const ready: Promise<void>[] = [];
      for (let thread = 1; thread < threads; thread++) {
        const msg = { module, memory, control, thread, names, layout: LAYOUT };
        const onLost = (what: string) => lost(`worker ${thread} ${what}`);
        ready.push(support.kind === 'node' ? startNodeWorker(msg, workers, onLost) : startWebWorker(msg, workers, onLost));
      }
      await withTimeout(Promise.all(ready), 30000, 'the workers did not start within 30 s');
    } catch (err) {
      for (const w of workers) w.terminate();
      throw err;
    }
    pool = new ThreadPool(memory, exports as unknown as Record<string, Fn>, names, control, workers, opts, support.kind === 'node');
    // Node joins its workers at exit: wake and stop them then, rather than wait for their timeout.
    if (support.kind === 'node') {
      const p = pool;
      (globalThis as unknown as { process: { once(e: string, f: () => void): void } }).process.once('exit', () => p.close('the process exited'));
    }
    return pool;
  }

  /**
   * Runs kernel `name` as parts 0 … parts−1 (`args(part)` gives each part's arguments, with
   * any value at the scratch argument): the threads claim parts until none is left, the
   * calling thread among them. With one part (or after a failure) all run here, in order.
   */
  run(name: string, parts: number, args: (part: number) => number[], scratch?: PartScratch): void {
    const fn = this.fns[name];
    if (typeof fn !== 'function') throw new Error(`simdnet threads: the kernel module has no export '${name}'`);
    if (this.pendingFailure) this.fail(this.pendingFailure);
    if (!this.failure) this.checkBeats();
    const own = scratch ? scratch.block(scratch.bytes, 0) : 0;
    const call = (a: number[]) => {
      if (scratch) a[scratch.arg] = own;
      fn(...a);
    };
    if (parts <= 1 || this.failure) {
      for (let p = 0; p < parts; p++) call(args(p));
      return;
    }
    if (parts > MAX_PARTS) throw new Error(`simdnet threads: ${parts} parts, the control block holds ${MAX_PARTS}`);
    const L = LAYOUT;
    const ctl = this.ctl;
    const s = ++this.seq;
    const b = s & 1;
    const h = L.BUF + b * L.BUF_INTS;
    // Buffer b last served call s − 2: a worker may still be on its way out of it.
    if (!this.waitFor(h + L.ACTIVE, 0, performance.now() + this.opts.timeoutMs)) {
      this.fail(`a worker did not leave call ${s - 2} within ${this.opts.timeoutMs} ms (stopped or stuck)`);
      for (let p = 0; p < parts; p++) call(args(p));
      return;
    }
    // Arguments and scratch first: making them may allocate and so grow memory.
    const all: number[][] = [];
    for (let p = 0; p < parts; p++) {
      const a = args(p);
      if (a.length > MAX_ARGS) throw new Error(`simdnet threads: ${name} takes ${a.length} arguments, the control block holds ${MAX_ARGS}`);
      all.push(a);
      this.f64.set(a, L.ARGS_F64 + (b * MAX_PARTS + p) * MAX_ARGS);
      ctl[L.STATUS + b * MAX_PARTS + p] = 0;
    }
    if (scratch) for (let t = 1; t < this.size; t++) ctl[L.SCRATCH + t] = scratch.block(scratch.bytes, t);
    ctl[h + L.FN] = this.index.get(name)!;
    ctl[h + L.NARGS] = all[0].length;
    ctl[h + L.PARTS] = parts;
    ctl[h + L.SCRATCH_ARG] = scratch ? scratch.arg : -1;
    ctl[h + L.NEXT] = 0;
    ctl[h + L.DONE] = 0;
    ctl[L.PAGES] = this.memory.buffer.byteLength / 65536;
    Atomics.store(ctl, h + L.OPEN, s);
    Atomics.store(ctl, L.SEQ, s);
    Atomics.notify(ctl, L.SEQ, parts - 1);
    this.parallelCalls++;
    if (this.killThread > 0) this.killMidCall(s);

    // Claim parts here too.
    const t0 = performance.now();
    let thrown: unknown = null;
    for (;;) {
      const p = Atomics.add(ctl, h + L.NEXT, 1);
      if (p >= parts) break;
      ctl[L.STATUS + b * MAX_PARTS + p] = L.CLAIMED;
      try {
        call(all[p]);
        ctl[L.STATUS + b * MAX_PARTS + p] = 1;
      } catch (err) {
        thrown ??= err;
        ctl[L.STATUS + b * MAX_PARTS + p] = 2;
      }
      Atomics.add(ctl, h + L.DONE, 1);
    }
    // Wait for the parts the workers took (even if one here threw: calls must not overlap).
    const deadline = performance.now() + Math.max(this.opts.timeoutMs, 20 * (performance.now() - t0));
    const finished = this.waitFor(h + L.DONE, parts, deadline);
    Atomics.store(ctl, h + L.OPEN, 0);
    if (!finished) {
      const late = all.map((_, p) => Atomics.load(ctl, L.STATUS + b * MAX_PARTS + p) - L.CLAIMED).filter((t) => t > 0);
      const who = late.length ? `worker ${[...new Set(late)].join(', ')}` : 'a worker';
      this.fail(`${who} did not finish its part of a ${name} call within ${Math.round(deadline - t0)} ms (stopped or stuck)`);
    }
    if (thrown) throw thrown;
    // Parts a worker did not finish, or that threw there, run here (a part rewrites its
    // whole slice; one that threw there throws the same error here).
    for (let p = 0; p < parts; p++) if (Atomics.load(ctl, L.STATUS + b * MAX_PARTS + p) !== 1) call(all[p]);
    if (this.pendingFailure) this.fail(this.pendingFailure);
  }

  // A worker whose heartbeat has not moved for 5 s (it wakes at least once a second) is gone.
  private checkBeats(): void {
    const now = performance.now();
    for (let t = 1; t < this.size; t++) {
      const beat = Atomics.load(this.ctl, LAYOUT.BEAT + t);
      if (beat !== this.beats[t]) {
        this.beats[t] = beat;
        this.beatSeen[t] = now;
      } else if (now - this.beatSeen[t] > Math.max(5000, this.opts.timeoutMs)) {
        this.fail(`worker ${t} stopped answering (no heartbeat for ${Math.round((now - this.beatSeen[t]) / 1000)} s)`);
        return;
      }
    }
  }

  /** Stops the workers; later calls run on the calling thread. */
  close(reason = 'the pool was closed'): void {
    if (this.failure) return;
    this.failure = reason;
    this.size = 1;
    Atomics.store(this.ctl, LAYOUT.STOP, 1);
    Atomics.add(this.ctl, LAYOUT.SEQ, 1);
    Atomics.notify(this.ctl, LAYOUT.SEQ);
    for (const w of this.workers) w.terminate();
  }


  /** @internal tests: terminate worker `thread` while it runs a part of the next call. */
  killDuringNextCall(thread: number): void {
    this.killThread = thread;
  }

  /** @internal tests: terminate worker `thread` now, between calls. */
  terminateWorker(thread: number): unknown {
    // Node reports the exit with an event; a Web Worker says nothing, so note it here.
    if (!this.nodeWorkers) this.pendingFailure ??= `worker ${thread} was terminated`;
    return this.workers[thread - 1]?.terminate();
  }

  private fail(reason: string): void {
    if (this.failure) return;
    this.close(reason);
    console.warn(`simdnet: threads stopped, running on the calling thread from now on: ${reason}`);
  }

  private killMidCall(s: number): void {
    const t = this.killThread;
    this.killThread = 0;
    const started = LAYOUT.STARTED + t;
    const t0 = performance.now();
    while (Atomics.load(this.ctl, started) !== s && performance.now() - t0 < 1000);
    while (performance.now() - t0 < 2); // into its first part
    this.workers[t - 1].terminate();
    // If it finished its part before the end came, nothing in this call notices: say so.
    this.pendingFailure ??= `worker ${t} was terminated`;
  }

  // Waits until ctl[i] == want: spins a little (parts end about together), then sleeps in
  // Atomics.wait where this thread may block, or keeps polling where it may not (a
  // browser's main thread). False at the deadline.
  private waitFor(i: number, want: number, deadline: number): boolean {
    const ctl = this.ctl;
    const spinEnd = performance.now() + 0.05;
    for (let v = Atomics.load(ctl, i); v !== want; v = Atomics.load(ctl, i)) {
      const now = performance.now();
      if (now > deadline) return false;
      if (this.blocking && now > spinEnd) Atomics.wait(ctl, i, v, Math.min(deadline - now, 100));
    }
    return true;
  }
}

interface StartMessage {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  thread: number;
  names: string[];
  layout: typeof LAYOUT;
}

type Ready = (resolve: () => void, reject: (e: Error) => void) => (m: { type?: string; message?: string }) => void;

// Resolves on 'ready', rejects on an error before it; after it, reports errors and exits.
const onReply: Ready = (resolve, reject) => (m) => {
  if (m?.type === 'ready') resolve();
  else if (m?.type === 'error') reject(new Error(`simdnet threads: a worker failed to start: ${m.message}`));
};

async function startNodeWorker(msg: StartMessage, out: WorkerLike[], lost: (what: string) => void): Promise<void> {
  const { Worker } = await import('node:worker_threads');
  const w = new Worker(WORKER_SOURCE, { eval: true });
  out.push(w);
  return new Promise<void>((resolve, reject) => {
    let started = false;
    const ready = () => {
      started = true;
      // An idle pool must not keep the process alive. (After the listeners are on: adding
      // a 'message' listener refs the worker's port again.)
      w.unref();
      resolve();
    };
    w.on('message', onReply(ready, reject));
    w.on('error', (e: Error) => (started ? lost(`failed: ${e.message}`) : reject(e)));
    w.on('exit', (code: number) => (started ? lost(`exited (code ${code})`) : reject(new Error(`simdnet threads: a worker exited (code ${code}) before it started`))));
    w.postMessage(msg);
  });
}

async function startWebWorker(msg: StartMessage, out: WorkerLike[], lost: (what: string) => void): Promise<void> {
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new g.Worker!(url, { type: 'module' });
  out.push(w);
  return new Promise<void>((resolve, reject) => {
    let started = false;
    const ready = () => {
      started = true;
      URL.revokeObjectURL(url);
      w.unref?.(); // Bun: an idle pool must not keep the process alive
      resolve();
    };
    w.onmessage = (e) => onReply(ready, reject)(e.data as { type?: string });
    w.onerror = (e) => {
      e.preventDefault?.();
      if (started) lost(`failed: ${e.message ?? 'error event'}`);
      else reject(new Error(`simdnet threads: a worker failed to start: ${e.message ?? 'error event'}`));
    };
    w.postMessage(msg);
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`simdnet threads: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
