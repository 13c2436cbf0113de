// The bench-only roof kernels (bench/assembly/peak.ts): the peak loop computes every chain,
// the copy kernels move every byte and nothing beyond.
import { peak_f32x4, peak_f32x4_chains, peak_f32x4_scratch_bytes, copy_f32x4, copy_memory } from '../../bench/assembly/peak';

describe('peak_f32x4', () => {
  it('computes every chain: the sum over its 10 pairwise products of 4 operand rows', () => {
    // Operand q of row p is 1 + (4p + q)/16, in all 4 lanes; iteration i uses row i & 3 and
    // adds the 6 cross products and 4 squares of that row's operands to 10 accumulators.
    expect(peak_f32x4_chains()).toBe(10);
    const buf = heap.alloc(peak_f32x4_scratch_bytes());
    const iters = 11;
    let want: f64 = 0;
    for (let i = 0; i < iters; i++) {
      const p = i & 3;
      const u0 = 1 + <f64>(4 * p) / 16, u1 = u0 + 0.0625, u2 = u0 + 0.125, u3 = u0 + 0.1875;
      want += u0 * u1 + u0 * u2 + u0 * u3 + u1 * u2 + u1 * u3 + u2 * u3 + u0 * u0 + u1 * u1 + u2 * u2 + u3 * u3;
    }
    want *= 4; // lanes
    const got = <f64>peak_f32x4(iters, buf);
    expect(Math.abs(got - want)).toBeLessThan(1e-5 * want);
    heap.free(buf);
  });
});

describe('copy_f32x4 and copy_memory', () => {
  it('copy every byte of 64-byte blocks and nothing past them', () => {
    const sizes: usize[] = [0, 64, 192, 4096];
    for (let k = 0; k < 2; k++) {
      for (let s = 0; s < sizes.length; s++) {
        const n = sizes[s];
        const src = heap.alloc(n + 64), dst = heap.alloc(n + 64);
        for (let i: usize = 0; i < n + 64; i++) {
          store<u8>(src + i, <u8>((i * 7 + 3) & 255));
          store<u8>(dst + i, 0xa5);
        }
        if (k == 0) copy_f32x4(src, dst, n); else copy_memory(src, dst, n);
        let bad = 0;
        for (let i: usize = 0; i < n; i++) if (load<u8>(dst + i) != load<u8>(src + i)) bad++;
        for (let i: usize = n; i < n + 64; i++) if (load<u8>(dst + i) != 0xa5) bad++;
        expect(bad).toBe(0);
        heap.free(dst);
        heap.free(src);
      }
    }
  });
});
