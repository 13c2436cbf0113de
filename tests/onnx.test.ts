// simdnet/onnx in every runtime the node:test files run in (Node, Deno, Bun, Chromium): a
// model written by saveOnnx is read back from bytes by loadOnnx and gives the same outputs,
// trains, and bad files are clear Errors. (The torchvision and onnxruntime-web comparisons
// are in tests/onnx/, Node only.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';
import { loadOnnx, saveOnnx } from 'simdnet/onnx';

await sn.init();

test('loadOnnx(saveOnnx(lenet5)) from bytes: same outputs in NCHW and NHWC, run() by name, summary', () => {
  sn.seed(1);
  const net = sn.nn.models.lenet5();
  const bytes = saveOnnx(net, { inputShape: [1, 28, 28, 1] });
  assert.ok(bytes instanceof Uint8Array && bytes.length > 61_706 * 4);
  const x = sn.randn([3, 28, 28, 1], { seed: 2 });
  const want = sn.tidy(() => net.call(x).dataSync());
  const nhwc = loadOnnx(bytes, { layout: 'NHWC' });
  assert.deepEqual(nhwc.inputs.map((i) => [i.name, i.layout]), [['input', 'NHWC']]);
  const got = sn.tidy(() => nhwc.call(x).dataSync());
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * (1 + Math.abs(want[i])), `output ${i}: ${got[i]} vs ${want[i]}`);
  const nchw = loadOnnx(bytes);
  const byName = sn.tidy(() => nchw.run({ input: sn.reshape(x, [3, 1, 28, 28]) }).output.dataSync()); // one channel: NCHW = NHWC order
  assert.deepEqual(byName, got);
  assert.match(nchw.summary([1, 1, 28, 28]), /Conv[\s\S]*Gemm/);
  assert.equal(nchw.numParameters(), net.numParameters());
  for (const m of [nhwc, nchw, net]) m.dispose();
  x.dispose();
});

test('an imported model trains: fit lowers the loss, and saveOnnx writes the new weights', async () => {
  sn.seed(3);
  const net = sn.nn.models.lenet5();
  const m = loadOnnx(saveOnnx(net, { inputShape: [1, 28, 28, 1] }), { layout: 'NHWC' });
  net.dispose();
  m.train();
  const x = sn.randn([16, 28, 28, 1], { seed: 4 });
  const y = Int32Array.from({ length: 16 }, (_, i) => i % 10);
  const opt = new sn.optim.SGD(m.parameters(), { lr: 0.05, momentum: 0.9, form: 'classical' });
  const losses: number[] = [];
  for (let step = 0; step < 15; step++) {
    losses.push(sn.tidy(() => {
      const l = sn.crossEntropy(m.call(x), y);
      opt.zeroGrad();
      l.backward();
      opt.step();
      return l.item();
    }));
  }
  assert.ok(losses[14] < losses[0] * 0.5, `loss ${losses[0]} → ${losses[14]}`);
  m.eval();
  const back = loadOnnx(saveOnnx(m), { layout: 'NHWC' });
  const a = sn.tidy(() => m.call(x).dataSync());
  const b = sn.tidy(() => back.call(x).dataSync());
  assert.deepEqual(b, a);
  for (const t of [m, back]) t.dispose();
  x.dispose();
});

test('bad ONNX bytes are clear Errors', () => {
  sn.seed(5);
  const net = sn.nn.models.lenet5();
  const bytes = saveOnnx(net, { inputShape: [1, 28, 28, 1] });
  net.dispose();
  assert.throws(() => loadOnnx(new Uint8Array(0)), /simdnet\.loadOnnx: argument 'bytes' is empty/);
  assert.throws(() => loadOnnx('model.onnx' as unknown as Uint8Array), /simdnet\.loadOnnx: argument 'bytes' must be a Uint8Array/);
  assert.throws(() => loadOnnx(bytes.subarray(0, bytes.length >> 1)), /simdnet\.loadOnnx: .*(truncated|not an ONNX model|bytes of data)/);
  assert.throws(() => loadOnnx(new TextEncoder().encode('{"not": "onnx"}')), /simdnet\.loadOnnx: /);
  assert.throws(() => loadOnnx(bytes, { layout: 'NCWH' as 'NCHW' }), /option 'layout' must be 'NCHW' or 'NHWC'/);
  // An operator simdnet does not have: named with its node and the supported list.
  const renamed = bytes.slice();
  const at = findAscii(renamed, 'Conv');
  renamed.set(new TextEncoder().encode('Cosh'), at);
  assert.throws(() => loadOnnx(renamed), /node '[^']+' \(Cosh\): operator Cosh is not supported\. Supported on activations: .*Conv/);
  const m = loadOnnx(bytes);
  assert.throws(() => m.call(sn.zeros([1, 28, 28, 1])), /simdnet\.OnnxModel: input 'input' must have shape \[N, 1, 28, 28\] \(NCHW: loadOnnx\(bytes, \{ layout: 'NHWC' \}\) takes the other order\), got \[1, 28, 28, 1\]/);
  assert.throws(() => m.run({ image: sn.zeros([1, 1, 28, 28]) }), /unknown input 'image'; the model's inputs are 'input'/);
  m.dispose();
});

test('mutated ONNX files (truncations, byte flips, splices) load or fail with a simdnet Error, never anything else', () => {
  sn.seed(6);
  const net = new sn.nn.Sequential(
    new sn.nn.Conv2d(2, 4, 3, { padding: 1 }), new sn.nn.BatchNorm2d(4), new sn.nn.ReLU(), new sn.nn.MaxPool2d(2),
    new sn.nn.Flatten(), new sn.nn.Linear(4 * 4 * 4, 3),
  );
  const bytes = saveOnnx(net, { inputShape: [1, 8, 8, 2] });
  net.dispose();
  let state = 12345;
  const rand = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  let loaded = 0;
  let rejected = 0;
  for (let i = 0; i < 300; i++) {
    const b = bytes.slice();
    const kind = i % 3;
    let m: Uint8Array = b;
    if (kind === 0) m = b.subarray(0, rand(b.length));
    else if (kind === 1) for (let j = 0; j < 1 + rand(4); j++) b[rand(b.length)] = rand(256);
    else {
      const at = rand(b.length);
      const len = rand(64);
      m = new Uint8Array([...b.subarray(0, at), ...b.subarray(at + len)]);
    }
    try {
      const model = loadOnnx(m);
      loaded++;
      model.dispose();
    } catch (e) {
      rejected++;
      assert.ok(e instanceof Error && /^simdnet\./.test(e.message), `mutation ${i}: ${String(e)}`);
    }
  }
  assert.ok(rejected > 100 && loaded + rejected === 300, `${loaded} loaded, ${rejected} rejected`);
});

function findAscii(b: Uint8Array, s: string): number {
  const t = new TextEncoder().encode(s);
  outer: for (let i = 0; i + t.length <= b.length; i++) {
    for (let j = 0; j < t.length; j++) if (b[i + j] !== t[j]) continue outer;
    // The op_type field (NodeProto field 4: tag 0x22) followed by the length.
    if (b[i - 2] === 0x22 && b[i - 1] === t.length) return i;
  }
  throw new Error(`'${s}' not found as an op type`);
}
