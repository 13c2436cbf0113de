// Node on the packed package: the documented snippet, the smoke tests on the default and inline
// entries, and the declarations under TypeScript's nodenext resolution. Also that
// docs/runtimes.md shows the snippets the runtimes run, unchanged.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, logitsResult, pass, failure, smokeResults } from './util.mjs';

export async function run({ consumer, fixture, root }) {
  const results = [logitsResult('node: docs snippet (node.mjs, bare specifier from the installed tarball)', await exec(process.execPath, ['node.mjs'], { cwd: consumer }), fixture)];
  for (const spec of ['simdnet', 'simdnet/inline']) results.push(...smokeResults(`node ${spec}`, await exec(process.execPath, ['smoke-cli.mjs', spec], { cwd: consumer })));
  const tsc = await exec(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'types'], { cwd: consumer });
  const name = 'node: the .d.ts of simdnet, simdnet/edge, simdnet/inline type-check (tsc, moduleResolution nodenext, no skipLibCheck)';
  results.push(tsc.status === 0 ? pass(name) : failure(name, tsc.out));
  const doc = readFileSync(join(root, 'docs/runtimes.md'), 'utf8');
  const dir = join(root, 'tests/runtimes/snippets');
  const missing = readdirSync(dir).filter((f) => !doc.includes(readFileSync(join(dir, f), 'utf8').trim()));
  const docs = 'docs/runtimes.md shows every tested snippet verbatim';
  results.push(missing.length === 0 ? pass(docs) : failure(docs, `not in the docs as tested: ${missing.join(', ')}`));
  return results;
}
