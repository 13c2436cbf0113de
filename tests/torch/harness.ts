// PyTorch as an oracle for the node:test suites: one long-lived `/usr/bin/python3
// tests/torch/oracle.py` per test file, fed JSON lines. A case runs the simdnet op (forward,
// then backward with a random upstream gradient), sends the same inputs and gradient to
// PyTorch, and compares outputs (1e-5) and input gradients (1e-4) by relative error. Layouts
// that differ (NHWC activations, HWIO weights) are permuted on the PyTorch side by `perm`.
//
// Without PyTorch the tests skip with a message, or fail when SIMDNET_REQUIRE_ALL_RUNTIMES=1
// (CI). SIMDNET_PYTHON names another interpreter. Each file prints `torch oracle: N configurations compared ...` at exit;
// scripts/test.mjs adds the files' counts up.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, after } from 'node:test';
import * as sn from 'simdnet';

/** Permutations from simdnet's layouts to PyTorch's (applied as `x.permute(perm)`). */
export const NHWC_TO_NCHW = [0, 3, 1, 2];
/** From PyTorch's NCHW outputs back to NHWC. */
export const NCHW_TO_NHWC = [0, 2, 3, 1];
/** Conv weights HWIO [KH, KW, C/g, K] → OIHW; transposed-conv [KH, KW, K/g, C] → [C, K/g, KH, KW]. */
export const HWIO_TO_OIHW = [3, 2, 0, 1];

export const TOL = { fwd: 1e-5, grad: 1e-4 };

export type DType = 'f32' | 'i32' | 'bool';

export interface Input {
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
  dtype?: DType; // 'f32' by default
  /** Compare d(output)/d(this input) (f32 inputs only; default true for them). */
  grad?: boolean;
  /** simdnet layout → PyTorch layout, applied before the PyTorch call. */
  perm?: number[];
}

/** What to call in PyTorch: `F.<name>`, `torch.<name>`, `Tensor.<method>` or a name in oracle.py's CUSTOM. */
export interface TorchCall {
  fn: string;
  /** Positional arguments; `$(i)` stands for input i. Default: the inputs in order. */
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  /** Applied to every tensor output (PyTorch layout → simdnet layout). */
  outPerm?: number[];
}

export interface Case {
  /** Names the op and its configuration: it is what a failure message shows. */
  name: string;
  inputs: Input[];
  /**
   * The simdnet side: f32 inputs arrive as Tensors (requiresGrad where `grad`), i32 and bool
   * inputs as their typed arrays.
   */
  run: (...xs: any[]) => sn.Tensor | sn.Tensor[];
  torch: TorchCall;
  /** Compare gradients (default: when some input has `grad`). */
  backward?: boolean;
  tol?: { fwd?: number; grad?: number };
}

/** An argument placeholder for input i (`{ $t: v }` passes the number v as a 0-d tensor). */
export const $ = (i: number): { $: number } => ({ $: i });

// ---- random data (independent of simdnet's own generator) ----------------------------------

/** mulberry32: a small seeded generator, so every case is reproducible from its seed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A float input with values uniform in [lo, hi). */
export function uniform(shape: number[], r: () => number, lo = -1, hi = 1, opts: Partial<Input> = {}): Input {
  const data = new Float32Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * r();
  return { shape, data, ...opts };
}

/** An int32 input with values in [0, n). */
export function ints(shape: number[], r: () => number, n: number): Input {
  const data = new Int32Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(r() * n);
  return { shape, data, dtype: 'i32' };
}

/** A random integer in [lo, hi]. */
export const pick = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
/** A random element of xs. */
export const choose = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

// ---- comparison -------------------------------------------------------------------------------

/**
 * Largest elementwise error |got − want| / (|want| + rms(want)): relative for elements of the
 * tensor's scale, relative to that scale for elements near zero (where f32 sums cancel).
 * NaN matches NaN, ±inf matches itself.
 */
