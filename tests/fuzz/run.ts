// The fuzz suite's runner (issue 11): property-based (fast-check), seeded and reproducible.
// Every case calls one entry of ./table.ts with generated arguments, classifies the outcome
// and then checks that the sentinel tensors made at the start are unchanged, that the
// allocator still hands out working memory, and that nothing leaked (sn.memory()).
//
//   node build/fuzz/run.mjs [--cases N] [--seed S] [--only name,name]
//
// Outcomes: a clear Error (starts `simdnet.<op>: ` for one of the entry's ops and names one of
// its arguments), or a result — checked against the JavaScript reference where the entry has
// one. Failures: a crash (a wasm trap, a TypeError, anything not an Error of ours), an unclear
// error, invalid input accepted, a wrong result, a leak, a changed sentinel, a broken
// allocator; a hang is caught by the caller's timeout, and the case being run is in
// build/fuzz-current.json. A failing case prints its seed, path and shrunk arguments.
import fc from 'fast-check';
import * as sn from 'simdnet';
import { TABLE, type Entry } from './table';
import { mismatch, type JsTensor } from './reference';
import type { Spec } from './args';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const CASES = Number(flag('cases') ?? 10_000);
const SEED = Number(flag('seed') ?? 20261205);
const ONLY = flag('only')?.split(',');
const PATH = flag('path');

await sn.init();
const resolve = (import.meta as { resolve?: (s: string) => string }).resolve;
const other = (await import(`${resolve!('simdnet')}?fuzz-copy`)) as typeof sn;
await other.init();
const FOREIGN = other.ones([2, 3]);

// ---- turning specs into tensors, and into the reference's { shape, data } ----

// The values of a spec, the same in the tensor and in the reference (a seeded generator).
function valuesOf(s: Extract<Spec, { $t: 'tensor' }>): Float32Array {
  const n = s.shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  let x = s.seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6a09e667) | 0;
    const u = ((x >>> 8) & 0xffff) / 0x10000;
    v[i] = s.int ? Math.floor(u * s.int) : Math.round((u * 4 - 2) * 64) / 64; // exact in f32
  }
  return v;
}

const BAD = Symbol('bad tensor');
interface Made {
  args: unknown[];
  js: unknown[];
  tensors: sn.Tensor[];
  hasBad: boolean;
}

function make(args: unknown[]): Made {
  const tensors: sn.Tensor[] = [];
  let hasBad = false;
  const real = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(real);
    if (!v || typeof v !== 'object') return v;
    const s = v as Spec;
    switch (s.$t) {
      case 'tensor': {
        const t = sn.tensor(valuesOf(s), s.shape, { requiresGrad: !!s.grad });
        tensors.push(t);
        return t;
      }
      case 'disposed': {
        hasBad = true;
        const t = sn.zeros(s.shape);
        t.dispose();
        return t;
      }
      case 'impostor':
        hasBad = true;
        return { shape: [2, 3], size: 6, ptr: 64, rank: 2, dtype: 'float32' };
      case 'foreign':
        hasBad = true;
        return FOREIGN;
      case 'proto':
        hasBad = true;
        return Object.create(sn.Tensor.prototype);
      default:
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, real(x)]));
    }
  };
  const js = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(js);
    if (!v || typeof v !== 'object') return v;
    const s = v as Spec;
    if (s.$t === 'tensor') return { shape: s.shape, data: valuesOf(s) } satisfies JsTensor;
    if (s.$t) return BAD;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, js(x)]));
  };
  const realArgs = args.map(real);
  return { args: realArgs, js: args.map(js), tensors, hasBad };
}

// ---- the invariants checked after every case ----

const SENTINELS = [sn.tensor(Array.from({ length: 37 }, (_, i) => i * 0.5 - 3)), sn.full([64], 7), sn.tensor([1, -1, 2, -2], [2, 2])];
const SENTINEL_VALUES = SENTINELS.map((t) => t.dataSync());
function invariants(before: { tensors: number; bytes: number }): string | null {
  for (const [i, t] of SENTINELS.entries()) {
    if (t.isDisposed) return `sentinel ${i} was disposed`;
    const d = t.dataSync();
    if (d.some((v, j) => !Object.is(v, SENTINEL_VALUES[i][j]))) return `sentinel ${i} changed`;
  }
  const probe = sn.full([5], 3);
  const ok = probe.dataSync().every((v) => v === 3);
  probe.dispose();
  if (!ok) return 'the allocator handed out memory that does not hold its values';
  const m = sn.memory();
  if (m.tensors !== before.tensors) return `leak: ${m.tensors - before.tensors} tensors`;
  if (m.bytesInUse - m.scratchBytes !== before.bytes) return `leak: ${m.bytesInUse - m.scratchBytes - before.bytes} bytes`;
  return null;
}

// ---- classification ----


type Outcome = 'clear error' | 'checked against reference' | 'result' | 'crash' | 'unclear error' | 'invalid input accepted' | 'wrong result' | 'leak or corruption';
const FAILURES: Outcome[] = ['crash', 'unclear error', 'invalid input accepted', 'wrong result', 'leak or corruption'];
const counts = new Map<string, Map<Outcome, number>>();
const count = (cat: string, o: Outcome): void => {
  const m = counts.get(cat) ?? new Map<Outcome, number>();
  m.set(o, (m.get(o) ?? 0) + 1);
  counts.set(cat, m);
};

