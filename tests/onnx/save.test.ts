// saveOnnx on every zoo model: onnxruntime-web runs the file with simdnet's outputs,
// onnx.checker accepts it, and loadOnnx reads it back to the same outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as sn from 'simdnet';
import { loadOnnx, saveOnnx } from 'simdnet/onnx';
import { ortRun, python, relErr, torchMissing } from './fixtures';

await sn.init();
const { models } = sn.nn;
const noTorch = torchMissing();

// Input sizes kept small where the architecture allows (the tests run in CI).
const ZOO: [string, () => sn.nn.Module, number[]][] = [
  ['lenet5', () => models.lenet5(), [2, 28, 28, 1]],
  ['alexnet', () => models.alexnet({ inputSize: 127, classes: 10 }), [2, 127, 127, 3]],
  ['vgg11', () => models.vgg11({ inputSize: 32, classes: 10 }), [2, 32, 32, 3]],
  ['vgg16', () => models.vgg16({ inputSize: 32, classes: 10 }), [1, 32, 32, 3]],
  ['googlenet', () => models.googlenet({ classes: 10 }), [2, 64, 64, 3]],
  ['resnet18', () => models.resnet18({ classes: 10 }), [2, 64, 64, 3]],
  ['resnet34', () => models.resnet34({ classes: 10 }), [1, 64, 64, 3]],
  ['unet', () => models.unet({ width: 8 }), [2, 16, 16, 1]],
  ['convAutoencoder', () => models.convAutoencoder({ width: 8 }), [2, 16, 16, 1]],
  ['mobilenetV2', () => models.mobilenetV2({ classes: 10 }), [2, 64, 64, 3]],
  ['mobilenetV3Small', () => models.mobilenetV3Small({ classes: 10 }), [2, 64, 64, 3]],
  ['mobilenetV3Large', () => models.mobilenetV3Large({ classes: 10 }), [1, 64, 64, 3]],
];

const toNCHW = (d: Float32Array, s: readonly number[]) => {
  if (s.length !== 4) return d;
  const [N, H, W, C] = s;
  const o = new Float32Array(d.length);
  for (let n = 0; n < N; n++) for (let i = 0; i < H * W; i++) for (let c = 0; c < C; c++) o[(n * C + c) * H * W + i] = d[(n * H * W + i) * C + c];
  return o;
};

// Batch norm with running statistics away from 0/1, so that the exported values matter.
function randomiseBatchNorm(m: sn.nn.Module): void {
  let seed = 7;
  for (const [name, t] of Object.entries(m.stateDict())) {
    if (/runningMean$/.test(name)) t.assign(sn.randn(t.shape, { seed: seed++, std: 0.1 }).dataSync());
    if (/runningVar$/.test(name)) t.assign(sn.rand(t.shape, { seed: seed++, low: 0.5, high: 1.5 }).dataSync());
  }
}

// The fused copies of the big plain stacks add time, not cases: fused variants of the others.
const FUSED = new Set(['lenet5', 'googlenet', 'unet', 'convAutoencoder']);

// Fused residual blocks, squeeze-excite steps and epilogues other than ReLU have no ONNX form:
// saveOnnx says so, naming the layer, before it runs anything.
for (const [name, shape, where] of [['resnet18', [1, 64, 64, 3], /FusedResidual/], ['mobilenetV3Small', [1, 64, 64, 3], /activation "hardswish"/]] as const) {
  test(`saveOnnx of a fused ${name} is a clear Error (save the model before fuseForInference)`, () => {
    const base = (sn.nn.models as unknown as Record<string, () => sn.nn.Module>)[name]();
    base.eval();
    const m = sn.nn.fuseForInference(base);
    const before = sn.memory().tensors;
    assert.throws(() => saveOnnx(m, { inputShape: [...shape] }), (e: Error) => /^simdnet\.saveOnnx/.test(e.message) && where.test(e.message) && /before fuseForInference/.test(e.message));
    assert.equal(sn.memory().tensors, before, 'no tensor left behind');
    m.dispose();
    base.dispose();
  });
}

for (const [name, make, shape] of ZOO) {
  for (const fused of FUSED.has(name) ? [false, true] : [false]) {
    test(`saveOnnx ${name}${fused ? ' (fuseForInference)' : ''}: onnxruntime-web within 1e-4, onnx.checker, loadOnnx round trip`, async () => {
      sn.seed(3);
      const base = make();
      randomiseBatchNorm(base);
      base.eval();
      const m = fused ? sn.nn.fuseForInference(base) : base;
      const x = sn.randn(shape, { seed: 5 });
      const y = sn.tidy(() => sn.noGrad(() => m.call(x)));
      const bytes = saveOnnx(m, { inputShape: shape });
      // onnxruntime-web
      const ref = (await ortRun(bytes, { input: { data: toNCHW(x.dataSync(), shape), dims: [shape[0], shape[3], shape[1], shape[2]] } })).output;
      const want = toNCHW(y.dataSync(), y.shape);
      const e = relErr(ref.data, want);
      assert.ok(e < 1e-4, `${name}: onnxruntime-web differs by ${e.toExponential(2)} of the output scale`);
      // loadOnnx, NHWC in and out: no edge transposes
      const back = loadOnnx(bytes, { layout: 'NHWC' });
      const z = sn.tidy(() => sn.noGrad(() => back.call(x).dataSync()));
      const e2 = relErr(z, y.dataSync());
      assert.ok(e2 < 1e-5, `${name}: loadOnnx(saveOnnx(m)) differs by ${e2.toExponential(2)}`);
      back.dispose();
      if (!noTorch && !fused) {
        mkdirSync('build/onnx/saved', { recursive: true });
        const path = `build/onnx/saved/${name}.onnx`;
        writeFileSync(path, bytes);
        python('import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', [path]);
      }
      x.dispose();
      y.dispose();
      if (fused) m.dispose();
      base.dispose();
    });
  }
}
