// The script EdgeVM evaluates (an IIFE bundle, copied into the consumer project beside the
// docs' Vercel Edge Function and smoke.js): the function on POST /api/classify, the smoke
// tests on GET /smoke. The fixture comes from the test server, as the function's weights do.
import * as sn from 'simdnet';
import * as onnx from 'simdnet/onnx';
import handler from './vercel-edge.js';
import { fetchFixture, onnxSmokeTests, runTests, smokeTests } from './smoke.js';

const smoke = async (url) => {
  const fixture = await fetchFixture(new URL('/', url));
  return Response.json(await runTests([...smokeTests(sn, fixture), ...onnxSmokeTests(sn, onnx, fixture)]));
};

addEventListener('fetch', (event) => {
  const url = event.request.url;
  event.respondWith(new URL(url).pathname === '/smoke' ? smoke(url) : handler(event.request));
});
