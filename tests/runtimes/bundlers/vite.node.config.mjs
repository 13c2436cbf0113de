// Vite's SSR build does not emit the wasm that `new URL(…, import.meta.url)` points to: take the
// entry with the kernels embedded.
export default {
  logLevel: 'warn',
  resolve: { alias: [{ find: /^simdnet$/, replacement: 'simdnet/inline' }] },
  ssr: { noExternal: ['simdnet'] },
  build: { ssr: 'node.js', outDir: 'out-vite-node', target: 'node20' },
};
