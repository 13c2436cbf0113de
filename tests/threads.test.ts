// Threads: workers over one shared memory give results bit-identical to one thread (GEMM,
// convolutions forward and backward, a LeNet-5 training step, ResNet-18 inference with
// Winograd), survive memory.grow, and fall
// back to the calling thread, with the right result, when a worker dies.
//
// This process runs with init({ threads: 2 }) and compares 2 threads with 1 (setThreads) in
// the same process; in Node it also compares with a child process that runs the plain
// single-threaded build (init() with no threads), and checks 'auto' and a worker killed
// while idle in children. The file is its own child script: SIMDNET_THREADS_CHILD says what
// to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

type Results = Record<string, Float32Array>;
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
const CHILD = env.SIMDNET_THREADS_CHILD;
const isNode = (): boolean => {
  const g = globalThis as { process?: { versions?: Record<string, string> }; Deno?: unknown; Bun?: unknown };
  return !!g.process?.versions?.node && !g.Deno && !g.Bun;
};

// ---------------------------------------------------------------------------------------
// The computations compared. Shapes are large enough that the calls split into parts
// (above the backend's minimum work per part), with odd sizes that leave partial tiles.

function scenarios(): Results {
  const out: Results = {};
  const keep = (name: string, t: sn.Tensor) => (out[name] = t.dataSync());
  sn.tidy(() => {
    // GEMM: row parts (M ≥ N) and column parts (M < N), every transpose, odd sizes.
    const sizes: [number, number, number][] = [
      [1, 1, 1], [7, 5, 3], [130, 67, 301], [301, 130, 67], [64, 400, 120], [400, 120, 64], [257, 255, 129], [37, 513, 200],
    ];
    sizes.forEach(([M, N, K], i) => {
      const tA = i % 2 === 1, tB = i % 4 >= 2;
      const a = sn.randn(tA ? [K, M] : [M, K], { seed: 10 + i });
      const b = sn.randn(tB ? [N, K] : [K, N], { seed: 20 + i });
      keep(`gemm ${M}x${N}x${K} tA=${tA} tB=${tB}`, sn.matmul(a, b, { transposeA: tA, transposeB: tB }));
    });
    // linear with bias and ReLU split by columns (bias offset per part)
    const x = sn.randn([37, 200], { seed: 30 });
    const w = sn.randn([200, 300], { seed: 31 });
    const bias = sn.randn([300], { seed: 32 });
    keep('linear 37x200x300 bias relu', sn.linear(x, w, bias, { activation: 'relu' }));

    // Convolutions: forward, and the gradients of x, w and bias for a random dy.
    const convs: { name: string; x: number[]; w: number[]; opts: sn.Conv2dOptions; transpose?: boolean }[] = [
      { name: '4x16x16x16->32 3x3 same', x: [4, 16, 16, 16], w: [3, 3, 16, 32], opts: { padding: 'same', activation: 'relu' } },
      { name: '3x23x21x8->24 5x5 s2 p2 (parts split images)', x: [3, 23, 21, 8], w: [5, 5, 8, 24], opts: { stride: 2, padding: 2 } },
      { name: '1x30x30x24->24 3x3 groups 3 dilation 2', x: [1, 30, 30, 24], w: [3, 3, 8, 24], opts: { padding: 'same', groups: 3, dilation: 2 } },
      { name: '2x24x24x64->48 1x1', x: [2, 24, 24, 64], w: [1, 1, 64, 48], opts: {} },
      { name: '2x64x64x32 depthwise 3x3', x: [2, 64, 64, 32], w: [3, 3, 1, 32], opts: { padding: 'same', groups: 32 } },
      { name: '2x16x16x16->12 transposed 3x3 s2', x: [2, 16, 16, 16], w: [3, 3, 12, 16], opts: { stride: 2 }, transpose: true },
    ];
    convs.forEach((c, i) => {
      const xi = sn.randn(c.x, { seed: 40 + i, requiresGrad: true });
      const wi = sn.randn(c.w, { seed: 50 + i, requiresGrad: true });
      const K = c.transpose ? c.w[2] * (c.opts.groups ?? 1) : c.w[3];
      const b = sn.randn([K], { seed: 60 + i, requiresGrad: true });
      const y = c.transpose
        ? sn.convTranspose2d(xi, wi, { stride: c.opts.stride, bias: b })
        : sn.conv2d(xi, wi, { ...c.opts, bias: b });
      const dy = sn.randn(y.shape, { seed: 70 + i });
      y.backward(dy);
      keep(`conv ${c.name} y`, y);
      keep(`conv ${c.name} dx`, xi.grad!);
      keep(`conv ${c.name} dw`, wi.grad!);
      keep(`conv ${c.name} db`, b.grad!);
    });

    // Elementwise arithmetic, broadcasts, activations (forward and backward) and permutes on
    // odd sizes large enough to split into parts (ts/kernels/{elementwise,activation,transpose}).
    const shape = [3, 67, 65, 23];
    const e = sn.randn(shape, { seed: 90 });
    const f = sn.randn(shape, { seed: 91 });
    keep('add same shape', sn.add(e, f));
    keep('mul scalar', sn.mul(e, 1.7));
    keep('mul [3,1,1,23] channel scale', sn.mul(e, sn.randn([3, 1, 1, 23], { seed: 92 })));
    keep('add [3,67,65,1] per pixel', sn.add(e, sn.randn([3, 67, 65, 1], { seed: 93 })));
    keep('div bias [23]', sn.div(e, sn.add(sn.abs(sn.randn([23], { seed: 94 })), 0.5)));
    const acts: [string, (t: sn.Tensor) => sn.Tensor][] = [
      ['relu', sn.relu], ['relu6', sn.relu6], ['hardSwish', sn.hardSwish], ['hardSigmoid', (t) => sn.hardSigmoid(t)],
      ['sigmoid', sn.sigmoid], ['silu', sn.silu], ['gelu', (t) => sn.gelu(t)], ['exp', sn.exp], ['tanh', sn.tanh],
      ['clip', (t) => sn.clip(t, -0.5, 0.7)], ['leakyRelu', (t) => sn.leakyRelu(t, 0.1)],
    ];
    acts.forEach(([name, act], i) => {
      const xi = sn.randn([5, 67, 65, 17], { seed: 100 + i, requiresGrad: true });
      const y = act(xi);
      y.backward(sn.randn(y.shape, { seed: 120 + i }));
      keep(`${name} y`, y);
      keep(`${name} dx`, xi.grad!);
    });
    keep('permute NHWC→NCHW', sn.permute(e, [0, 3, 1, 2]));
    keep('permute NCHW→NHWC', sn.permute(e, [0, 2, 3, 1]));
    keep('permute RGB NCHW→NHWC', sn.permute(sn.randn([9, 3, 111, 113], { seed: 95 }), [0, 2, 3, 1]));
  });

  // Pooling, forward and backward, split by images (a batch of 8 odd-sized maps, 93k floats).
  sn.tidy(() => {
    const pools: [string, (x: sn.Tensor) => sn.Tensor][] = [
      ['maxPool2d 3x3 s2 p1', (x) => sn.maxPool2d(x, { kernel: 3, stride: 2, padding: 1 })],
      ['avgPool2d 2x2', (x) => sn.avgPool2d(x, { kernel: 2, roundMode: 'floor' })],
      ['lpPool2d 3x3 s2', (x) => sn.lpPool2d(x, { kernel: 3, stride: 2, roundMode: 'floor' })],
      ['globalAvgPool', (x) => sn.globalAvgPool(x)],
      ['adaptiveAvgPool2d 5x3', (x) => sn.adaptiveAvgPool2d(x, [5, 3])],
    ];
    pools.forEach(([name, f], i) => {
      const x = sn.randn([8, 33, 27, 13], { seed: 100 + i, requiresGrad: true });
      const y = f(x);
      y.backward(sn.randn(y.shape, { seed: 110 + i }));
      keep(`pool ${name} y`, y);
      keep(`pool ${name} dx`, x.grad!);
    });
  });

  // Reductions, softmax and cross-entropy split by rows (outer indices), forward and backward.
  sn.tidy(() => {
    const x = sn.randn([37, 61, 29], { seed: 140, requiresGrad: true });
    const outs: [string, sn.Tensor][] = [
      ['sum axis 1', sn.sum(x, { axis: 1 })],
      ['max axis 2', sn.max(x, { axis: 2 })],
      ['logSumExp axis 2', sn.logSumExp(x, { axis: 2 })],
      ['softmax axis 1', sn.softmax(x, { axis: 1 })],
      ['logSoftmax last axis', sn.logSoftmax(x)],
    ];
    let total: sn.Tensor | null = null;
    outs.forEach(([name, y], i) => {
      keep(`reduce ${name}`, y);
      const t = sn.sum(sn.mul(y, sn.randn(y.shape, { seed: 150 + i })));
      total = total ? sn.add(total, t) : t;
    });
    total!.backward();
    keep('reduce/softmax dx', x.grad!);
    const logits = sn.randn([3001, 37], { seed: 160, requiresGrad: true });
    const labels = Array.from({ length: 3001 }, (_, i) => (i * 11) % 37);
    sn.crossEntropy(logits, labels).backward();
    keep('crossEntropy labels dlogits', logits.grad!);
    const logits2 = sn.randn([3001, 37], { seed: 161, requiresGrad: true });
    sn.crossEntropy(logits2, sn.softmax(sn.randn([3001, 37], { seed: 162 }))).backward();
    keep('crossEntropy probs dlogits', logits2.grad!);
  });

  // Optimizer updates split into slices: 3 steps of each on a 200003-float parameter.
  const makeOpts: [string, (ps: sn.Tensor[]) => sn.optim.Optimizer][] = [
    ['SGD', (ps) => new sn.optim.SGD(ps, { lr: 0.1, weightDecay: 1e-3 })],
    ['SGD momentum', (ps) => new sn.optim.SGD(ps, { lr: 0.1, momentum: 0.9, form: 'classical' })],
    ['SGD momentum lecture', (ps) => new sn.optim.SGD(ps, { lr: 0.1, momentum: 0.9 })],
    ['SGD nesterov', (ps) => new sn.optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })],
    ['Adam', (ps) => new sn.optim.Adam(ps, { lr: 0.01, weightDecay: 1e-4 })],
    ['RMSProp', (ps) => new sn.optim.RMSProp(ps, { lr: 0.01 })],
  ];
  makeOpts.forEach(([name, make], i) => {
    const p = sn.randn([200003], { seed: 120 + i, requiresGrad: true });
    const opt = make([p]);
    for (let step = 0; step < 3; step++) {
      sn.tidy(() => {
        opt.zeroGrad();
        sn.sum(sn.mul(p, sn.randn([200003], { seed: 130 + step }))).backward();
        opt.step();
      });
    }
    out[`optimizer ${name} after 3 steps`] = p.dataSync();
    opt.dispose();
    p.dispose();
  });

  // LeNet-5: the parameters after one SGD step (momentum, Nesterov) on a batch of 64.
  sn.seed(7);
  const net = sn.nn.models.lenet5();
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true });
  const x = sn.randn([64, 28, 28, 1], { seed: 80 });
  const labels = Array.from({ length: 64 }, (_, i) => (i * 7) % 10);
  for (let step = 0; step < 2; step++) {
    sn.tidy(() => {
      const loss = sn.crossEntropy(net.call(x), labels);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    });
  }
  for (const [name, p] of net.namedParameters()) out[`lenet5 after 2 SGD steps: ${name}`] = p.dataSync();
  x.dispose();
  net.dispose();

  // ResNet-18 inference copy (Winograd), batch 3 at 112²: F(4×4) split by tiles × channels
  // (28², 147 tiles) and by channels (14², 7²), F(2×2) on the 4² maps.
  sn.seed(9);
  const resnet = sn.nn.models.resnet18({ classes: 10 });
  const fused = sn.noGrad(() => sn.nn.fuseForInference(resnet));
  const img = sn.randn([3, 112, 112, 3], { seed: 90 });
  sn.tidy(() => keep('resnet18 fused 3x112x112 logits', sn.noGrad(() => fused.call(img))));
  img.dispose();
  fused.dispose();
  resnet.dispose();

  // MobileNetV2 inference copy, batch 2 at 64²: its 1×1 convolutions on weights packed once
  // (gemm_prepacked_f32), split by rows (64², 32²) and by 8-column panels (where C is wider
  // than the pixels), with ReLU6 and residual epilogues.
  sn.seed(10);
  const mnv2 = sn.nn.models.mobilenetV2({ classes: 10 });
  const mnv2Fused = sn.noGrad(() => sn.nn.fuseForInference(mnv2.eval()));
  const img2 = sn.randn([2, 64, 64, 3], { seed: 91 });
  sn.tidy(() => keep('mobilenetV2 fused 2x64x64 logits', sn.noGrad(() => mnv2Fused.call(img2))));
  img2.dispose();
  mnv2Fused.dispose();
  mnv2.dispose();
  return out;
}

