// Issue 13 part 1 ops: gradients by central differences (sn.gradcheck), the errors bad
// arguments give, views that copy nothing, and the broadcast result rank PyTorch gives.
// (Values against PyTorch: tests/torch/ops.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

function check(name: string, fn: (...x: sn.Tensor[]) => sn.Tensor, inputs: sn.Tensor[], opts: sn.GradcheckOptions = {}): void {
  const r = sn.gradcheck(fn, inputs, opts);
  assert.ok(r.ok, `${name}: gradient off by ${r.maxError.toFixed(2)}× tolerance at ${JSON.stringify(r.worst)}`);
  sn.dispose(inputs);
}

const leaf = (shape: number[], seed: number, lo = -1, hi = 1) => sn.rand(shape, { seed, low: lo, high: hi, requiresGrad: true });

test('broadcast result rank is PyTorch\'s (issue 11 item 11) and [2, 3] + [2, 1] works', () => {
  sn.tidy(() => {
    assert.deepEqual(sn.add(sn.ones([1, 1, 3]), sn.ones([2, 3])).shape, [1, 2, 3]);
    assert.deepEqual(sn.add(sn.ones([2, 3]), sn.ones([1, 1, 3])).shape, [1, 2, 3]);
    const s = sn.add(sn.tensor([1, 2, 3, 4, 5, 6], [2, 3]), sn.tensor([10, 20], [2, 1]));
    assert.deepEqual(s.shape, [2, 3]);
    assert.deepEqual(Array.from(s.dataSync()), [11, 12, 13, 24, 25, 26]);
    // squeeze-excite at batch 2: [N, 1, 1, C] × [N, H, W, C]
    const x = sn.ones([2, 3, 3, 4]);
    const g = sn.tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 1, 4]);
    const y = sn.mul(x, g).dataSync();
    assert.equal(y[0], 1);
    assert.equal(y[3 * 3 * 4 + 3], 8);
  });
});

test('broadcast arithmetic, minimum, maximum, pow, where: gradients', () => {
  const pairs: [number[], number[]][] = [[[2, 3], [2, 1]], [[1, 1, 3], [2, 3]], [[2, 1, 1, 3], [2, 2, 2, 3]], [[3, 1], [1, 4]], [[], [2, 3]]];
  let seed = 1;
  for (const [sa, sb] of pairs) {
    for (const f of [sn.add, sn.sub, sn.mul])
      check(`${f.name} [${sa}] [${sb}]`, (a, b) => f(a, b), [leaf(sa, seed++), leaf(sb, seed++)]);
    // a small step: a central difference across a tie of a and b would mix both sides
    for (const f of [sn.minimum, sn.maximum])
      check(`${f.name} [${sa}] [${sb}]`, (a, b) => f(a, b), [leaf(sa, seed++), leaf(sb, seed++)], { eps: 1e-3 });
    check(`div [${sa}] [${sb}]`, (a, b) => sn.div(a, b), [leaf(sa, seed++), leaf(sb, seed++, 0.5, 2)]);
    check(`pow [${sa}] [${sb}]`, (a, b) => sn.pow(a, b), [leaf(sa, seed++, 0.5, 2), leaf(sb, seed++)]);
    check(`where [${sa}] [${sb}]`, (a, b) => sn.where(sn.tensor([1, 0, 1], [3]), a, b), [leaf([...sa.slice(0, -1), 3], seed++), leaf([...sb.slice(0, -1), 3], seed++)]);
  }
  for (const p of [2, 3, -1, 0.5, 0]) check(`pow x^${p}`, (x) => sn.pow(x, p), [leaf([5, 3], seed++, 0.5, 2)]);
});

