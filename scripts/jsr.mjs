// The JSR package (Deno's registry): staged from the built dist/ into build/jsr/, then
// `deno publish` there. JSR type-checks the declarations with Deno's resolution, which takes
// specifiers as written, so the staged .d.ts files import `./x.d.ts` where npm's say `./x.js`
// (TypeScript's mapping), and each entry's JavaScript names its declarations
// (`@ts-self-types`). dist/onnx.js reaches the library through the bare `simdnet`, which
// becomes `./index.js` here. (dist/ is git-ignored, which JSR honours unless told otherwise.)
//   node scripts/jsr.mjs             stage and `deno publish --dry-run` (npm test, CI)
//   node scripts/jsr.mjs --publish   stage and publish
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const OUT = 'build/jsr';
// Not ./edge: it imports simdnet.wasm as a module for workerd and Vercel Edge; Deno takes the
// default entry or ./inline.
const ENTRIES = { '.': 'index', './inline': 'inline', './onnx': 'onnx' };

export function stage() {
  rmSync(OUT, { recursive: true, force: true });
  cpSync('dist', join(OUT, 'dist'), { recursive: true, filter: (f) => !f.endsWith('.map') && !f.endsWith('dist/edge.js') });
  cpSync('README.md', join(OUT, 'README.md'));
  for (const file of readdirSync(join(OUT, 'dist'), { recursive: true }).filter((f) => f.endsWith('.d.ts'))) {
    const path = join(OUT, 'dist', file);
    const text = readFileSync(path, 'utf8').replace(/((?:from\s+|import\()['"]\.{1,2}\/[^'"]*)\.js(['"])/g, (m, head, q) =>
      existsSync(join(dirname(path), `${head.replace(/^.*['"]/, '')}.d.ts`)) ? `${head}.d.ts${q}` : m,
    );
    writeFileSync(path, text);
  }
  for (const name of Object.values(ENTRIES)) {
    const js = join(OUT, 'dist', `${name}.js`);
    const types = existsSync(join(OUT, 'dist', `${name}.d.ts`)) ? `./${name}.d.ts` : `./entries/${name}.d.ts`;
    const body = readFileSync(js, 'utf8').replace(/(from\s*)(['"])simdnet\2/g, '$1$2./index.js$2');
    writeFileSync(js, `/* @ts-self-types="${types}" */\n${body}`);
  }
  const exports = Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, `./dist/${v}.js`]));
  writeFileSync(join(OUT, 'jsr.json'), JSON.stringify({ name: '@simdnet/simdnet', version: pkg.version, license: pkg.license, exports, publish: { exclude: ['!dist'] } }, null, 2) + '\n');
  return OUT;
}

if (process.argv[1]?.endsWith('jsr.mjs')) {
  const deno = process.env.DENO ?? 'deno';
  stage();
  const args = ['publish', ...(process.argv.includes('--publish') ? [] : ['--dry-run']), '--allow-dirty'];
  execFileSync(deno, args, { cwd: OUT, stdio: 'inherit' });
}
