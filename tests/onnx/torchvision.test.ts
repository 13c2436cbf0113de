// sn loadOnnx on torchvision's models exported by PyTorch, against onnxruntime-web.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';
import { loadOnnx } from 'simdnet/onnx';
import { fixtures, fixtureBytes, ortRun, relErr, torchMissing } from './fixtures';

await sn.init();
const skip = torchMissing();
const all = skip ? {} : fixtures();

for (const [key, f] of Object.entries(all)) {
  test(`${key}: imports and matches onnxruntime-web (batch 1 and 2, NCHW and NHWC)`, async () => {
    assert.equal(f.error, undefined, `export failed: ${f.error}`);
    const bytes = fixtureBytes(f);
    const [, C, H, W] = f.input!;
    const cases = new Map<number, { x: sn.Tensor; data: Float32Array; ref: Float32Array }>();
    for (const N of [1, 2]) {
      const x = sn.randn([N, C, H, W], { seed: N });
      const data = x.dataSync();
      cases.set(N, { x, data, ref: (await ortRun(bytes, { input: { data, dims: [N, C, H, W] } })).output.data as Float32Array });
    }
    for (const layout of ['NCHW', 'NHWC'] as const) {
      const m = loadOnnx(bytes, { layout });
      m.eval();
      // One model across batch sizes: the shape arithmetic kept per input shapes (the dry
      // run's batch 1 first) must not leak from one shape to the other.
      for (const N of [2, 1, 2]) {
        const { x, data, ref } = cases.get(N)!;
        const y = sn.tidy(() => {
          const input = layout === 'NCHW' ? x : sn.tensor(nhwc(data, N, C, H, W), [N, H, W, C]);
          const out = m.run({ input }).output;
          return out.dataSync();
        });
        const e = relErr(y, ref);
        assert.ok(e < 1e-4, `${key} batch ${N} ${layout}: error ${e.toExponential(2)} of the output scale`);
      }
      m.dispose();
    }
    for (const { x } of cases.values()) x.dispose();
  });
}

test('PyTorch fixtures', { skip: skip ?? false }, () => {
  assert.ok(Object.keys(all).length >= 10);
});

function nhwc(d: Float32Array, N: number, C: number, H: number, W: number): Float32Array {
  const o = new Float32Array(d.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) o[(n * H * W + i) * C + c] = d[(n * C + c) * H * W + i];
  return o;
}
