// node|deno|bun smoke-cli.mjs <specifier>: smoke.js on that simdnet entry, with the fixture in
// the working directory; prints the results as one JSON line. Copied into the consumer
// project, so bare specifiers resolve to the installed package.
import { readFile } from 'node:fs/promises';
import { runTests, smokeTests } from './smoke.js';

const sn = await import(process.argv[2]);
const digits = JSON.parse(await readFile('digits.json', 'utf8'));
const weights = new Uint8Array(await readFile('lenet5.safetensors'));
const { logits } = JSON.parse(await readFile('expected.json', 'utf8'));
const images = { ...JSON.parse(await readFile('images.json', 'utf8')), bytes: new Uint8Array(await readFile('images.bin')) };
console.log(JSON.stringify(await runTests(smokeTests(sn, { weights, ...digits, logits, images }))));
