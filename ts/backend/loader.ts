// Turns whatever the caller has (a compiled Module, bytes, a Response, a URL) into an
// instance. Nothing here runs at module top level: workerd has no import.meta.url, so the
// default URL is resolved only when init() asks for it.

import { instantiate as instantiateWithLoader } from '@assemblyscript/loader';
import { isNode } from './runtime';

export type WasmSource =
  | WebAssembly.Module
  | ArrayBuffer
  | ArrayBufferView
  | Response
  | Promise<Response>
  | URL
  | string;

// Objects made in another realm (EdgeVM, jsdom, a vm context) fail instanceof; the brand
// check works across realms.
const hasBrand = (x: unknown, tag: string): boolean => Object.prototype.toString.call(x) === `[object ${tag}]`;

export function isWasmModule(x: unknown): boolean {
  return hasBrand(x, 'WebAssembly.Module');
}


// A bundler that does not copy simdnet.wasm next to its output (esbuild, or Node bundles)
// leaves the default URL pointing at nothing: say the three ways out (docs/bundlers.md).
const WASM_FIXES =
  "import 'simdnet/inline' instead (the kernels embedded in the JavaScript), pass init({ wasm }) " +
  '(a URL, bytes, a Response or a compiled WebAssembly.Module), or copy node_modules/simdnet/dist/simdnet.wasm ' +
  'next to your bundle (docs/bundlers.md has the recipe for esbuild, webpack and Vite)';

async function readUrl(url: URL): Promise<ArrayBuffer | Response> {
  if (url.protocol === 'file:' && isNode()) {
    // Node's fetch cannot read file: URLs.
    const fs = await import('node:fs/promises');
    const buf = await fs.readFile(url).catch((err: { code?: string }) => {
      if (err.code !== 'ENOENT') throw err;
      throw new Error(`simdnet.init: the wasm was not found at ${url.href}; ${WASM_FIXES}`);
    });
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  }
  return fetch(url);
}

async function toCompilable(src: WasmSource): Promise<WebAssembly.Module | BufferSource> {
  const source = src as unknown;
  if (isWasmModule(source)) return source as WebAssembly.Module;
  if (typeof source === 'string' || hasBrand(source, 'URL')) return toCompilable(await readUrl(new URL(String(source))));
  if (hasBrand(source, 'ArrayBuffer') || ArrayBuffer.isView(source)) return source as BufferSource;
  const res = await (source as Response | Promise<Response>);
  if (!res.ok) {
    const hint = res.status === 404 ? `; ${WASM_FIXES}` : '';
    throw new Error(`simdnet.init: fetching the wasm failed: HTTP ${res.status} ${res.statusText} (${res.url})${hint}`);
  }
  // Compile from the stream when the server labels it application/wasm, else from bytes.
  if (typeof WebAssembly.compileStreaming === 'function' && res.headers.get('content-type')?.startsWith('application/wasm')) {
    try {
      return await WebAssembly.compileStreaming(res.clone());
    } catch {
      /* fall through to bytes */
    }
  }
  return res.arrayBuffer();
}

// Cloudflare workerd and Vercel Edge refuse to compile bytes ("Wasm code generation disallowed
// by embedder"); say what works there instead.
async function compile(bytes: BufferSource): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (err) {
    if (!/disallowed/i.test(String(err))) throw err;
    throw new Error(
      `simdnet.init: this runtime does not compile WebAssembly from bytes (${String(err)}); import 'simdnet/edge' ` +
        `(chosen by the workerd and edge-light conditions), or pass a compiled module: init({ wasm: module })`,
    );
  }
}

export interface Loaded {
  module: WebAssembly.Module;
  exports: WebAssembly.Exports;
}

export async function load(source: WasmSource, memory: WebAssembly.Memory): Promise<Loaded> {
  const compilable = await toCompilable(source);
  const module = isWasmModule(compilable) ? (compilable as WebAssembly.Module) : await compile(compilable as BufferSource);
  // The release kernels import only the memory. A debug build (assertions on) also imports
  // env.abort: @assemblyscript/loader supplies it and decodes the message and source position.
  // Release modules skip the loader: it tells a Module from bytes with instanceof and so would
  // recompile a Module from another realm, which EdgeVM forbids.
  const needsAbort = WebAssembly.Module.imports(module).some((i) => i.module === 'env' && i.name === 'abort');
  const instance = needsAbort
    ? (await instantiateWithLoader(module, { env: { memory } })).instance
    : await WebAssembly.instantiate(module, { env: { memory } });
  return { module, exports: instance.exports };
}

export function defaultWasmUrl(): URL {
  // workerd gives modules no import.meta.url (nor does a script bundle): no file to find there.
  if (!import.meta.url)
    throw new Error("simdnet.init: this runtime gives modules no URL to find simdnet.wasm by; import 'simdnet/edge', or pass init({ wasm })");
  return new URL('./simdnet.wasm', import.meta.url);
}
