// simdnet/inline: the kernels embedded in the JavaScript, so init() reads no file and fetches
// nothing (Node, Deno without --allow-read, Bun, browsers, default EdgeVM). Not for runtimes
// that forbid compiling wasm from bytes: use simdnet/edge there.
import wasm from '../../build/simdnet.wasm';
import { initWith } from './with-wasm';

export * from '../index';
export const init = initWith(wasm as Uint8Array);
