// What every runtime test uses, made once per run under build/runtimes/: the fixture (LeNet-5
// weights, the shipped digits, Node's logits for them) and a consumer project that installed
// the packed package (npm pack → npm install ../simdnet-x.tgz), as a user would.
import { npmCommand } from './util.mjs';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as sn from 'simdnet';
import { digitsTensor } from './smoke.js';

const HERE = new URL('.', import.meta.url).pathname;

// Trained weights when the project has saved them, else a seeded untrained LeNet-5: the check
// is that every runtime computes Node's logits, which holds for any weights.
const TRAINED = ['lenet5.safetensors', 'models/lenet5.safetensors'];

export async function makeFixture(root, dir) {
  mkdirSync(dir, { recursive: true });
  await sn.init();
  const trained = TRAINED.map((p) => join(root, p)).find((p) => existsSync(p));
  let weights;
  if (trained) {
    weights = new Uint8Array(readFileSync(trained));
  } else {
    sn.seed(2026);
    const seeded = sn.nn.models.lenet5();
    weights = sn.io.saveSafetensors(seeded, { note: 'seeded untrained LeNet-5 (sn.seed(2026)) for the runtime tests' });
    seeded.dispose();
  }
  const net = sn.nn.models.lenet5();
  sn.io.loadSafetensors(net, weights);
  const digits = JSON.parse(readFileSync(join(HERE, 'digits.json'), 'utf8'));
  const x = digitsTensor(sn, digits.pixels);
  const y = sn.predict(net, x);
  const logits = Array.from(y.dataSync());
  sn.dispose([x, y]);
  net.dispose();
  writeFileSync(join(dir, 'lenet5.safetensors'), weights);
  copyFileSync(join(HERE, 'digits.json'), join(dir, 'digits.json'));
  writeFileSync(join(dir, 'expected.json'), JSON.stringify({ weights: trained ?? 'seeded', logits }));
  const right = digits.labels.filter((label, i) => {
    const row = logits.slice(i * 10, i * 10 + 10);
    return row.indexOf(Math.max(...row)) === label;
  }).length;
  const source = trained ? `${trained} (${right}/${digits.labels.length} digits classified right)` : 'seeded (sn.seed(2026)), untrained';
  return { weights, ...digits, logits, source };
}

const NPM = npmCommand();

/** npm pack, then a fresh project that installs the tarball; the snippets and fixture beside it. */
export function makeConsumer(root, out, fixtureDir) {
  const pack = JSON.parse(execFileSync(NPM[0], [...NPM.slice(1), 'pack', '--json', '--pack-destination', out], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const tarball = pack[0].filename;
  const dir = join(out, 'consumer');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { simdnet: `file:../${tarball}` } }, null, 2));
  execFileSync(NPM[0], [...NPM.slice(1), 'install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const f of ['lenet5.safetensors', 'digits.json', 'expected.json']) copyFileSync(join(fixtureDir, f), join(dir, f));
  for (const f of ['node.mjs', 'deno.ts', 'bun.ts', 'browser.html']) copyFileSync(join(HERE, 'snippets', f), join(dir, f));
  for (const f of ['smoke.js', 'smoke-cli.mjs']) copyFileSync(join(HERE, f), join(dir, f));
  cpSync(join(HERE, 'types'), join(dir, 'types'), { recursive: true });
  return { dir, tarball: join(out, tarball), files: pack[0].files.length, size: pack[0].size, unpackedSize: pack[0].unpackedSize };
}
