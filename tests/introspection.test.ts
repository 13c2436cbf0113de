// Looking inside a network: forward hooks, capture() of named layers, and the pixel grids of
// filters and activation maps (sn.image.filterGrid / activationGrid).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

test('forward hooks fire after each forward, children before parents, in the order added', () => {
  sn.seed(1);
  const inner = new sn.nn.Sequential(new sn.nn.Linear(3, 4), new sn.nn.ReLU());
  const net = new sn.nn.Sequential(inner, new sn.nn.Linear(4, 2));
  const log: string[] = [];
  const seen: { input: number[]; output: number[] }[] = [];
  const removers = [
    net.onForward(() => void log.push('net')),
    inner.layers[0].onForward((m, x, y) => {
      log.push('linear0');
      assert.equal(m, inner.layers[0]);
      seen.push({ input: Array.from(x.dataSync()), output: Array.from(y.dataSync()) });
    }),
    inner.onForward(() => void log.push('inner a')),
    inner.onForward(() => void log.push('inner b')),
    net.layers[1].onForward(() => void log.push('linear1')),
  ];
  const x = sn.randn([2, 3], { seed: 2 });
  sn.tidy(() => net.call(x));
  assert.deepEqual(log, ['linear0', 'inner a', 'inner b', 'linear1', 'net']);
  // The hook sees the layer's own input and output.
  assert.deepEqual(seen[0].input, Array.from(x.dataSync()));
  const manual = sn.tidy(() => (inner.layers[0] as sn.nn.Linear).forward(x).dataSync());
  assert.deepEqual(seen[0].output, Array.from(manual));

  // A remover removes only its hook, and a second call is harmless.
  removers[2]();
  removers[2]();
  log.length = 0;
  sn.tidy(() => net.call(x));
  assert.deepEqual(log, ['linear0', 'inner b', 'linear1', 'net']);
  removers.forEach((r) => r());
  log.length = 0;
  sn.tidy(() => net.call(x));
  assert.deepEqual(log, []);
  x.dispose();
  net.dispose();
});

test('a hook may remove itself while hooks run, and a returned tensor replaces the output', () => {
  const relu = new sn.nn.ReLU();
  const calls: string[] = [];
  const off = relu.onForward(() => {
    calls.push('once');
    off();
  });
  relu.onForward(() => void calls.push('always'));
  relu.onForward((_m, _x, y) => sn.mul(y, sn.scalar(2)));
  const x = sn.tensor([-1, 2, 3], [3]);
  const y1 = sn.tidy(() => relu.call(x).dataSync());
  const y2 = sn.tidy(() => relu.call(x).dataSync());
  assert.deepEqual(calls, ['once', 'always', 'always']);
  assert.deepEqual(Array.from(y1), [0, 4, 6]);
  assert.deepEqual(Array.from(y2), [0, 4, 6]);
  assert.throws(() => relu.onForward(42 as never), /simdnet\.onForward: hook must be a function/);
  const bad = new sn.nn.ReLU();
  bad.onForward(() => 3 as never);
  assert.throws(() => sn.tidy(() => bad.call(x)), /simdnet\.onForward: a hook returned number/);
  x.dispose();
});