function diffBits(a: Float32Array, b: Float32Array): string | null {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  let first = -1;
  for (let i = 0; i < ua.length; i++) {
    if (ua[i] !== ub[i]) {
      n++;
      if (first < 0) first = i;
    }
  }
  return n === 0 ? null : `${n} of ${a.length} floats differ, the first at ${first}: ${a[first]} vs ${b[first]}`;
}

function assertSameBits(got: Results, want: Results, what: string): void {
  assert.deepEqual(Object.keys(got), Object.keys(want));
  const bad = Object.keys(want)
    .map((k) => [k, diffBits(got[k], want[k])])
    .filter(([, d]) => d !== null);
  assert.equal(bad.length, 0, `${what}: not bit-identical:\n${bad.map(([k, d]) => `  ${k}: ${d}`).join('\n')}`);
}

// ---------------------------------------------------------------------------------------
// Children (Node): a fresh process, hence a fresh init()

const b64 = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const unb64 = (s: string): Float32Array => {
  const u = Buffer.from(s, 'base64');
  return new Float32Array(u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength));
};

async function child(mode: string): Promise<void> {
  let result: unknown;
  if (mode === 'single') {
    await sn.init();
    result = { info: sn.backendInfo(), results: Object.fromEntries(Object.entries(scenarios()).map(([k, v]) => [k, b64(v)])) };
  } else if (mode === 'auto') {
    await sn.init({ threads: 'auto' });
    result = { info: sn.backendInfo() };
  } else if (mode === 'idle-kill') {
    const be = await sn.init({ threads: 2, threadTimeoutMs: 500 });
    const warnings: string[] = [];
    console.warn = (...a: unknown[]) => void warnings.push(a.join(' '));
    const a = sn.randn([300, 200], { seed: 1 });
    const b = sn.randn([200, 260], { seed: 2 });
    be.setThreads(1);
    const want = sn.matmul(a, b).dataSync();
    be.setThreads(2);
    await be.pool!.terminateWorker(1);
    await new Promise((r) => setTimeout(r, 100)); // the 'exit' event
    const got = sn.matmul(a, b).dataSync();
    const again = sn.matmul(a, b).dataSync();
    result = { warnings, info: sn.backendInfo(), diff: diffBits(got, want), diffAgain: diffBits(again, want) };
  } else throw new Error(`unknown child mode ${mode}`);
  console.log('RESULT ' + JSON.stringify(result));
}

