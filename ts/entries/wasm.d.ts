// What `import x from '….wasm'` gives depends on how the entry is bundled: the `copy` loader
// keeps the import, and the runtime or its bundler (workerd, wrangler, Next.js) turns it into a
// compiled WebAssembly.Module; the `binary` loader inlines the bytes as a Uint8Array.
declare module '*.wasm' {
  const wasm: unknown;
  export default wasm;
}
