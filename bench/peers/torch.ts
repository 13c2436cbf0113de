// The native anchor: PyTorch on this CPU (oneDNN, AVX2), what a user would run instead of a
// wasm engine outside the browser. torch_resnet18.py runs torchvision's ResNet-18 in a
// long-lived /usr/bin/python3 process; each call asks it for forwards on a thread count and
// waits for the answer, so the harness times it in the same interleaved rounds as the wasm
// libraries (wall clock: its CPU time is another process's). Without /usr/bin/python3,
// PyTorch or torchvision it is absent and says why.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const PYTHON = '/usr/bin/python3';
const SCRIPT = 'bench/peers/torch_resnet18.py';

export interface TorchPeer {
  /** What runs: versions, oneDNN. */
  info: string;
  /** `n` forwards of ResNet-18 (batch 1, 224²) on `threads` threads; the Python-side times, ms. */
  run(threads: number, n?: number): Promise<number[]>;
  close(): void;
}

/** PyTorch's ResNet-18 in a child process, or the reason it cannot run here. */
export async function torchResnet18(): Promise<TorchPeer | { missing: string }> {
  if (!existsSync(PYTHON)) return { missing: `${PYTHON} not found` };
  const script = resolve(SCRIPT);
  if (!existsSync(script)) return { missing: `${SCRIPT} not found (run the bench from the repository root)` };
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const r = await lines.next();
    if (r.done) throw new Error(`bench: the PyTorch process ended: ${stderr.trim().split('\n').pop() ?? ''}`);
    return JSON.parse(r.value) as Record<string, unknown>;
  };
  let hello: Record<string, unknown>;
  try {
    hello = await next();
  } catch (e) {
    child.kill();
    return { missing: e instanceof Error ? e.message : String(e) };
  }
  if (!hello.ready) {
    child.kill();
    return { missing: `PyTorch not installed (${String(hello.reason)})` };
  }
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  let queue: Promise<unknown> = Promise.resolve();
  return {
    info: `PyTorch ${String(hello.torch)}, torchvision ${String(hello.torchvision)}, oneDNN ${hello.mkldnn ? 'on' : 'off'}, ${PYTHON}`,
    run(threads: number, n = 1): Promise<number[]> {
      const call = queue.then(async () => {
        child.stdin.write(JSON.stringify({ cmd: 'run', threads, n }) + '\n');
        const r = await next();
        return r.ms as number[];
      });
      queue = call.catch(() => undefined);
      return call;
    },
    close(): void {
      child.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n');
    },
  };
}
