// The checks every runtime runs on the simdnet entry it uses (plain JavaScript, no imports, so
// the same file loads in a page, a Worker and EdgeVM): loading, a convolution with known sums,
// LeNet-5 against Node's logits, one training step, a safetensors round trip.
// `fixture` = { weights: Uint8Array (safetensors), pixels: number[] (bytes, 784 per digit),
// labels: number[], logits: number[] (Node's output for these weights and digits) }.

function check(ok, message) {
  if (!ok) throw new Error(message);
}

/** Largest |got − want| / (1 + |want|); throws on a length mismatch. */
export function maxRelDiff(got, want) {
  check(got.length === want.length, `${got.length} values, want ${want.length}`);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return worst;
}

export const LOGITS_TOL = 1e-6;

export function digitsTensor(sn, pixels) {
  return sn.tensor(Float32Array.from(pixels, (v) => v / 255), [pixels.length / 784, 28, 28, 1]);
}

/** The fixture from a server: lenet5.safetensors, digits.json, expected.json, images.json and images.bin under `base`. */
export async function fetchFixture(base) {
  const get = (file) => fetch(new URL(file, base));
  const [weights, digits, expected, images, bytes] = await Promise.all([
    get('lenet5.safetensors').then((r) => r.arrayBuffer()),
    get('digits.json').then((r) => r.json()),
    get('expected.json').then((r) => r.json()),
    get('images.json').then((r) => r.json()),
    get('images.bin').then((r) => r.arrayBuffer()),
  ]);
  return { weights: new Uint8Array(weights), ...digits, logits: expected.logits, images: { ...images, bytes: new Uint8Array(bytes) } };
}

// The image files of one format through `toTensor(bytes, file)` ([1, 28, 28, 1] each), npm
// start's normalisation and the softmax: the probabilities and the labels, file by file.
async function classify(sn, net, images, format, toTensor) {
  const own = images.files.filter((f) => f.format === format);
  const xs = [];
  for (const f of own) xs.push(await toTensor(images.bytes.subarray(f.offset, f.offset + f.length), f));
  const x = sn.concat(xs, 0);
  const xn = sn.image.normalize(x, [images.mean], [images.std]);
  const p = sn.predict(net, xn, { probabilities: true });
  const probs = Array.from(p.dataSync());
  sn.dispose([...xs, x, xn, p]);
  return { probs, labels: own.map((f) => f.label) };
}

const argmaxRows = (v, C) => Array.from({ length: v.length / C }, (_, i) => {
  let best = 0;
  for (let j = 1; j < C; j++) if (v[i * C + j] > v[i * C + best]) best = j;
  return best;
});

// A 2-D canvas to draw on: pages have one; Deno defines OffscreenCanvas and
// createImageBitmap but its getContext('2d') gives null.
function hasCanvas2d() {
  try {
    return typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function' && !!new OffscreenCanvas(1, 1).getContext('2d');
  } catch {
    return false;
  }
}

