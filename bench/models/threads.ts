// Threads: the speed-up of 2 threads over 1 on GEMM 1024, conv (i) 56×56×64→64 3×3 'same'
// (forward, data and filter gradients, batch 1 and 8), a LeNet-5 training step (batch 64) and
// ResNet-18 and MobileNetV2 inference (batch 1, 224², the fused inference copies), all in
// one process: the backend starts with init({ threads: 2 }) and each job picks its
// thread count with setThreads(1 | 2) before its call, so the two run interleaved in the same
// rounds (a burst of load from another process hits both alike).
//
// Two more rows: GEMM 1024 on the single-threaded build (its own non-shared memory), to show
// what the threaded build costs on one thread; and the f32x4 mul+add peak (the bench-only
// roof module) on one thread and on both at once (each thread its own chains, twice the
// flops): the ceiling of any speed-up in the same rounds.
//
// ResNet-18 also runs in onnxruntime-web on 2 threads (PEER_THREADS=n for another count)
// and in native PyTorch on 1 and 2 threads (peers/torch.ts), in the same rounds; the notes
// give simdnet's 2-thread time over theirs.
//
// This machine is shared (2 vCPUs, other processes come and go): a second thread only helps
// while the other vCPU is free, so the run prints the load average before and after.

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { conv2d, crossEntropy, init, isInitialized, backendInfo, matmul, nn, noGrad, optim, randn, seed, tensor, tidy } from '../../ts/index';
import { getBackend } from '../../ts/backend/index';
import { backwardOf, fmt, randomArray, runJobs, table, threadsWasm, type Job, type Options, type Row } from '../common';
import { parallelPeakJob, roofJobs } from '../roofs';
import { ortSession, ortWasm } from '../peers/index';
import { nhwcToNchw } from '../peers/layout';
import { onnxNet, unitsOf } from '../peers/resnet18';
import { torchResnet18 } from '../peers/torch';

const PEAK = 'f32x4 peak (throughput)';

// GEMM 1024 through the raw kernel of the single-threaded build, on its own memory.
async function singleBuildGemm(n: number): Promise<() => void> {
  const bytes = readFileSync(new URL('./simdnet.wasm', import.meta.url));
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  const k = instance.exports as Record<string, (...a: number[]) => number>;
  const base = (k.heap_base() + 15) & ~15;
  const sz = n * n * 4;
  const need = base + 3 * sz + k.gemm_f32_scratch_bytes(n, n, n);
  memory.grow(Math.max(0, Math.ceil(need / 65536) - memory.buffer.byteLength / 65536));
  const f32 = new Float32Array(memory.buffer);
  f32.set(randomArray(n * n, 1), base / 4);
  f32.set(randomArray(n * n, 2), (base + sz) / 4);
  return () => void k.gemm_f32(0, 0, n, n, n, 1, base, n, base + sz, n, 0, base + 2 * sz, n, 0, 0, 0, 0, 0, base + 3 * sz);
}

interface Case {
  name: string;
  flops: number;
  run: () => void;
}

// conv (i): 56×56×64→64 3×3 'same' at batch N: forward, and the data and filter gradients
// apart, each as the op's recorded backward runs it (split into parts as the op splits it).
function convCases(N: number): Case[] {
  const flops = 2 * N * 56 * 56 * 64 * 9 * 64;
  const x = tensor(randomArray(N * 56 * 56 * 64, 10 + N), [N, 56, 56, 64]);
  const w = tensor(randomArray(9 * 64 * 64, 20 + N).map((v) => v * 0.06), [3, 3, 64, 64]);
  const dy = tensor(randomArray(N * 56 * 56 * 64, 30 + N), [N, 56, 56, 64]);
  // The gradient of whichever input requires one: x alone gives dx, w alone gives dw.
  const gradOf = (wrt: 'x' | 'w') => {
    const xg = x.detach(), wg = w.detach();
    (wrt === 'x' ? xg : wg).requiresGrad = true;
    return backwardOf(conv2d(xg, wg, { padding: 'same' }), dy);
  };
  return [
    { name: `conv (i) b${N} fwd`, flops, run: () => conv2d(x, w, { padding: 'same' }).dispose() },
    { name: `conv (i) b${N} bwd data`, flops, run: gradOf('x') },
    { name: `conv (i) b${N} bwd filter`, flops, run: gradOf('w') },
  ];
}

