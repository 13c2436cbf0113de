// A first-fit-by-size (best-fit) allocator over one WebAssembly.Memory, kept in
// TypeScript so that kernels never allocate. Blocks are 16-byte aligned; freed blocks are
// coalesced with their neighbours and the heap top retreats when the last block is freed,
// so a training loop that allocates the same shapes each step stays flat.

export const ALIGN = 16;

export interface AllocatorStats {
  inUse: number;      // bytes in live blocks
  peak: number;       // highest inUse seen
  heapTop: number;    // first byte above every block ever handed out and not given back
  capacity: number;   // bytes of linear memory
  freeBlocks: number; // holes below heapTop
  liveBlocks: number;
}

export class Allocator {
  private top: number;
  private readonly live = new Map<number, number>(); // ptr -> size
  // Free holes below top, sorted by start offset (parallel arrays: cheap splices).
  private readonly holeStart: number[] = [];
  private readonly holeSize: number[] = [];
  private inUse = 0;
  private peak = 0;

  constructor(
    base: number,
    private readonly capacity: () => number,
    // Grows memory so that at least `bytes` exist; returns false when it cannot.
    private readonly growTo: (bytes: number) => boolean,
  ) {
    this.top = alignUp(base);
  }

  alloc(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`simdnet.alloc: invalid size ${bytes}`);
    const size = Math.max(ALIGN, alignUp(bytes));
    let ptr = this.takeHole(size);
    if (ptr < 0) {
      ptr = this.top;
      const end = ptr + size;
      if (end > this.capacity() && !this.growTo(end)) {
        throw new Error(
          `simdnet.alloc: out of memory: cannot allocate ${fmtBytes(bytes)} ` +
            `(${fmtBytes(this.inUse)} in use, linear memory ${fmtBytes(this.capacity())} cannot grow to ${fmtBytes(end)})`,
        );
      }
      this.top = end;
    }
    this.live.set(ptr, size);
    this.inUse += size;
    if (this.inUse > this.peak) this.peak = this.inUse;
    return ptr;
  }

  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new Error(`simdnet.free: ${ptr} is not a live block (double free?)`);
    this.live.delete(ptr);
    this.inUse -= size;
    this.addHole(ptr, size);
  }

  /** Size of a live block as allocated (aligned), or undefined. */
  sizeOf(ptr: number): number | undefined {
    return this.live.get(ptr);
  }

  stats(): AllocatorStats {
    return {
      inUse: this.inUse,
      peak: this.peak,
      heapTop: this.top,
      capacity: this.capacity(),
      freeBlocks: this.holeStart.length,
      liveBlocks: this.live.size,
    };
  }

  private takeHole(size: number): number {
    let best = -1;
    for (let i = 0; i < this.holeSize.length; i++) {
      const s = this.holeSize[i];
      if (s >= size && (best < 0 || s < this.holeSize[best])) {
        best = i;
        if (s === size) break;
      }
    }
    if (best < 0) return -1;
    const ptr = this.holeStart[best];
    const rest = this.holeSize[best] - size;
    if (rest > 0) {
      this.holeStart[best] = ptr + size;
      this.holeSize[best] = rest;
    } else {
      this.holeStart.splice(best, 1);
      this.holeSize.splice(best, 1);
    }
    return ptr;
  }

  private addHole(ptr: number, size: number): void {
    // Binary search for the insertion point.
    let lo = 0;
    let hi = this.holeStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.holeStart[mid] < ptr) lo = mid + 1;
      else hi = mid;
    }
    let start = ptr;
    let end = ptr + size;
    // Merge with the previous and next holes when they touch.
    if (lo > 0 && this.holeStart[lo - 1] + this.holeSize[lo - 1] === start) {
      lo--;
      start = this.holeStart[lo];
      this.holeStart.splice(lo, 1);
      this.holeSize.splice(lo, 1);
    }
    if (lo < this.holeStart.length && this.holeStart[lo] === end) {
      end += this.holeSize[lo];
      this.holeStart.splice(lo, 1);
      this.holeSize.splice(lo, 1);
    }
    if (end === this.top) {
      this.top = start; // the hole is the top of the heap: give it back to the bump region
    } else {
      this.holeStart.splice(lo, 0, start);
      this.holeSize.splice(lo, 0, end - start);
    }
  }
}

/**
 * The index in a Float32Array or Int32Array view of linear memory of the 4-byte element at
 * byte offset `ptr`. Unsigned: linear memory reaches 4 GiB, and a signed `ptr >> 2` turns
 * every offset above 2 GiB into a negative index (reads give undefined, writes vanish).
 * Every pointer → index conversion goes through here (tests/ptr-index.test.ts checks ts/).
 */
export function f32Index(ptr: number): number {
  return ptr >>> 2;
}

export function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
