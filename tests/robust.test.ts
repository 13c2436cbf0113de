// Reliability fixes of issue 11: every public entry checks its tensors (items 3, 12), no leak
// on any path (item 7), zero-size dimensions (items 4, 5), version counters (item 8),
// optimizer hyper-parameters (item 9), invalid input rejected (item 13), safetensors
// `__proto__` (item 14). Each test failed before its fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();
const inUse = () => sn.backendInfo().memoryInUse;
const err = (op: string, ...parts: (string | RegExp)[]) => (e: unknown) => {
  assert.ok(e instanceof Error, `an Error, got ${String(e)}`);
  assert.ok(e.message.startsWith(`simdnet.${op}: `), `message starts with simdnet.${op}: ${e.message}`);
  for (const p of parts) assert.ok(typeof p === 'string' ? e.message.includes(p) : p.test(e.message), `${e.message} names ${p}`);
  return true;
};

test('a tensor from another copy of the package, an impostor and a disposed tensor are clear Errors at every entry', async () => {
  // A second copy of the package (two bundles each carrying one): its own module instance.
  let foreign: sn.Tensor | null = null;
  const resolve = (import.meta as { resolve?: (s: string) => string }).resolve;
  try {
    const other = (await import(`${resolve!('simdnet')}?copy=2`)) as typeof sn;
    await other.init();
    foreign = other.ones([2, 3]);
  } catch {
    // This runtime cannot load a second instance of the module by URL: the other cases stay.
  }
  const x = sn.ones([2, 3], { requiresGrad: true });
  const impostor = { shape: [2, 3], size: 6, ptr: x.ptr, rank: 2, dtype: 'float32' };
  const proto = Object.create(sn.Tensor.prototype) as sn.Tensor;
  for (const bad of [foreign, impostor, proto].filter((t) => t !== null)) {
    assert.throws(() => sn.add(x, bad as sn.Tensor), err('add', "argument 'b'"));
    assert.throws(() => sn.predict(new sn.nn.Flatten(), bad as sn.Tensor), err('predict', "argument 'x'"));
    const y = sn.mul(x, 2);
    assert.throws(() => y.backward(bad as sn.Tensor), err('backward', "argument 'dy'"));
    y.dispose();
    assert.throws(() => new sn.optim.SGD([bad as sn.Tensor], { lr: 0.1 }), err('SGD', "argument 'params[0]'"));
    assert.throws(() => sn.gradcheck((t) => t, [bad as sn.Tensor]), err('gradcheck', "argument 'inputs[0]'"));
  }
  if (foreign) {
    assert.throws(() => sn.add(x, foreign!), /another copy of simdnet/);
    foreign.dispose();
  }
  const gone = sn.zeros([2]);
  gone.dispose();
  assert.throws(() => gone.dataSync(), err('dataSync', 'dispose()'));
  assert.throws(() => gone.item(), err('item'));
  assert.throws(() => gone.assign([1, 2]), err('assign', 'dispose()'));
  assert.throws(() => gone.detach(), err('detach', 'dispose()'));
  assert.throws(() => sn.mul(x, 2).backward(gone), err('backward', "argument 'dy'", 'dispose()'));
  x.dispose();
});

test('number operands of add/sub/mul/div and neg leave nothing behind', () => {
  const x = sn.randn([3, 4], { seed: 1 });
  const before = inUse();
  for (let i = 0; i < 5; i++) {
    for (const y of [sn.add(x, 1), sn.sub(2, x), sn.mul(x, 3), sn.div(1, x), sn.neg(x)]) y.dispose();
  }
  assert.equal(inUse(), before);
  // With a gradient, the scalar lives with the output and goes with it.
  const w = sn.randn([3], { seed: 2, requiresGrad: true });
  const b2 = inUse();
  const y = sn.mul(sn.add(w, 1), 2);
  sn.sum(y).backward();
  assert.deepEqual(Array.from(w.grad!.dataSync()), [2, 2, 2]);
  w.grad!.dispose();
  w.grad = null;
  sn.dispose(y);
  assert.ok(inUse() <= b2 + 64, `only the graph's own tensors remain: ${inUse() - b2}`);
  x.dispose();
  w.dispose();
});

