// sn.image: PNG and JPEG bytes, raw pixels and (in a browser) canvases to NHWC tensors, and
// back to RGBA bytes; luma and per-channel normalisation. The files are made here by the
// encoders of fast-png and jpeg-js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';

await sn.init();

// jpeg-js's encoder ends in Buffer.from(bytes) when bundled; a page has no Buffer.
const G = globalThis as { Buffer?: unknown };
G.Buffer ??= { from: (a: number[]) => Uint8Array.from(a) };

const W = 5;
const H = 3;
// Distinct bytes per pixel and channel, so a swapped axis or channel shows.
const bytes = (C: number) => Uint8Array.from({ length: W * H * C }, (_, i) => (i * 37 + 11) % 256);
const values = (t: sn.Tensor) => Array.from(t.dataSync(), (v) => Math.round(v * 255));

test('decode: 8-bit PNGs (gray, gray + alpha, RGB, RGBA) give their bytes / 255 as [1, H, W, C]', async () => {
  for (const C of [1, 2, 3, 4]) {
    const t = await sn.image.decode(encodePng({ width: W, height: H, data: bytes(C), channels: C, depth: 8 }));
    assert.deepEqual(t.shape, [1, H, W, C]);
    assert.deepEqual(t.dataSync(), Float32Array.from(bytes(C), (v) => v / 255));
    t.dispose();
  }
});

test('decode: 16-bit, 1-bit and palette PNGs', async () => {
  const wide = Uint16Array.from({ length: W * H }, (_, i) => i * 4000);
  const t16 = await sn.image.decode(encodePng({ width: W, height: H, data: wide, channels: 1, depth: 16 }));
  assert.deepEqual(t16.dataSync(), Float32Array.from(wide, (v) => v / 65535));
  // 1 bit per pixel, rows packed into bytes: 10110 / 01001 / 11111.
  const bits = [1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1];
  const packed = new Uint8Array(H);
  bits.forEach((b, i) => (packed[Math.floor(i / W)] |= b << (7 - (i % W))));
  const t1 = await sn.image.decode(encodePng({ width: W, height: H, data: packed, channels: 1, depth: 1 }));
  assert.deepEqual(values(t1), bits.map((b) => b * 255));
  const palette = [[255, 0, 0], [0, 128, 255]];
  const idx = Uint8Array.from({ length: W * H }, (_, i) => i % 2);
  const tp = await sn.image.decode(encodePng({ width: W, height: H, data: idx, channels: 1, depth: 8, palette }));
  assert.deepEqual(tp.shape, [1, H, W, 3]);
  assert.deepEqual(values(tp), Array.from(idx).flatMap((i) => palette[i]));
  sn.dispose([t16, t1, tp]);
});

test("decode: JPEG, gray and colour, matches jpeg-js's own pixels; channels converts", async () => {
  const rgba = new Uint8Array(W * H * 4);
  const rgb = bytes(3);
  for (let i = 0; i < W * H; i++) rgba.set([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], 255], i * 4);
  const file = jpeg.encode({ data: rgba, width: W, height: H }, 95).data;
  const ref = jpeg.decode(file, { useTArray: true, formatAsRGBA: false }).data;
  const t = await sn.image.decode(file);
  assert.deepEqual(t.shape, [1, H, W, 3]);
  assert.deepEqual(values(t), Array.from(ref));
  const g = await sn.image.decode(file, { channels: 1 });
  const luma = Array.from({ length: W * H }, (_, i) => Math.round(0.299 * ref[i * 3] + 0.587 * ref[i * 3 + 1] + 0.114 * ref[i * 3 + 2]));
  assert.deepEqual(values(g), luma);
  const four = await sn.image.decode(file, { channels: 4 });
  assert.deepEqual(values(four), Array.from({ length: W * H * 4 }, (_, i) => (i % 4 === 3 ? 255 : ref[(i >> 2) * 3 + (i % 4)])));
  sn.dispose([t, g, four]);
});

test('decode refuses what is not PNG or JPEG, and a broken file, with the reason', async () => {
  await assert.rejects(sn.image.decode(new Uint8Array([0x47, 0x49, 0x46, 0x38])), /simdnet\.image\.decode: the bytes are neither PNG nor JPEG \(they start with 47 49 46 38\)/);
  const png = encodePng({ width: W, height: H, data: bytes(1), channels: 1, depth: 8 });
  await assert.rejects(sn.image.decode(png.subarray(0, 40)), /simdnet\.image\.decode: the PNG file \(40 bytes\) could not be decoded/);
  await assert.rejects(sn.image.decode('x.png' as unknown as Uint8Array), /argument 'bytes' must be a Uint8Array, Buffer or ArrayBuffer/);
  // An ArrayBuffer and a DataView over the same bytes decode alike.
  const a = await sn.image.decode(png.slice().buffer);
  const b = await sn.image.decode(new DataView(png.buffer, png.byteOffset, png.byteLength));
  assert.deepEqual(a.dataSync(), b.dataSync());
  sn.dispose([a, b]);
});

