// The script EdgeVM evaluates (an IIFE bundle, copied into the consumer project beside the
// docs' Vercel Edge Function and smoke.js): the function on POST /api/classify, the smoke
// tests on GET /smoke. The fixture comes from the test server, as the function's weights do.
import * as sn from 'simdnet';
import handler from './vercel-edge.js';
import { fetchFixture, runTests, smokeTests } from './smoke.js';

const smoke = async (url) => Response.json(await runTests(smokeTests(sn, await fetchFixture(new URL('/', url)))));

addEventListener('fetch', (event) => {
  const url = event.request.url;
  event.respondWith(new URL(url).pathname === '/smoke' ? smoke(url) : handler(event.request));
});
