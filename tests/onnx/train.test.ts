// Training an imported graph: gradients equal PyTorch autograd's (input and last-layer
// weight of resnet18 and mobilenet_v3_small, float64 PyTorch reference), freezing works,
// fine-tuning the last layer lowers the loss, and the result exports back to onnxruntime-web.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as sn from 'simdnet';
import { loadOnnx, saveOnnx } from 'simdnet/onnx';
import { fixtures, fixtureBytes, ortRun, relErr, torchMissing } from './fixtures';

await sn.init();
const skip = torchMissing();
const all = skip ? {} : fixtures();
const DIR = 'build/onnx/grads';
const MODELS = ['resnet18', 'mobilenet_v3_small'];

if (!skip) {
  const script = 'tests/onnx/torchvision_grads.py';
  const hash = createHash('sha256').update(readFileSync(script)).update(readFileSync('tests/onnx/torchvision_export.py')).digest('hex').slice(0, 16);
  const stamp = `${DIR}/script.hash`;
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash || !MODELS.every((m) => existsSync(`${DIR}/${m}.dfc.f32`))) {
    execFileSync('/usr/bin/python3', [script, DIR, ...MODELS], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(stamp, hash);
  }
}

const f32 = (path: string) => {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** The last dense layer's weight parameter of an imported model (Gemm weights are [in, out]). */
function lastDense(m: sn.nn.Module): sn.Tensor {
  const gemms = m.namedParameters().filter(([n]) => /Gemm[^.]*\.weight$/.test(n));
  return gemms[gemms.length - 1][1];
}

for (const name of MODELS) {
  test(`${name}: gradients of the imported graph equal PyTorch autograd's within 1e-3 (input and last layer)`, { skip: skip ?? false }, () => {
    const m = loadOnnx(fixtureBytes(all[`${name}-op13`]));
    const x = sn.tensor(f32(`${DIR}/${name}.x.f32`), [2, 3, 224, 224], { requiresGrad: true });
    const r = f32(`${DIR}/${name}.r.f32`);
    sn.tidy(() => {
      const y = m.call(x);
      sn.sum(sn.mul(y, sn.tensor(r, y.shape))).backward();
    });
    const ex = relErr(x.grad!.dataSync(), f32(`${DIR}/${name}.dx.f32`));
    assert.ok(ex < 1e-3, `d loss / d input: error ${ex.toExponential(2)} relative to its scale`);
    const w = lastDense(m);
    const [In, Out] = w.shape;
    const torchT = f32(`${DIR}/${name}.dfc.f32`); // [out, in]
    const dw = w.grad!.dataSync();
    const mine = Float32Array.from({ length: In * Out }, (_, i) => dw[(i % In) * Out + Math.floor(i / In)]);
    const ew = relErr(mine, torchT);
    assert.ok(ew < 1e-3, `d loss / d last weight: error ${ew.toExponential(2)} relative to its scale`);
    x.dispose();
    m.dispose();
  });
}

test('fine-tuning the last layer of an imported mobilenet_v3_small (the rest frozen) lowers the loss in 50 steps; the result runs in onnxruntime-web', { skip: skip ?? false }, async () => {
  const bytes = fixtureBytes(all['mobilenet_v3_small-op13']);
  const m = loadOnnx(bytes);
  const head = m.namedParameters().filter(([n]) => /Gemm/.test(n)).slice(-2).map(([, p]) => p); // last Gemm's weight and bias
  for (const p of m.parameters()) p.requiresGrad = head.includes(p);
  const before = m.parameters().filter((p) => !head.includes(p)).map((p) => p.dataSync());
  const x = sn.randn([2, 3, 224, 224], { seed: 11 });
  const labels = Int32Array.from([17, 999]);
  const opt = new sn.optim.SGD(head, { lr: 0.05, momentum: 0.9, form: 'classical' });
  const losses: number[] = [];
  for (let step = 0; step < 50; step++) {
    losses.push(sn.tidy(() => {
      const loss = sn.crossEntropy(m.call(x), labels);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss.item();
    }));
  }
  assert.ok(losses[49] < 0.5 * losses[0], `loss ${losses[0].toFixed(4)} → ${losses[49].toFixed(4)}`);
  // Frozen parameters did not move.
  m.parameters().filter((p) => !head.includes(p)).forEach((p, i) => assert.deepEqual(p.dataSync(), before[i]));
  // Exported back: onnxruntime-web gives the fine-tuned model's outputs.
  const out = saveOnnx(m);
  const y = sn.tidy(() => sn.noGrad(() => m.call(x).dataSync()));
  const ref = (await ortRun(out, { input: { data: x.dataSync(), dims: [2, 3, 224, 224] } })).output;
  const e = relErr(ref.data, y);
  assert.ok(e < 1e-4, `onnxruntime-web on the exported fine-tuned model differs by ${e.toExponential(2)}`);
  x.dispose();
  m.dispose();
});

test('the Winograd weights of an imported resnet18 follow its parameters (loadStateDict, training) and agree with a recording run', { skip: skip ?? false }, () => {
  const m = loadOnnx(fixtureBytes(all['resnet18-op13']), { layout: 'NHWC' });
  const x = sn.randn([1, 224, 224, 3], { seed: 3 });
  const infer = () => sn.tidy(() => sn.predict(m, x).dataSync()); // no gradient: Winograd
  const recorded = () => sn.tidy(() => m.call(x).dataSync()); // records: im2col, no cached weights
  const before = infer();
  assert.ok(relErr(before, recorded()) < 1e-4, 'Winograd and im2col agree');
  infer(); // the cache again (the recording run dropped it)
  // New weights for every convolution: the next inference must see them.
  const state = Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, { shape: t.shape, data: k.endsWith('weight') && t.rank === 4 ? t.dataSync().map((v) => -v) : t.dataSync() }]));
  m.loadStateDict(state);
  const after = infer();
  assert.ok(relErr(before, after) > 1e-2, 'the output changed with the weights');
  assert.ok(relErr(after, recorded()) < 1e-4, 'after loadStateDict, inference uses the new weights');
  // A training step changes the weights in place.
  infer();
  const opt = new sn.optim.SGD(m.parameters(), { lr: 0.01 });
  m.train();
  sn.tidy(() => {
    const loss = sn.mean(m.call(x));
    opt.zeroGrad();
    loss.backward();
    opt.step();
  });
  m.eval();
  assert.ok(relErr(infer(), recorded()) < 1e-4, 'after a training step, inference uses the new weights');
  x.dispose();
  m.dispose();
});