export function relError(got: ArrayLike<number>, want: ArrayLike<number>): { err: number; at: number } {
  let ss = 0;
  let n = 0;
  for (let i = 0; i < want.length; i++)
    if (Number.isFinite(want[i])) {
      ss += want[i] * want[i];
      n++;
    }
  const rms = n ? Math.sqrt(ss / n) : 0;
  let worst = { err: 0, at: -1 };
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    let e: number;
    if (g === w || (Number.isNaN(g) && Number.isNaN(w))) e = 0;
    else if (!Number.isFinite(w) || !Number.isFinite(g)) e = Infinity;
    else e = Math.abs(g - w) / (Math.abs(w) + rms);
    if (!(e <= worst.err)) worst = { err: e, at: i };
  }
  return worst;
}

function assertClose(what: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values, PyTorch gives ${want.length}`);
  const { err, at } = relError(got, want);
  if (!(err <= tol))
    throw new Error(`${what}: element ${at} is ${got[at]}, PyTorch gives ${want[at]} (relative error ${err.toExponential(2)} > ${tol})`);
}

// ---- the oracle process -----------------------------------------------------------------------

const b64 = (a: Float32Array | Int32Array | Uint8Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const f64of = (s: string): Float64Array => {
  const b = Buffer.from(s, 'base64');
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

interface Reply {
  id: number;
  error?: string;
  outputs?: { shape: number[]; data: string }[];
  grads?: (string | null)[];
}

export interface RawResult {
  outputs: { shape: number[]; data: Float64Array }[];
  grads: (Float64Array | null)[];
}

const counts = { configs: 0, withGrad: 0 };
process.on('exit', () => {
  if (counts.configs > 0)
    console.log(`torch oracle: ${counts.configs} configurations compared with PyTorch (${counts.withGrad} with gradients)`);
});

export class TorchOracle {
  private next = 1;
  private pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private seed = 1;

  constructor(private child: ChildProcessWithoutNullStreams, lines: AsyncIterable<string>, readonly version: string) {
    void (async () => {
      for await (const line of lines) {
        const r = JSON.parse(line) as Reply;
        const p = this.pending.get(r.id);
        if (!p) continue;
        this.pending.delete(r.id);
        p.resolve(r);
      }
      for (const p of this.pending.values()) p.reject(new Error('the PyTorch oracle process exited'));
      this.pending.clear();
    })();
  }

  /** One PyTorch call on raw inputs (for suites that compare something other than an op). */
  call(inputs: Input[], call: TorchCall, dy?: Float32Array[]): Promise<RawResult> {
    const id = this.next++;
    const req = {
      id,
      fn: call.fn,
      inputs: inputs.map((x) => ({ shape: x.shape, data: b64(x.data), dtype: x.dtype ?? 'f32', perm: x.perm, grad: (x.dtype ?? 'f32') === 'f32' && x.grad !== false && !!dy })),
      ...(call.args ? { args: call.args } : {}),
      ...(call.kwargs ? { kwargs: call.kwargs } : {}),
      ...(call.outPerm ? { outPerm: call.outPerm } : {}),
      ...(dy ? { dy: dy.map(b64) } : {}),
    };
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(JSON.stringify(req) + '\n');
    }).then((r) => {
      if (r.error) throw new Error(`PyTorch ${call.fn}: ${r.error}`);
      return {
        outputs: r.outputs!.map((o) => ({ shape: o.shape, data: f64of(o.data) })),
        grads: (r.grads ?? []).map((g) => (g === null ? null : f64of(g))),
      };
    });
  }

  /**
   * Runs the case in simdnet (forward, and backward with a seeded random dy for every output
   * that requires a gradient), asks PyTorch the same, and rejects with the case name, the
   * element and both values on a mismatch.
   */
  async check(c: Case): Promise<void> {
    const wantGrad = c.backward ?? c.inputs.some((x) => (x.dtype ?? 'f32') === 'f32' && x.grad !== false);
    const r = rng(0x5eed + this.seed++);
    const mine = sn.tidy(() => {
      const xs = c.inputs.map((x) =>
        (x.dtype ?? 'f32') === 'f32' ? sn.tensor(x.data, x.shape, { requiresGrad: wantGrad && x.grad !== false }) : x.data);
      const res = c.run(...xs);
      const outs = Array.isArray(res) ? res : [res];
      const fwd = outs.map((o) => ({ shape: o.shape.slice(), data: o.dataSync() }));
      const dys = outs.map((o) => uniform(o.shape.slice(), r).data as Float32Array);
      let grads: (Float32Array | null)[] = [];
      if (wantGrad) {
        outs.forEach((o, i) => {
          if (o.requiresGrad) o.backward(sn.tensor(dys[i], o.shape));
        });
        grads = xs.map((x, i) => {
          if (!(x instanceof sn.Tensor) || !x.requiresGrad) return null;
          return x.grad ? x.grad.dataSync() : new Float32Array(size(c.inputs[i].shape));
        });
      }
      return { fwd, dys, grads };
    });
    const theirs = await this.call(c.inputs.map((x) => ({ ...x, grad: wantGrad && x.grad !== false })), c.torch, wantGrad ? mine.dys : undefined);
    const tol = { ...TOL, ...c.tol };
    if (theirs.outputs.length !== mine.fwd.length)
      throw new Error(`${c.name}: ${mine.fwd.length} outputs, PyTorch gives ${theirs.outputs.length}`);
    mine.fwd.forEach((o, i) => {
      const t = theirs.outputs[i];
      if (o.shape.join() !== t.shape.join())
        throw new Error(`${c.name}: output ${i} has shape [${o.shape.join(', ')}], PyTorch gives [${t.shape.join(', ')}]`);
      assertClose(`${c.name}: output ${i}`, o.data, t.data, tol.fwd);
    });
    if (wantGrad)
      mine.grads.forEach((g, i) => {
        if (!g) return;
        const t = theirs.grads[i];
        if (!t) throw new Error(`${c.name}: PyTorch gives no gradient for input ${i}`);
        assertClose(`${c.name}: gradient of input ${i}`, g, t, tol.grad);
      });
    counts.configs++;
    if (wantGrad) counts.withGrad++;
  }

  /** Checks every case (requests pipelined), then throws the first few failures together. */
  async checkAll(cases: Case[]): Promise<number> {
    const results = await Promise.allSettled(cases.map((c) => this.check(c)));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason)] : []));
    if (failed.length)
      throw new Error(`${failed.length} of ${cases.length} cases differ from PyTorch:\n  ${failed.slice(0, 8).map((m) => m.slice(0, 600)).join('\n  ')}`);
    return cases.length;
  }

  close(): void {
    this.child.stdin.end();
  }
}

async function start(): Promise<{ oracle: TorchOracle } | { reason: string }> {
  // The bundled test file runs from build/tests/…: look upwards for the source tree.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'tests/torch/oracle.py')) && dirname(dir) !== dir) dir = dirname(dir);
  const script = join(dir, 'tests/torch/oracle.py');
  if (!existsSync(script)) return { reason: 'tests/torch/oracle.py not found above ' + fileURLToPath(import.meta.url) };
  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawn(process.env.SIMDNET_PYTHON ?? '/usr/bin/python3', [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    return { reason: `cannot start /usr/bin/python3: ${(e as Error).message}` };
  }
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const spawned = await new Promise<Error | null>((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', (e) => resolve(e));
  });
  if (spawned) return { reason: `cannot start /usr/bin/python3: ${spawned.message}` };
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  const hello = first.done ? null : (JSON.parse(first.value) as { ready: boolean; torch?: string; error?: string });
  if (!hello?.ready) {
    child.kill();
    return { reason: hello?.error ?? `oracle.py exited without its handshake${stderr.trim() ? ': ' + stderr.trim().split('\n').pop() : ''}` };
  }
  const oracle = new TorchOracle(child, { [Symbol.asyncIterator]: () => lines }, hello.torch!);
  after(() => oracle.close());
  return { oracle };
}

const started = await start();
const REQUIRE = process.env.SIMDNET_REQUIRE_ALL_RUNTIMES === '1';

/**
 * A test that needs PyTorch: skipped with the reason when it is missing, failed instead when
 * SIMDNET_REQUIRE_ALL_RUNTIMES=1.
 */
export function torchTest(name: string, fn: (torch: TorchOracle) => Promise<void>): void {
  if ('oracle' in started) {
    test(name, () => fn(started.oracle));
  } else if (REQUIRE) {
    test(name, () => {
      throw new Error(`PyTorch is required (SIMDNET_REQUIRE_ALL_RUNTIMES=1) but the oracle did not start: ${started.reason}`);
    });
  } else {
    test(name, { skip: `PyTorch not available (${started.reason}); apt-get install python3-torch` }, () => {});
  }
}