// A page's own decoders: the file as a Blob, createImageBitmap, drawn on an OffscreenCanvas.
async function viaCanvas(sn, bytes, format) {
  const bitmap = await createImageBitmap(new Blob([bytes], { type: format === 'png' ? 'image/png' : 'image/jpeg' }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  canvas.getContext('2d').drawImage(bitmap, 0, 0);
  return sn.image.fromPixels(canvas, { channels: 1 });
}

export function smokeTests(sn, fixture) {
  const lenet = () => {
    const net = sn.nn.models.lenet5();
    sn.io.loadSafetensors(net, fixture.weights);
    return net;
  };
  return [
    ['init() loads the SIMD kernels', async () => {
      await sn.init();
      check(sn.isInitialized() && sn.backendInfo().simd === true, 'not initialised with SIMD');
    }],
    ['conv2d forward gives the known window sums', () => {
      // x[i][j] = 4i + j + 1 on a 4×4 image, a 3×3 kernel of ones: the four 3×3 window sums.
      const x = sn.tensor(Float32Array.from({ length: 16 }, (_, i) => i + 1), [1, 4, 4, 1]);
      const w = sn.ones([3, 3, 1, 1]);
      const y = sn.conv2d(x, w);
      const got = Array.from(y.dataSync());
      sn.dispose([x, w, y]);
      check(JSON.stringify(got) === '[54,63,90,99]', `got ${JSON.stringify(got)}`);
    }],
    ["LeNet-5 forward gives Node's logits", () => {
      const net = lenet();
      const x = digitsTensor(sn, fixture.pixels);
      const y = sn.predict(net, x);
      const d = maxRelDiff(y.dataSync(), fixture.logits);
      sn.dispose([x, y]);
      net.dispose();
      check(d <= LOGITS_TOL, `logits differ from Node's by ${d}`);
    }],
    ["sn.image.decode classifies the PNG and JPEG digit files with Node's probabilities", async () => {
      check(fixture.images, 'the fixture has no image files');
      const net = lenet();
      try {
        for (const format of ['png', 'jpeg']) {
          const { probs, labels } = await classify(sn, net, fixture.images, format, (bytes) => sn.image.decode(bytes, { channels: 1 }));
          const d = maxRelDiff(probs, fixture.images.probabilities[format]);
          check(d <= LOGITS_TOL, `${format}: probabilities differ from Node's by ${d}`);
          const right = argmaxRows(probs, 10).filter((c, i) => c === labels[i]).length;
          check(right >= 9, `${format}: ${right} of ${labels.length} held-out digits classified right`);
        }
      } finally {
        net.dispose();
      }
    }],
    ...(hasCanvas2d() ? [
      ["sn.image.fromPixels on a canvas: the browser's PNG pixels give Node's probabilities, its JPEG decoder Node's classes", async () => {
        const net = lenet();
        try {
          const png = await classify(sn, net, fixture.images, 'png', (bytes) => viaCanvas(sn, bytes, 'png'));
          const d = maxRelDiff(png.probs, fixture.images.probabilities.png);
          check(d <= LOGITS_TOL, `png via canvas: probabilities differ from Node's by ${d}`);
          // JPEG decoders may round the inverse DCT differently: the same classes, close probabilities.
          const jpg = await classify(sn, net, fixture.images, 'jpeg', (bytes) => viaCanvas(sn, bytes, 'jpeg'));
          const want = argmaxRows(fixture.images.probabilities.jpeg, 10);
          check(JSON.stringify(argmaxRows(jpg.probs, 10)) === JSON.stringify(want), `jpeg via canvas: classes ${argmaxRows(jpg.probs, 10)}, Node's ${want}`);
          const far = Math.max(...jpg.probs.map((v, i) => Math.abs(v - fixture.images.probabilities.jpeg[i])));
          check(far <= 0.05, `jpeg via canvas: a probability differs from Node's by ${far}`);
        } finally {
          net.dispose();
        }
      }],
    ] : []),
    ['one SGD step on the digits lowers the loss', () => {
      const net = lenet();
      const opt = new sn.optim.SGD(net.parameters(), { lr: 0.01 });
      const x = digitsTensor(sn, fixture.pixels);
      const labels = Int32Array.from(fixture.labels);
      const lossOf = () => sn.tidy(() => sn.crossEntropy(net.forward(x), labels).item());
      const before = lossOf();
      opt.zeroGrad();
      const loss = sn.crossEntropy(net.forward(x), labels);
      loss.backward();
      opt.step();
      loss.dispose();
      const after = lossOf();
      opt.dispose();
      net.dispose();
      x.dispose();
      check(Number.isFinite(before) && after < before, `loss ${before} -> ${after}`);
    }],
    ['safetensors round trip keeps the weights and the outputs', () => {
      const a = lenet();
      const bytes = sn.io.saveSafetensors(a);
      const b = sn.nn.models.lenet5();
      sn.io.loadSafetensors(b, bytes);
      const x = digitsTensor(sn, fixture.pixels);
      const ya = sn.predict(a, x);
      const yb = sn.predict(b, x);
      const same = maxRelDiff(yb.dataSync(), ya.dataSync()) === 0;
      sn.dispose([x, ya, yb]);
      a.dispose();
      b.dispose();
      check(same, 'outputs differ after the round trip');
    }],
  ];
}

/** The message and the stack (V8 stacks start with the message, Firefox's do not). */
/**
 * simdnet/onnx (`onnx` is that module): LeNet-5 with the fixture's weights written by saveOnnx
 * and read back from the bytes by loadOnnx gives Node's logits.
 */
export function onnxSmokeTests(sn, onnx, fixture) {
  return [
    ["saveOnnx → loadOnnx from bytes: LeNet-5 gives Node's logits", () => {
      const net = sn.nn.models.lenet5();
      sn.io.loadSafetensors(net, fixture.weights);
      const bytes = onnx.saveOnnx(net, { inputShape: [1, 28, 28, 1] });
      net.dispose();
      const m = onnx.loadOnnx(bytes, { layout: 'NHWC' });
      const x = digitsTensor(sn, fixture.pixels);
      const y = sn.predict(m, x);
      const d = maxRelDiff(y.dataSync(), fixture.logits);
      sn.dispose([x, y]);
      m.dispose();
      check(bytes instanceof Uint8Array && d <= 1e-5, `logits differ from Node's by ${d}`);
    }],
  ];
}

export function describeError(err) {
  const stack = String(err?.stack ?? '');
  return stack.startsWith(String(err)) ? stack : `${err}\n${stack}`;
}

/** Runs [name, fn] pairs in order; returns one result per test. */
export async function runTests(tests) {
  const results = [];
  for (const [name, fn] of tests) {
    const t0 = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - t0 });
    } catch (err) {
      results.push({ name, ok: false, ms: Date.now() - t0, error: describeError(err) });
    }
  }
  return results;
}
