// Bun: `bun add simdnet`, then `bun classify.ts`.
import * as sn from 'simdnet';

await sn.init(); // fetches simdnet.wasm from the package
const net = sn.nn.models.lenet5();
sn.io.loadSafetensors(net, await Bun.file('lenet5.safetensors').bytes());
const { pixels }: { pixels: number[] } = await Bun.file('digits.json').json();
const x = sn.tensor(Float32Array.from(pixels, (v) => v / 255), [pixels.length / 784, 28, 28, 1]);
const logits = sn.predict(net, x);
console.log(JSON.stringify({ logits: Array.from(logits.dataSync()) }));
