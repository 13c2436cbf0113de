// node|deno|bun smoke-cli.mjs <specifier> [<onnx specifier>]: smoke.js on that simdnet entry
// (and, given the second, the ONNX smoke tests on that simdnet/onnx entry, which imports
// `simdnet` itself and must resolve it to the same instance), with the fixture in the working
// directory; prints the results as one JSON line. Copied into the consumer project, so bare
// specifiers resolve to the installed package.
import { readFile } from 'node:fs/promises';
import { onnxSmokeTests, runTests, smokeTests } from './smoke.js';

const sn = await import(process.argv[2]);
const digits = JSON.parse(await readFile('digits.json', 'utf8'));
const weights = new Uint8Array(await readFile('lenet5.safetensors'));
const { logits } = JSON.parse(await readFile('expected.json', 'utf8'));
const images = { ...JSON.parse(await readFile('images.json', 'utf8')), bytes: new Uint8Array(await readFile('images.bin')) };
const fixture = { weights, ...digits, logits, images };
const onnx = process.argv[3] ? await import(process.argv[3]) : null;
console.log(JSON.stringify(await runTests([...smokeTests(sn, fixture), ...(onnx ? onnxSmokeTests(sn, onnx, fixture) : [])])));