// One LeNet-5 training step at batch 64: forward, cross-entropy, backward, SGD.
function lenetCase(): Case {
  const net = nn.models.lenet5();
  const opt = new optim.SGD(net.parameters(), { lr: 0.01 });
  const x = tensor(randomArray(64 * 28 * 28, 5), [64, 28, 28, 1]);
  const labels = Array.from({ length: 64 }, (_, i) => i % 10);
  const fwd = net.profile([64, 28, 28, 1]).reduce((s, r) => s + r.flops, 0);
  return {
    name: 'LeNet-5 train step b64',
    flops: 3 * fwd, // forward + data and filter gradients, roughly
    run: () =>
      tidy(() => {
        const loss = crossEntropy(net.call(x), labels);
        opt.zeroGrad();
        loss.backward();
        opt.step();
      }),
  };
}

// Inference at batch 1, 224²: the inference copy (fuseForInference: folded batch norm, fused
// activations, Winograd), as a user runs a zoo model.
function inferenceCase(name: string, model: nn.Module): Case & { model: nn.Module; x: ReturnType<typeof tensor> } {
  const flops = model.profile([1, 224, 224, 3]).reduce((s, r) => s + r.flops, 0);
  const fused = noGrad(() => nn.fuseForInference(model.eval()));
  const x = tensor(randomArray(224 * 224 * 3, 3), [1, 224, 224, 3]);
  return { name, flops, model, x, run: () => tidy(() => void noGrad(() => fused.call(x)).dataSync()) };
}

