// Convolutions on the built package: forward and gradients against TensorFlow.js (cpu) and
// against central finite differences; argument errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';
import { tf, assertClose } from './oracle';

await sn.init();

type Pad = 'valid' | 'same' | [number, number, number, number];
interface Case { n: number; h: number; w: number; c: number; k: number; kh: number; kw: number; s: [number, number]; d: [number, number]; pad: Pad }

const cases: Case[] = [
  { n: 1, h: 5, w: 5, c: 1, k: 1, kh: 1, kw: 1, s: [1, 1], d: [1, 1], pad: 'valid' },
  { n: 3, h: 7, w: 6, c: 3, k: 5, kh: 3, kw: 3, s: [1, 1], d: [1, 1], pad: 'same' },
  { n: 2, h: 9, w: 9, c: 5, k: 6, kh: 3, kw: 3, s: [2, 2], d: [1, 1], pad: 'same' },
  { n: 1, h: 11, w: 10, c: 6, k: 7, kh: 5, kw: 5, s: [1, 1], d: [1, 1], pad: [2, 2, 2, 2] },
  { n: 2, h: 8, w: 8, c: 4, k: 3, kh: 3, kw: 3, s: [1, 1], d: [2, 2], pad: 'same' },
  { n: 1, h: 13, w: 13, c: 3, k: 8, kh: 7, kw: 7, s: [3, 3], d: [1, 1], pad: [3, 3, 3, 3] },
  { n: 3, h: 6, w: 7, c: 7, k: 17, kh: 1, kw: 1, s: [1, 1], d: [1, 1], pad: 'valid' },
  { n: 1, h: 8, w: 9, c: 33, k: 9, kh: 3, kw: 2, s: [2, 1], d: [1, 1], pad: [1, 0, 2, 1] },
  { n: 2, h: 9, w: 8, c: 3, k: 4, kh: 3, kw: 2, s: [1, 1], d: [1, 2], pad: [1, 0, 2, 1] },
];

function tfPad(p: Pad): 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]] {
  return typeof p === 'string' ? p : [[0, 0], [p[0], p[1]], [p[2], p[3]], [0, 0]];
}

test('conv2d forward and both gradients match TensorFlow.js on every case', () => {
  for (const cs of cases) {
    const name = JSON.stringify(cs);
    const seed = cs.h * 100 + cs.c;
    const xs = sn.randn([cs.n, cs.h, cs.w, cs.c], { seed, requiresGrad: true });
    const ws = sn.randn([cs.kh, cs.kw, cs.c, cs.k], { seed: seed + 1, requiresGrad: true });
    const y = sn.conv2d(xs, ws, { stride: cs.s, dilation: cs.d, padding: cs.pad, roundMode: 'floor' });
    const dyData = sn.randn(y.shape as number[], { seed: seed + 2 });
    y.backward(dyData);

    const xt = tf.tensor4d(xs.dataSync(), xs.shape as [number, number, number, number]);
    const wt = tf.tensor4d(ws.dataSync(), ws.shape as [number, number, number, number]);
    const f = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, cs.s, tfPad(cs.pad), 'NHWC', cs.d);
    const yt = f(xt, wt);
    assert.deepEqual(y.shape, yt.shape, name);
    assertClose(y.dataSync(), yt.dataSync() as Float32Array, 1e-4, `forward ${name}`);
    if (cs.d[0] === 1 && cs.d[1] === 1) {
      // tfjs has no gradients for dilated convs; those rest on the finite differences below.
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a as tf.Tensor4D, b as tf.Tensor4D))([xt, wt], tf.tensor(dyData.dataSync(), yt.shape));
      assertClose(xs.grad!.dataSync(), gx.dataSync() as Float32Array, 1e-4, `dx ${name}`);
      assertClose(ws.grad!.dataSync(), gw.dataSync() as Float32Array, 1e-4, `dw ${name}`);
    }
    tf.disposeVariables();
    sn.dispose([xs, ws, y, dyData]);
  }
});

