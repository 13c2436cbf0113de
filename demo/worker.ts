// The demo's Web Worker: owns simdnet and the model, trains LeNet-5 on the MNIST digits in
// chunks of about 40 ms, and between chunks answers the page (predictions, controls, weights)
// and posts progress, validation accuracy, activation maps, filters and test predictions.
import * as sn from 'simdnet';
import { decodeDigits } from './digits.js';
import type { ToWorker, FromWorker, LayerView, OptimizerName } from './protocol';

const MEAN = 0.1307;
const STD = 0.3081;
const BATCH = 32;
const GRID_DIGITS = 40;
// Layers drawn for the current example: each convolution, its ReLU and pooling, the dense
// layers after their ReLU, the logits.
const SHOWN = ['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'relu3', 'relu4', 'fc3'];
const SCALE: Record<number, number> = { 28: 3, 14: 4, 10: 5, 5: 8 };

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

interface Split {
  n: number;
  labels: Uint8Array;
  x: Float32Array; // 784 per digit, normalised (the training split: in [0, 1], normalised per batch after augmentation)
}

let train: Split;
let test: Split;
let net: sn.nn.Sequential;
let opt: sn.optim.Optimizer;
let optName: OptimizerName = 'adam';
let lr = 1e-3;
let paused = false;
let step = 0;
let epoch = 0;
let order = new Int32Array(0);
let cursor = 0;
let seed = 1;
let example = 0; // index of the training digit shown in the activation maps
const queue: ToWorker[] = [];
type SaveOnnx = (model: sn.nn.Module, options: { inputShape: number[] }) => Uint8Array;
let saveOnnx: SaveOnnx | null = null;
let wake: (() => void) | null = null;

// Seeded shuffle per epoch (xorshift): the same run for the same seed.
let rngState = 1;
const rnd = () => {
  rngState ^= rngState << 13;
  rngState ^= rngState >>> 17;
  rngState ^= rngState << 5;
  return (rngState >>> 0) / 2 ** 32;
};

function split(labels: Uint8Array, pixels: Uint8Array, normalized: boolean): Split {
  const x = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) x[i] = normalized ? (pixels[i] / 255 - MEAN) / STD : pixels[i] / 255;
  return { n: labels.length, labels, x };
}
const normalize = sn.data.normalize(MEAN, STD);
// Small rotations, shifts and zooms: drawings on the pad vary more than MNIST's digits do.
const affine = sn.data.randomAffine({ degrees: 10, translate: 2, scale: 0.1, seed: 3 });
let augment = true;

async function loadDigits(): Promise<{ train: Split; test: Split; testPixels: Uint8Array }> {
  const res = await fetch(new URL('./mnist.bin', import.meta.url));
  if (!res.ok) throw new Error(`mnist.bin: HTTP ${res.status}`);
  let bytes = new Uint8Array(await res.arrayBuffer());
  // gzip inside (a server that adds Content-Encoding has already undone it).
  if (bytes[0] === 0x1f && bytes[1] === 0x8b)
    bytes = new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  const digits = decodeDigits(bytes);
  return {
    train: split(digits.train.labels, digits.train.pixels, false),
    test: split(digits.test.labels, digits.test.pixels, true),
    testPixels: digits.test.pixels.slice(0, GRID_DIGITS * 784),
  };
}

function makeOptimizer(): sn.optim.Optimizer {
  const params = net.parameters();
  if (optName === 'sgd') return new sn.optim.SGD(params, { lr, momentum: 0.9, form: 'classical' });
  if (optName === 'rmsprop') return new sn.optim.RMSProp(params, { lr });
  return new sn.optim.Adam(params, { lr });
}

function reset(): void {
  net?.dispose();
  sn.seed(seed);
  rngState = seed * 2654435761 || 1;
  net = sn.nn.models.lenet5();
  opt = makeOptimizer();
  step = 0;
  epoch = 0;
  cursor = train.n; // a new shuffle on the first step
}

