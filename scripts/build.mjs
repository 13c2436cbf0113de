// npm run build: kernels (release + debug wasm), the ESM bundle and its .d.ts, into dist/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const bin = (name) => `node_modules/.bin/${name}`;

mkdirSync('build', { recursive: true });
run(bin('asc'), ['--config', 'asconfig.json', '--target', 'release']);
run(bin('asc'), ['--config', 'asconfig.json', '--target', 'threads']); // shared memory, for init({ threads })
run(bin('asc'), ['--config', 'asconfig.json', '--target', 'debug']);

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
copyFileSync('build/simdnet.wasm', 'dist/simdnet.wasm');
copyFileSync('build/simdnet-threads.wasm', 'dist/simdnet-threads.wasm');
// sn.image.decode's PNG/JPEG decoders: their own file, imported on the first decode(), so the
// entries do not grow by them (ts/image/codecs.ts has the figures).
const lazyCodecs = {
  name: 'lazy-codecs',
  setup(b) {
    b.onResolve({ filter: /^\.\/codecs$/ }, (a) => (a.importer.endsWith('decode.ts') ? { path: './image-codecs.js', external: true } : undefined));
  },
};
await build({ entryPoints: { 'image-codecs': 'ts/image/codecs.ts' }, bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', outdir: 'dist', minify: true, logLevel: 'warning' });
await build({
  plugins: [lazyCodecs],
  entryPoints: ['ts/index.ts'],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  outfile: 'dist/index.js',
  external: ['node:*'],
  sourcemap: true,
  logLevel: 'warning',
});

// Entries for the runtimes the default loader does not fit (docs/runtimes.md). They keep the
// `node:` imports of the Node-only paths out: bundlers for browsers and workers reject them.
const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, namespace: 'no-node' }));
    b.onLoad({ filter: /.*/, namespace: 'no-node' }, (a) => ({
      contents: `export {}; throw new Error('${a.path} is not available in this build of simdnet (for browsers and edge runtimes); in Node, Deno or Bun import the default entry');`,
    }));
  },
};
const entry = { bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', outdir: 'dist', sourcemap: true, logLevel: 'warning', plugins: [noNodeBuiltins, lazyCodecs] };
// simdnet/edge: `import wasm from './simdnet.wasm'` stays an import, for workerd and Vercel Edge.
await build({ ...entry, entryPoints: { edge: 'ts/entries/edge.ts' }, loader: { '.wasm': 'copy' }, assetNames: '[name]' });
// simdnet/inline: the wasm as bytes in the bundle (es2022: no Uint8Array.fromBase64, Node 20 lacks it).
await build({ ...entry, entryPoints: { inline: 'ts/entries/inline.ts' }, loader: { '.wasm': 'binary' } });
// The `browser` condition, also for a plain <script type="module">: minified, simdnet.wasm beside it.
await build({ ...entry, entryPoints: { browser: 'ts/index.ts' }, minify: true, keepNames: true }); // names: summary() prints class names

// simdnet/onnx: the importer with protobufjs, apart from the main entry (which it would
// double); its imports of the library resolve to `simdnet` itself, so both share one instance.
// Only stateless library files may be bundled into it (a second copy of the backend or the
// tensor module would be a second library).
const selfImport = {
  name: 'simdnet-self',
  setup(b) {
    b.onResolve({ filter: /\/index$/ }, (a) => (join(a.resolveDir, a.path) === join(process.cwd(), 'ts/index') ? { path: 'simdnet', external: true } : undefined));
  },
};
const onnx = await build({ ...entry, entryPoints: { onnx: 'ts/entries/onnx.ts' }, plugins: [selfImport, noNodeBuiltins], mainFields: ['module', 'main'], metafile: true });
const bundled = Object.keys(onnx.metafile.inputs).filter((f) => f.startsWith('ts/') && !f.startsWith('ts/io/onnx/') && f !== 'ts/entries/onnx.ts' && f !== 'ts/backend/errors.ts' && f !== 'ts/io/float16.ts');
if (bundled.length) throw new Error(`dist/onnx.js must reach the library through 'simdnet' only, but bundles ${bundled.join(', ')}`);

run(bin('tsc'), ['-p', 'tsconfig.json']);
// tsc does not emit declarations that sit beside JavaScript sources (the generated ONNX
// protobuf code): copy them, or dist's .d.ts files would import what is not there.
for (const file of readdirSync('ts', { recursive: true }).filter((f) => f.endsWith('.d.ts') && existsSync(join('ts', f.replace(/\.d\.ts$/, '.js')))))
  copyFileSync(join('ts', file), join('dist', file));
// tsc keeps the extensionless specifiers of the sources; Deno (and Node's own resolution)
// need the file named, so the declarations name it.
for (const file of readdirSync('dist', { recursive: true }).filter((f) => f.endsWith('.d.ts'))) {
  const path = join('dist', file);
  const text = readFileSync(path, 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]*)\2/g, (m, pre, q, spec) => {
    const base = join(dirname(path), spec);
    if (existsSync(`${base}.d.ts`)) return `${pre}${q}${spec}.js${q}`;
    if (existsSync(join(base, 'index.d.ts'))) return `${pre}${q}${spec}/index.js${q}`;
    return m;
  });
  writeFileSync(path, text);
}
console.log('built dist/{index,edge,inline,browser,onnx}.js, their .d.ts, dist/simdnet.wasm');
