// Node on the packed package: the documented snippet, the smoke tests on the default and inline
// entries, and the declarations under TypeScript's nodenext resolution. Also that
// docs/runtimes.md shows the snippets the runtimes run, unchanged.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { exec, logitsResult, pass, failure, smokeResults, npmCommand } from './util.mjs';

export async function run({ consumer, fixture, root }) {
  const results = [logitsResult('node: docs snippet (node.mjs, bare specifier from the installed tarball)', await exec(process.execPath, ['node.mjs'], { cwd: consumer }), fixture)];
  // simdnet/onnx imports `simdnet` itself: its smoke tests run with the main entry.
  for (const [spec, onnx] of [['simdnet', 'simdnet/onnx'], ['simdnet/inline', null]])
    results.push(...smokeResults(`node ${spec}`, await exec(process.execPath, ['smoke-cli.mjs', spec, ...(onnx ? [onnx] : [])], { cwd: consumer })));
  // CommonJS: Node 20.19+ (package.json `engines`) loads the ES module through require().
  const cjs = await exec(process.execPath, ['-e', "const sn = require('simdnet'); sn.init().then(() => console.log(typeof sn.predict))"], { cwd: consumer });
  const cjsName = "node: require('simdnet') from CommonJS (Node ≥ 20.19, as package.json's engines says)";
  results.push(cjs.status === 0 && cjs.out.trim().endsWith('function') ? pass(cjsName) : failure(cjsName, cjs.out));
  const tsc = await exec(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'types'], { cwd: consumer });
  const name = 'node: the .d.ts of simdnet, simdnet/edge, simdnet/inline type-check (tsc, moduleResolution nodenext, no skipLibCheck)';
  results.push(tsc.status === 0 ? pass(name) : failure(name, tsc.out));
  // What `npm publish` would upload, checked by npm itself (no login needed for a dry run).
  const publish = await exec(npmCommand()[0], [...npmCommand().slice(1), 'publish', '--dry-run', '--ignore-scripts'], { cwd: root });
  const pubName = 'npm publish --dry-run';
  results.push(publish.status === 0 && /simdnet@/.test(publish.out) ? pass(pubName) : failure(pubName, publish.out.slice(-3000)));
  results.push(readmeSizes(root));
  const doc = readFileSync(join(root, 'docs/runtimes.md'), 'utf8');
  const dir = join(root, 'tests/runtimes/snippets');
  const missing = readdirSync(dir).filter((f) => !doc.includes(readFileSync(join(dir, f), 'utf8').trim()));
  const docs = 'docs/runtimes.md shows every tested snippet verbatim';
  results.push(missing.length === 0 ? pass(docs) : failure(docs, `not in the docs as tested: ${missing.join(', ')}`));
  return results;
}

// The README's shipped sizes ("`simdnet.wasm` 115.2 KiB (… KiB gzip)", "npm tarball … KiB")
// against the built files, within 2 % (the figures are rounded, and small changes need not
// reword the README; a grown file must).
export function readmeSizes(root) {
  const name = "README's shipped sizes equal the built files' (within 2 %)";
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const kib = (n) => n / 1024;
  const wrong = [];
  const near = (claimed, actual, what) => Math.abs(claimed - actual) <= 0.02 * actual || wrong.push(`${what}: README ${claimed} KiB, built ${actual.toFixed(1)} KiB`);
  const files = [...readme.matchAll(/`([\w.-]+\.(?:wasm|js))` ([\d.]+) KiB \(([\d.]+) KiB gzip\)/g)];
  for (const [, file, raw, gz] of files) {
    const bytes = readFileSync(join(root, 'dist', file));
    near(+raw, kib(bytes.length), file);
    near(+gz, kib(gzipSync(bytes, { level: 9 }).length), `${file} gzip`);
  }
  const tarball = /npm tarball ([\d.]+) KiB/.exec(readme);
  if (tarball) {
    const [pack] = JSON.parse(execFileSync(npmCommand()[0], [...npmCommand().slice(1), 'pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    near(+tarball[1], kib(pack.size), 'npm tarball');
  }
  if (files.length < 3 || !tarball) wrong.push(`README names ${files.length} file sizes and ${tarball ? 'the' : 'no'} tarball size`);
  return wrong.length === 0 ? pass(name) : failure(name, wrong.join('\n'));
}
