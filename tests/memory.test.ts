// The allocator against a model: random alloc/free runs never overlap, stay 16-byte
// aligned, reuse freed space, and report out-of-memory as a clear Error. Then, on the
// package: sn.memory() shows live tensors, bytes in use, linear memory size and peak; fit
// warns when live tensors keep growing; the out-of-memory Error counts the live tensors and
// points to tidy() and dispose() (issue 11). This file's process has 64 MiB of linear
// memory at most.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';
import { Allocator, ALIGN } from '../ts/backend/memory';
import { Rng } from '../ts/tensor/rng';

// (a page runs every file on one backend: this file's 64 MiB then holds only if it came first)
const ownBackend = !sn.isInitialized();
await sn.init({ maxMemoryMB: 64 });

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

await sn.init({ maxMemoryMB: 64 });

test('sn.memory() counts live tensors and bytes', () => {
  const m0 = sn.memory();
  for (const k of ['tensors', 'bytesInUse', 'scratchBytes', 'peakBytes', 'linearMemoryBytes', 'maxBytes'] as const) assert.equal(typeof m0[k], 'number', k);
  const a = sn.zeros([1000]);
  const v = a.reshapeView([10, 100]);
  const m1 = sn.memory();
  assert.equal(m1.tensors, m0.tensors + 2);
  assert.equal(m1.bytesInUse, m0.bytesInUse + 4000);
  assert.ok(m1.peakBytes >= m1.bytesInUse);
  assert.ok(m1.linearMemoryBytes >= m1.bytesInUse);
  a.dispose();
  v.dispose();
  assert.deepEqual([sn.memory().tensors, sn.memory().bytesInUse], [m0.tensors, m0.bytesInUse]);
});

test('fit warns once when live tensors keep growing across steps', async () => {
  const net = new sn.nn.Sequential(new sn.nn.Linear(2, 2));
  const x = sn.randn([100, 2], { seed: 1 });
  const y = Array.from({ length: 100 }, (_, i) => i % 2);
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.01 });
  const leaked: sn.Tensor[] = [];
  const warned: string[] = [];
  const orig = console.warn;
  console.warn = (m: string) => void warned.push(m);
  try {
    await sn.fit(net, { x, y }, { epochs: 1, batchSize: 1, optimizer: opt, progress: false });
    assert.deepEqual(warned, [], 'no warning when every step is tidy');
    const leaky = (o: sn.Tensor, l: Int32Array) => {
      leaked.push(sn.keep(sn.zeros([4])));
      return sn.crossEntropy(o, l);
    };
    await sn.fit(net, { x, y }, { epochs: 1, batchSize: 1, optimizer: opt, loss: leaky, progress: false });
  } finally {
    console.warn = orig;
  }
  assert.equal(warned.length, 1, warned.join('\n'));
  assert.match(warned[0], /^simdnet\.fit: live tensors keep growing .* tidy\(\)/);
  sn.dispose(leaked);
  opt.dispose();
  net.dispose();
  x.dispose();
});

test('out of memory says how many tensors are alive and points to tidy() and dispose()', { skip: typeof document !== 'undefined' ? 'a browser page runs every test file on one backend (Node, Deno and Bun run this)' : ownBackend && sn.memory().maxBytes === 64 * 2 ** 20 ? false : 'another file initialised the shared backend first (one process for every file)' }, () => {
  const before = sn.memory();
  const held: sn.Tensor[] = [];
  try {
    for (let i = 0; i < 20; i++) held.push(sn.empty([2 ** 20])); // 4 MiB each
    assert.fail('64 MiB should run out');
  } catch (e) {
    assert.match((e as Error).message, new RegExp(`^simdnet\\.empty: out of memory for \\[1048576\\]: .* ${before.tensors + held.length} tensors are alive: dispose\\(\\) .* tidy\\(\\)`));
  }
  sn.dispose(held);
  assert.equal(sn.memory().bytesInUse, before.bytesInUse);
  // Memory is usable again.
  sn.zeros([2 ** 20]).dispose();
});
