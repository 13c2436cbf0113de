// The demo page: starts the training worker, draws what it posts (charts, activation maps,
// filters, test predictions), runs the drawing pad, and exposes window.simdnetDemo for tests.
import uPlot from 'uplot';
import type { FromWorker, ToWorker, LayerView, OptimizerName } from './protocol';
import { inkOf, mnistLike, type Pixels } from './preprocess';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);

const state = {
  ready: false,
  step: 0,
  epoch: 0,
  accuracy: null as number | null,
  threads: 0,
  isolated: false,
  imagesPerSecond: 0,
  paused: false,
  error: null as string | null,
  onnx: null as boolean | null, // ONNX export offered (null: not known yet)
};

// Requests answered by the worker (predictions, weights), by id.
let nextId = 1;
const pending = new Map<number, (m: FromWorker) => void>();
const ask = <T extends FromWorker>(m: ToWorker & { id: number }, transfer: Transferable[] = []) =>
  new Promise<T>((resolve) => {
    pending.set(m.id, resolve as (m: FromWorker) => void);
    send(m, transfer);
  });

// ---- charts (uPlot: axes, cursor and 10^4-point series cheaply) ----
const lossData: [number[], number[], number[]] = [[], [], []];
const accData: [number[], number[]] = [[], []];
let ema = NaN;
const chartWidth = () => Math.max(280, $('loss-chart').clientWidth);
const lossChart = new uPlot(
  {
    width: chartWidth(), height: 220,
    scales: { x: { time: false }, y: { range: (_u, _lo, hi) => [0, Math.max(0.5, Math.min(hi, 2.5))] } },
    axes: [{ label: 'step' }, {}],
    series: [{ label: 'step' }, { label: 'batch loss', stroke: '#9bb7ee', width: 1 }, { label: 'smoothed', stroke: '#1d4ed8', width: 2 }],
  },
  lossData, $('loss-chart'),
);
const accChart = new uPlot(
  {
    width: chartWidth(), height: 220,
    scales: { x: { time: false }, y: { range: (_u, lo) => [Math.min(0.9, Math.floor((lo || 0.9) * 20) / 20), 1] } },
    axes: [{ label: 'step' }, { values: (_u, ticks) => ticks.map((t) => `${(t * 100).toFixed(0)} %`) }],
    series: [{ label: 'step' }, { label: 'accuracy', stroke: '#16a34a', width: 2, points: { show: true, size: 4 }, value: (_u, v) => (v == null ? '–' : `${(v * 100).toFixed(2)} %`) }],
  },
  accData, $('acc-chart'),
);
let chartsDirty = false;
const redrawCharts = () => {
  if (!chartsDirty) return;
  chartsDirty = false;
  lossChart.setData(lossData);
  accChart.setData(accData);
};

// ---- pictures ----
function drawView(v: LayerView, canvas: HTMLCanvasElement): void {
  canvas.width = v.width;
  canvas.height = v.height;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(v.rgba), v.width, v.height), 0, 0);
}

function rowFor(container: HTMLElement, key: string, title: string, sub: string): HTMLCanvasElement {
  let row = container.querySelector<HTMLElement>(`[data-key="${key}"]`);
  if (!row) {
    row = document.createElement('div');
    row.className = 'layer';
    row.dataset.key = key;
    row.innerHTML = '<div class="name"><b></b><small></small></div><canvas></canvas>';
    container.append(row);
  }
  row.querySelector('b')!.textContent = title;
  row.querySelector('small')!.textContent = sub;
  return row.querySelector('canvas')!;
}

function grayCanvas(values: ArrayLike<number>, canvas: HTMLCanvasElement, lo = 0, hi = 1): void {
  canvas.width = 28;
  canvas.height = 28;
  const img = new ImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const g = ((values[i] - lo) / (hi - lo)) * 255;
    img.data.set([g, g, g, 255], i * 4);
  }
  canvas.getContext('2d')!.putImageData(img, 0, 0);
}

