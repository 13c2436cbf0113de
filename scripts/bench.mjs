// npm run bench -- <suite…> [options]: compiles the release wasm if it is missing or older
// than any kernel source, and the bench-only roof module (bench/assembly/peak.ts →
// build/bench-peak.wasm), bundles bench/index.ts into build/bench.mjs and runs it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { build } from 'esbuild';

const wasm = 'build/simdnet.wasm';
const newest = Math.max(
  ...readdirSync('assembly').filter((f) => f.endsWith('.ts')).map((f) => statSync(`assembly/${f}`).mtimeMs),
  statSync('asconfig.json').mtimeMs,
);
mkdirSync('build', { recursive: true });
// SIMDNET_WASM=path benchmarks another build of the kernels (and skips this step).
if (!process.env.SIMDNET_WASM && (!existsSync(wasm) || statSync(wasm).mtimeMs < newest)) {
  console.error('bench: compiling the release wasm');
  execFileSync('node_modules/.bin/asc', ['--config', 'asconfig.json', '--target', 'release'], { stdio: 'inherit' });
}

// The roofs' module: never part of the shipped wasm (release flags, memory imported).
const peak = 'build/bench-peak.wasm';
if (!existsSync(peak) || statSync(peak).mtimeMs < statSync('bench/assembly/peak.ts').mtimeMs) {
  execFileSync('node_modules/.bin/asc', ['bench/assembly/peak.ts', '-O3', '--converge', '--noAssert', '--use', 'abort=',
    '--runtime', 'stub', '--enable', 'simd', '--importMemory', '-o', peak], { stdio: 'inherit' });
}

await build({
  entryPoints: ['bench/index.ts'],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  outfile: 'build/bench.mjs',
  // Peers load from node_modules as Node resolves them (tfjs-wasm and onnxruntime-web
  // find their .wasm files relative to their own packages).
  packages: 'external',
  logLevel: 'warning',
});

const r = spawnSync(process.execPath, ['build/bench.mjs', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