test('capture() of lenet5 by name and by path equals a manual layer-by-layer forward', () => {
  sn.seed(3);
  const net = sn.nn.models.lenet5();
  const x = sn.rand([3, 28, 28, 1], { seed: 4 });
  const names = ['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'flatten', 'fc1', 'relu3', 'fc2', 'relu4', 'fc3'];
  assert.deepEqual(net.layers.map((l) => l.name), names);
  sn.tidy(() => {
    const manual: Float32Array[] = [];
    let t = x;
    for (const l of net.layers) {
      t = l.forward(t);
      manual.push(t.dataSync());
    }
    const { output, captured } = net.capture(x, [...names, '4']);
    assert.deepEqual(Object.keys(captured).sort(), [...names, '4'].sort());
    names.forEach((n, i) => assert.deepEqual(captured[n].dataSync(), manual[i], n));
    assert.equal(captured['4'], captured.relu2);
    assert.deepEqual(captured.conv1.shape, [3, 28, 28, 6]);
    assert.deepEqual(captured.pool2.shape, [3, 5, 5, 16]);
    assert.equal(output, captured.fc3);
    // No hook stays behind: a plain call afterwards gives the same logits.
    assert.deepEqual(net.call(x).dataSync(), output.dataSync());
  });
  // Parameter names are unchanged by the layer names (saved weights still load).
  assert.deepEqual(Object.keys(net.stateDict()).slice(0, 2), ['0.weight', '0.bias']);
  assert.throws(() => net.capture(x, ['conv9']), /simdnet\.capture: no layer named 'conv9'; the layers are conv1 \(0\), relu1 \(1\)/);
  assert.throws(() => new sn.nn.ReLU().named(''), /simdnet\.named: name must be a non-empty string/);
  x.dispose();
  net.dispose();
});

test('capture() in a Graph by block path, and a layer that did not run is an error', () => {
  sn.seed(5);
  const g = new sn.nn.Graph(
    { a: new sn.nn.Linear(4, 4), b: new sn.nn.Sequential(new sn.nn.Linear(4, 4), new sn.nn.ReLU()), unused: new sn.nn.ReLU() },
    (call, x) => sn.add(call('a', x), call('b', x)),
  );
  const x = sn.randn([2, 4], { seed: 6 });
  sn.tidy(() => {
    const { output, captured } = g.capture(x, ['a', 'b.0', 'b']);
    const a = g.blocks.a.forward(x);
    const b0 = g.blocks.b.layers[0].forward(x);
    assert.deepEqual(captured.a.dataSync(), a.dataSync());
    assert.deepEqual(captured['b.0'].dataSync(), b0.dataSync());
    assert.deepEqual(output.dataSync(), sn.add(a, sn.relu(b0)).dataSync());
  });
  assert.throws(() => sn.tidy(() => g.capture(x, ['unused'])), /simdnet\.capture: layer 'unused' did not run/);
  x.dispose();
  g.dispose();
});

test('filterGrid lays HWIO filters out one column per output channel, one row per input channel', () => {
  // [KH=2, KW=3, C=2, K=3]: value = 100·c + 10·k + (y·3 + x), so each tile is a ramp.
  const KH = 2, KW = 3, C = 2, K = 3;
  const data = new Float32Array(KH * KW * C * K);
  for (let y = 0; y < KH; y++) for (let x = 0; x < KW; x++) for (let c = 0; c < C; c++) for (let k = 0; k < K; k++)
    data[((y * KW + x) * C + c) * K + k] = 100 * c + 10 * k + y * 3 + x;
  const g = sn.image.filterGrid({ data, shape: [KH, KW, C, K] }, { scale: 2, gap: 1, background: [9, 9, 9, 255] });
  assert.equal(g.columns, 3);
  assert.equal(g.rows, 2);
  assert.equal(g.width, 3 * 6 + 2);
  assert.equal(g.height, 2 * 4 + 1);
  const px = (x: number, y: number) => Array.from(g.data.subarray((y * g.width + x) * 4, (y * g.width + x) * 4 + 4));
  // Per-tile min–max: each ramp 0..5 maps to 0..255 whatever its offset.
  for (let t = 0; t < 6; t++) {
    const ox = (t % 3) * 7, oy = Math.floor(t / 3) * 5;
    assert.deepEqual(px(ox, oy), [0, 0, 0, 255]);
    assert.deepEqual(px(ox + 1, oy + 1), [0, 0, 0, 255]); // scaled: 2×2 pixels per value
    assert.deepEqual(px(ox + 5, oy + 3), [255, 255, 255, 255]);
    assert.deepEqual(px(ox + 2, oy), [51, 51, 51, 255]);
  }
  assert.deepEqual(px(6, 0), [9, 9, 9, 255]); // the gap
  // One range for all tiles: the tile of c = 1, k = 2 is the brightest.
  const all = sn.image.filterGrid({ data, shape: [KH, KW, C, K] }, { normalize: 'all', gap: 0 });
  const at = (x: number, y: number) => all.data[(y * all.width + x) * 4];
  assert.equal(at(0, 0), 0);
  assert.equal(at(3 * 2 + 2, 2 + 1), 255);
  // Three input channels: one RGB tile per filter.
  const rgb = sn.image.filterGrid({ data: Float32Array.from({ length: 1 * 1 * 3 * 2 }, (_, i) => [1, 0, 0, 1, 0, 0][i]), shape: [1, 1, 3, 2] }, { gap: 0 });
  assert.deepEqual([rgb.width, rgb.height], [2, 1]);
  assert.deepEqual(Array.from(rgb.data), [255, 0, 0, 255, 0, 255, 0, 255]);
  assert.throws(() => sn.image.filterGrid({ data: new Float32Array(4), shape: [2, 2] }), /simdnet\.image\.filterGrid: weight must be HWIO \[KH, KW, Cin, Cout\], got shape \[2, 2\]/);
  assert.throws(() => sn.image.filterGrid({ data: new Float32Array(3), shape: [1, 1, 1, 4] }), /has 3 values, shape \[1, 1, 1, 4\] needs 4/);
});

test('activationGrid draws one example, one tile per channel; a dense layer as a strip', () => {
  sn.seed(7);
  const conv = new sn.nn.Conv2d(1, 4, 3, { padding: 1 });
  const x = sn.rand([2, 5, 5, 1], { seed: 8 });
  sn.tidy(() => {
    const y = conv.call(x);
    const g = sn.image.activationGrid(y, { index: 1, gap: 0 });
    assert.deepEqual([g.columns, g.rows, g.width, g.height], [2, 2, 10, 10]);
    const v = y.dataSync();
    for (let c = 0; c < 4; c++) {
      const vals = Array.from({ length: 25 }, (_, i) => v[(25 + i) * 4 + c]);
      const lo = Math.min(...vals), hi = Math.max(...vals);
      for (let i = 0; i < 25; i++) {
        const gx = (c % 2) * 5 + (i % 5), gy = Math.floor(c / 2) * 5 + Math.floor(i / 5);
        const want = Math.round(((vals[i] - lo) * 255) / (hi - lo));
        assert.ok(Math.abs(g.data[(gy * g.width + gx) * 4] - want) <= 1, `channel ${c} pixel ${i}`);
      }
    }
    // The same from a plain { data, shape } (a worker's copy) gives the same pixels.
    assert.deepEqual(sn.image.activationGrid({ data: v, shape: y.shape }, { index: 1, gap: 0 }).data, g.data);
    // A dead (constant) map is black, not NaN.
    const dead = sn.image.activationGrid({ data: new Float32Array(8), shape: [1, 2, 2, 2] }, { gap: 0 });
    assert.ok(dead.data.every((b, i) => (i % 4 === 3 ? b === 255 : b === 0)));
    const strip = sn.image.activationGrid({ data: Float32Array.of(0, 1, 2, 3, 4, 5), shape: [2, 3] }, { index: 1, scale: 3 });
    assert.deepEqual([strip.width, strip.height], [9, 3]);
    assert.deepEqual([0, 3, 6].map((px) => strip.data[px * 4]), [0, 128, 255]);
  });
  assert.throws(() => sn.image.activationGrid(x, { index: 2 }), /simdnet\.image\.activationGrid: index 2 is outside the batch of 2/);
  assert.throws(() => sn.image.activationGrid({ data: new Float32Array(8), shape: [2, 2, 2] }), /x must be NHWC \[N, H, W, C\] or \[N, F\], got shape \[2, 2, 2\]/);
  x.dispose();
  conv.dispose();
});
