// The allocator against a model: random alloc/free runs never overlap, stay 16-byte
// aligned, reuse freed space, and report out-of-memory as a clear Error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Allocator, ALIGN } from '../ts/backend/memory';
import { Rng } from '../ts/tensor/rng';

function makeHeap(maxBytes: number) {
  let cap = 65536;
  let grows = 0;
  const a = new Allocator(1000, () => cap, (bytes) => {
    if (bytes > maxBytes) return false;
    grows++;
    cap = Math.ceil(bytes / 65536) * 65536;
    return true;
  });
  return { a, cap: () => cap, grows: () => grows };
}

test('random alloc/free stress: no overlaps, aligned, inside capacity', () => {
  const { a, cap } = makeHeap(64 << 20);
  const rng = new Rng(7);
  const live = new Map<number, number>(); // ptr -> requested bytes
  for (let step = 0; step < 20000; step++) {
    if (live.size > 0 && rng.next() < 0.45) {
      const keys = [...live.keys()];
      const p = keys[rng.int(keys.length)];
      a.free(p);
      live.delete(p);
    } else {
      const bytes = rng.next() < 0.1 ? rng.int(200000) : rng.int(5000);
      const p = a.alloc(bytes);
      assert.equal(p % ALIGN, 0, 'aligned');
      assert.ok(p >= 1000, 'above the base');
      assert.ok(p + bytes <= cap(), 'inside linear memory');
      live.set(p, bytes);
    }
    if (step % 500 === 0 || step === 19999) {
      const blocks = [...live.entries()].sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < blocks.length; i++)
        assert.ok(blocks[i - 1][0] + blocks[i - 1][1] <= blocks[i][0], `blocks overlap at step ${step}`);
      const s = a.stats();
      assert.equal(s.liveBlocks, live.size);
      assert.ok(s.inUse >= [...live.values()].reduce((x, y) => x + y, 0));
    }
  }
  for (const p of live.keys()) a.free(p);
  const s = a.stats();
  assert.equal(s.inUse, 0);
  assert.equal(s.freeBlocks, 0, 'every hole coalesced back into the top');
  assert.equal(s.heapTop, 1008, 'heap top back at the aligned base');
});

test('the same sizes allocated again reuse the same memory (flat training loops)', () => {
  const { a } = makeHeap(64 << 20);
  const sizes = [4096, 100, 77777, 16, 3000];
  const first = sizes.map((s) => a.alloc(s));
  const keepOne = a.alloc(64);
  first.forEach((p) => a.free(p));
  const top = a.stats().heapTop;
  for (let i = 0; i < 100; i++) {
    const ps = sizes.map((s) => a.alloc(s));
    ps.reverse().forEach((p) => a.free(p));
  }
  assert.equal(a.stats().heapTop, top);
  a.free(keepOne);
});

test('double free and unknown pointers throw', () => {
  const { a } = makeHeap(1 << 20);
  const p = a.alloc(10);
  a.free(p);
  assert.throws(() => a.free(p), /not a live block/);
  assert.throws(() => a.free(12345), /not a live block/);
  assert.throws(() => a.alloc(-1), /invalid size/);
});

test('out of memory is a clear Error and leaves the heap usable', () => {
  const { a } = makeHeap(1 << 20);
  const p = a.alloc(500000);
  assert.throws(() => a.alloc(800000), /out of memory: cannot allocate 781\.3 KiB/);
  const q = a.alloc(1000);
  assert.ok(q >= p + 500000);
  a.free(p);
  a.free(q);
  assert.equal(a.stats().inUse, 0);
});
