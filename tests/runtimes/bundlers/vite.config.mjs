// The page: Vite emits simdnet.wasm (and simdnet-threads.wasm) as assets by itself.
export default { logLevel: 'warn', build: { outDir: 'out-vite-web', target: 'es2022' } };
