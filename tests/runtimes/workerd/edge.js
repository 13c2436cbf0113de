// workerd test, service "edge": `simdnet` resolved with the workerd condition (simdnet/edge).
// The docs' Worker (worker.js, copied beside this file with smoke.js and the fixture)
// classifies the digits with Node's logits, and the smoke tests pass.
import * as sn from 'simdnet';
import * as onnx from 'simdnet/onnx';
import worker from './worker.js';
import { LOGITS_TOL, maxRelDiff, onnxSmokeTests, runTests, smokeTests } from './smoke.js';
import { EMPTY_WASM, fixture, rejects, report } from './fixture.js';

export default {
  async test() {
    report(await runTests([
      ['workerd refuses to compile wasm bytes and has no import.meta.url (why simdnet/edge exists)', async () => {
        await rejects(WebAssembly.compile(EMPTY_WASM), /disallowed/);
        if (import.meta.url !== undefined) throw new Error(`import.meta.url is ${import.meta.url}`);
      }],
      ["the docs' Worker (worker.js) answers with Node's logits", async () => {
        const res = await worker.fetch(new Request('http://worker/', { method: 'POST', body: JSON.stringify({ pixels: fixture.pixels }) }));
        const d = maxRelDiff((await res.json()).logits, fixture.logits);
        if (!(d <= LOGITS_TOL)) throw new Error(`logits differ from Node's by ${d}`);
      }],
      ...smokeTests(sn, fixture),
      ...onnxSmokeTests(sn, onnx, fixture),
    ]));
  },
};
