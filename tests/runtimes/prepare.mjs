// What every runtime test uses, made once per run under build/runtimes/: the fixture (LeNet-5
// weights, the shipped digits, Node's logits for them) and a consumer project that installed
// the packed package (npm pack → npm install ../simdnet-x.tgz), as a user would.
import { npmCommand } from './util.mjs';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as sn from 'simdnet';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { digitsTensor } from './smoke.js';

const HERE = new URL('.', import.meta.url).pathname;

// The weights `npm start` saved, else the same recipe run once here (examples/lenet-mnist.mjs,
// cached under build/). Every runtime must compute Node's logits, and classify the image files.
const TRAINED = ['lenet5.safetensors', 'models/lenet5.safetensors', 'build/lenet5-start.safetensors'];

function startWeights(root) {
  const found = TRAINED.map((p) => join(root, p)).find((p) => existsSync(p));
  if (found) return found;
  const dir = join(root, 'build/start');
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [join(root, 'examples/lenet-mnist.mjs')], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const cached = join(root, TRAINED[2]);
  copyFileSync(join(dir, 'lenet5.safetensors'), cached);
  return cached;
}

// npm start's input normalisation (examples/lenet-mnist.mjs).
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/**
 * Ten held-out digits of npm start's split (the first of each class among its test digits) as
 * 8-bit gray PNG and JPEG files, packed into images.bin (images.json says where each file is),
 * and Node's class probabilities for them, decoded with sn.image.decode.
 */
async function makeImages(dir, net) {
  const { test } = await sn.data.loadMnist({ trainSize: 8000, testSize: 2000, seed: 0 });
  const picks = Array.from({ length: 10 }, (_, c) => Array.prototype.indexOf.call(test.y, c));
  const files = [];
  const blobs = [];
  let offset = 0;
  for (const i of picks) {
    const gray = Uint8Array.from(test.x.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));
    const rgba = new Uint8Array(784 * 4);
    gray.forEach((v, k) => rgba.set([v, v, v, 255], k * 4));
    for (const [format, bytes] of [['png', encodePng({ width: 28, height: 28, data: gray, channels: 1, depth: 8 })], ['jpeg', new Uint8Array(jpeg.encode({ data: rgba, width: 28, height: 28 }, 90).data)]]) {
      files.push({ name: `digit-${test.y[i]}.${format === 'png' ? 'png' : 'jpg'}`, format, label: test.y[i], offset, length: bytes.length });
      blobs.push(bytes);
      offset += bytes.length;
    }
  }
  const bin = new Uint8Array(offset);
  blobs.forEach((b, i) => bin.set(b, files[i].offset));
  const probabilities = {};
  for (const format of ['png', 'jpeg']) {
    const own = files.filter((f) => f.format === format);
    const xs = await Promise.all(own.map((f) => sn.image.decode(bin.subarray(f.offset, f.offset + f.length), { channels: 1 })));
    const x = sn.concat(xs, 0);
    const xn = sn.image.normalize(x, [MNIST_MEAN], [MNIST_STD]);
    const p = sn.predict(net, xn, { probabilities: true });
    probabilities[format] = Array.from(p.dataSync());
    sn.dispose([...xs, x, xn, p]);
  }
  writeFileSync(join(dir, 'images.bin'), bin);
  const meta = { mean: MNIST_MEAN, std: MNIST_STD, files, probabilities };
  writeFileSync(join(dir, 'images.json'), JSON.stringify(meta));
  return { ...meta, bytes: bin };
}

export async function makeFixture(root, dir) {
  mkdirSync(dir, { recursive: true });
  await sn.init();
  const trained = startWeights(root);
  const weights = new Uint8Array(readFileSync(trained));
  const net = sn.nn.models.lenet5();
  sn.io.loadSafetensors(net, weights);
  const images = await makeImages(dir, net);
  const digits = JSON.parse(readFileSync(join(HERE, 'digits.json'), 'utf8'));
  const x = digitsTensor(sn, digits.pixels);
  const y = sn.predict(net, x);
  const logits = Array.from(y.dataSync());
  sn.dispose([x, y]);
  net.dispose();
  writeFileSync(join(dir, 'lenet5.safetensors'), weights);
  copyFileSync(join(HERE, 'digits.json'), join(dir, 'digits.json'));
  writeFileSync(join(dir, 'expected.json'), JSON.stringify({ weights: trained, logits }));
  const right = digits.labels.filter((label, i) => {
    const row = logits.slice(i * 10, i * 10 + 10);
    return row.indexOf(Math.max(...row)) === label;
  }).length;
  const source = `${trained} (${right}/${digits.labels.length} digits classified right)`;
  return { weights, ...digits, logits, images, source };
}

const NPM = npmCommand();

/** npm pack, then a fresh project that installs the tarball; the snippets and fixture beside it. */
export function makeConsumer(root, out, fixtureDir) {
  const pack = JSON.parse(execFileSync(NPM[0], [...NPM.slice(1), 'pack', '--json', '--pack-destination', out], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const tarball = pack[0].filename;
  const dir = join(out, 'consumer');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { simdnet: `file:../${tarball}` } }, null, 2));
  execFileSync(NPM[0], [...NPM.slice(1), 'install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const f of ['lenet5.safetensors', 'digits.json', 'expected.json', 'images.json', 'images.bin']) copyFileSync(join(fixtureDir, f), join(dir, f));
  for (const f of ['node.mjs', 'deno.ts', 'bun.ts', 'browser.html']) copyFileSync(join(HERE, 'snippets', f), join(dir, f));
  for (const f of ['smoke.js', 'smoke-cli.mjs']) copyFileSync(join(HERE, f), join(dir, f));
  cpSync(join(HERE, 'types'), join(dir, 'types'), { recursive: true });
  return { dir, tarball: join(out, tarball), files: pack[0].files.length, size: pack[0].size, unpackedSize: pack[0].unpackedSize };
}
