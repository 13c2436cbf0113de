// An init() whose default wasm source is fixed by the entry instead of the URL next to the bundle.
import { init, type Backend, type InitOptions } from '../backend/index';
import type { WasmSource } from '../backend/loader';

export function initWith(wasm: WasmSource): (options?: InitOptions) => Promise<Backend> {
  return (options = {}) => init({ ...options, wasm: options.wasm ?? wasm });
}