function clearError(e: Entry, err: unknown): boolean {
  if (!(err instanceof Error) || err.constructor !== Error) return false;
  const ops = e.ops ?? [e.name];
  const m = /^simdnet\.([\w.]+): /.exec(err.message);
  if (!m || !ops.includes(m[1])) return false;
  return e.args.some((a) => err.message.includes(a));
}

function tensorsIn(x: unknown, out: sn.Tensor[] = [], depth = 0): sn.Tensor[] {
  if (x instanceof sn.Tensor) out.push(x);
  else if (depth < 3 && Array.isArray(x)) for (const v of x) tensorsIn(v, out, depth + 1);
  return out;
}

async function runCase(e: Entry, raw: unknown[]): Promise<{ outcome: Outcome; detail?: string }> {
  const m0 = sn.memory();
  const before = { tensors: m0.tensors, bytes: m0.bytesInUse - m0.scratchBytes };
  let made: Made | null = null;
  let outcome: Outcome;
  let detail: string | undefined;
  let result: unknown;
  try {
    made = make(raw);
    result = await e.call(sn, ...made.args);
    const expected = made.hasBad ? null : e.ref?.(...made.js);
    if (made.hasBad || expected === null || e.invalid?.(...made.js)) {
      outcome = 'invalid input accepted';
      detail = `returned ${result instanceof sn.Tensor ? `Tensor[${result.shape}]` : typeof result}`;
    } else if (e.check) {
      detail = e.check(result, ...made.js) ?? undefined;
      outcome = detail ? 'wrong result' : 'result';
    } else if (!(result instanceof sn.Tensor) || result.isDisposed) {
      outcome = 'wrong result';
      detail = `not a live tensor: ${String(result)}`;
    } else if (expected) {
      const shapeOk = result.shape.length === expected.shape.length && result.shape.every((d, i) => d === expected.shape[i]);
      const err = shapeOk ? mismatch(result.dataSync(), expected.data) : Infinity;
      outcome = shapeOk && err <= 1 ? 'checked against reference' : 'wrong result';
      if (outcome === 'wrong result') detail = `shape [${result.shape}] vs [${expected.shape}], error ${err}`;
    } else outcome = 'result';
  } catch (err) {
    if (clearError(e, err)) outcome = 'clear error';
    else {
      // A wasm trap, or something thrown that is not an Error: a crash. A TypeError or an
      // Error without the op's name: unclear.
      outcome = err instanceof Error && !(err instanceof WebAssembly.RuntimeError) ? 'unclear error' : 'crash';
      detail = err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err);
    }
  }
  for (const t of tensorsIn(result)) t.dispose();
  if (made) for (const t of made.tensors) t.dispose();
  const broken = invariants(before);
  if (broken && !FAILURES.includes(outcome)) {
    outcome = 'leak or corruption';
    detail = broken;
  }
  return { outcome, detail };
}

// ---- the property ----

const { writeFileSync, mkdirSync } = await import('node:fs');
mkdirSync('build', { recursive: true });
const entries = TABLE.filter((e) => !ONLY || ONLY.includes(e.name));
const caseArb = fc.oneof(...entries.map((e) => e.gen.map((args) => ({ name: e.name, args }))));
const byName = new Map(entries.map((e) => [e.name, e]));
let n = 0;
let shrinking = false;
const t0 = performance.now();
const prop = fc.asyncProperty(caseArb, async ({ name, args }) => {
  const e = byName.get(name)!;
  if (++n % 10 === 0) writeFileSync('build/fuzz-current.json', JSON.stringify({ seed: SEED, case: n, name, args }));
  const r = await runCase(e, args);
  if (!shrinking) count(e.category, r.outcome);
  if (FAILURES.includes(r.outcome)) {
    shrinking = true;
    throw new Error(`${name}: ${r.outcome}${r.detail ? `: ${r.detail}` : ''}`);
  }
});
const report = await fc.check(prop, { numRuns: CASES, seed: SEED, ...(PATH ? { path: PATH } : {}) });
const seconds = (performance.now() - t0) / 1000;

const all: Outcome[] = ['clear error', 'checked against reference', 'result', ...FAILURES];
const total = (o: Outcome) => [...counts.values()].reduce((s, m) => s + (m.get(o) ?? 0), 0);
console.log(`fuzz: ${report.numRuns} cases in ${seconds.toFixed(1)} s, seed ${SEED} (npm run fuzz -- --cases N --seed S)`);
for (const [cat, m] of [...counts.entries()].sort()) console.log(`  ${cat.padEnd(12)} ${all.filter((o) => m.get(o)).map((o) => `${o} ${m.get(o)}`).join(', ')}`);
console.log(`  ${'all'.padEnd(12)} ${all.map((o) => `${o} ${total(o)}`).join(', ')}`);
if (report.failed) {
  console.log(`FAILED after ${report.numRuns} cases: seed ${report.seed}, path "${report.counterexamplePath}"`);
  console.log(`shrunk case: ${fc.stringify(report.counterexample)}`);
  console.log(`error: ${report.errorInstance instanceof Error ? report.errorInstance.message : String(report.errorInstance)}`);
  console.log(`replay: npm run fuzz -- --seed ${report.seed} --path "${report.counterexamplePath}"`);
}
const failures = FAILURES.reduce((s, o) => s + total(o), 0);
console.log(`fuzz: ${failures === 0 && !report.failed ? 'passed' : 'FAILED'} (${failures} failing cases)`);
process.exit(failures === 0 && !report.failed ? 0 : 1);
