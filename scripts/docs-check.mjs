// The API reference's checks (npm test's `docs` step): TypeDoc builds docs/api/ and
// build/api.json with every validation warning an error (typedoc.json: an exported symbol
// without documentation fails); every function, class and method in the reference has an
// @example; the examples type-check against the sources (tests/examples.test.ts runs them).
// Ends with `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extractExamples, examplesModule } from './examples.mjs';

const results = [];
const check = (name, ok, detail = '') => {
  results.push(ok);
  console.log(`${ok ? '✔' : '✘'} ${name}${ok || !detail ? '' : `\n${detail}`}`);
};

// 1. TypeDoc. typedoc.json treats validation warnings as errors (npm run docs fails); here any
// warning fails too, but the JSON is still written so that step 2 lists what lacks an example.
const td = spawnSync(process.execPath, ['node_modules/typedoc/bin/typedoc', '--logLevel', 'Warn', '--treatValidationWarningsAsErrors', 'false', '--out', 'docs/api', '--json', 'build/api.json'], { encoding: 'utf8' });
const tdOut = (td.stdout + td.stderr).replace(/\x1b\[[0-9;]*m/g, '');
// (Not the summary line, nor the source-link notice of a clone without a usable git remote.)
const warnings = tdOut.split('\n').filter((l) => /\[(warning|error)\]/.test(l) && !/Found \d+ errors? and|git remote/.test(l));
check(`typedoc builds docs/api/ with no warning (every export documented; ${warnings.length} warnings)`, td.status === 0 && warnings.length === 0, warnings.slice(0, 80).join('\n'));

// 2. Every function, class and method (own or inherited, public or protected) has an @example.
if (td.status === 0) {
  const api = JSON.parse(readFileSync('build/api.json', 'utf8'));
  const KIND = { 64: 'function', 128: 'class', 2048: 'method' };
  const hasExample = (c) => !!c?.blockTags?.some((t) => t.tag === '@example');
  const missing = [];
  let count = 0;
  const walk = (r, path) => {
    for (const c of r.children ?? []) {
      const p = `${path}${path ? '.' : ''}${c.name}`;
      if (KIND[c.kind]) {
        count++;
        const ok = c.kind === 128 ? hasExample(c.comment) : c.signatures?.some((s) => hasExample(s.comment)) || hasExample(c.comment);
        if (!ok) missing.push(`  ${KIND[c.kind]} ${p} (${c.sources?.[0] ? `${c.sources[0].fileName}:${c.sources[0].line}` : '?'})`);
      }
      walk(c, p);
    }
  };
  walk(api, '');
  console.log(`  ${count} functions, classes and methods in the reference, ${count - missing.length} with an @example`);
  check('every function, class and method has an @example', missing.length === 0, missing.join('\n'));
}

// 3. The examples type-check (strict) against the sources, as a user's code would.
const examples = extractExamples(process.cwd());
mkdirSync('build/examples', { recursive: true });
writeFileSync('build/examples/examples.ts', examplesModule(examples));
writeFileSync('build/examples/tsconfig.json', JSON.stringify({
  extends: '../../tsconfig.json',
  compilerOptions: {
    noEmit: true, noUnusedLocals: false, noUnusedParameters: false, rootDir: '../..', declaration: false, emitDeclarationOnly: false,
    baseUrl: '../..', paths: { simdnet: ['ts/index.ts'], 'simdnet/onnx': ['ts/entries/onnx.ts'] },
  },
  include: ['examples.ts', '../../ts/**/*.d.ts'], // the sources' own declarations (wasm, jpeg-js)
}, null, 2));
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'build/examples/tsconfig.json'], { encoding: 'utf8' });
check(`the ${examples.length} @example blocks type-check (build/examples/examples.ts)`, tsc.status === 0, (tsc.stdout + tsc.stderr).trim().split('\n').slice(0, 60).join('\n'));

const failed = results.filter((r) => !r).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