async function runChild(mode: string): Promise<Record<string, unknown>> {
  const { spawnSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
    env: { ...process.env, SIMDNET_THREADS_CHILD: mode },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: 120000,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, `child '${mode}' printed no result (status ${r.status}):\n${r.stderr}`);
  return JSON.parse(line.slice(7));
}

// ---------------------------------------------------------------------------------------
// The wasm modules: what makes several instances over one memory safe

interface WasmFacts {
  exports: { name: string; kind: number }[];
  globals: { mutable: boolean }[];
  memoryImport: { shared: boolean; max: number | null } | null;
  dataSegments: { active: boolean; offset: number; size: number }[];
}

// Reads the sections the checks need from a wasm binary.
function wasmFacts(bytes: Uint8Array): WasmFacts {
  let p = 8;
  const u32 = (): number => {
    let r = 0;
    let s = 0;
    let b;
    do {
      b = bytes[p++];
      r += (b & 127) * 2 ** s;
      s += 7;
    } while (b & 128);
    return r;
  };
  const i32 = (): number => {
    let r = 0;
    let s = 0;
    let b;
    do {
      b = bytes[p++];
      r |= (b & 127) << s;
      s += 7;
    } while (b & 128);
    return s < 32 && b & 0x40 ? r | (-1 << s) : r;
  };
  const name = (): string => {
    const n = u32();
    const s = new TextDecoder().decode(bytes.subarray(p, p + n));
    p += n;
    return s;
  };
  const skipInit = () => {
    while (bytes[p++] !== 0x0b);
  };
  const facts: WasmFacts = { exports: [], globals: [], memoryImport: null, dataSegments: [] };
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = u32();
    const end = p + size;
    if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        name();
        name();
        const kind = bytes[p++];
        if (kind === 2) {
          const flags = bytes[p++];
          u32();
          const max = flags & 1 ? u32() : null;
          facts.memoryImport = { shared: (flags & 2) !== 0, max };
        } else if (kind === 0) u32();
        else throw new Error(`import kind ${kind} not expected in the kernels`);
      }
    } else if (id === 6) {
      for (let n = u32(); n > 0; n--) {
        p++; // value type
        facts.globals.push({ mutable: bytes[p++] === 1 });
        skipInit();
      }
    } else if (id === 7) {
      for (let n = u32(); n > 0; n--) {
        facts.exports.push({ name: name(), kind: bytes[p++] });
        u32(); // index
      }
    } else if (id === 11) {
      for (let n = u32(); n > 0; n--) {
        const mode = u32();
        let offset = -1;
        if (mode === 0) {
          assert.equal(bytes[p++], 0x41, 'active data segment offsets are i32.const');
          offset = i32();
          assert.equal(bytes[p++], 0x0b);
        } else if (mode === 2) throw new Error('data segment for another memory');
        const len = u32();
        facts.dataSegments.push({ active: mode === 0, offset, size: len });
        p += len;
      }
    }
    p = end;
  }
  return facts;
}