test('depthwise conv2d (groups = channels) matches tf.depthwiseConv2d, forward and gradients', () => {
  for (const [h, c, kk, s, pad] of [[7, 5, 3, 1, 'same'], [9, 32, 3, 2, 'same'], [6, 3, 5, 1, 'valid'], [8, 17, 3, 1, 'valid']] as const) {
    const xs = sn.randn([2, h, h, c], { seed: h, requiresGrad: true });
    const ws = sn.randn([kk, kk, 1, c], { seed: h + 1, requiresGrad: true });
    const y = sn.conv2d(xs, ws, { groups: c, stride: s, padding: pad, roundMode: 'floor' });
    const dy = sn.randn(y.shape as number[], { seed: 3 });
    y.backward(dy);
    const xt = tf.tensor4d(xs.dataSync(), xs.shape as [number, number, number, number]);
    const wt = tf.tensor4d(ws.dataSync(), [kk, kk, c, 1]);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad);
    assertClose(y.dataSync(), f(xt, wt).dataSync() as Float32Array, 1e-4, `depthwise forward h=${h} c=${c}`);
    const [gx, gw] = tf.grads(f)([xt, wt], tf.tensor(dy.dataSync(), y.shape as number[]));
    assertClose(xs.grad!.dataSync(), gx.dataSync() as Float32Array, 1e-4, `depthwise dx c=${c}`);
    assertClose(ws.grad!.dataSync(), gw.dataSync() as Float32Array, 1e-4, `depthwise dw c=${c}`);
    sn.dispose([xs, ws, y, dy]);
  }
});

test('conv2d gradients by finite differences: groups, dilation with stride, bias, fused ReLU', () => {
  // tfjs cannot combine stride and dilation, so that case rests on finite differences.
  const configs: [number, sn.Conv2dOptions, number, number][] = [
    [4, { groups: 2, padding: 'same' }, 6, 1e-2],
    [3, { stride: 2, dilation: 2, padding: [1, 2, 2, 1], roundMode: 'floor' }, 2, 1e-2],
    [2, { dilation: [2, 1], padding: 'same' }, 3, 1e-2],
    // A small step keeps the differences from straddling the ReLU's kink.
    [5, { padding: 1, activation: 'relu' }, 3, 1e-3],
  ];
  for (const [c, opts, k, eps] of configs) {
    const x = sn.randn([2, 6, 5, c], { seed: c, requiresGrad: true });
    const w = sn.randn([3, 3, c / (opts.groups ?? 1), k], { seed: c + 1, requiresGrad: true });
    const b = sn.randn([k], { seed: c + 2, requiresGrad: true });
    const r = sn.gradcheck((xx, ww, bb) => sn.conv2d(xx, ww, { ...opts, bias: bb }), [x, w, b], { eps });
    assert.ok(r.ok, `conv2d ${JSON.stringify(opts)}: ${JSON.stringify(r)}`);
    sn.dispose([x, w, b]);
  }
});

test('convTranspose2d matches tf.conv2dTranspose and its gradients pass finite differences', () => {
  for (const [h, c, k, s, p] of [[4, 3, 5, 2, 0], [5, 6, 4, 2, 1], [3, 2, 3, 1, 1]] as const) {
    const x = sn.randn([2, h, h, c], { seed: h, requiresGrad: true });
    const w = sn.randn([3, 3, k, c], { seed: h + 1, requiresGrad: true });
    const y = sn.convTranspose2d(x, w, { stride: s, padding: p });
    const outH = (h - 1) * s - 2 * p + 3;
    assert.deepEqual(y.shape, [2, outH, outH, k]);
    // tfjs's conv2dTranspose takes the full (uncropped) output; crop p from each side.
    const full = (h - 1) * s + 3;
    const yt = tf.conv2dTranspose(tf.tensor4d(x.dataSync(), x.shape as [number, number, number, number]), tf.tensor4d(w.dataSync(), w.shape as [number, number, number, number]), [2, full, full, k], s, 'valid');
    const cropped = tf.slice(yt, [0, p, p, 0], [2, outH, outH, k]);
    assertClose(y.dataSync(), cropped.dataSync() as Float32Array, 1e-4, `convTranspose2d h=${h} s=${s} p=${p}`);
    const r = sn.gradcheck((xx, ww) => sn.convTranspose2d(xx, ww, { stride: s, padding: p }), [x, w]);
    assert.ok(r.ok, `convTranspose2d gradients: ${JSON.stringify(r)}`);
    sn.dispose([y]);
  }
});