const input = document.createElement('canvas');
function showViews(m: Extract<FromWorker, { type: 'views' }>): void {
  $('example-label').textContent = `— the current training example, a ${m.label}, at step ${m.step}`;
  const c = rowFor($('layers'), 'input', 'input', '28×28×1, normalised');
  let lo = Infinity, hi = -Infinity;
  for (const v of m.pixels) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  grayCanvas(m.pixels, input, lo, hi);
  c.width = 84;
  c.height = 84;
  const ctx = c.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(input, 0, 0, 84, 84);
  for (const v of m.layers) drawView(v, rowFor($('layers'), v.name, v.name, v.shape.slice(1).join('×')));
  for (const v of m.filters) {
    const c2 = rowFor($('filters'), v.name, v.name, v.shape.join('×') + ' HWIO');
    drawView(v, c2);
  }
}

let gridLabels: number[] = [];
function buildTestGrid(pixels: Uint8Array, labels: number[]): void {
  gridLabels = labels;
  const grid = $('test-grid');
  labels.forEach((_, i) => {
    const cell = document.createElement('div');
    cell.className = 'digit';
    const c = document.createElement('canvas');
    grayCanvas(Array.from(pixels.subarray(i * 784, (i + 1) * 784), (v) => v / 255), c);
    const txt = document.createElement('div');
    txt.className = 'top';
    cell.append(c, txt);
    grid.append(cell);
  });
}

function showTestGrid(top: [number, number][][]): void {
  const cells = $('test-grid').children;
  top.forEach((t, i) => {
    const cell = cells[i] as HTMLElement;
    cell.classList.toggle('wrong', t[0][0] !== gridLabels[i]);
    cell.dataset.label = String(gridLabels[i]);
    cell.dataset.predicted = String(t[0][0]);
    cell.querySelector('.top')!.innerHTML = t.map(([c, p], k) => `<div class="${k === 0 ? 'top1' : ''}">${c}: ${(p * 100).toFixed(1)} %</div>`).join('');
  });
}

// ---- the drawing pad ----
// 14 px on the 280 px pad: a digit drawn across most of the pad has MNIST's stroke width
// (about 1.5 of its 28 pixels) once scaled to 20×20.
const BRUSH = 14;
const pad = $<HTMLCanvasElement>('pad');
const pctx = pad.getContext('2d', { willReadFrequently: true })!;
const clearPad = () => {
  pctx.fillStyle = '#000';
  pctx.fillRect(0, 0, pad.width, pad.height);
  padState.version++;
  padState.result = null;
  showBars(null);
  $<HTMLCanvasElement>('pad-small').getContext('2d')!.clearRect(0, 0, 84, 84);
};
const padState = { version: 0, result: null as null | { version: number; probabilities: number[]; top: number; pixels: number[] } };
let last: [number, number] | null = null;
const at = (e: PointerEvent): [number, number] => {
  const r = pad.getBoundingClientRect();
  return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
};
const stroke = (to: [number, number]) => {
  pctx.strokeStyle = '#fff';
  pctx.fillStyle = '#fff';
  pctx.lineWidth = BRUSH;
  pctx.lineCap = 'round';
  pctx.lineJoin = 'round';
  pctx.beginPath();
  if (last) {
    pctx.moveTo(...last);
    pctx.lineTo(...to);
    pctx.stroke();
  } else {
    pctx.arc(to[0], to[1], BRUSH / 2, 0, 2 * Math.PI);
    pctx.fill();
  }
  last = to;
  padState.version++;
  schedulePadPrediction();
};
pad.addEventListener('pointerdown', (e) => {
  pad.setPointerCapture(e.pointerId);
  last = null;
  stroke(at(e));
});
pad.addEventListener('pointermove', (e) => {
  if (last) stroke(at(e));
});
const lift = () => (last = null);
pad.addEventListener('pointerup', lift);
pad.addEventListener('pointercancel', lift);
$('clear').addEventListener('click', clearPad);

