// One module, one WebAssembly.Memory, one allocator per process or page.
import { Allocator, fmtBytes, type AllocatorStats } from './memory';
import { defaultWasmUrl, load, type WasmSource } from './loader';
import type { Kernels } from './kernels';

export { OP, type Kernels } from './kernels';
export { opError, fmtShape } from './errors';
export { isWasmModule, type WasmSource } from './loader';
export type { AllocatorStats } from './memory';

const PAGE = 65536;
const WASM32_MAX_PAGES = 65536; // 4 GiB

export interface InitOptions {
  /** Where the kernels come from: a compiled Module (edge runtimes), bytes, a Response, or a URL. */
  wasm?: WasmSource;
  /** Upper bound of linear memory in MiB (default 4096, the wasm32 limit). */
  maxMemoryMB?: number;
}

export class Backend {
  readonly allocator: Allocator;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private u8View: Uint8Array;
  private scratchPtr = 0;
  private scratchSize = 0;

  constructor(
    readonly module: WebAssembly.Module,
    readonly memory: WebAssembly.Memory,
    readonly k: Kernels,
    readonly maxPages: number,
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
   * A scratch block of at least `bytes` for one kernel call. It is reused across calls
   * (one thread drives the kernels), grown when a call needs more.
   */
  scratch(bytes: number): number {
    if (bytes <= this.scratchSize) return this.scratchPtr;
    if (this.scratchSize > 0) this.free(this.scratchPtr);
    this.scratchSize = 0;
    this.scratchPtr = this.alloc(bytes);
    this.scratchSize = bytes;
    return this.scratchPtr;
  }

  /** Gives the scratch block back (e.g. after one large convolution). */
  releaseScratch(): void {
    if (this.scratchSize > 0) this.free(this.scratchPtr);
    this.scratchSize = 0;
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

/** Loads the kernels once; later calls return the same backend. */
export function init(options: InitOptions = {}): Promise<Backend> {
  if (backend) return Promise.resolve(backend);
  if (!pending) {
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

async function create(options: InitOptions): Promise<Backend> {
  if (!simdSupported()) throw new Error('simdnet.init: this runtime does not support WebAssembly SIMD (v128)');
  const maxMB = options.maxMemoryMB ?? 4096;
  if (!(maxMB > 0)) throw new Error(`simdnet.init: maxMemoryMB must be a positive number, got ${maxMB}`);
  const maxPages = Math.min(WASM32_MAX_PAGES, Math.floor((maxMB * 1024 * 1024) / PAGE));
  const memory = new WebAssembly.Memory({ initial: Math.min(maxPages, 64), maximum: maxPages });
  const { module, exports } = await load(options.wasm ?? defaultWasmUrl(), memory);
  return new Backend(module, memory, exports as unknown as Kernels, maxPages);
}

/** The loaded backend; throws a clear Error before init() has finished. */
export function getBackend(): Backend {
  if (!backend) throw new Error('simdnet: call `await sn.init()` before using tensors');
  return backend;
}

export function isInitialized(): boolean {
  return backend !== null;
}

// The smallest module using a v128 instruction: (func (result v128) v128.const 0).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

export interface BackendInfo {
  simd: boolean;
  threads: number;
  threadsReason: string;
  memoryBytes: number;
  memoryInUse: number;
  memoryPeak: number;
  maxMemoryBytes: number;
}

export function backendInfo(): BackendInfo {
  const b = getBackend();
  const s = b.stats();
  return {
    simd: true,
    threads: 1,
    threadsReason: 'the worker pool is not built yet: kernels run on the calling thread',
    memoryBytes: s.capacity,
    memoryInUse: s.inUse,
    memoryPeak: s.peak,
    maxMemoryBytes: b.maxPages * PAGE,
  };
}

export { fmtBytes };