export async function run(opts: Options): Promise<{ rows: Row[]; notes: string[] }> {
  if (isInitialized() && !getBackend().pool)
    throw new Error('bench threads: the backend is already loaded without threads; run this suite on its own (npm run bench -- threads)');
  const be = await init({ wasm: new URL('./simdnet.wasm', import.meta.url), threadsWasm: threadsWasm(), threads: 2 });
  if (!be.pool) throw new Error(`bench threads: no threads here: ${backendInfo().threadsReason}`);
  const load0 = loadavg();

  const a = randn([1024, 1024], { seed: 1 });
  const b = randn([1024, 1024], { seed: 2 });
  const cases: Case[] = [
    { name: 'GEMM 1024', flops: 2 * 1024 ** 3, run: () => matmul(a, b).dispose() },
    ...convCases(1),
    ...convCases(8),
    lenetCase(),
  ];
  seed(2018);
  const resnet = inferenceCase('ResNet-18 b1 224² inference', nn.models.resnet18({ classes: 1000 }));
  const mobilenet = inferenceCase('MobileNetV2 b1 224² inference', nn.models.mobilenetV2({ classes: 1000 }));
  cases.push(resnet, mobilenet);
  const jobs: Job[] = [];
  for (const c of cases) {
    for (const t of [1, 2]) {
      jobs.push({
        case: c.name,
        lib: `${t} thread${t > 1 ? 's' : ''}`,
        flops: c.flops,
        run: () => {
          be.setThreads(t);
          c.run();
        },
      });
    }
  }
  // The peers on ResNet-18 (same case, their own libs): onnxruntime-web on 2 threads (its
  // threaded wasm on worker_threads; ONNX built from the same model, batch norm folded) and
  // native PyTorch on 1 and 2 threads (wall clock; absent with a note when not installed).
  const peerNotes: string[] = [];
  if (process.env.PEER_THREADS === undefined) process.env.PEER_THREADS = '2';
  const ortThreads = Number(process.env.PEER_THREADS);
  const ort = await ortWasm();
  const ortNet = await ortSession(onnxNet(unitsOf(resnet.model as nn.Sequential), [224, 224, 3]).bytes);
  const image = resnet.x.dataSync().slice();
  const feeds = { X: new ort.Tensor('float32', nhwcToNchw(image, 1, 224, 224, 3), [1, 3, 224, 224]) };
  const ORT_LIB = `ort-web ${ortThreads} thread${ortThreads > 1 ? 's' : ''}`;
  jobs.push({ case: resnet.name, lib: ORT_LIB, flops: resnet.flops, run: async () => (await ortNet.run(feeds)).Y.data });
  const torch = opts.clock === 'wall' ? await torchResnet18() : { missing: 'timed by wall clock only (--clock=cpu counts this process)' };
  if ('run' in torch) {
    for (const t of [1, 2]) jobs.push({ case: resnet.name, lib: `pytorch native ${t} thread${t > 1 ? 's' : ''}`, flops: resnet.flops, run: () => torch.run(t) });
    peerNotes.push(`native anchor: ${torch.info}, torchvision's resnet18 (random weights, eval, NCHW), torch.set_num_threads(1 | 2)`);
  } else peerNotes.push(`PyTorch not installed or not usable: skipped (${torch.missing})`);

  const single = await singleBuildGemm(1024);
  jobs.splice(2, 0, { case: 'GEMM 1024', lib: 'single-threaded build', flops: 2 * 1024 ** 3, run: single });
  // The peak: 1 thread runs one peak loop, 2 threads one each at once (twice the flops).
  const [peak1] = await roofJobs();
  const peak2 = await parallelPeakJob(2, PEAK, '2 threads');
  jobs.unshift({ ...peak1, case: PEAK, lib: '1 thread' }, peak2.job);

  const rows = await runJobs('threads', jobs, opts, { roofs: false });
  await peak2.stop();
  const load1 = loadavg();
  be.setThreads(2);

  const speedups: string[][] = [];
  for (const name of [PEAK, ...cases.map((c) => c.name)]) {
    const one = rows.find((r) => r.case === name && r.lib === '1 thread');
    const two = rows.find((r) => r.case === name && r.lib === '2 threads');
    if (!one || !two) continue; // left out by --only
    const w = name === PEAK ? 2 : 1; // the peak's 2-thread call does twice the work
    const s = (w * one.ms) / two.ms;
    speedups.push([
      name,
      fmt(one.ms, 3),
      fmt(two.ms, 3),
      fmt(s, 2) + '×',
      fmt((w * one.minMs) / two.minMs, 2) + '×',
      `${fmt(one.spread * 100, 0)} % / ${fmt(two.spread * 100, 0)} %`,
      name === PEAK ? '(ceiling)' : '',
    ]);
  }
  const get = (c: string, lib: string) => rows.find((r) => r.case === c && r.lib === lib);
  const vs: string[][] = [];
  const two = get(resnet.name, '2 threads');
  for (const lib of [ORT_LIB, 'pytorch native 2 threads', 'pytorch native 1 thread']) {
    const p = get(resnet.name, lib);
    const mine = lib.includes('1 thread') ? get(resnet.name, '1 thread') : two;
    if (p && mine) vs.push([resnet.name, `simdnet ${mine.lib} ÷ ${lib}`, fmt(mine.ms, 1) + ' / ' + fmt(p.ms, 1) + ' ms', fmt(mine.ms / p.ms, 2) + '×', fmt(mine.minMs / p.minMs, 2) + '×']);
  }
  if ('run' in torch) torch.close();
  const notes = [
    `ResNet-18 against the peers (time ratios, < 1× means simdnet is faster):\n` +
      table(['case', 'ratio', 'medians', 'of medians', 'of bests'], vs),
    ...peerNotes,
    `speed-up of 2 threads over 1 (medians; best = fastest sample over fastest sample; the peak row is the\n` +
      `throughput of two peak loops at once over one: what the two vCPUs gave during these rounds):\n` +
      table(['case', '1 thread ms', '2 threads ms', 'speed-up', 'best', 'spread 1t / 2t', ''], speedups),
    `load average (1, 5, 15 min) before ${load0.map((v) => v.toFixed(2)).join(', ')}, after ${load1.map((v) => v.toFixed(2)).join(', ')} on ${
      (await import('node:os')).availableParallelism()
    } cores: other processes share them`,
    `${be.pool.parallelCalls} kernel calls ran in parts on the pool; ${backendInfo().threadsReason}`,
    'results are bit-identical with 1 and 2 threads (tests/threads.test.ts); 1 thread = the threaded build with setThreads(1)',
  ];
  return { rows, notes };
}