test('unary math and activations: gradients', () => {
  const away = (shape: number[], seed: number, lo: number, hi: number, kinks: number[]) => {
    // values kept 0.02 away from the kinks, so the central difference never straddles one
    const t = sn.rand(shape, { seed, low: lo, high: hi });
    const v = t.dataSync().map((x) => (kinks.some((k) => Math.abs(x - k) < 0.02) ? x + 0.05 : x));
    t.dispose();
    return sn.tensor(v, shape, { requiresGrad: true });
  };
  const cases: [string, (x: sn.Tensor) => sn.Tensor, number, number, number[]][] = [
    ['sqrt', sn.sqrt, 0.2, 4, []], ['log', sn.log, 0.2, 4, []], ['abs', sn.abs, -2, 2, [0]],
    ['relu6', sn.relu6, -2, 8, [0, 6]], ['clip', (x) => sn.clip(x, -0.5, 0.7), -2, 2, [-0.5, 0.7]],
    ['hardSigmoid', (x) => sn.hardSigmoid(x), -5, 5, [-3, 3]], ['hardSigmoid onnx', (x) => sn.hardSigmoid(x, { alpha: 0.2, beta: 0.5 }), -4, 4, [-2.5, 2.5]],
    ['hardSwish', sn.hardSwish, -5, 5, [-3, 3]], ['silu', sn.silu, -6, 6, []], ['gelu', (x) => sn.gelu(x), -5, 5, []],
    ['gelu tanh', (x) => sn.gelu(x, { approximate: 'tanh' }), -5, 5, []], ['logSigmoid', sn.logSigmoid, -10, 10, []],
  ];
  let seed = 100;
  for (const [name, f, lo, hi, kinks] of cases) check(name, f, [away([3, 7], seed++, lo, hi, kinks)], { eps: 1e-3 });
  check('prelu per channel', (x, a) => sn.prelu(x, a), [away([2, 3, 5], seed++, -2, 2, [0]), leaf([5], seed++, -0.5, 0.5)], { eps: 1e-3 });
  check('prelu shared', (x, a) => sn.prelu(x, a), [away([4, 3], seed++, -2, 2, [0]), leaf([1], seed++, -0.5, 0.5)], { eps: 1e-3 });
});

test('shape and indexing ops: gradients', () => {
  let seed = 200;
  const x = () => leaf([2, 3, 4], seed++);
  check('permute', (t) => sn.permute(t, [2, 0, 1]), [x()]);
  check('permute NHWC→NCHW', (t) => sn.permute(t, [0, 3, 1, 2]), [leaf([2, 5, 6, 7], seed++)], { maxChecks: 32 });
  check('transpose', (t) => sn.transpose(t, 0, -1), [x()]);
  check('slice', (t) => sn.slice(t, { begin: [1, -1], end: [100, -4], axes: [2, 1], step: [2, -1] }), [x()]);
  check('pad constant', (t) => sn.pad(t, [[1, 0], [0, 2], [1, 1]], { value: 3 }), [x()]);
  check('pad reflect', (t) => sn.pad(t, [[1, 1], [2, 1], [3, 0]], { mode: 'reflect' }), [x()]);
  check('pad edge', (t) => sn.pad(t, [[0, 2], [2, 1], [3, 3]], { mode: 'edge' }), [x()]);
  check('concat axis 1', (a, b) => sn.concat([a, b], 1), [x(), leaf([2, 2, 4], seed++)]);
  check('stack axis -1', (a, b) => sn.stack([a, b], -1), [x(), x()]);
  check('split sizes', (t) => sn.split(t, [1, 0, 3], 2)[2], [x()]);
  check('squeeze/unsqueeze', (t) => sn.unsqueeze(sn.squeeze(t, [1]), 0), [leaf([2, 1, 3], seed++)]);
  check('gather repeated indices', (t) => sn.gather(t, [2, -1, 0, 2], 2), [x()]);
  check('broadcastTo', (t) => sn.broadcastTo(t, [2, 3, 4, 5]), [leaf([3, 1, 5], seed++)]);
  check('tile', (t) => sn.tile(t, [2, 1, 3]), [leaf([3, 2], seed++)]);
});

