// A lint over ts/: byte pointers become typed-array indices only through f32Index
// (ts/backend/memory.ts), which shifts unsigned. A signed `ptr >> 2` is negative above
// 2 GiB (issue 11, item 1); this keeps it from coming back. Node only (reads the sources).
import { test } from 'node:test';
import assert from 'node:assert/strict';

const g = globalThis as { process?: { versions?: Record<string, string> }; Deno?: unknown; Bun?: unknown };
const isNode = !!g.process?.versions?.node && !g.Deno && !g.Bun;

// What a pointer → index conversion looks like when it does not go through the helper.
const RULES: [RegExp, string][] = [
  [/>>>?\s*[23]\b/, 'a shift by 2 or 3 (a pointer to an index?): use f32Index(ptr)'],
  [/ptr\w*\)?\s*\/\s*[48]\b/i, 'a pointer divided by 4 or 8: use f32Index(ptr)'],
  [/\b(?:f32|i32)\(\)\[(?![^\]]*f32Index)[^\]]*\bptr\b/, 'a view indexed with a raw pointer: use f32Index(ptr)'],
  [/\.(?:set|fill|slice|subarray)\((?![^)]*f32Index)[^)]*\.ptr\b/, 'a view method given a raw pointer: use f32Index(ptr)'],
];
const HELPER = 'ts/backend/memory.ts';

test('ts/ converts pointers to indices only through f32Index (unsigned)', { skip: isNode ? false : 'Node only (reads ts/)' }, async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk('ts');
  assert.ok(files.length > 20, `found the sources (${files.length} files)`);
  const found: string[] = [];
  for (const f of files) {
    if (f === HELPER) continue;
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      for (const [re, why] of RULES) if (re.test(code)) found.push(`${f}:${i + 1}: ${why}\n    ${line.trim()}`);
    });
  }
  assert.deepEqual(found, [], found.join('\n'));
  assert.match(readFileSync(HELPER, 'utf8'), /export function f32Index\(ptr: number\): number \{\s*return ptr >>> 2;/);
});

test('the lint rules catch the signed forms they are for', () => {
  const bad = ['const p = t.ptr >> 2;', 'v[x.ptr>>2] = 1', 'f32()[this.ptr / 4]', 'be.f32()[dy.ptr]', 'f32().set(data, t.ptr)', 'v.fill(0, t.ptr >>> 2)'];
  for (const line of bad) assert.ok(RULES.some(([re]) => re.test(line)), line);
  const good = ['f32()[f32Index(dy.ptr)]', 'f32().set(data, f32Index(t.ptr))', 'const mid = (lo + hi) >> 1;', 'x = (x + 0x9e3779b9) >>> 0;', 'k.copy_f32(x.ptr + start * 4, y.ptr, n)'];
  for (const line of good) assert.ok(!RULES.some(([re]) => re.test(line)), line);
});
