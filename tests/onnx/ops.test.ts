// Each ONNX operator the importer maps, in a small PyTorch module with drawn attributes
// (tests/onnx/op_models.py), against onnxruntime-web at batch 2 in both layouts, with and
// without a gradient recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as sn from 'simdnet';
import { loadOnnx } from 'simdnet/onnx';
import { ortRun, relErr, torchMissing } from './fixtures';

await sn.init();
const skip = torchMissing();
const DIR = 'build/onnx/ops';

function manifest(): Record<string, { ops: string[]; input: number[] }> {
  const script = 'tests/onnx/op_models.py';
  const hash = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 16);
  const stamp = `${DIR}/script.hash`;
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash) {
    execFileSync('/usr/bin/python3', [script, DIR], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(stamp, hash);
  }
  return JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8'));
}

const cases = skip ? {} : manifest();
const toNHWC = (d: Float32Array, [N, C, H, W]: number[]) => {
  const o = new Float32Array(d.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) o[(n * H * W + i) * C + c] = d[(n * C + c) * H * W + i];
  return o;
};

for (const [name, c] of Object.entries(cases)) {
  test(`op ${name} (${c.ops.join(', ')}) matches onnxruntime-web`, async () => {
    const bytes = new Uint8Array(readFileSync(`${DIR}/${name}.onnx`));
    const x = sn.randn(c.input, { seed: 7 });
    const ref = (await ortRun(bytes, { input: { data: x.dataSync(), dims: c.input } })).output;
    for (const layout of ['NCHW', 'NHWC'] as const) {
      const m = loadOnnx(bytes, { layout });
      const [N, C, H, W] = c.input;
      const input = layout === 'NCHW' ? x : sn.tensor(toNHWC(x.dataSync(), c.input), [N, H, W, C]);
      // With a gradient recorded (fused activations beyond ReLU run as their own step) and
      // without (they run in the convolution's or dense layer's epilogue).
      for (const grad of [true, false]) {
        const y = sn.tidy(() => (grad ? m.run({ input }) : sn.noGrad(() => m.run({ input }))).output);
        const out = layout === 'NHWC' && y.rank === 4 ? sn.permute(y, [0, 3, 1, 2]) : y;
        assert.deepEqual(out.shape, ref.dims, `${layout}: shape`);
        const e = relErr(out.dataSync(), ref.data);
        assert.ok(e < 1e-4, `${name} ${layout}${grad ? '' : ' noGrad'}: error ${e.toExponential(2)} of the output scale`);
      }
      m.dispose();
    }
  });
}
