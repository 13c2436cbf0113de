// The architecture, checked from the files: the typed kernel table (ts/backend/kernels.ts)
// lists exactly the exports of both wasm builds with their parameter counts; only the
// launchers (ts/kernels/) name kernels, and only they split work into thread parts; every
// import goes down (or sideways) the floors written in docs/ARCHITECTURE.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const read = (p: string) => readFileSync(p, 'utf8');
const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f)).sort();

// ---- the kernel table ------------------------------------------------------------------

// Top-level pieces of a comma-separated list (commas inside [], (), <> do not split).
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if ('[(<'.includes(ch)) depth++;
    if ('])>'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** Name → parameter count of every member of `interface Kernels`, tuple aliases expanded. */
function tableArity(src: string): Map<string, number> {
  const text = src.replace(/\/\/.*$/gm, '');
  const aliases = new Map<string, string>();
  for (const m of text.matchAll(/^(?:export )?type (\w+) = (\[[^\]]*\]);/gm)) aliases.set(m[1], m[2]);
  const tupleLen = (t: string): number => {
    t = t.trim();
    if (aliases.has(t)) return tupleLen(aliases.get(t)!);
    if (!t.startsWith('[')) throw new Error(`kernels.ts: cannot count the rest parameter type ${t}`);
    return splitTop(t.slice(1, -1)).reduce((n, e) => n + (e.startsWith('...') ? tupleLen(e.slice(3)) : 1), 0);
  };
  const body = text.slice(text.indexOf('export interface Kernels {'), text.indexOf('\n}', text.indexOf('export interface Kernels {')));
  const out = new Map<string, number>();
  for (const m of body.matchAll(/^\s*(\w+)\(([^;]*?)\)\s*:\s*[\w ]+;/gms)) {
    const count = splitTop(m[2]).reduce((n, p) => n + (p.startsWith('...') ? tupleLen(p.slice(p.indexOf(':') + 1)) : 1), 0);
    out.set(m[1], count);
  }
  return out;
}

async function wasmArity(path: string, shared: boolean): Promise<Map<string, number>> {
  const module = new WebAssembly.Module(readFileSync(path));
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const out = new Map<string, number>();
  for (const [name, v] of Object.entries(instance.exports)) if (typeof v === 'function') out.set(name, v.length);
  return out;
}

const table = tableArity(read('ts/backend/kernels.ts'));

for (const [build, shared] of [['build/simdnet.wasm', false], ['build/simdnet-threads.wasm', true]] as const) {
  test(`the kernel table and ${build} list the same exports with the same parameter counts`, async () => {
    const wasm = await wasmArity(build, shared);
    const missing = [...wasm.keys()].filter((n) => !table.has(n));
    const absent = [...table.keys()].filter((n) => !wasm.has(n));
    assert.deepEqual(missing, [], `exports of ${build} missing from ts/backend/kernels.ts`);
    assert.deepEqual(absent, [], `entries of ts/backend/kernels.ts that ${build} does not export`);
    const arity = [...table].filter(([n, c]) => wasm.get(n) !== c).map(([n, c]) => `${n}: table ${c}, wasm ${wasm.get(n)}`);
    assert.deepEqual(arity, [], 'parameter counts');
  });
}

test('the table parser sees every kernel (a sanity check of the test itself)', () => {
  assert.ok(table.size > 100, `${table.size} entries`);
  assert.equal(table.get('gemm_f32'), 19);
  assert.equal(table.get('conv2d_nhwc_bwd_filter_f32_part'), 3 + 16 + 4);
  assert.equal(table.get('maxpool2d_nhwc_fwd_f32'), 3 + 16);
});

test('export names follow <op>[_<layout>][_<variant>]_<pass>_f32[_part | _scratch_bytes | _work_bytes | _bytes]', () => {
  const exempt = (n: string) => n === 'heap_base'; // not a kernel
  const bad = [...table.keys()].filter((n) => !exempt(n) && !/^[a-z0-9]+(_[a-z0-9]+)*_f32(_part|_scratch_bytes|_max_scratch_bytes|_work_bytes|_bytes)?$/.test(n));
  assert.deepEqual(bad, []);
});

// ---- who names kernels -------------------------------------------------------------------

const launcherFloor = (f: string) => f.startsWith(join('ts', 'kernels')) || f === join('ts', 'backend', 'kernels.ts');

test('only the launchers (ts/kernels/) name kernels or reach the kernel table', () => {
  const names = [...table.keys()].filter((n) => n !== 'heap_base');
  const word = new RegExp(`\\b(${names.join('|')})\\b`);
  const found: string[] = [];
  for (const f of tsFiles('ts')) {
    if (launcherFloor(f) || f.startsWith(join('ts', 'backend'))) continue;
    read(f).split('\n').forEach((line, i) => {
      const m = word.exec(line) ?? /\b(getBackend\(\)|be)\.k\b/.exec(line);
      if (m) found.push(`${f}:${i + 1}: ${m[0]}`);
    });
  }
  assert.deepEqual(found, []);
});

test('ts/ops has no thread or scratch logic', () => {
  const found: string[] = [];
  for (const f of tsFiles(join('ts', 'ops')))
    read(f).split('\n').forEach((line, i) => {
      if (/\b(runParts|parts|scratch)\s*\(/.test(line)) found.push(`${f}:${i + 1}`);
    });
  assert.deepEqual(found, []);
});

// ---- floors ------------------------------------------------------------------------------

/** The floors of docs/ARCHITECTURE.md's "Layers, bottom up" block, bottom first. */
function floors(): string[][] {
  const doc = read('docs/ARCHITECTURE.md');
  const start = doc.indexOf('```', doc.indexOf('## Layers, bottom up'));
  const block = doc.slice(start + 3, doc.indexOf('```', start + 3));
  return block
    .split('\n')
    .map((line) => line.split(/\s{2,}/)[0].split(/[\s,]+/).filter((t) => t.startsWith('ts/')))
    .filter((ts) => ts.length > 0);
}

// The floor a file is on: the longest listed floor its path starts with, else ts/<folder>
// (ts/index.ts: itself).
const listedFloors = floors().flat();
const floorName = (file: string): string => {
  const path = normalize(file).split(/[\\/]/).join('/');
  const listed = listedFloors.filter((f) => path === f || path.startsWith(`${f}/`)).sort((a, b) => b.length - a.length)[0];
  return listed ?? `ts/${path.split('/')[1]}`;
};

test('docs/ARCHITECTURE.md lists every folder of ts/ as a floor', () => {
  const listed = new Set(floors().flat());
  const present = new Set(tsFiles('ts').map(floorName));
  const unlisted = [...present].filter((f) => !listed.has(f));
  assert.deepEqual(unlisted, [], 'add these to the "Layers, bottom up" block of docs/ARCHITECTURE.md where they belong');
});

test('every import goes down or sideways the floors of docs/ARCHITECTURE.md', () => {
  const rank = new Map<string, number>();
  floors().forEach((names, i) => names.forEach((n) => rank.set(n, i)));
  const up: string[] = [];
  for (const f of tsFiles('ts')) {
    const from = floorName(f);
    for (const m of read(f).matchAll(/^(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
      const target = relative('.', join(dirname(f), m[1]));
      if (!target.startsWith('ts')) continue;
      const to = floorName(target.endsWith('.ts') || target.endsWith('.wasm') ? target : `${target}.ts`);
      if (!rank.has(to) || !rank.has(from)) continue; // reported by the test above
      if (rank.get(to)! > rank.get(from)!) up.push(`${f} imports ${m[1]} (${from} → ${to})`);
    }
  }
  assert.deepEqual(up, []);
});
