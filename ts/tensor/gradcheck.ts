// Checks a function's analytic gradients against central finite differences, with the
// difference quotients and the projection taken in f64 (the forward runs in f32 kernels).
import { getBackend, f32Index, opError } from '../backend/index';
import { Tensor, tidy, checkTensorArg } from './tensor';
import { noGrad } from './autograd';
import { Rng } from './rng';

/** Options of gradcheck. */
export interface GradcheckOptions {
  /** Step of the central difference (default 1e-2: f32 forward passes need a wide step). */
  eps?: number;
  /** Absolute tolerance (default 1e-3). */
  atol?: number;
  /** Relative tolerance (default 1e-2). */
  rtol?: number;
  /** Check at most this many coordinates per input, chosen at random (default all up to 64). */
  maxChecks?: number;
  /** Seed of the projection direction and of the coordinates checked (default 1). */
  seed?: number;
}

/** What gradcheck found. */
export interface GradcheckResult {
  /** True when every checked coordinate is within atol + rtol·|numeric|. */
  ok: boolean;
  /** The worst |analytic − numeric| / (atol + rtol·|numeric|); ok means ≤ 1. */
  maxError: number; // worst |analytic − numeric| / (atol + rtol·|numeric|)
  /** The coordinate with maxError: the input's position in `inputs`, the flat index, both gradients. */
  worst: {
    /** Which input (its position in `inputs`). */
    input: number;
    /** The flat index in that input. */
    index: number;
    /** backward()'s gradient there. */
    analytic: number;
    /** The central difference there. */
    numeric: number;
  } | null;
}

/**
 * fn maps the inputs to one tensor y; the check projects it on a fixed random direction r
 * (L = Σ y·r) so every output element takes part. Inputs must have requiresGrad set.
 *
 * @example
 * ```ts
 * const x = sn.randn([3, 4], { seed: 1, requiresGrad: true });
 * const r = sn.gradcheck((a) => sn.tanh(sn.matmul(a, a, { transposeB: true })), [x]);
 * console.log(r.ok, r.maxError < 1); // true true
 * ```
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  if (typeof fn !== 'function') throw opError('gradcheck', `argument 'fn' must be a function, got ${typeof fn}`);
  if (!Array.isArray(inputs) || inputs.length === 0) throw opError('gradcheck', `argument 'inputs' must be a non-empty array of tensors`);
  inputs.forEach((x, i) => checkTensorArg('gradcheck', `inputs[${i}]`, x));
  options ??= {};
  const eps = options.eps ?? 1e-2;
  const atol = options.atol ?? 1e-3;
  const rtol = options.rtol ?? 1e-2;
  const maxChecks = options.maxChecks ?? 64;
  const rng = new Rng(options.seed ?? 1);
  const be = getBackend();

  let r: Float64Array | null = null;
  const project = (y: Tensor): number => {
    const v = y.dataSync();
    if (!r) {
      r = new Float64Array(v.length);
      for (let i = 0; i < r.length; i++) r[i] = rng.next() * 2 - 1;
    }
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i] * r[i];
    return s;
  };

  // Analytic: backward of L = Σ y·r, i.e. y.backward(r).
  for (const x of inputs) {
    x.grad?.dispose();
    x.grad = null;
  }
  const analytic = tidy(() => {
    const y = fn(...inputs);
    project(y);
    const dy = new Float32Array(r!);
    const dyT = y.detach().assign(dy);
    y.backward(dyT);
    return inputs.map((x) => (x.grad ? x.grad.dataSync() : new Float32Array(x.size)));
  });

  let maxError = 0;
  let worst: GradcheckResult['worst'] = null;
  inputs.forEach((x, xi) => {
    const idx = Array.from({ length: x.size }, (_, i) => i);
    if (idx.length > maxChecks) rng.shuffle(idx);
    for (const i of idx.slice(0, maxChecks)) {
      const p = f32Index(x.ptr) + i;
      const orig = be.f32()[p];
      const at = (v: number): number =>
        noGrad(() =>
          tidy(() => {
            be.f32()[p] = v;
            return project(fn(...inputs));
          }),
        );
      // The step actually taken is what f32 can hold, not eps itself.
      const vp = Math.fround(orig + eps);
      const vm = Math.fround(orig - eps);
      const lp = at(vp);
      const lm = at(vm);
      be.f32()[p] = orig;
      const numeric = (lp - lm) / (vp - vm);
      const a = analytic[xi][i];
      const err = Math.abs(a - numeric) / (atol + rtol * Math.abs(numeric));
      if (!(err <= maxError)) {
        maxError = err;
        worst = { input: xi, index: i, analytic: a, numeric };
      }
    }
  });
  return { ok: maxError <= 1, maxError, worst };
}
