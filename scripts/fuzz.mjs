// npm run fuzz -- [--cases N] [--seed S] [--only name,...] [--path P]: the fuzz suite of
// tests/fuzz/ on the built package (run `npm run build` first). npm test runs it with the
// default 10,000 cases and seed.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';

export async function bundleFuzz() {
  await build({
    entryPoints: ['tests/fuzz/run.ts'],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    outfile: 'build/fuzz/run.mjs',
    external: ['simdnet', 'node:*'],
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  return 'build/fuzz/run.mjs';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = await bundleFuzz();
  const r = spawnSync(process.execPath, [file, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