test('fromPixels takes raw pixels and ImageData-like objects; toPixels gives RGBA bytes back', () => {
  const rgba = bytes(4);
  const t = sn.image.fromPixels({ data: rgba, width: W, height: H });
  assert.deepEqual(t.shape, [1, H, W, 4]);
  const px = sn.image.toPixels(t);
  assert.deepEqual([px.width, px.height], [W, H]);
  assert.deepEqual(Array.from(px.data), Array.from(rgba));
  const gray = sn.image.fromPixels({ data: bytes(1), width: W, height: H });
  assert.deepEqual(Array.from(sn.image.toPixels(gray).data), Array.from(bytes(1)).flatMap((v) => [v, v, v, 255]));
  // 'auto' stretches an activation map's own range to 0–255.
  const act = sn.tensor([-2, 0, 2, 6], [2, 2, 1]);
  assert.deepEqual(Array.from(sn.image.toPixels(act, { range: 'auto' }).data).filter((_, i) => i % 4 === 0), [0, 64, 128, 255]);
  assert.throws(() => sn.image.toPixels(sn.zeros([2, 4, 4, 1])), /simdnet\.image\.toPixels: argument 'image' must be \[H, W, C\] or \[1, H, W, C\].*one image at a time/);
  assert.throws(() => sn.image.fromPixels({ data: new Uint8Array(7), width: 2, height: 2 }), /simdnet\.image\.fromPixels: argument 'source\.data' has 7 values/);
  assert.throws(() => sn.image.fromPixels({}), /needs a canvas to be read|has no pixels/);
  sn.dispose([t, gray, act]);
});