test('squeeze, unsqueeze and reshape copy nothing', () => {
  sn.tidy(() => {
    const x = sn.ones([2, 1, 3]);
    const s = sn.squeeze(x);
    const u = sn.unsqueeze(s, -1);
    // The views share x's storage: a write through x shows in both.
    x.assign(new Float32Array(6).fill(7));
    assert.equal(s.dataSync()[5], 7);
    assert.deepEqual(u.shape, [2, 3, 1]);
    assert.equal(u.dataSync()[0], 7);
  });
});

test('permute of an NCHW batch to NHWC and back gives the values back, odd sizes', () => {
  for (const [N, C, H, W] of [[1, 3, 5, 7], [2, 4, 8, 8], [3, 5, 3, 9], [1, 17, 1, 33], [2, 1, 4, 4]]) {
    sn.tidy(() => {
      const x = sn.randn([N, C, H, W], { seed: N * 100 + C });
      const nhwc = sn.permute(x, [0, 2, 3, 1]);
      const v = x.dataSync();
      const y = nhwc.dataSync();
      for (let n = 0; n < N; n++)
        for (let c = 0; c < C; c++)
          for (let h = 0; h < H; h++)
            for (let w = 0; w < W; w++) assert.equal(y[((n * H + h) * W + w) * C + c], v[((n * C + c) * H + h) * W + w]);
      assert.deepEqual(Array.from(sn.permute(nhwc, [0, 3, 1, 2]).dataSync()), Array.from(v));
    });
  }
});

test('bad arguments: clear errors naming the op, the argument and the shapes', () => {
  sn.tidy(() => {
    const x = sn.ones([2, 3]);
    const cases: [() => unknown, RegExp][] = [
      [() => sn.add(x, sn.ones([4])), /simdnet\.add: shapes \[2, 3\] \('a'\) and \[4\] \('b'\) do not broadcast/],
      [() => sn.minimum(x, 'a' as never), /simdnet\.minimum: argument 'b' must be a Tensor/],
      [() => sn.permute(x, [0]), /simdnet\.permute: argument 'dims' must list each of the 2 axes of x \[2, 3\]/],
      [() => sn.permute(x, [1, 1]), /simdnet\.permute: argument 'dims' \[1,1\] is not a permutation/],
      [() => sn.transpose(x, 0, 2), /simdnet\.transpose: argument 'dim1' must be an integer in \[-2, 1\] for shape \[2, 3\], got 2/],
      [() => sn.slice(x, { begin: [0], step: [0] }), /simdnet\.slice: option 'step' must not contain 0/],
      [() => sn.slice(x, { begin: [0.5] }), /simdnet\.slice: option 'begin' must be an array of integers/],
      [() => sn.slice(x, { begin: [0], bogus: 1 } as never), /simdnet\.slice: unknown option 'bogus'/],
      [() => sn.pad(x, [[1, 1]]), /simdnet\.pad: argument 'pads' must hold one \[before, after\] pair .* per axis of x \[2, 3\]/],
      [() => sn.pad(x, [[0, 0], [3, 0]], { mode: 'reflect' }), /simdnet\.pad: reflect padding \[3, 0\] of axis 1 must be smaller than its size 3/],
      [() => sn.pad(x, [[0, 0], [1, 0]], { mode: 'wrap' as never }), /simdnet\.pad: option 'mode' must be 'constant', 'reflect' or 'edge'/],
      [() => sn.concat([x, sn.ones([3, 3])], 1), /simdnet\.concat: xs\[1\] has shape \[3, 3\]; every input must match \[2, 3\] except along axis 1/],
      [() => sn.concat([sn.scalar(1)]), /simdnet\.concat: xs\[0\] is a scalar/],
      [() => sn.stack([x, sn.ones([3, 2])]), /simdnet\.stack: xs\[1\] has shape \[3, 2\]/],
      [() => sn.split(x, 2, 1), /simdnet\.split: a count of 2 pieces must be a positive integer dividing axis 1 of x \[2, 3\] \(size 3\)/],
      [() => sn.split(x, [1, 1], 1), /simdnet\.split: sizes \[1,1\] add up to 2, axis 1 of x \[2, 3\] has 3/],
      [() => sn.squeeze(x, 0), /simdnet\.squeeze: axis 0 of x \[2, 3\] has size 2, not 1/],
      [() => sn.unsqueeze(x, 3), /simdnet\.unsqueeze: argument 'axis' must be an integer in \[-3, 2\]/],
      [() => sn.gather(x, [0, 3], 1), /simdnet\.gather: indices\[1\] = 3 is not an integer index into axis 1 of x \[2, 3\] \(size 3\)/],
      [() => sn.gather(x, [0.5], 0), /simdnet\.gather: indices\[0\] = 0.5 is not an integer index/],
      [() => sn.broadcastTo(x, [3]), /simdnet\.broadcastTo: shapes \[2, 3\] \('x'\) and \[3\] \('shape'\)|simdnet\.broadcastTo: argument 'x' \[2, 3\] cannot be broadcast to \[3\]/],
      [() => sn.broadcastTo(x, [4, 3]), /simdnet\.broadcastTo: shapes \[2, 3\] \('x'\) and \[4, 3\] \('shape'\) do not broadcast/],
      [() => sn.tile(x, [-1]), /simdnet\.tile: argument 'reps' must be an array of non-negative integers/],
      [() => sn.where(x, x, sn.ones([5])), /simdnet\.where: shapes \[2, 3\] \('cond, a'\) and \[5\] \('b'\) do not broadcast/],
      [() => sn.clip(x, 'a' as never, 1), /simdnet\.clip: argument 'min' must be a number, null or undefined/],
      [() => sn.gelu(x, { approximate: 'erf' as never }), /simdnet\.gelu: option 'approximate' must be 'none' or 'tanh'/],
      [() => sn.hardSigmoid(x, { gamma: 1 } as never), /simdnet\.hardSigmoid: unknown option 'gamma' \(known: alpha, beta\)/],
      [() => sn.prelu(x, sn.ones([2])), /simdnet\.prelu: argument 'slope' must have shape \[3\] \(the channels, last axis of x \[2, 3\]\) or \[1\], got \[2\]/],
      [() => sn.pow(x, Number.NaN), /simdnet\.pow: argument 'b' must be a finite number/],
    ];
    for (const [f, re] of cases) assert.throws(f, re);
  });
});