test('a model builder that throws part-way frees what it made; builders check their options', () => {
  const before = inUse();
  assert.throws(() => sn.nn.models.vgg11({ inputSize: 32, classes: 0 }), err('vgg11', 'classes'));
  assert.throws(() => sn.nn.models.vgg11({ inputSize: -32 }), err('vgg11', 'inputSize'));
  assert.throws(() => sn.nn.models.lenet5({ classes: 2.5 }), err('lenet5', 'classes'));
  assert.throws(() => sn.nn.models.resnet18({ inChannels: 0 }), err('resnet18', 'inChannels'));
  assert.equal(inUse(), before, 'the convolutions made before the failing layer are freed');
});

test('tidy(async fn) is an Error that leaves no scope open and frees what fn made synchronously', async () => {
  const before = inUse();
  assert.throws(() => sn.tidy((async () => { sn.zeros([100]); }) as unknown as () => void), err('tidy', 'synchronous'));
  assert.equal(inUse(), before);
  // The scope was closed: a tensor made now belongs to no scope and survives an outer tidy's end.
  const kept = sn.tidy(() => sn.zeros([3]));
  assert.ok(!kept.isDisposed);
  kept.dispose();
  assert.throws(() => sn.tidy(42 as unknown as () => void), err('tidy', 'function'));
});

test('crossEntropy with bad labels and a loss that throws in fit leave nothing behind', async () => {
  const logits = sn.randn([2, 3], { seed: 3 });
  const wrong = sn.zeros([3, 3]);
  const before = inUse();
  assert.throws(() => sn.crossEntropy(logits, [0, 7]), err('crossEntropy', 'labels'));
  assert.throws(() => sn.crossEntropy(logits, wrong), err('crossEntropy', 'labels'));
  assert.throws(() => sn.crossEntropy(logits, [0.5, 1]), err('crossEntropy', 'labels'));
  assert.equal(inUse(), before);
  // A loss function that throws inside fit: the batch and the step's tensors are freed.
  const net = new sn.nn.Sequential(new sn.nn.Linear(3, 3));
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.1 });
  sn.predict(net, logits).dispose(); // the GEMM's scratch block, made once
  const b2 = inUse();
  await assert.rejects(sn.fit(net, { x: logits, y: [0, 1] }, { epochs: 1, optimizer: opt, progress: false, loss: () => { throw new Error('loss failed'); } }), /loss failed/);
  assert.equal(inUse(), b2);
  opt.dispose();
  net.dispose();
  sn.dispose([logits, wrong]);
});

test('zero-size dimensions give PyTorch\'s empty or zero results', () => {
  const t = (s: number[]) => sn.zeros(s);
  const check = (y: sn.Tensor, shape: number[], value = 0) => {
    assert.deepEqual(y.shape, shape);
    assert.ok(y.dataSync().every((v) => v === value), `${y.dataSync()}`);
    y.dispose();
  };
  check(sn.matmul(t([0, 4]), t([4, 2])), [0, 2]);
  check(sn.matmul(sn.ones([3, 0]), sn.ones([0, 2])), [3, 2]);
  check(sn.matmul(t([3, 4]), t([4, 0])), [3, 0]);
  check(sn.linear(sn.ones([2, 0]), sn.ones([0, 3]), sn.full([3], 2)), [2, 3], 2);
  check(sn.sum(t([0, 3]), { axis: 0 }), [3]);
  check(sn.sum(t([0])), []);
  check(sn.conv2d(t([0, 5, 5, 2]), t([3, 3, 2, 4])), [0, 3, 3, 4]);
  check(sn.conv2d(sn.ones([1, 4, 4, 0]), t([3, 3, 0, 5])), [1, 2, 2, 5]);
  // Backward with K = 0 and N = 0.
  const a = sn.ones([2, 0], { requiresGrad: true });
  const b = sn.ones([0, 3], { requiresGrad: true });
  sn.sum(sn.matmul(a, b)).backward();
  assert.deepEqual(a.grad!.shape, [2, 0]);
  assert.deepEqual(b.grad!.shape, [0, 3]);
  sn.dispose([a, b]);
  const xc = sn.ones([1, 4, 4, 0], { requiresGrad: true });
  const wc = sn.ones([3, 3, 0, 2], { requiresGrad: true });
  sn.sum(sn.conv2d(xc, wc)).backward();
  assert.deepEqual(wc.grad!.shape, [3, 3, 0, 2]);
  sn.dispose([xc, wc]);
  assert.throws(() => sn.convTranspose2d(t([1, 3, 3, 2]), t([0, 3, 4, 2])), err('convTranspose2d', "'w'"));
  const m = sn.mean(t([0, 3]), { axis: 0 }); // PyTorch: nan over no rows
  assert.ok(m.dataSync().every(Number.isNaN));
  m.dispose();
});

