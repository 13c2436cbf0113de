// Op-level jobs for the kernel families: each case runs a public op (forward, without
// recording) and the backward that op records (as autograd runs it), on tensors made once.
// A case names its compulsory bytes (streaming ops: GB/s against the copy bandwidth) or its
// FLOPs (compute-bound ops). Ops not in this build yet (being added) are listed by name and
// show as n/a until they exist; a case whose op rejects its arguments shows the op's message.

import * as sn from '../../ts/index';
import type { Tensor } from '../../ts/index';
import { backwardOf, naRow, type Job, type Row } from '../common';

export interface OpCase {
  /** Case name: the op and its shapes. */
  name: string;
  /** The inputs, made once (seeded). */
  inputs: () => Tensor[];
  /** The op on those inputs. */
  op: (...xs: Tensor[]) => Tensor;
  /** Compulsory bytes of the forward (inputs read once, outputs written once)… */
  bytes?: number;
  /** …or its FLOPs, for compute-bound ops. */
  flops?: number;
  /** Bytes (or FLOPs, with `flops`) of the backward; no backward job without it. */
  bwdBytes?: number;
  bwdFlops?: number;
  /** Indices of the inputs whose gradients the backward computes (default: the first). */
  grad?: number[];
  /** The public op this case needs (e.g. 'permute'): n/a rows until it exists. */
  needs?: string;
  lib?: string;
}

/** A public op of this build by name, or undefined while it does not exist yet. */
export function optionalOp(name: string): ((...a: unknown[]) => Tensor) | undefined {
  const f = (sn as unknown as Record<string, unknown>)[name];
  return typeof f === 'function' ? (f as (...a: unknown[]) => Tensor) : undefined;
}

/**
 * Forward (and backward) jobs of the cases, n/a rows for those that cannot run here, and a
 * function that frees every tensor the jobs hold.
 */
export function opJobs(suite: string, cases: OpCase[]): { jobs: Job[]; na: Row[]; free: () => void } {
  const jobs: Job[] = [];
  const na: Row[] = [];
  const owned = new Set<Tensor>();
  const lib = (c: OpCase) => c.lib ?? 'simdnet';
  for (const c of cases) {
    if (c.needs && !optionalOp(c.needs)) {
      na.push(naRow(suite, c.name, lib(c), `sn.${c.needs} does not exist in this build yet`));
      continue;
    }
    const xs = c.inputs();
    xs.forEach((x) => owned.add(x));
    let y: Tensor;
    try {
      y = sn.noGrad(() => c.op(...xs));
    } catch (e) {
      na.push(naRow(suite, c.name, lib(c), (e instanceof Error ? e.message : String(e)).split('\n')[0]));
      continue;
    }
    y.dispose();
    jobs.push({ case: c.name, lib: lib(c), bytes: c.bytes, flops: c.flops, run: () => sn.noGrad(() => c.op(...xs)).dispose() });
    if (c.bwdBytes || c.bwdFlops) {
      // The inputs keep requiresGrad: a backward computes the gradients of the inputs that
      // require one when it runs (the forward jobs run without recording).
      for (const i of c.grad ?? [0]) xs[i].requiresGrad = true;
      const yg = c.op(...xs);
      const dy = sn.randn(yg.shape, { seed: 7 });
      owned.add(yg).add(dy);
      jobs.push({ case: `${c.name} bwd`, lib: lib(c), bytes: c.bwdBytes, flops: c.bwdFlops, run: backwardOf(yg, dy) });
    }
  }
  return { jobs, na, free: () => owned.forEach((t) => t.dispose()) };
}

/** Elements of a shape. */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A seeded normal tensor of `shape` (scaled), for op inputs. */
export const input = (shape: number[], seed: number, scale = 1): Tensor => {
  const t = sn.randn(shape, { seed });
  if (scale === 1) return t;
  const s = sn.mul(t, scale);
  t.dispose();
  return s;
};
