// `npm run bench -- <suite…> [--json] [--rounds=N] [--sample-ms=N] [--clock=wall|cpu] [--sizes=a,b]`
//
// Each suite module exports `run(opts)` returning rows (and the peak it measured); later
// suites (conv, lenet, …) register themselves in SUITES below.

import { fmt, printRows, ratioRows, table, type Options, type Row } from './common';
import { peerVersions } from './peers';

interface SuiteResult {
  rows: Row[];
  peak?: number;
  notes?: string[];
}

const SUITES: Record<string, () => Promise<{ run: (o: Options) => Promise<SuiteResult> }>> = {
  gemm: () => import('./gemm'),
  conv: () => import('./conv'),
  lenet: () => import('./lenet'),
  threads: () => import('./threads'),
  resnet18: () => import('./resnet18'),
};

function parseArgs(argv: string[]): { suites: string[]; opts: Options } {
  const opts: Options = { json: false, rounds: 7, sampleMs: 60, clock: 'wall' };
  const suites: string[] = [];
  for (const a of argv) {
    const [k, v] = a.split('=', 2);
    if (k === '--json') opts.json = true;
    else if (k === '--rounds') opts.rounds = Math.max(1, parseInt(v, 10));
    else if (k === '--sample-ms') opts.sampleMs = Math.max(1, parseFloat(v));
    else if (k === '--clock' && (v === 'wall' || v === 'cpu')) opts.clock = v;
    else if (k === '--sizes') opts.sizes = v.split(',').map(Number).filter((x) => x > 0);
    else if (k.startsWith('--')) throw new Error(`bench: unknown option ${a}`);
    else suites.push(a);
  }
  return { suites, opts };
}

async function main(): Promise<void> {
  const { suites, opts } = parseArgs(process.argv.slice(2));
  if (suites.length === 0) {
    console.error(`usage: npm run bench -- <${Object.keys(SUITES).join('|')}> [--json] [--rounds=N] [--sample-ms=N] [--clock=wall|cpu] [--sizes=a,b]`);
    process.exit(2);
  }
  for (const name of suites) {
    const load = SUITES[name];
    if (!load) throw new Error(`bench: unknown suite '${name}' (have: ${Object.keys(SUITES).join(', ')})`);
    const suite = await load();
    const res = await suite.run(opts);
    if (opts.json) {
      printRows(res.rows, opts);
      continue;
    }
    const v = peerVersions();
    console.log(`\n## ${name}  (node ${process.versions.node}, v8 ${process.versions.v8}; ` +
      `tfjs-backend-wasm ${v['@tensorflow/tfjs-backend-wasm']}, onnxruntime-web ${v['onnxruntime-web']}; ` +
      `${opts.rounds} rounds, ${opts.clock} clock)`);
    if (res.peak) console.log(`f32x4 mul+add peak measured in this run (best sample): ${fmt(res.peak)} GFLOP/s`);
    printRows(res.rows, opts);
    const ratios = ratioRows(res.rows, 'simdnet');
    if (ratios.length) {
      console.log('');
      console.log(table(['case', 'ratio', 'speed-up'], ratios));
    }
    for (const n of res.notes ?? []) console.log(`note: ${n}`);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
