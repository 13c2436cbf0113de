// The README's example runs as it stands, on the built package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

test("the README's first example runs and its loss falls", () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## A first network'));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'a ```js block under "A first network"');
  mkdirSync('build/tests', { recursive: true });
  writeFileSync('build/tests/readme-example.mjs', m[1]);
  const out = execFileSync(process.execPath, ['build/tests/readme-example.mjs'], { encoding: 'utf8' });
  const losses = [...out.matchAll(/step (\d+): loss ([\d.]+)/g)].map((r) => Number(r[2]));
  assert.equal(losses.length, 4, out);
  assert.ok(losses[3] < losses[0] / 2, `loss ${losses.join(' → ')}`);
  assert.match(out, /total\s+15,770/);
});
