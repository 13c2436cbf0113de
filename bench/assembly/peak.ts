// The machine's roofs, measured by the benchmarks in the same run as the kernels they
// judge: the f32x4 mul+add peak (compute-bound kernels) and the memory-copy bandwidth
// (streaming kernels). A bench-only module: the shipped simdnet.wasm does not contain it
// (scripts/bench.mjs compiles it into build/bench-peak.wasm).
//
// Peak:
// PEAK_CHAINS accumulators each do acc += x·y per iteration (one f32x4 mul, one f32x4 add):
// the products are independent of the accumulators, so only the 2-3 cycle add latency is
// on a chain and 10 chains keep the mul and add pipes full. The operands are 4 vectors
// loaded per iteration from a 256-byte buffer (cycling through 4 rows of it) and multiplied
// pairwise. Loads are needed: with register-only operands V8 rematerialises loop-invariant
// vectors inside the loop and Binaryen reshuffles the chains, and those variants measured
// 20-40 % below what the GEMM micro-kernel itself reaches. 14 v128 values stay live, the
// most V8 keeps in registers. flops = iters × PEAK_CHAINS × 8.

// @ts-ignore: decorator
@inline const PEAK_CHAINS = 10;

// Accumulator chains per iteration: flops = iters × peak_f32x4_chains() × 8.
export function peak_f32x4_chains(): i32 { return PEAK_CHAINS; }

// Bytes of scratch (16-byte aligned) that peak_f32x4 writes its operands to.
export function peak_f32x4_scratch_bytes(): usize { return 256; }

// Runs `iters` iterations of PEAK_CHAINS f32x4 mul+add pairs and returns a value that
// depends on every accumulator (so none is dead code). `buf` is peak_f32x4_scratch_bytes().
export function peak_f32x4(iters: i32, buf: usize): f32 {
  // Values near 1: no overflow or denormals however long it runs.
  for (let i = 0; i < 16; i++) {
    v128.store(buf + (<usize>i << 4), f32x4.splat(<f32>1.0 + <f32>i * <f32>0.0625));
  }
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  let c8 = f32x4.splat(0), c9 = f32x4.splat(0);
  for (let i = 0; i < iters; i++) {
    // A varying address, so the loads cannot be hoisted or forwarded from the stores above.
    const p = buf + (<usize>(i & 3) << 6);
    const u0 = v128.load(p), u1 = v128.load(p, 16), u2 = v128.load(p, 32), u3 = v128.load(p, 48);
    c0 = f32x4.add(c0, f32x4.mul(u0, u1)); c1 = f32x4.add(c1, f32x4.mul(u0, u2));
    c2 = f32x4.add(c2, f32x4.mul(u0, u3)); c3 = f32x4.add(c3, f32x4.mul(u1, u2));
    c4 = f32x4.add(c4, f32x4.mul(u1, u3)); c5 = f32x4.add(c5, f32x4.mul(u2, u3));
    c6 = f32x4.add(c6, f32x4.mul(u0, u0)); c7 = f32x4.add(c7, f32x4.mul(u1, u1));
    c8 = f32x4.add(c8, f32x4.mul(u2, u2)); c9 = f32x4.add(c9, f32x4.mul(u3, u3));
  }
  const t = f32x4.add(
    f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)),
    f32x4.add(f32x4.add(c4, c5), f32x4.add(f32x4.add(c6, c7), f32x4.add(c8, c9))));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) +
    f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}

// Copy bandwidth: `bytes` (a multiple of 64) from src to dst, 4 f32x4 loads then 4 stores
// per iteration: the loop a streaming kernel runs at best (one read and one write stream).
export function copy_f32x4(src: usize, dst: usize, bytes: usize): void {
  for (let i: usize = 0; i < bytes; i += 64) {
    const a = v128.load(src + i), b = v128.load(src + i, 16), c = v128.load(src + i, 32), d = v128.load(src + i, 48);
    v128.store(dst + i, a); v128.store(dst + i, b, 16); v128.store(dst + i, c, 32); v128.store(dst + i, d, 48);
  }
}

// The same copy with the bulk-memory instruction, which V8 runs as the host's memmove.
export function copy_memory(src: usize, dst: usize, bytes: usize): void {
  memory.copy(dst, src, bytes);
}
