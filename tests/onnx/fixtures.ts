// ONNX fixtures for the importer's tests: torchvision models exported by PyTorch
// (tests/onnx/torchvision_export.py), generated on first use and cached under build/onnx/
// (keyed by the script's hash), and onnxruntime-web as the reference runtime.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const PY = '/usr/bin/python3';
const SCRIPT = 'tests/onnx/torchvision_export.py';
const DIR = 'build/onnx';

export interface Fixture {
  model: string;
  opset: number;
  file?: string;
  input?: number[];
  error?: string;
}

/**
 * Why PyTorch fixtures cannot be made here, or null when they can. In CI
 * (SIMDNET_REQUIRE_ALL_RUNTIMES=1) a missing PyTorch is a failure, elsewhere a skip.
 */
export function torchMissing(): string | null {
  const r = existsSync(PY) ? spawnSync(PY, ['-c', 'import torch, torchvision, onnx'], { encoding: 'utf8' }) : null;
  const why = !r ? `${PY} not found` : r.status !== 0 ? `PyTorch/torchvision/onnx not importable by ${PY} (apt-get install python3-torch python3-torchvision python3-onnx)` : null;
  if (why && process.env.SIMDNET_REQUIRE_ALL_RUNTIMES === '1') throw new Error(why);
  return why;
}

/** The exported models (generating them if the cache is missing or stale). */
export function fixtures(): Record<string, Fixture> {
  const hash = createHash('sha256').update(readFileSync(SCRIPT)).digest('hex').slice(0, 16);
  const stamp = join(DIR, 'script.hash');
  const manifest = join(DIR, 'manifest.json');
  if (!existsSync(manifest) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash) {
    mkdirSync(DIR, { recursive: true });
    execFileSync(PY, [SCRIPT, DIR], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(stamp, hash);
  }
  return JSON.parse(readFileSync(manifest, 'utf8'));
}

export const fixtureBytes = (f: Fixture): Uint8Array => new Uint8Array(readFileSync(join(DIR, f.file!)));

/** Runs a Python snippet with the oracle interpreter; its stdout. */
export function python(code: string, args: string[] = []): string {
  return execFileSync(PY, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
}

type Ort = typeof import('onnxruntime-web');
let ort: Promise<Ort> | null = null;

/** onnxruntime-web on its wasm backend, one thread. */
export function ortWeb(): Promise<Ort> {
  ort ??= (async () => {
    const o = await import('onnxruntime-web');
    o.env.wasm.numThreads = 1;
    o.env.wasm.proxy = false;
    o.env.wasm.wasmPaths = pathToFileURL(dirname(createRequire(join(process.cwd(), 'package.json')).resolve('onnxruntime-web'))).href + '/';
    o.env.logLevel = 'error';
    return o;
  })();
  return ort;
}

/** Output of onnxruntime-web for one float32 input. */
export async function ortRun(bytes: Uint8Array, feeds: Record<string, { data: Float32Array; dims: number[] }>): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
  const o = await ortWeb();
  const s = await o.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  try {
    const r = await s.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new o.Tensor('float32', v.data, v.dims)])));
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { data: v.data as Float32Array, dims: [...v.dims] }]));
  } finally {
    await s.release();
  }
}

/** max |a − b| over max |b|: the error relative to the output's scale. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return Number.isNaN(d) ? Infinity : d / Math.max(s, 1e-30);
}
