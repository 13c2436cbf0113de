// Node 20+: `npm install simdnet`, then `node classify.mjs`.
import { readFile } from 'node:fs/promises';
import * as sn from 'simdnet';

await sn.init(); // reads simdnet.wasm next to the package's JavaScript
const net = sn.nn.models.lenet5();
sn.io.loadSafetensors(net, await readFile('lenet5.safetensors'));
const { pixels } = JSON.parse(await readFile('digits.json', 'utf8')); // 28×28 bytes per digit
const x = sn.tensor(Float32Array.from(pixels, (v) => v / 255), [pixels.length / 784, 28, 28, 1]);
const logits = sn.predict(net, x);
console.log(JSON.stringify({ logits: Array.from(logits.dataSync()) }));
