// Deno 2: `deno run --allow-read classify.ts` (the package from npm; with a package.json and
// node_modules, the bare specifier 'simdnet' works too).
import * as sn from 'npm:simdnet';

await sn.init(); // fetches simdnet.wasm from the package: needs --allow-read
const net = sn.nn.models.lenet5();
sn.io.loadSafetensors(net, await Deno.readFile('lenet5.safetensors'));
const { pixels }: { pixels: number[] } = JSON.parse(await Deno.readTextFile('digits.json'));
const x = sn.tensor(Float32Array.from(pixels, (v) => v / 255), [pixels.length / 784, 28, 28, 1]);
const logits = sn.predict(net, x);
console.log(JSON.stringify({ logits: Array.from(logits.dataSync()) }));