test('conv2d errors name the op, the argument and the shapes', () => {
  sn.tidy(() => {
    const x = sn.zeros([1, 7, 7, 3]);
    const w = sn.zeros([3, 3, 3, 4]);
    assert.throws(() => sn.conv2d(x, sn.zeros([3, 3, 2, 4])), /simdnet\.conv2d: argument 'w' \[3, 3, 2, 4\] must have 3 input channels \(x \[1, 7, 7, 3\] has 3, groups=1\)/);
    assert.throws(() => sn.conv2d(sn.zeros([7, 7, 3]), w), /simdnet\.conv2d: argument 'x' must have rank 4, got shape \[7, 7, 3\]/);
    assert.throws(() => sn.conv2d(x, w, { stride: 3, roundMode: 'exact' }), /simdnet\.conv2d: along height, \(7 \+ 0 − 3\) \/ 3 \+ 1 is not an integer/);
    assert.deepEqual(sn.conv2d(x, w, { stride: 3, roundMode: 'floor' }).shape, [1, 2, 2, 4]);
    assert.deepEqual(sn.conv2d(x, w, { stride: 3, roundMode: 'ceil' }).shape, [1, 3, 3, 4]);
    assert.throws(() => sn.conv2d(x, sn.zeros([9, 9, 3, 4])), /window \(span 9\) is larger than the padded input/);
    assert.throws(() => sn.conv2d(x, w, { stride: 0 }), /argument 'stride' must be >= 1, got 0/);
    assert.throws(() => sn.conv2d(x, w, { padding: -1 }), /argument 'padding' must be >= 0/);
    assert.throws(() => sn.conv2d(x, w, { bias: sn.zeros([3]) }), /argument 'bias' must have shape \[4\]/);
    assert.throws(() => sn.conv2d(x, w, { groups: 2 }), /groups=2 must divide/);
    assert.throws(() => sn.conv2d(x, w, { padding: 'full' as 'same' }), /argument 'padding' must be 'valid', 'same'/);
  });
});

test('Winograd F(4×4) and F(2×2) agree with the direct convolution within their stated accuracy', () => {
  for (const [n, h, w, c, k, pad] of [[1, 9, 7, 5, 3, 'same'], [2, 17, 17, 16, 8, 'same'], [1, 12, 12, 64, 64, 'same'], [2, 8, 9, 3, 17, 'valid']] as const) {
    sn.tidy(() => {
      const x = sn.randn([n, h, w, c], { seed: h });
      const wt = sn.randn([3, 3, c, k], { seed: c });
      const b = sn.randn([k], { seed: 2 });
      for (const relu of [false, true]) {
        const want = sn.conv2d(x, wt, { padding: pad, bias: b, activation: relu ? 'relu' : null }).dataSync();
        const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        for (const [tile, tol] of [['f4x4', 5e-5], ['f2x2', 5e-6]] as const) {
          const W = new sn.WinogradWeights(wt, tile);
          const got = sn.winogradConv2d(x, W, { padding: pad, bias: b, activation: relu ? 'relu' : null });
          W.dispose();
          assert.equal(got.size, want.length);
          const g = got.dataSync();
          let worst = 0;
          for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i] - want[i]) / scale);
          assert.ok(worst <= tol, `${tile} ${n}×${h}×${w}×${c}→${k} ${pad} relu=${relu}: error ${worst.toExponential(2)} of the output scale`);
        }
      }
    });
  }
  sn.tidy(() => {
    const W = new sn.WinogradWeights(sn.zeros([3, 3, 4, 2]), 'f4x4');
    assert.throws(() => sn.winogradConv2d(sn.zeros([1, 5, 5, 3]), W), /simdnet\.winogradConv2d: argument 'x' \[1, 5, 5, 3\] has 3 channels, the weights expect 4/);
    assert.throws(() => new sn.WinogradWeights(sn.zeros([5, 5, 4, 2]), 'f4x4'), /must be \[3, 3, C, K\]/);
    W.dispose();
  });
});
