// Deno on the packed package (npm: and bare specifiers, BYONM), on dist/index.js by relative
// path, the inline entry without read access to the package, and the node:test files.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { exec, logitsResult, pass, failure, requireBinary, Skip, smokeResults, npmCommand } from './util.mjs';

// Not a devDependency: the npm package `deno` lists optional binaries for every platform, and
// the registry these tests run against lacks all but linux-x64 (404), so the lock file cannot
// hold them and `npm ci` rejects it. Installed here instead, pinned, once per build/ folder.
const DENO = '2.9.6';

async function installDeno(root) {
  const prefix = join(root, `build/tools/deno-${DENO}`);
  const bin = join(prefix, 'node_modules/@deno/linux-x64-glibc/deno');
  if (!existsSync(bin)) {
    const r = await exec(npmCommand()[0], [...npmCommand().slice(1), 'install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', prefix, `deno@${DENO}`]);
    if (r.status !== 0) throw new Skip(`npm install deno@${DENO} failed: ${r.out.trim().split('\n').pop()}`);
  }
  return requireBinary(bin, `the deno@${DENO} npm package has no binary for ${process.platform}-${process.arch} here`);
}

export async function run({ root, consumer, fixture, testFiles }) {
  const deno = await installDeno(root);
  const results = [logitsResult('deno: docs snippet (deno.ts, npm:simdnet)', await exec(deno, ['run', '--allow-read', 'deno.ts'], { cwd: consumer }), fixture)];
  const check = await exec(deno, ['check', 'deno.ts'], { cwd: consumer });
  results.push(check.status === 0 ? pass('deno: deno check deno.ts (the package types)') : failure('deno: deno check deno.ts (the package types)', check.out));
  // The ONNX smoke tests where simdnet/onnx's own `import 'simdnet'` reaches the same module.
  const smoke = async (spec, read, label, onnx = []) => results.push(...smokeResults(`deno ${label}`, await exec(deno, ['run', read, 'smoke-cli.mjs', spec, ...onnx], { cwd: consumer })));
  await smoke('npm:simdnet', '--allow-read', 'npm:simdnet', ['npm:simdnet/onnx']);
  await smoke('simdnet', '--allow-read', 'simdnet (bare, node_modules)', ['simdnet/onnx']);
  await smoke(relative(consumer, join(root, 'dist/index.js')), '--allow-read', 'dist/index.js (relative import)');
  await smoke('simdnet/inline', '--allow-read=digits.json,lenet5.safetensors,expected.json,images.json,images.bin', 'simdnet/inline (read access to the fixture only)');
  // The JSR package (scripts/jsr.mjs stages it from dist/): `deno publish --dry-run` type-checks
  // its declarations and public API the way JSR will.
  const jsr = await exec(process.execPath, ['scripts/jsr.mjs'], { cwd: root, env: { DENO: deno } });
  const jsrName = 'deno: deno publish --dry-run of the JSR package (scripts/jsr.mjs)';
  results.push(jsr.status === 0 && /Dry run complete/.test(jsr.out) ? pass(jsrName) : failure(jsrName, jsr.out.slice(-4000)));
  // The node:test files unchanged. --no-check: they are JavaScript bundles, and Deno does not
  // resolve .js to .d.ts for the package's own (non node_modules) declarations. --allow-all:
  // some tests write files and start processes (readme.test); the permissions the package
  // itself needs are checked above.
  const t = await exec(deno, ['test', '--no-check', '--allow-all', ...testFiles], { cwd: root, timeoutMs: 1_200_000 });
  const m = /(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(t.out);
  const name = `deno test: the node:test files (${testFiles.length} files)`;
  if (m && t.status === 0) results.push({ name, ok: true, passed: +m[1], failed: 0 });
  else results.push({ name, ok: false, passed: m ? +m[1] : 0, failed: m ? Math.max(1, +m[2]) : 1, error: t.out.slice(-6000) });
  return results;
}