let padBusy = false;
let padAgain = false;
function schedulePadPrediction(): void {
  if (padBusy) return void (padAgain = true);
  padBusy = true;
  requestAnimationFrame(async () => {
    const version = padState.version;
    const x = mnistLike(inkOf(pctx.getImageData(0, 0, pad.width, pad.height)), pad.width, pad.height);
    if (x) {
      const small = $<HTMLCanvasElement>('pad-small');
      grayCanvas(x, input);
      const sctx = small.getContext('2d')!;
      sctx.imageSmoothingEnabled = false;
      sctx.drawImage(input, 0, 0, 84, 84);
      const probabilities = await classify(x);
      if (padState.version >= version) {
        const top = probabilities.indexOf(Math.max(...probabilities));
        padState.result = { version, probabilities, top, pixels: Array.from(x) };
        showBars(probabilities);
      }
    }
    padBusy = false;
    if (padAgain) {
      padAgain = false;
      schedulePadPrediction();
    }
  });
}

const classify = async (x: Float32Array) => (await ask<Extract<FromWorker, { type: 'prediction' }>>({ type: 'predict', id: nextId++, pixels: x })).probabilities;

function showBars(p: number[] | null): void {
  const bars = $('pad-bars');
  if (!bars.children.length)
    for (let d = 0; d < 10; d++) bars.insertAdjacentHTML('beforeend', `<div class="bar"><span class="d">${d}</span><span class="track"><span class="fill" style="width:0"></span></span><span class="p">–</span></div>`);
  const best = p ? p.indexOf(Math.max(...p)) : -1;
  [...bars.children].forEach((b, d) => {
    (b.querySelector('.fill') as HTMLElement).style.width = p ? `${(p[d] * 100).toFixed(1)}%` : '0';
    b.querySelector('.p')!.textContent = p ? `${(p[d] * 100).toFixed(1)} %` : '–';
    b.classList.toggle('top', d === best);
  });
}

