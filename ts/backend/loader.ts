// Turns whatever the caller has (a compiled Module, bytes, a Response, a URL) into an
// instance. Nothing here runs at module top level: workerd has no import.meta.url, so the
// default URL is resolved only when init() asks for it.
import { instantiate } from '@assemblyscript/loader';

export type WasmSource =
  | WebAssembly.Module
  | ArrayBuffer
  | ArrayBufferView
  | Response
  | Promise<Response>
  | URL
  | string;

// A Module made in another realm (EdgeVM, jsdom) fails instanceof; the brand check works.
export function isWasmModule(x: unknown): boolean {
  return Object.prototype.toString.call(x) === '[object WebAssembly.Module]';
}

const g = globalThis as { process?: { versions?: Record<string, string> }; Deno?: unknown; Bun?: unknown };
const isNode = (): boolean => !!g.process?.versions?.node && !g.Deno && !g.Bun;

async function readUrl(url: URL): Promise<ArrayBuffer | Response> {
  if (url.protocol === 'file:' && isNode()) {
    // Node's fetch cannot read file: URLs.
    const fs = await import('node:fs/promises');
    const buf = await fs.readFile(url);
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  }
  return fetch(url);
}

async function toCompilable(src: WasmSource): Promise<WebAssembly.Module | BufferSource> {
  const source = src as unknown;
  if (isWasmModule(source)) return source as WebAssembly.Module;
  if (typeof source === 'string' || source instanceof URL) return toCompilable(await readUrl(new URL(source)));
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return source as BufferSource;
  const res = await (source as Response | Promise<Response>);
  if (!res.ok) throw new Error(`simdnet.init: fetching the wasm failed: HTTP ${res.status} ${res.statusText} (${res.url})`);
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

export interface Loaded {
  module: WebAssembly.Module;
  exports: WebAssembly.Exports;
}

export async function load(source: WasmSource, memory: WebAssembly.Memory): Promise<Loaded> {
  const compilable = await toCompilable(source);
  const module = isWasmModule(compilable)
    ? (compilable as WebAssembly.Module)
    : await WebAssembly.compile(compilable as BufferSource);
  // The loader supplies `abort` (debug builds) and decodes its message.
  const { instance } = await instantiate(module, { env: { memory } });
  return { module, exports: instance.exports };
}

export function defaultWasmUrl(): URL {
  return new URL('./simdnet.wasm', import.meta.url);
}
