// Cloudflare workerd (`workerd test`, no network): Workers bundled from the consumer project as
// wrangler would (esbuild, the workerd condition, .wasm and .bin kept as module imports).
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { exec, failure, requireBinary } from './util.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));

export async function run({ root, consumer, fixtureDir }) {
  const workerd = requireBinary(join(root, 'node_modules/@cloudflare/workerd-linux-64/bin/workerd'), 'npm install -D miniflare');
  const src = join(consumer, 'workerd');
  const out = join(src, 'out');
  mkdirSync(out, { recursive: true });
  for (const f of ['edge.js', 'plain.js', 'fixture.js']) copyFileSync(join(HERE, 'workerd', f), join(src, f));
  copyFileSync(join(HERE, 'snippets/worker.js'), join(src, 'worker.js'));
  copyFileSync(join(HERE, 'smoke.js'), join(src, 'smoke.js'));
  copyFileSync(join(fixtureDir, 'lenet5.safetensors'), join(src, 'lenet5.bin'));
  for (const f of ['digits.json', 'expected.json', 'images.json', 'images.bin']) copyFileSync(join(fixtureDir, f), join(src, f));
  copyFileSync(join(HERE, 'workerd/config.capnp'), join(out, 'config.capnp'));
  const common = { bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', outdir: out, loader: { '.wasm': 'copy', '.bin': 'copy' }, assetNames: '[name]', logLevel: 'error' };
  // wrangler's conditions; the plain service takes the default entry.
  await build({ ...common, entryPoints: [join(src, 'edge.js')], conditions: ['workerd', 'worker', 'browser'] });
  await build({ ...common, entryPoints: [join(src, 'plain.js')], external: ['node:*'] });

  const t = await exec(workerd, ['test', 'config.capnp'], { cwd: out, timeoutMs: 120_000 });
  // Per service: `[ TEST ] name`, the RESULTS line its test() printed, `[ PASS ] name`.
  return ['edge', 'plain'].flatMap((service) => {
    const section = t.out.split(`[ TEST ] ${service}\n`)[1]?.split(/\[ (?:PASS|FAIL) \]/)[0];
    const line = section?.match(/^RESULTS (.*)$/m);
    if (!line) return [failure(`workerd ${service}: test()`, t.out.slice(-4000))];
    return JSON.parse(line[1]).map((r) => ({ ...r, name: `workerd ${service} (${service === 'edge' ? 'simdnet/edge via the workerd condition' : 'default entry + the Module'}): ${r.name}` }));
  });
}
