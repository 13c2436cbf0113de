// npm run build: kernels (release + debug wasm), the ESM bundle and its .d.ts, into dist/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const bin = (name) => `node_modules/.bin/${name}`;

mkdirSync('build', { recursive: true });
run(bin('asc'), ['--config', 'asconfig.json', '--target', 'release']);
run(bin('asc'), ['--config', 'asconfig.json', '--target', 'debug']);

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
copyFileSync('build/simdnet.wasm', 'dist/simdnet.wasm');
await build({
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
run(bin('tsc'), ['-p', 'tsconfig.json']);
console.log('built dist/index.js, dist/index.d.ts, dist/simdnet.wasm');