function trainStep(): number {
  if (cursor + BATCH > train.n) {
    order = Int32Array.from({ length: train.n }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    cursor = 0;
    if (step > 0) epoch++;
  }
  const xb = new Float32Array(BATCH * 784);
  const yb = new Int32Array(BATCH);
  for (let b = 0; b < BATCH; b++) {
    const i = order[cursor + b];
    xb.set(train.x.subarray(i * 784, (i + 1) * 784), b * 784);
    yb[b] = train.labels[i];
  }
  if (augment) affine(xb, [BATCH, 28, 28, 1]);
  normalize(xb, [BATCH, 28, 28, 1]);
  example = order[cursor];
  cursor += BATCH;
  step++;
  return sn.tidy(() => {
    const loss = sn.crossEntropy(net.call(sn.tensor(xb, [BATCH, 28, 28, 1])), yb);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    return loss.item();
  });
}

/** Class probabilities [n, 10] of n normalised digits. */
function probabilities(x: Float32Array, n: number): Float32Array {
  return sn.tidy(() => sn.noGrad(() => sn.softmax(net.call(sn.tensor(x, [n, 28, 28, 1]))).dataSync()));
}

/** Top-1 accuracy on the held-out digits (argmax of the logits), in batches of 500. */
function validate(): number {
  let right = 0;
  for (let s = 0; s < test.n; s += 500) {
    const m = Math.min(500, test.n - s);
    const top = sn.tidy(() => sn.noGrad(() => sn.argmax(net.call(sn.tensor(test.x.subarray(s * 784, (s + m) * 784), [m, 28, 28, 1])), 1).dataSync()));
    for (let i = 0; i < m; i++) if (top[i] === test.labels[s + i]) right++;
  }
  return right / test.n;
}

/** The k most probable classes of each digit and their probabilities: [class, p][] per digit. */
function topClasses(x: Float32Array, n: number, k: number): [number, number][][] {
  return sn.tidy(() =>
    sn.noGrad(() => {
      const { values, indices } = sn.topk(sn.softmax(net.call(sn.tensor(x, [n, 28, 28, 1]))), k);
      const v = values.dataSync();
      const c = indices.dataSync();
      return Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, j) => [c[i * k + j], v[i * k + j]] as [number, number]));
    }),
  );
}

function views(): { layers: LayerView[]; filters: LayerView[]; pixels: Float32Array; label: number } {
  const pixels = train.x.slice(example * 784, (example + 1) * 784);
  normalize(pixels, [1, 28, 28, 1]);
  const layers = sn.tidy(() =>
    sn.noGrad(() => {
      const { output, captured } = net.capture(sn.tensor(pixels, [1, 28, 28, 1]), SHOWN);
      const prob = sn.softmax(output);
      const view = (name: string, t: sn.Tensor): LayerView => {
        let grid: sn.image.PixelGrid;
        if (t.rank === 2) {
          // A dense layer's F values as a block of rows of 12 (120 → 10×12), as ConvNetJS draws them.
          const F = t.shape[1];
          const cols = Math.min(F, 12);
          const normalize = name === 'softmax' ? { min: 0, max: 1 } : 'tile';
          grid = sn.image.activationGrid({ data: t.dataSync(), shape: [1, F / cols, cols, 1] }, { scale: 10, normalize });
        } else {
          grid = sn.image.activationGrid(t, { scale: SCALE[t.shape[1]] ?? 2, gap: 2, columns: Math.min(t.shape[3], 8) });
        }
        return { name, shape: t.shape.slice(), width: grid.width, height: grid.height, rgba: grid.data };
      };
      return [...SHOWN.map((n) => view(n, captured[n])), view('softmax', prob)];
    }),
  );
  const conv = (i: number) => (net.layers[i] as sn.nn.Conv2d).weight;
  const filters = [
    { name: 'conv1 filters (5×5×1, 6)', t: conv(0), scale: 10 },
    { name: 'conv2 filters (5×5, 6 in × 16 out)', t: conv(3), scale: 4 },
  ].map(({ name, t, scale }) => {
    const g = sn.image.filterGrid(t, { scale, gap: 2 });
    return { name, shape: t.shape.slice(), width: g.width, height: g.height, rgba: g.data };
  });
  return { layers, filters, pixels, label: train.labels[example] };
}

