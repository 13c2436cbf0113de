// simdnet kernel by kernel: the backend's kernel table is swapped for timing wrappers, and
// each call is labelled by kernel and shape (by the suite's `describe`) with its FLOPs where
// they are defined.

import { getBackend, type Kernels } from '../../ts/backend/index';
import { median } from '../common';

export interface KernelTime {
  kernel: string;
  shape: string;
  calls: number; // per step
  ms: number; // per step: the sum over its calls of each call's median
  flops: number; // per step
}

export interface Profile {
  stepMs: number; // median of plain (unwrapped) steps
  wrappedStepMs: number; // median of wrapped steps
  restMs: number; // median over wrapped steps of (step − its kernel calls): JS and wrappers
  kernels: KernelTime[]; // in first-call order
}

/** A call's shape label and FLOPs from the kernel's name and its arguments. */
export type Describe = (name: string, args: number[]) => { shape: string; flops: number };

/**
 * Times `step` kernel by kernel. Plain and wrapped steps alternate (so load from other
 * processes hits both alike); every call of a step is timed by a wrapper around its kernel
 * (the step's sequence of calls is the same every time, so call i of every step is the same
 * kernel on the same shapes) and the per-call medians over the steps are summed per kernel
 * and shape. `now` is the suite's clock (wall or process CPU time); `what` names a step in
 * the error thrown when a step's calls differ from the first one's (e.g. 'bench lenet: the step').
 */
export function profileKernels(step: () => unknown, steps: number, now: () => number, describe: Describe, what: string): Profile {
  const be = getBackend();
  const orig = be.k;
  let labels: { kernel: string; shape: string; flops: number }[] | null = null;
  let cur: number[] = [];
  const timed: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(orig)) {
    if (typeof f !== 'function' || name.endsWith('_scratch_bytes')) {
      timed[name] = f;
      continue;
    }
    const fn = f as (...a: number[]) => number;
    timed[name] = (...a: number[]) => {
      if (labels) labels.push({ kernel: name, ...describe(name, a) });
      const t = now();
      const r = fn(...a);
      cur.push(now() - t);
      return r;
    };
  }
  const swap = (k: Kernels) => ((be as unknown as { k: Kernels }).k = k);
  const plain: number[] = [];
  const wrapped: number[] = [];
  const rest: number[] = [];
  const perCall: number[][] = [];
  try {
    // One labelling pass, then alternate plain and wrapped steps.
    labels = [];
    swap(timed as unknown as Kernels);
    step();
    const seq = labels;
    labels = null;
    for (let i = 0; i < steps; i++) {
      swap(orig);
      let t = now();
      step();
      plain.push(now() - t);
      swap(timed as unknown as Kernels);
      cur = [];
      t = now();
      step();
      const total = now() - t;
      if (cur.length !== seq.length) throw new Error(`${what} made ${cur.length} kernel calls, the first one ${seq.length}`);
      wrapped.push(total);
      rest.push(total - cur.reduce((a, b) => a + b, 0));
      cur.forEach((d, j) => (perCall[j] ??= []).push(d));
    }
    const byKey = new Map<string, KernelTime>();
    seq.forEach((l, j) => {
      const key = `${l.kernel} ${l.shape}`;
      let e = byKey.get(key);
      if (!e) byKey.set(key, (e = { kernel: l.kernel, shape: l.shape, calls: 0, ms: 0, flops: 0 }));
      e.calls++;
      e.ms += median(perCall[j]);
      e.flops += l.flops;
    });
    return { stepMs: median(plain), wrappedStepMs: median(wrapped), restMs: median(rest), kernels: [...byKey.values()] };
  } finally {
    swap(orig);
  }
}
