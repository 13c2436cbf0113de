// `npm run bench -- <suite…> [--json] [--rounds=N] [--sample-ms=N] [--clock=wall|cpu]
//                              [--sizes=a,b] [--only=regex] [--extra]`
//
// Suites: one per kernel family (bench/kernels/<family>.ts, named like assembly/<family>.ts)
// and the end-to-end models (bench/models/). Each exports `run(opts)` returning its rows;
// the harness (common.ts) times every suite's jobs in interleaved rounds together with the
// machine's two roofs (roofs.ts), so every rate comes with its fraction of a roof measured
// in the same run. Peers (tfjs, onnxruntime-web, ConvNetJS) are set up in bench/peers/.

import { fmt, printRows, ratioRows, roofsOf, table, type Options, type SuiteResult } from './common';
import { peerVersions } from './peers/index';

const SUITES: Record<string, () => Promise<{ run: (o: Options) => Promise<SuiteResult> }>> = {
  gemm: () => import('./kernels/gemm'),
  conv: () => import('./kernels/conv'),
  depthwise: () => import('./kernels/depthwise'),
  winograd: () => import('./kernels/winograd'),
  pool: () => import('./kernels/pool'),
  activation: () => import('./kernels/activation'),
  norm: () => import('./kernels/norm'),
  loss: () => import('./kernels/loss'),
  optim: () => import('./kernels/optim'),
  elementwise: () => import('./kernels/elementwise'),
  upsample: () => import('./kernels/upsample'),
  lenet: () => import('./models/lenet'),
  resnet18: () => import('./models/resnet18'),
  mobilenet: () => import('./models/mobilenet'),
  threads: () => import('./models/threads'),
  onnx: () => import('./models/onnx'),
};

const USAGE = `usage: npm run bench -- <${Object.keys(SUITES).join('|')}>… [--json] [--rounds=N] [--sample-ms=N] [--clock=wall|cpu] [--sizes=a,b] [--only=regex] [--extra]`;

function parseArgs(argv: string[]): { suites: string[]; opts: Options } {
  const opts: Options = { json: false, rounds: 7, sampleMs: 60, clock: 'wall', extra: false };
  const suites: string[] = [];
  for (const a of argv) {
    const [k, v] = a.split('=', 2);
    if (k === '--json') opts.json = true;
    else if (k === '--extra') opts.extra = true;
    else if (k === '--rounds') opts.rounds = Math.max(1, parseInt(v, 10));
    else if (k === '--sample-ms') opts.sampleMs = Math.max(1, parseFloat(v));
    else if (k === '--clock' && (v === 'wall' || v === 'cpu')) opts.clock = v;
    else if (k === '--sizes') opts.sizes = v.split(',').map(Number).filter((x) => x > 0);
    else if (k === '--only') opts.only = new RegExp(v);
    else if (k.startsWith('--')) throw new Error(`bench: unknown option ${a}\n${USAGE}`);
    else suites.push(a);
  }
  return { suites, opts };
}

async function main(): Promise<void> {
  const { suites, opts } = parseArgs(process.argv.slice(2));
  if (suites.length === 0) {
    console.error(USAGE);
    process.exit(2);
  }
  for (const name of suites) if (!SUITES[name]) throw new Error(`bench: unknown suite '${name}' (have: ${Object.keys(SUITES).join(', ')})`);
  for (const name of suites) {
    const suite = await SUITES[name]();
    const res = await suite.run(opts);
    if (opts.json) {
      printRows(res.rows, opts);
      continue;
    }
    const v = peerVersions();
    console.log(`\n## ${name}  (node ${process.versions.node}, v8 ${process.versions.v8}; ` +
      `tfjs-backend-wasm ${v['@tensorflow/tfjs-backend-wasm']}, onnxruntime-web ${v['onnxruntime-web']}; ` +
      `${opts.rounds} rounds, ${opts.clock} clock)`);
    const roof = roofsOf(res.rows);
    if (roof.gflops || roof.gbps) {
      console.log(`roofs measured in these rounds (best samples): f32x4 mul+add peak ${fmt(roof.gflops)} GFLOP/s, ` +
        `memory copy ${fmt(roof.gbps)} GB/s (bytes read + written); "best of roof" = best sample ÷ its roof`);
    }
    printRows(res.rows, opts);
    const base = res.base ?? 'simdnet';
    const ratios = ratioRows(res.rows, base);
    if (ratios.length) {
      console.log(`\ntime ratios: each lib's time ÷ ${base}'s in the same case (> 1× means ${base} is faster)`);
      console.log(table(['case', 'libs', 'of medians', 'median per round'], ratios));
    }
    for (const n of res.notes ?? []) console.log(`note: ${n}`);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
