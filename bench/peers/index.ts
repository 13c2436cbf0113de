// The peers, set up single-threaded with SIMD in Node: TensorFlow.js on its wasm backend and
// onnxruntime-web on its wasm execution provider. Each is loaded once per process. The other
// files of bench/peers/ build the networks the suites compare in each peer's own terms:
// onnx.ts (an ONNX writer), layout.ts (NHWC/NCHW), resnet18.ts, convnetjs.ts.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Tf = typeof import('@tensorflow/tfjs-core');
type Ort = typeof import('onnxruntime-web');

const require = createRequire(import.meta.url);
// Both packages' main entry lives in their dist/ folder, next to the .wasm files
// (onnxruntime-web's exports map hides package.json from require.resolve).
const distOf = (pkg: string): string => dirname(require.resolve(pkg));

let tfjs: Promise<Tf> | null = null;
let ort: Promise<Ort> | null = null;

/** TensorFlow.js with the wasm backend: SIMD build, one thread. */
export function tfjsWasm(): Promise<Tf> {
  tfjs ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // A directory prefix: in Node the backend reads the .wasm files from it with fs.
    wasm.setWasmPaths(distOf('@tensorflow/tfjs-backend-wasm') + '/');
    wasm.setThreadsCount(1);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
    if (!(await tf.setBackend('wasm'))) throw new Error('bench: tfjs wasm backend failed to initialise');
    await tf.ready();
    return tf;
  })();
  return tfjs;
}

/** onnxruntime-web on the wasm execution provider: one thread (no workers). */
export function ortWasm(): Promise<Ort> {
  ort ??= (async () => {
    const o = await import('onnxruntime-web');
    // PEER_THREADS=n gives onnxruntime-web n threads (default 1).
    o.env.wasm.numThreads = Number(process.env.PEER_THREADS ?? 1);
    o.env.wasm.proxy = false;
    // A URL prefix: the runtime imports ort-wasm-simd-threaded.mjs from it.
    o.env.wasm.wasmPaths = pathToFileURL(distOf('onnxruntime-web')).href + '/';
    o.env.logLevel = 'error';
    return o;
  })();
  return ort;
}

/** An onnxruntime-web session over model bytes, with all graph optimisations on. */
export async function ortSession(model: Uint8Array): Promise<import('onnxruntime-web').InferenceSession> {
  const o = await ortWasm();
  return o.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}

/** Versions, for the report header. */
export function peerVersions(): Record<string, string> {
  const v = (pkg: string) =>
    (JSON.parse(readFileSync(join(distOf(pkg), '..', 'package.json'), 'utf8')) as { version: string }).version;
  return {
    '@tensorflow/tfjs-backend-wasm': v('@tensorflow/tfjs-backend-wasm'),
    'onnxruntime-web': v('onnxruntime-web'),
  };
}

/**
 * Registers TensorFlow.js's gradient functions. tfjs-core's Node entry (the CommonJS
 * tf-core.node.js the peers load) ships without them (the union package @tensorflow/tfjs
 * adds them), and its ESM dist/register_all_gradients.js cannot be imported by Node
 * directly (extensionless relative imports). So it is bundled once into build/ with
 * esbuild and imported: the bundled copy registers into the same global registry
 * (getGlobal('gradRegistry')) and engine the loaded tfjs-core uses.
 */
let gradients: Promise<void> | null = null;
export function registerTfjsGradients(): Promise<void> {
  gradients ??= (async () => {
    const { build } = await import('esbuild');
    const out = fileURLToPath(new URL('./tfjs-gradients.mjs', import.meta.url));
    await build({
      stdin: { contents: "import '@tensorflow/tfjs-core/dist/register_all_gradients';", resolveDir: dirname(out), loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: out,
      logLevel: 'error',
    });
    await import(pathToFileURL(out).href);
  })();
  return gradients;
}
