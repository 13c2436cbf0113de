// sn.data.imageFolder on a folder of real MNIST digits written here as PNG (and a few JPEG)
// files, one sub-folder per class: fit reads and decodes the images batch by batch, and
// learns exactly what it learns from the same pixels held in a tensor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sn from 'simdnet';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';

await sn.init();

function writeDigits(dir: string, d: sn.data.Dataset, jpegEvery: number): void {
  for (let c = 0; c < 10; c++) mkdirSync(join(dir, String(c)), { recursive: true });
  for (let i = 0; i < d.length; i++) {
    const bytes = Uint8Array.from(d.x.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));
    const name = join(dir, String(d.y[i]), `digit-${String(i).padStart(5, '0')}`);
    if (i % jpegEvery === jpegEvery - 1) {
      const rgba = new Uint8Array(784 * 4);
      bytes.forEach((v, k) => rgba.set([v, v, v, 255], k * 4));
      writeFileSync(`${name}.jpg`, jpeg.encode({ data: rgba, width: 28, height: 28 }, 92).data);
    } else writeFileSync(`${name}.png`, encodePng({ width: 28, height: 28, data: bytes, channels: 1, depth: 8 }));
  }
}

test('fit on imageFolder (PNG and JPEG digits, decoded lazily) learns the digits, bit for bit as from the decoded pixels in memory', async () => {
  const root = mkdtempSync(join(tmpdir(), 'simdnet-folder-'));
  try {
    const { train, test: held } = await sn.data.loadMnist({ trainSize: 1000, testSize: 300, seed: 4 });
    writeDigits(join(root, 'train'), train, 10);
    writeDigits(join(root, 'test'), held, 10);
    const ds = await sn.data.imageFolder(join(root, 'train'), { channels: 1 });
    const testDs = await sn.data.imageFolder(join(root, 'test'), { channels: 1 });
    assert.deepEqual(ds.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.equal(ds.length, 1000);
    assert.deepEqual(ds.sampleShape, [28, 28, 1]);
    assert.equal(ds.files.filter((f) => f.endsWith('.jpg')).length, 100);

    const fitOn = async (data: sn.Data) => {
      sn.seed(12);
      const net = sn.nn.models.lenet5();
      const opt = new sn.optim.Adam(net.parameters(), { lr: 2e-3 });
      const h = await sn.fit(net, data, { epochs: 4, batchSize: 32, optimizer: opt, seed: 3, progress: false });
      opt.dispose();
      return { net, h };
    };
    const lazy = await fitOn(ds);
    const acc = (await sn.evaluate(lazy.net, testDs)).accuracy!;
    assert.ok(acc > 0.85, `held-out accuracy ${acc}`);

    // The same pixels, decoded up front into one tensor, in the folder's order.
    const x = new Float32Array(ds.length * 784);
    for (let i = 0; i < ds.length; i++) x.set((await ds.get(i)).x as Float32Array, i * 784);
    const mem = await fitOn({ x: sn.tensor(x, [ds.length, 28, 28, 1]), y: ds.labels });
    assert.deepEqual(lazy.h.epochs.map((e) => e.loss), mem.h.epochs.map((e) => e.loss));
    const a = lazy.net.parameters();
    mem.net.parameters().forEach((p, i) => assert.deepEqual(p.dataSync(), a[i].dataSync(), `parameter ${i}`));
    lazy.net.dispose();
    mem.net.dispose();

    // A picture of another size, and a folder without class folders, are clear Errors.
    writeFileSync(join(root, 'train', '3', 'big.png'), encodePng({ width: 30, height: 28, data: new Uint8Array(840), channels: 1, depth: 8 }));
    const mixed = await sn.data.imageFolder(join(root, 'train'));
    const big = mixed.files.findIndex((f) => f.endsWith('big.png'));
    await assert.rejects(async () => mixed.get(big), /simdnet\.imageFolder: '.*big\.png' is \[28, 30, 1\] \(H, W, C\), the first image \[28, 28, 1\]: all images must have one size/);
    await assert.rejects(sn.data.imageFolder(join(root, 'train', '3')), /simdnet\.imageFolder: '.*' has no sub-folders/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