test('grayscale and normalize: luma weights, per-channel mean and std, with gradients', () => {
  const x = sn.tensor([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, 0.5, 0.5], [1, 2, 2, 3], { requiresGrad: true });
  const g = sn.image.grayscale(x);
  assert.deepEqual(g.shape, [1, 2, 2, 1]);
  const want = [0.299, 0.587, 0.114, 0.5];
  g.dataSync().forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${v} vs ${want[i]}`));
  const n = sn.image.normalize(x, [0.5, 0.25, 0], [0.5, 0.25, 2]);
  const expect = [1, -1, 0, -1, 3, 0, -1, -1, 0.5, 0, 1, 0.25];
  n.dataSync().forEach((v, i) => assert.ok(Math.abs(v - expect[i]) < 1e-6, `${v} vs ${expect[i]} at ${i}`));
  sn.sum(sn.add(g, sn.sum(n))).backward();
  assert.deepEqual(x.grad!.shape, [1, 2, 2, 3]);
  assert.throws(() => sn.image.normalize(x, [0.5], [1]), /simdnet\.image\.normalize: argument 'mean' must have one value per channel \(3 for x \[1, 2, 2, 3\]\)/);
  assert.throws(() => sn.image.normalize(x, [0, 0, 0], [1, 0, 1]), /argument 'std'\[1\] = 0 must be a finite number > 0/);
  assert.throws(() => sn.image.grayscale(g), /must have 3 \(RGB\) or 4 \(RGBA\) channels/);
  sn.dispose([x, g, n]);
});

// Deno defines OffscreenCanvas and createImageBitmap, but getContext('2d') gives null there.
function hasCanvas2d(): boolean {
  try {
    return typeof OffscreenCanvas === 'function' && typeof createImageBitmap === 'function' && !!new OffscreenCanvas(1, 1).getContext('2d');
  } catch {
    return false;
  }
}

test('in a browser, fromPixels reads a canvas and an ImageBitmap: a PNG drawn there gives the pixels decode gives', { skip: !hasCanvas2d() && 'no 2-D canvas (not a browser; Deno has OffscreenCanvas without a 2d context)' }, async () => {
  const file = encodePng({ width: W, height: H, data: bytes(3), channels: 3, depth: 8 });
  const fromBytes = await sn.image.decode(file);
  const bitmap = await createImageBitmap(new Blob([file.slice()], { type: 'image/png' }));
  const canvas = new OffscreenCanvas(W, H);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  for (const src of [canvas, bitmap]) {
    const t = sn.image.fromPixels(src);
    assert.deepEqual(t.shape, [1, H, W, 3]);
    assert.deepEqual(t.dataSync(), fromBytes.dataSync());
    t.dispose();
  }
  const id = canvas.getContext('2d')!.getImageData(0, 0, W, H);
  const t4 = sn.image.fromPixels(id, { channels: 4 });
  assert.deepEqual(values(t4), Array.from(id.data));
  sn.dispose([fromBytes, t4]);
});

// Bilinear in plain JavaScript, f64: PyTorch's interpolate rules (half-pixel centres, or
// align_corners), the source coordinate clamped at 0 and the neighbour at the edge.
function bilinearRef(x: Float32Array, [N, H, W, C]: number[], OH: number, OW: number, alignCorners: boolean): number[] {
  const src = (o: number, inn: number, out: number): [number, number, number] => {
    const s = alignCorners ? (out > 1 ? (o * (inn - 1)) / (out - 1) : 0) : Math.max((o + 0.5) * (inn / out) - 0.5, 0);
    const i0 = Math.min(Math.floor(s), inn - 1);
    const i1 = Math.min(i0 + 1, inn - 1);
    return [i0, i1, i1 === i0 ? 0 : s - i0];
  };
  const y: number[] = [];
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < OH; oh++) {
      const [h0, h1, wh] = src(oh, H, OH);
      for (let ow = 0; ow < OW; ow++) {
        const [w0, w1, ww] = src(ow, W, OW);
        for (let c = 0; c < C; c++) {
          const at = (h: number, w: number) => x[((n * H + h) * W + w) * C + c];
          y.push((1 - wh) * ((1 - ww) * at(h0, w0) + ww * at(h0, w1)) + wh * ((1 - ww) * at(h1, w0) + ww * at(h1, w1)));
        }
      }
    }
  return y;
}

test('image.resize: bilinear (half-pixel centres, or alignCorners) against a reference, up and down; nearest; a square size; errors', () => {
  const shape = [2, 5, 7, 3];
  const x = sn.randn(shape, { seed: 4 });
  const xv = x.dataSync();
  for (const [OH, OW] of [[9, 4], [3, 11], [5, 7], [1, 1]] as const)
    for (const alignCorners of [false, true]) {
      const y = sn.image.resize(x, [OH, OW], { alignCorners });
      assert.deepEqual(y.shape, [2, OH, OW, 3]);
      const want = bilinearRef(xv, shape, OH, OW, alignCorners);
      const got = y.dataSync();
      const err = Math.max(...want.map((v, i) => Math.abs(v - got[i])));
      assert.ok(err < 1e-5, `${OH}×${OW} alignCorners ${alignCorners}: max error ${err}`);
      y.dispose();
    }
  // nearest: PyTorch's (floor of o·in/out)
  const n = sn.image.resize(x, 10, { mode: 'nearest' });
  assert.deepEqual(n.shape, [2, 10, 10, 3]);
  const nv = n.dataSync();
  for (const [oh, ow, c] of [[0, 0, 0], [9, 9, 2], [3, 7, 1]]) {
    const [h, w] = [Math.floor((oh * 5) / 10), Math.floor((ow * 7) / 10)];
    assert.equal(nv[((1 * 10 + oh) * 10 + ow) * 3 + c], xv[((1 * 5 + h) * 7 + w) * 3 + c]);
  }
  n.dispose();
  // differentiable: the gradient of a sum is each input pixel's total weight (rows sum to 1)
  const g = sn.randn([1, 4, 4, 1], { seed: 5, requiresGrad: true });
  sn.sum(sn.image.resize(g, [8, 8])).backward();
  assert.ok(Math.abs(g.grad!.dataSync().reduce((a, b) => a + b, 0) - 64) < 1e-4);
  g.dispose();
  const before = sn.memory().tensors;
  const hwc = sn.zeros([5, 7, 3]);
  assert.throws(() => sn.image.resize(hwc, 4), /simdnet\.image\.resize: argument 'x' must be NHWC images/);
  hwc.dispose();
  assert.throws(() => sn.image.resize(x, [0, 4]), /simdnet\.image\.resize: argument 'size' must be >= 1/);
  assert.throws(() => sn.image.resize(x, [4] as never), /simdnet\.image\.resize: argument 'size' must be a number or \[height, width\]/);
  assert.throws(() => sn.image.resize(x, 4, { mode: 'bicubic' as never }), /simdnet\.image\.resize: argument 'mode'/);
  assert.throws(() => sn.image.resize(x, 4, { antialias: true } as never), /simdnet\.image\.resize: unknown option 'antialias'/);
  assert.equal(sn.memory().tensors, before);
  x.dispose();
});