async function readDist(file: string): Promise<Uint8Array> {
  const url = new URL(file, import.meta.resolve('simdnet'));
  if (url.protocol === 'file:' && isNode()) return new Uint8Array(await (await import('node:fs/promises')).readFile(url));
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}

// ---------------------------------------------------------------------------------------

if (CHILD) {
  await child(CHILD);
} else {
  // init() loads once per process: where another test file ran first in this process (bun
  // test runs them all in one), the backend has no threads and the pool tests are skipped.
  const loaded = sn.isInitialized();
  const be = await sn.init({ threads: 2, threadTimeoutMs: 500 });
  const noPool = !be.pool && loaded && 'another test file in this process loaded simdnet without threads first (init() loads once per process)';
  const opts = { skip: noPool };

  test('init({ threads: 2 }) runs 2 threads and backendInfo says so', opts, () => {
    const info = sn.backendInfo();
    assert.equal(info.threads, 2, info.threadsReason);
    assert.equal(info.threadsRequested, 2);
    assert.match(info.threadsReason, /2 threads.*1 worker.*shared memory/);
    assert.ok(be.pool && be.pool.size === 2);
    assert.ok(be.memory.buffer instanceof SharedArrayBuffer, 'the memory is shared');
  });

  test('the kernel modules cannot allocate and keep no mutable state; the threaded one imports a shared memory', async () => {
    for (const file of ['simdnet.wasm', 'simdnet-threads.wasm']) {
      const f = wasmFacts(await readDist(file));
      const alloc = f.exports.filter((e) => /^__|(^|_)(alloc|new|free|realloc|pin|unpin|collect|retain|release)$/i.test(e.name));
      assert.deepEqual(alloc, [], `${file}: allocator-like exports`);
      // No mutable global at all: no allocator state, no shadow-stack pointer (the stub
      // runtime has none) that a second instance would reset under the first one's feet.
      assert.ok(f.globals.length > 0 && f.globals.every((g) => !g.mutable), `${file}: globals ${JSON.stringify(f.globals)}`);
      assert.ok(f.memoryImport, `${file} imports its memory`);
      assert.equal(f.memoryImport!.shared, file === 'simdnet-threads.wasm', `${file}: shared memory import`);
      if (f.memoryImport!.shared) assert.equal(f.memoryImport!.max, 65536, 'a shared memory declares its maximum (4 GiB)');
    }
  });

  test('a second instance over the live memory rewrites only constant data below heap_base', opts, async () => {
    const f = wasmFacts(await readDist('simdnet-threads.wasm'));
    const heapBase = be.k.heap_base();
    for (const d of f.dataSegments) assert.ok(d.active && d.offset + d.size <= heapBase, `data segment ${JSON.stringify(d)} below heap_base ${heapBase}`);
    const t = sn.randn([1000], { seed: 5 });
    const before = t.dataSync();
    const low = be.u8().slice(0, heapBase);
    const inst = await WebAssembly.instantiate(be.module, { env: { memory: be.memory } });
    assert.deepEqual(be.u8().slice(0, heapBase), low, 'the data segments hold what they held');
    assert.equal(diffBits(t.dataSync(), before), null, 'tensor data is untouched');
    // …and the new instance computes on the same memory.
    const y = sn.zeros([1000]);
    (inst.exports.relu_fwd_f32 as (a: number, b: number, n: number) => void)(t.ptr, y.ptr, 1000);
    assert.deepEqual(y.dataSync(), before.map((v) => Math.max(v, 0)));
    t.dispose();
    y.dispose();
  });

  // Early, while the heap has no large holes: the operands then land past the old end.
  test('memory grows while the pool is alive: the worker computes in the grown memory', opts, () => {
    const calls0 = be.pool!.parallelCalls;
    const live: sn.Tensor[] = [];
    for (let round = 0; round < 2; round++) {
      const size = be.memory.buffer.byteLength;
      // A block past the end of memory forces memory.grow; the operands come after it.
      const big = sn.zeros([size / 4 + 123457]);
      assert.ok(be.memory.buffer.byteLength > size, 'memory grew');
      const a = sn.randn([300, 257], { seed: 90 + round });
      const b = sn.randn([257, 260], { seed: 95 + round });
      const c = sn.matmul(a, b);
      assert.ok(c.ptr > size, 'the product lies in the grown part');
      const x = sn.randn([2, 20, 20, 16], { seed: 3 });
      const w = sn.randn([3, 3, 16, 32], { seed: 4 });
      const y = sn.conv2d(x, w, { padding: 'same' });
      assert.ok(x.ptr > size && y.ptr > size);
      be.setThreads(1);
      const c1 = sn.matmul(a, b);
      const y1 = sn.conv2d(x, w, { padding: 'same' });
      be.setThreads(2);
      assert.equal(diffBits(c.dataSync(), c1.dataSync()), null, 'gemm in grown memory');
      assert.equal(diffBits(y.dataSync(), y1.dataSync()), null, 'conv in grown memory');
      live.push(big, a, b, c, x, w, y, c1, y1); // kept till the end: no holes for the next round's operands
    }
    for (const t of live) t.dispose();
    assert.equal(be.pool!.failure, null);
    assert.ok(be.pool!.parallelCalls - calls0 >= 4);
  });

  let two: Results;
  test('GEMM, convolutions (forward, data, filter, bias gradients), a LeNet-5 step, ResNet-18 and MobileNetV2 inference: 2 threads bit-identical to 1', opts, () => {
    be.setThreads(1);
    const calls0 = be.pool!.parallelCalls;
    const one = scenarios();
    assert.equal(be.pool!.parallelCalls, calls0, 'setThreads(1) runs on the calling thread');
    be.setThreads(2);
    two = scenarios();
    // Every GEMM and convolution above is large enough to split.
    assert.ok(be.pool!.parallelCalls - calls0 >= 30, `${be.pool!.parallelCalls - calls0} calls ran in parts`);
    assertSameBits(two, one, '2 threads vs 1');
    assert.equal(sn.backendInfo().threads, 2);
  });

  test('…and bit-identical to the single-threaded build in a process without threads', { skip: noPool || (!isNode() && 'child processes: Node only') }, async () => {
    const r = (await runChild('single')) as { info: sn.BackendInfo; results: Record<string, string> };
    assert.equal(r.info.threads, 1);
    assert.match(r.info.threadsReason, /not requested/);
    const single = Object.fromEntries(Object.entries(r.results).map(([k, v]) => [k, unb64(v)]));
    assertSameBits(two, single, '2 threads vs the single-threaded build');
  });

  test("init({ threads: 'auto' }) uses the machine's cores", { skip: !isNode() && 'child processes: Node only' }, async () => {
    const r = (await runChild('auto')) as { info: sn.BackendInfo };
    const os = await import('node:os');
    const cores = os.availableParallelism();
    assert.equal(r.info.threads, cores);
    assert.equal(r.info.threadsRequested, 'auto');
    assert.match(r.info.threadsReason, cores > 1 ? new RegExp(`'auto' found ${cores} cores`) : /'auto' found 1 core/);
  });

  test('a worker killed while idle: the next call warns once, falls back to 1 thread and is right', { skip: !isNode() && 'child processes: Node only' }, async () => {
    const r = (await runChild('idle-kill')) as { warnings: string[]; info: sn.BackendInfo; diff: string | null; diffAgain: string | null };
    assert.equal(r.diff, null, 'the first call after the kill');
    assert.equal(r.diffAgain, null, 'a later call');
    assert.equal(r.warnings.length, 1, JSON.stringify(r.warnings));
    assert.match(r.warnings[0], /threads stopped.*worker 1 exited/);
    assert.equal(r.info.threads, 1);
    assert.match(r.info.threadsReason, /pool failed.*worker 1 exited/);
  });

  // Last: it leaves this process on one thread.
  test('a worker terminated in the middle of a call: clear warning, fallback, the call is redone here', opts, () => {
    const warnings: string[] = [];
    const warn0 = console.warn;
    console.warn = (...m: unknown[]) => void warnings.push(m.join(' '));
    try {
      killMidCall(warnings);
    } finally {
      console.warn = warn0;
    }
  });

  function killMidCall(warnings: string[]): void {
    const a = sn.randn([1024, 700], { seed: 11 });
    const b = sn.randn([700, 1024], { seed: 12 });
    const keepA = a.dataSync();
    be.setThreads(1);
    const want = sn.matmul(a, b);
    be.setThreads(2);
    be.pool!.killDuringNextCall(1);
    const got = sn.matmul(a, b);
    assert.equal(diffBits(got.dataSync(), want.dataSync()), null, 'the interrupted call');
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0], /threads stopped, running on the calling thread.*worker 1 (did not finish|was terminated)/);
    const info = sn.backendInfo();
    assert.equal(info.threads, 1);
    assert.match(info.threadsReason, /pool failed/);
    // Later calls run here, still right; no tensor lost; one warning in all.
    const again = sn.matmul(a, b);
    assert.equal(diffBits(again.dataSync(), want.dataSync()), null, 'a later call');
    assert.equal(diffBits(a.dataSync(), keepA), null, 'inputs intact');
    const lenet = scenarios();
    assertSameBits(lenet, two, 'after the fallback, everything as with threads');
    assert.equal(warnings.length, 1);
    for (const x of [a, b, want, got, again]) x.dispose();
  }
}