function handle(m: ToWorker): void {
  switch (m.type) {
    case 'pause':
      paused = true;
      break;
    case 'resume':
      paused = false;
      break;
    case 'lr':
      lr = m.value;
      opt.lr = lr;
      break;
    case 'augment':
      augment = m.on;
      break;
    case 'optimizer':
      optName = m.name;
      opt = makeOptimizer(); // fresh state: moments of another optimizer do not carry over
      break;
    case 'reset':
      seed++;
      reset();
      post({ type: 'reset' });
      sendViews(true);
      break;
    case 'predict': {
      const x = new Float32Array(784);
      for (let i = 0; i < 784; i++) x[i] = (m.pixels[i] - MEAN) / STD;
      post({ type: 'prediction', id: m.id, probabilities: Array.from(probabilities(x, 1)) });
      break;
    }
    case 'save': {
      try {
        const bytes = m.format === 'onnx'
          ? saveOnnx!(net, { inputShape: [1, 28, 28, 1] })
          : sn.io.saveSafetensors(net, { model: 'lenet5', dataset: 'mnist', inputMean: String(MEAN), inputStd: String(STD), step: String(step) });
        post({ type: 'weights', id: m.id, bytes }, [bytes.buffer]);
      } catch (err) {
        post({ type: 'weights', id: m.id, error: (err as Error).message });
      }
      break;
    }
    case 'load':
      try {
        sn.io.loadSafetensors(net, m.bytes);
        post({ type: 'loaded', id: m.id });
        sendViews(true);
      } catch (err) {
        post({ type: 'loaded', id: m.id, error: (err as Error).message });
      }
      break;
  }
}

let lastViews = 0;
let lastGrid = 0;
function sendViews(now = false): void {
  const t = performance.now();
  if (!now && t - lastViews < 600) return;
  lastViews = t;
  const v = views();
  post({ type: 'views', step, ...v }, [...v.layers, ...v.filters].map((l) => l.rgba.buffer as ArrayBuffer));
  if (!now && t - lastGrid < 2500) return;
  lastGrid = t;
  post({ type: 'testGrid', step, top: topClasses(test.x.subarray(0, GRID_DIGITS * 784), GRID_DIGITS, 3) });
}

// Yields to the worker's message queue without the 4 ms clamp of nested timeouts.
const channel = new MessageChannel();
let resume: (() => void) | null = null;
channel.port1.onmessage = () => resume?.();
const yieldNow = () => new Promise<void>((r) => {
  resume = r;
  channel.port2.postMessage(0);
});

async function loop(): Promise<never> {
  let losses: [number, number][] = [];
  let windowStart = performance.now();
  let windowImages = 0;
  let imagesPerSecond = 0;
  let lastProgress = 0;
  let lastVal = performance.now();
  for (;;) {
    while (queue.length) handle(queue.shift()!);
    if (paused) {
      await new Promise<void>((r) => (wake = r));
      wake = null;
      windowStart = performance.now();
      windowImages = 0;
      continue;
    }
    const t0 = performance.now();
    while (performance.now() - t0 < 40) {
      losses.push([step + 1, trainStep()]);
      windowImages += BATCH;
    }
    const t = performance.now();
    if (t - windowStart > 1000) {
      imagesPerSecond = (windowImages * 1000) / (t - windowStart);
      windowStart = t;
      windowImages = 0;
    }
    if (t - lastProgress > 100) {
      post({ type: 'progress', step, epoch, losses, imagesPerSecond, lr, optimizer: optName });
      losses = [];
      lastProgress = t;
    }
    if (t - lastVal > 2000) {
      const v0 = performance.now();
      const accuracy = validate();
      post({ type: 'validation', step, epoch, accuracy, ms: performance.now() - v0 });
      lastVal = performance.now();
    }
    sendViews();
    await yieldNow();
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  // Predictions and saving are answered at once, even mid-run or paused; the rest in order.
  if (net && (m.type === 'predict' || m.type === 'save' || m.type === 'load')) handle(m);
  else queue.push(m);
  wake?.();
};

async function main(): Promise<void> {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  // 2 threads where the page may have them; elsewhere simdnet runs on 1 and says why.
  await sn.init({ threads: 2 });
  const info = sn.backendInfo();
  const data = await loadDigits();
  train = data.train;
  test = data.test;
  reset();
  post({
    type: 'ready', threads: info.threads, threadsReason: info.threadsReason, isolated,
    trainSize: train.n, testSize: test.n,
    gridPixels: data.testPixels, gridLabels: Array.from(test.labels.subarray(0, GRID_DIGITS)),
  });
  sendViews(true);
  // ONNX export lives in simdnet/onnx (with its protobuf encoder): loaded on the side, offered
  // when this build of simdnet has it.
  import('simdnet/onnx').then(
    (onnx: Record<string, unknown>) => {
      if (typeof onnx.saveOnnx === 'function') saveOnnx = onnx.saveOnnx as SaveOnnx;
      post({ type: 'onnx', available: saveOnnx !== null });
    },
    () => post({ type: 'onnx', available: false }),
  );
  await loop();
}

main().catch((err) => post({ type: 'error', message: String((err as Error)?.stack ?? err) }));