test('assign() on a tensor the graph saved, between forward and backward, raises (version counters)', () => {
  const x = sn.tensor([1, 2, 3], undefined, { requiresGrad: true });
  const w = sn.tensor([2, 2, 2], undefined, { requiresGrad: true });
  const y = sn.sum(sn.mul(x, w));
  w.assign([5, 5, 5]);
  assert.throws(() => y.backward(), err('backward', 'mul', 'modified'));
  // After a fresh forward it works.
  const y2 = sn.sum(sn.mul(x, w));
  y2.backward();
  assert.deepEqual(Array.from(x.grad!.dataSync()), [5, 5, 5]);
  // An optimizer step between forward and backward changes the parameters in place, too.
  const p = sn.randn([2, 2], { seed: 4, requiresGrad: true });
  const opt = new sn.optim.SGD([p], { lr: 0.1 });
  const l1 = sn.sum(sn.mul(p, p));
  l1.backward();
  const l2 = sn.sum(sn.mul(p, p));
  opt.step();
  assert.throws(() => l2.backward(), err('backward', 'modified'));
  sn.dispose([x, w, p]);
});

test('optimizer hyper-parameters are checked as PyTorch checks them', () => {
  const p = [sn.zeros([2], { requiresGrad: true })];
  assert.throws(() => new sn.optim.Adam(p, { beta1: 1 }), err('Adam', 'beta1', '< 1'));
  assert.throws(() => new sn.optim.Adam(p, { beta2: 1 }), err('Adam', 'beta2', '< 1'));
  assert.throws(() => new sn.optim.Adam(p, { beta1: -0.1 }), err('Adam', 'beta1'));
  assert.throws(() => new sn.optim.Adam(p, { lr: -1 }), err('Adam', 'lr'));
  assert.throws(() => new sn.optim.Adam(p, { lr: NaN }), err('Adam', 'lr'));
  assert.throws(() => new sn.optim.Adam(p, { eps: -1 }), err('Adam', 'eps'));
  assert.throws(() => new sn.optim.RMSProp(p, { rho: 1.5 }), err('RMSProp', 'rho'));
  assert.throws(() => new sn.optim.SGD(p, { lr: 0.1, momentum: -0.5 }), err('SGD', 'momentum'));
  assert.throws(() => new sn.optim.SGD(p, { lr: 0.1, weightDecay: -1 }), err('SGD', 'weightDecay'));
  assert.throws(() => new sn.optim.SGD(p, null as unknown as { lr: number }), err('SGD', 'options'));
  const a = new sn.optim.Adam(p, { beta1: 0.999999 });
  p[0].grad = sn.ones([2]);
  a.step();
  assert.ok(p[0].dataSync().every(Number.isFinite));
  a.dispose();
  sn.dispose(p);
});

test('invalid values are rejected instead of stored as NaN', () => {
  assert.throws(() => sn.full([2], 'x' as unknown as number), err('full', "'value'"));
  assert.throws(() => sn.scalar('3' as unknown as number), err('scalar'));
  assert.throws(() => sn.tensor(['a'] as unknown as number[]), err('tensor', "'data'[0]"));
  const t = sn.zeros([1]);
  assert.throws(() => t.assign(['a'] as unknown as number[]), err('assign', "'values'[0]"));
  t.dispose();
  assert.throws(() => sn.randn([2], { std: -1 }), err('randn', 'std'));
  assert.throws(() => sn.rand([2], { low: 2, high: 1 }), err('rand', 'low'));
  assert.throws(() => sn.zeros([2 ** 31]), err('zeros', 'shape'));
  assert.throws(() => sn.zeros([2 ** 31, 0]), err('zeros', 'shape'));
  // NaN and Infinity are values, as in PyTorch.
  const n = sn.tensor([NaN, Infinity]);
  assert.ok(Number.isNaN(n.dataSync()[0]));
  n.dispose();
});