// ---- controls ----
const lrOf = () => Number((10 ** Number($<HTMLInputElement>('lr').value)).toPrecision(2));
$('lr').addEventListener('input', () => {
  $('lr-out').textContent = String(lrOf());
  send({ type: 'lr', value: lrOf() });
});
$('optimizer').addEventListener('change', () => {
  const name = $<HTMLSelectElement>('optimizer').value as OptimizerName;
  // Each optimizer's usual rate: SGD wants a larger one than Adam or RMSProp.
  $<HTMLInputElement>('lr').value = name === 'sgd' ? '-2' : '-3';
  $('lr-out').textContent = String(lrOf());
  send({ type: 'lr', value: lrOf() });
  send({ type: 'optimizer', name });
});
$('augment').addEventListener('change', () => send({ type: 'augment', on: $<HTMLInputElement>('augment').checked }));
const setPaused = (on: boolean) => {
  state.paused = on;
  $('pause').textContent = on ? 'Resume' : 'Pause';
  send({ type: on ? 'pause' : 'resume' });
};
$('pause').addEventListener('click', () => setPaused(!state.paused));
$('reset').addEventListener('click', () => send({ type: 'reset' }));
async function download(format: 'safetensors' | 'onnx'): Promise<void> {
  const m = await ask<Extract<FromWorker, { type: 'weights' }>>({ type: 'save', id: nextId++, format });
  if (!m.bytes) return void ($('load-msg').textContent = m.error ?? 'saving failed');
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([m.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  a.download = `lenet5-step${state.step}.${format}`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
$('save').addEventListener('click', () => download('safetensors'));
$('save-onnx').addEventListener('click', () => download('onnx'));
$('load').addEventListener('change', async () => {
  const file = $<HTMLInputElement>('load').files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const m = await ask<Extract<FromWorker, { type: 'loaded' }>>({ type: 'load', id: nextId++, bytes }, [bytes.buffer]);
  $('load-msg').textContent = m.error ? m.error : `loaded ${file.name}`;
});

// ---- messages from the worker ----
worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'ready': {
      Object.assign(state, { ready: true, threads: m.threads, isolated: m.isolated });
      const where = m.isolated ? 'the page is cross-origin isolated' : `not 2: ${m.threadsReason}`;
      $('status').className = `threads-${m.threads}`;
      $('status').innerHTML = `Training LeNet-5 on ${m.trainSize.toLocaleString('en')} MNIST digits in a Web Worker on <b id="threads">${m.threads} thread${m.threads === 1 ? '' : 's'}</b> (${where}).`;
      for (const id of ['pause', 'reset', 'save', 'load']) ($(id) as HTMLButtonElement).disabled = false;
      buildTestGrid(m.gridPixels, m.gridLabels);
      showBars(null);
      break;
    }
    case 'progress':
      Object.assign(state, { step: m.step, epoch: m.epoch, imagesPerSecond: m.imagesPerSecond });
      for (const [s, l] of m.losses) {
        ema = Number.isNaN(ema) ? l : 0.95 * ema + 0.05 * l;
        lossData[0].push(s);
        lossData[1].push(l);
        lossData[2].push(ema);
      }
      $('step').textContent = m.step.toLocaleString('en');
      $('epoch').textContent = String(m.epoch);
      $('ips').textContent = Math.round(m.imagesPerSecond).toLocaleString('en');
      $('loss').textContent = ema.toFixed(3);
      chartsDirty = true;
      break;
    case 'validation':
      state.accuracy = m.accuracy;
      accData[0].push(m.step);
      accData[1].push(m.accuracy);
      $('acc').textContent = `${(m.accuracy * 100).toFixed(2)} %`;
      chartsDirty = true;
      break;
    case 'views':
      showViews(m);
      break;
    case 'testGrid':
      showTestGrid(m.top);
      break;
    case 'onnx':
      state.onnx = m.available;
      $('save-onnx').hidden = !m.available;
      break;
    case 'reset':
      lossData.forEach((a) => (a.length = 0));
      accData.forEach((a) => (a.length = 0));
      ema = NaN;
      state.accuracy = null;
      $('acc').textContent = '–';
      chartsDirty = true;
      break;
    case 'error':
      state.error = m.message;
      $('status').textContent = `Error: ${m.message}`;
      break;
    default:
      if ('id' in m) {
        pending.get(m.id)?.(m);
        pending.delete(m.id);
      }
  }
};
worker.onerror = (e) => {
  state.error = e.message || 'the worker failed to start';
  $('status').textContent = `Error: ${state.error}`;
};
(function frame() {
  redrawCharts();
  requestAnimationFrame(frame);
})();
window.addEventListener('resize', () => {
  lossChart.setSize({ width: chartWidth(), height: 220 });
  accChart.setSize({ width: chartWidth(), height: 220 });
});

// ---- for tests and the console ----
declare global {
  interface Window {
    simdnetDemo: unknown;
  }
}
window.simdnetDemo = {
  get ready() { return state.ready; },
  get step() { return state.step; },
  get epoch() { return state.epoch; },
  /** The last validation accuracy (2,000 held-out digits), or null before the first. */
  get accuracy() { return state.accuracy; },
  get threads() { return state.threads; },
  get isolated() { return state.isolated; },
  get imagesPerSecond() { return state.imagesPerSecond; },
  get error() { return state.error; },
  /** Whether the page offers ONNX export (null until the worker has looked). */
  get onnx() { return state.onnx; },
  /** The pad's drawing version and the prediction of the latest drawing predicted. */
  get pad() { return { version: padState.version, result: padState.result }; },
  clearPad,
  pause: () => setPaused(true),
  resume: () => setPaused(false),
  /** Class probabilities of a drawing (ImageData or { data, width, height }), preprocessed like the pad's; null if blank. */
  async predict(img: Pixels) {
    const x = mnistLike(inkOf(img), img.width, img.height);
    if (!x) return null;
    const probabilities = await classify(x);
    return { probabilities, top: probabilities.indexOf(Math.max(...probabilities)) };
  },
};
clearPad();
