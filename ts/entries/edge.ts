// simdnet/edge (also the `workerd` and `edge-light` conditions of `simdnet`): for runtimes that
// refuse to compile wasm from bytes (Cloudflare workerd, Vercel Edge). The .wasm import stays an
// import in dist/edge.js; the runtime or its bundler turns it into a compiled WebAssembly.Module.
import wasm from '../../build/simdnet.wasm';
import { initWith } from './with-wasm';

export * from '../index';
export const init = initWith(wasm as WebAssembly.Module);