test('nn layers: ReLU6, Hardsigmoid, Hardswish, SiLU, GELU, LogSigmoid, PReLU', () => {
  sn.tidy(() => {
    const x = sn.tensor([-4, -1, 0.5, 7], [1, 4]);
    const near = (t: sn.Tensor, want: number[]) => t.dataSync().forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${v} vs ${want[i]}`));
    near(new sn.nn.ReLU6().call(x), [0, 0, 0.5, 6]);
    near(new sn.nn.Hardsigmoid().call(x), [0, 2 / 6, 3.5 / 6, 1]);
    near(new sn.nn.Hardsigmoid({ alpha: 0.2, beta: 0.5 }).call(x), [0, 0.3, 0.6, 1]);
    near(new sn.nn.Hardswish().call(x), [0, -1 * 2 / 6, 0.5 * 3.5 / 6, 7]);
    near(new sn.nn.SiLU().call(x), [-4 / (1 + Math.exp(4)), -1 / (1 + Math.exp(1)), 0.5 / (1 + Math.exp(-0.5)), 7 / (1 + Math.exp(-7))]);
    near(new sn.nn.LogSigmoid().call(x), [-Math.log1p(Math.exp(4)), -Math.log1p(Math.exp(1)), -Math.log1p(Math.exp(-0.5)), -Math.log1p(Math.exp(-7))]);
    near(new sn.nn.GELU({ approximate: 'tanh' }).call(sn.tensor([0], [1, 1])), [0]);
    const p = new sn.nn.PReLU(4, 0.1);
    near(p.call(x), [-0.4, -0.1, 0.5, 7]);
    assert.deepEqual(p.parameters().map((t) => t.shape), [[4]]);
    p.parameters().forEach((t) => t.dispose());
  });
});
