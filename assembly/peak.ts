// The machine's f32x4 mul+add peak, measured the way the GEMM micro-kernel computes.
//
// Each of the CHAINS accumulators does acc = acc + acc·s per iteration: one f32x4 mul and
// one f32x4 add, a dependency chain of mul latency + add latency. With enough independent
// chains the mul and add pipes stay full. s is below half an ulp, so acc keeps its value:
// no overflow, no denormals (which would slow the pipes), and the optimiser cannot fold
// anything since it does not know the arithmetic is a no-op. flops = iters × CHAINS × 8.

const PEAK_CHAINS = 12;

export function peak_f32x4_chains(): i32 { return PEAK_CHAINS; }

export function peak_f32x4(iters: i32): f32 {
  const s = f32x4.splat(1e-9);
  let a0 = f32x4.splat(1.0), a1 = f32x4.splat(1.1), a2 = f32x4.splat(1.2), a3 = f32x4.splat(1.3);
  let a4 = f32x4.splat(1.4), a5 = f32x4.splat(1.5), a6 = f32x4.splat(1.6), a7 = f32x4.splat(1.7);
  let a8 = f32x4.splat(1.8), a9 = f32x4.splat(1.9), a10 = f32x4.splat(2.0), a11 = f32x4.splat(2.1);
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.add(a0, f32x4.mul(a0, s)); a1 = f32x4.add(a1, f32x4.mul(a1, s));
    a2 = f32x4.add(a2, f32x4.mul(a2, s)); a3 = f32x4.add(a3, f32x4.mul(a3, s));
    a4 = f32x4.add(a4, f32x4.mul(a4, s)); a5 = f32x4.add(a5, f32x4.mul(a5, s));
    a6 = f32x4.add(a6, f32x4.mul(a6, s)); a7 = f32x4.add(a7, f32x4.mul(a7, s));
    a8 = f32x4.add(a8, f32x4.mul(a8, s)); a9 = f32x4.add(a9, f32x4.mul(a9, s));
    a10 = f32x4.add(a10, f32x4.mul(a10, s)); a11 = f32x4.add(a11, f32x4.mul(a11, s));
  }
  // Depend on every accumulator so none is dead code.
  const t = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}