test('null options mean the defaults, as in PyTorch', () => {
  const x = sn.ones([1, 4, 4, 2]);
  const w = sn.ones([3, 3, 2, 3]);
  const m = sn.ones([2, 2]);
  const outs = [
    sn.conv2d(x, w, null as never), sn.matmul(m, m, null as never), sn.sum(m, null as never), sn.mean(m, null as never),
    sn.dropout(x, null as never), sn.maxPool2d(x, { kernel: 2 }),
  ];
  const c = sn.ones([2]);
  outs.push(sn.batchNorm(x, c, c, c, c, null as never));
  const conv = new sn.nn.Conv2d(2, 3, 3, null as never);
  outs.push(conv.call(x));
  for (const o of outs) assert.ok(o instanceof sn.Tensor);
  sn.dispose([x, w, m, c, outs]);
  conv.dispose();
});

test('concat of scalars and flatten of an empty batch name their own op', () => {
  const s = sn.scalar(1);
  assert.throws(() => sn.concat([s, s]), err('concat', 'scalar'));
  s.dispose();
  const e = sn.zeros([0, 3, 4]);
  const f = sn.flatten(e);
  assert.deepEqual(f.shape, [0, 12]);
  sn.dispose([e, f]);
});

test('a safetensors entry named __proto__ is read as a tensor, not as the prototype', () => {
  const bytes = sn.io.encodeSafetensors({ ['__proto__']: { shape: [1], data: new Float32Array([1]) } });
  assert.match(new TextDecoder().decode(bytes), /"__proto__"/);
  const { tensors } = sn.io.decodeSafetensors(bytes);
  assert.deepEqual(Object.keys(tensors), ['__proto__']);
  assert.equal(Object.getPrototypeOf(tensors), null);
  assert.deepEqual(Array.from(tensors['__proto__'].data), [1]);
});

test('init() again with other options says so', async () => {
  const warned: string[] = [];
  const orig = console.warn;
  console.warn = (m: string) => void warned.push(m);
  try {
    await sn.init();
    assert.equal(warned.length, 0);
    await sn.init({ maxMemoryMB: 64 });
    assert.match(warned[0] ?? '', /^simdnet\.init: .*already initialised.*maxMemoryMB/);
  } finally {
    console.warn = orig;
  }
});

// Found by the fuzz suite on the ops that landed after issue 11's list.
test('winogradConv2d: null options, bad weights, an unknown activation and an empty image', () => {
  const w = sn.randn([3, 3, 4, 3], { seed: 1 });
  const wt = new sn.WinogradWeights(w, 'f4x4');
  const x = sn.randn([1, 5, 5, 4], { seed: 2 });
  const y = sn.winogradConv2d(x, wt, null as never); // the defaults, as conv2d's null options
  assert.deepEqual(y.shape, [1, 3, 3, 3]);
  y.dispose();
  const before = sn.memory().tensors;
  assert.throws(() => sn.winogradConv2d(x, {} as never), err('winogradConv2d', "'wt'"));
  assert.throws(() => sn.winogradConv2d(x, wt, { activation: 'gelu' as never }), err('winogradConv2d', "'activation'"));
  assert.throws(() => sn.winogradConv2d(x, wt, { bias: { shape: [3] } as never }), err('winogradConv2d', "'bias'"));
  const empty = sn.zeros([0, 5, 5, 4]);
  const e = sn.winogradConv2d(empty, wt);
  assert.deepEqual(e.shape, [0, 3, 3, 3]);
  e.dispose();
  empty.dispose();
  const w0 = sn.zeros([3, 3, 0, 2]);
  assert.throws(() => new sn.WinogradWeights(w0, 'f2x2'), err('winograd', "'w'"));
  w0.dispose();
  wt.dispose();
  assert.throws(() => sn.winogradConv2d(x, wt), err('winogradConv2d', 'disposed'));
  assert.equal(sn.memory().tensors, before - 1); // the transformed weights given back
  x.dispose();
  w.dispose();
});

test('groupNorm with no channels rejects 2^31 groups before sizing its statistics', () => {
  const x = sn.zeros([1, 1, 1, 0]);
  assert.throws(() => sn.groupNorm(x, 2 ** 31), err('groupNorm', "'groups'"));
  x.dispose();
});

test('the MobileNet builders check their options as the other builders do', () => {
  assert.throws(() => sn.nn.models.mobilenetV3Small({ inputSize: NaN } as never), err('mobilenetV3Small', "'inputSize'"));
  assert.throws(() => sn.nn.models.mobilenetV2(3 as never), err('mobilenetV2', "'options'"));
});
