// Shared helpers for kernel specs: buffers in linear memory, a deterministic RNG and
// tolerant comparisons. Specs allocate with heap.alloc and free what they take.

let rngState: u32 = 0x9e3779b9;

export function seed(s: u32): void { rngState = s == 0 ? 1 : s; }

// xorshift32 in [-1, 1)
export function rnd(): f32 {
  let x = rngState;
  x ^= x << 13; x ^= x >> 17; x ^= x << 5;
  rngState = x;
  return <f32>((<f64>x / 4294967296.0) * 2.0 - 1.0);
}

export function randBuf(n: i32): usize {
  const p = heap.alloc(<usize>max(n, 1) << 2);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), rnd());
  return p;
}

export function zeroBuf(n: i32): usize {
  const p = heap.alloc(<usize>max(n, 1) << 2);
  memory.fill(p, 0, <usize>max(n, 1) << 2);
  return p;
}

export function copyBuf(src: usize, n: i32): usize {
  const p = heap.alloc(<usize>max(n, 1) << 2);
  memory.copy(p, src, <usize>n << 2);
  return p;
}

export function at(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }

// Largest |got - want| / (1 + |want|) over n floats: relative for large values, absolute near 0.
export function maxRelErr(got: usize, want: usize, n: i32): f64 {
  let worst: f64 = 0;
  for (let i = 0; i < n; i++) {
    const g = <f64>at(got, i);
    const w = <f64>at(want, i);
    const e = Math.abs(g - w) / (1.0 + Math.abs(w));
    if (!(e <= worst)) worst = e; // NaN counts as worst
  }
  return worst;
}

// The value put right after an output to catch writes past its end.
export const GUARD: f32 = 12345;

// n zeroed floats followed by GUARD.
export function guarded(n: i32): usize {
  const p = zeroBuf(n + 1);
  store<f32>(p + (<usize>n << 2), GUARD);
  return p;
}

// n floats of noise (the kernel must overwrite them) followed by GUARD.
export function outBuf(n: i32): usize {
  const p = randBuf(n + 1);
  store<f32>(p + (<usize>n << 2), GUARD);
  return p;
}

// The n floats at p, widened for f64 references.
export function f64of(p: usize, n: i32): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = <f64>at(p, i);
  return a;
}

// |got − want| within atol + rtol·|want|.
export function close(got: f64, want: f64, atol: f64, rtol: f64): bool {
  return Math.abs(got - want) <= atol + rtol * Math.abs(want);
}

// erf in f64 by its Maclaurin series up to |x| = 4 (the largest term is about 1e5 there, so
// 1e-11 of accuracy is left); beyond, ±1 (1 − erf 4 = 1.5e-8).
export function erf64(x: f64): f64 {
  if (Math.abs(x) > 4) return x > 0 ? 1 : -1;
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / <f64>n;
    const t = term / <f64>(2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
  }
  return sum * 1.1283791670955126;
}
