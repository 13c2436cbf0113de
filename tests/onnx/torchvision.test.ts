// sn loadOnnx on torchvision's models exported by PyTorch, against onnxruntime-web.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';
import { loadOnnx } from 'simdnet/onnx';
import { fixtures, fixtureBytes, ortRun, relErr, torchMissing } from './fixtures';

await sn.init();
const skip = torchMissing();
const all = skip ? {} : fixtures();

// Models that need an op simdnet does not have yet: the import must fail with this message
// (naming the node and what is missing) until the op lands; then the entry goes.
const WAITING: Record<string, { batch?: number; error: RegExp }> = {
  mobilenet_v2: { error: /node '\/features\/features\.0\/features\.0\.2\/Clip' \(Clip\): Clip to \[0, 6\] is not supported yet/ },
  mobilenet_v3_small: { error: /node '\/features\/features\.0\/features\.0\.2\/HardS(igmoid|wish)' \(HardS(igmoid|wish)\): operator HardS(igmoid|wish) is not supported/ },
  shufflenet_v2_x1_0: { error: /node '\/stage2\/stage2\.0\/Reshape' \(Reshape\) needs the activation \[1,116,28,28\] in NCHW order/ },
  // [N, 1, 1, C] × [N, H, W, C] (squeeze-excite) broadcasts at batch 1 only.
  efficientnet_b0: { batch: 2, error: /simdnet\.mul: shapes \[2, 1, 1, 32\] and \[2, 112, 112, 32\] do not broadcast/ },
};

for (const [key, f] of Object.entries(all)) {
  const waiting = WAITING[f.model];
  test(`${key}: ${waiting && !waiting.batch ? 'fails to import with a clear Error (an op is missing)' : `imports and matches onnxruntime-web (${waiting ? `batch 1; batch ${waiting.batch} fails with a clear Error` : 'batch 1 and 2'}, NCHW and NHWC)`}`, async () => {
    assert.equal(f.error, undefined, `export failed: ${f.error}`);
    const bytes = fixtureBytes(f);
    const [, C, H, W] = f.input!;
    if (waiting && !waiting.batch) {
      assert.throws(() => loadOnnx(bytes), waiting.error);
      return;
    }
    for (const N of [1, 2]) {
      if (waiting?.batch === N) {
        const m = loadOnnx(bytes);
        assert.throws(() => sn.tidy(() => void m.call(sn.zeros([N, C, H, W]))), waiting.error);
        m.dispose();
        continue;
      }
      const x = sn.randn([N, C, H, W], { seed: N });
      const data = x.dataSync();
      const ref = (await ortRun(bytes, { input: { data, dims: [N, C, H, W] } })).output;
      for (const layout of ['NCHW', 'NHWC'] as const) {
        const m = loadOnnx(bytes, { layout });
        m.eval();
        const y = sn.tidy(() => {
          const input = layout === 'NCHW' ? x : sn.tensor(nhwc(data, N, C, H, W), [N, H, W, C]);
          const out = m.run({ input }).output;
          return out.dataSync();
        });
        const e = relErr(y, ref.data);
        assert.ok(e < 1e-4, `${key} batch ${N} ${layout}: error ${e.toExponential(2)} of the output scale`);
        m.dispose();
      }
      x.dispose();
    }
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
