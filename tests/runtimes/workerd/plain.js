// workerd test, service "plain": the default entry (dist/index.js, no workerd condition)
// imported at module top level does not break a Worker; init() says what to do without a
// Module, and runs with one.
import * as sn from 'simdnet';
import * as onnx from 'simdnet/onnx';
import wasm from 'simdnet/simdnet.wasm';
import { onnxSmokeTests, runTests, smokeTests } from './smoke.js';
import { EMPTY_WASM, fixture, rejects, report } from './fixture.js';

export default {
  async test() {
    report(await runTests([
      ['init() with no source points to simdnet/edge', () => rejects(sn.init(), /simdnet\/edge/)],
      ['init() with bytes says this runtime refuses them', () => rejects(sn.init({ wasm: EMPTY_WASM }), /does not compile WebAssembly from bytes/)],
      ['init({ wasm: Module }) loads', () => sn.init({ wasm })],
      ...smokeTests(sn, fixture),
      ...onnxSmokeTests(sn, onnx, fixture),
    ]));
  },
};
