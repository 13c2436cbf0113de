// npm start: build the package if needed, then the main job (examples/lenet-mnist.mjs).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync('dist/index.js') || !existsSync('dist/simdnet.wasm')) {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const r = spawnSync(process.execPath, ['examples/lenet-mnist.mjs'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
