// Vercel's EdgeVM (npm edge-runtime) in production mode: code generation from strings and
// wasm bytes off, as on Vercel. The docs' Edge Function is bundled as a script with the
// edge-light condition; its `.wasm` import becomes a global WebAssembly.Module compiled by
// the host and injected, as Vercel (and Next.js's wasm bindings) do: a Module of another realm.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { EdgeRuntime } from 'edge-runtime';
import { serve } from './server.mjs';
import { failure, logitsResult, pass } from './util.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const BINDING = 'wasm_simdnet';

export async function run({ consumer, fixture }) {
  const src = join(consumer, 'edge-vm');
  mkdirSync(src, { recursive: true });
  copyFileSync(join(HERE, 'edge-vm/entry.js'), join(src, 'entry.js'));
  copyFileSync(join(HERE, 'snippets/vercel-edge.js'), join(src, 'vercel-edge.js'));
  copyFileSync(join(HERE, 'smoke.js'), join(src, 'smoke.js'));
  const bundle = await build({
    entryPoints: [join(src, 'entry.js')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['edge-light', 'worker', 'browser'],
    plugins: [{
      name: 'wasm-binding',
      setup(b) {
        b.onResolve({ filter: /\.wasm$/ }, (a) => ({ path: a.path, namespace: BINDING }));
        b.onLoad({ filter: /.*/, namespace: BINDING }, () => ({ contents: `export default globalThis.${BINDING};` }));
      },
    }],
    logLevel: 'error',
  });
  const wasm = await WebAssembly.compile(readFileSync(join(consumer, 'node_modules/simdnet/dist/simdnet.wasm')));
  const runtime = new EdgeRuntime({ codeGeneration: { strings: false, wasm: false }, extend: (ctx) => Object.assign(ctx, { [BINDING]: wasm }) });
  const results = [];
  const check = async (name, fn) => {
    try {
      const note = await fn();
      results.push(pass(name, note ? { note } : undefined));
    } catch (err) {
      results.push(failure(name, err?.stack ?? err));
    }
  };
  await check('EdgeVM refuses to compile wasm bytes, and the injected Module fails instanceof (another realm)', async () => {
    const refused = await runtime.evaluate('WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => "compiled", (e) => String(e))');
    if (!/disallowed/.test(refused)) throw new Error(`compiling bytes gave: ${refused}`);
    if (runtime.evaluate(`${BINDING} instanceof WebAssembly.Module`) !== false) throw new Error('the Module is of the same realm: the test would not cover the brand check');
  });
  runtime.evaluate(bundle.outputFiles[0].text);
  const server = await serve(consumer);
  try {
    const res = await runtime.dispatchFetch(`${server.url}/api/classify`, { method: 'POST', body: JSON.stringify({ pixels: fixture.pixels }) });
    results.push(logitsResult("EdgeVM: the docs' Vercel Edge Function (vercel-edge.js) answers with Node's logits", { status: res.status, out: await res.text() }, fixture));
    const smoke = await runtime.dispatchFetch(`${server.url}/smoke`);
    const text = await smoke.text();
    try {
      results.push(...JSON.parse(text).map((r) => ({ ...r, name: `EdgeVM simdnet/edge via edge-light: ${r.name}` })));
    } catch {
      results.push(failure('EdgeVM: smoke tests', `HTTP ${smoke.status}: ${text.slice(0, 3000)}`));
    }
  } finally {
    await server.close();
  }
  return results;
}
