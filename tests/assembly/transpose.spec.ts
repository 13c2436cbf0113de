// Data-movement kernels against scalar index arithmetic on odd sizes (tails of the 4×4
// blocks and of the 16×64 tiles), each output followed by a guard.
import {
  transpose_2d_f32, transpose_2d_f32_part, copy_strided_f32, add_strided_f32, gather_fwd_f32, gather_bwd_f32,
} from '../../assembly/transpose';
import { seed, randBuf, zeroBuf, at, GUARD, outBuf } from './helpers';

const DIMS: i32[] = [1, 2, 3, 4, 5, 7, 16, 17, 33, 70];

function idx(i: i32): usize { return <usize>i << 2; }

describe('transpose', () => {
  it('transpose_2d: dst[b, c, r] = src[b, r, c] for every R, C in a set of odd and block sizes', () => {
    seed(31);
    for (let i = 0; i < DIMS.length; i++)
      for (let j = 0; j < DIMS.length; j++) {
        const R = DIMS[i];
        const C = DIMS[j];
        const B = (R + C) % 3 == 0 ? 2 : 1;
        const n = B * R * C;
        const src = randBuf(n);
        const dst = outBuf(n);
        transpose_2d_f32(src, dst, B, R, C);
        let wrong = 0;
        for (let b = 0; b < B; b++)
          for (let r = 0; r < R; r++)
            for (let c = 0; c < C; c++) if (at(dst, (b * C + c) * R + r) != at(src, (b * R + r) * C + c)) wrong++;
        expect(wrong).toBe(0);
        expect(at(dst, n)).toBe(GUARD);
        heap.free(src); heap.free(dst);
      }
  });

  it('copy_strided: permuted, broadcast (stride 0), reversed (negative) and strided destinations', () => {
    seed(32);
    // src [3, 5, 7] read as its transpose [7, 3, 5]: out[i0,i1,i2] = src[i1, i2, i0]
    const src = randBuf(105);
    const dst = outBuf(105);
    copy_strided_f32(src, dst, 1, 7, 3, 5, 0, 1, 35, 7, 0, 15, 5, 1);
    for (let a = 0; a < 7; a++)
      for (let b = 0; b < 3; b++)
        for (let c = 0; c < 5; c++) expect(at(dst, (a * 3 + b) * 5 + c)).toBe(at(src, (b * 5 + c) * 7 + a));
    expect(at(dst, 105)).toBe(GUARD);
    // a row of 7 broadcast over 2×3 (inner stride 0 → fill), and each row reversed (stride −1)
    const bc = outBuf(2 * 3 * 7);
    copy_strided_f32(src, bc, 1, 2, 3, 7, 0, 0, 7, 0, 0, 21, 7, 1);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 7; k++) expect(at(bc, (i * 3 + j) * 7 + k)).toBe(at(src, j * 7));
    const rev = outBuf(35);
    copy_strided_f32(src + idx(6), rev, 1, 1, 5, 7, 0, 0, 7, -1, 0, 0, 7, 1);
    for (let r = 0; r < 5; r++) for (let k = 0; k < 7; k++) expect(at(rev, r * 7 + k)).toBe(at(src, r * 7 + 6 - k));
    expect(at(rev, 35)).toBe(GUARD);
    // into the interior of a zeroed [5, 9] (destination strides: padding)
    const pad = zeroBuf(46);
    store<f32>(pad + idx(45), GUARD);
    copy_strided_f32(src, pad + idx(9 + 1), 1, 1, 3, 7, 0, 0, 7, 1, 0, 0, 9, 1);
    for (let r = 0; r < 5; r++)
      for (let c = 0; c < 9; c++) {
        const inside = r >= 1 && r < 4 && c >= 1 && c < 8;
        expect(at(pad, r * 9 + c)).toBe(inside ? at(src, (r - 1) * 7 + c - 1) : 0);
      }
    expect(at(pad, 45)).toBe(GUARD);
    heap.free(src); heap.free(dst); heap.free(bc); heap.free(rev); heap.free(pad);
  });

  it('add_strided sums broadcast dimensions: rows into columns, columns into rows, middle axes', () => {
    seed(33);
    for (let q = 0; q < DIMS.length; q++) {
      const A = 3;
      const B = DIMS[q];
      const C = 5;
      const n = A * B * C;
      const g = randBuf(n);
      // [A, B, C] → [A, 1, C] (dst stride 0 along B; inner contiguous)
      const mid = zeroBuf(A * C + 1);
      store<f32>(mid + idx(A * C), GUARD);
      add_strided_f32(g, mid, 1, A, B, C, 0, B * C, C, 1, 0, C, 0, 1);
      // [A, B, C] → [A, B, 1] (inner run summed into one element)
      const last = zeroBuf(A * B + 1);
      store<f32>(last + idx(A * B), GUARD);
      add_strided_f32(g, last, 1, A, B, C, 0, B * C, C, 1, 0, B, 1, 0);
      for (let a = 0; a < A; a++) {
        for (let c = 0; c < C; c++) {
          let w: f64 = 0;
          for (let b = 0; b < B; b++) w += <f64>at(g, (a * B + b) * C + c);
          expect(Math.abs(<f64>at(mid, a * C + c) - w)).toBeLessThan(1e-5);
        }
        for (let b = 0; b < B; b++) {
          let w: f64 = 0;
          for (let c = 0; c < C; c++) w += <f64>at(g, (a * B + b) * C + c);
          expect(Math.abs(<f64>at(last, a * B + b) - w)).toBeLessThan(1e-5);
        }
      }
      expect(at(mid, A * C)).toBe(GUARD);
      expect(at(last, A * B)).toBe(GUARD);
      heap.free(g); heap.free(mid); heap.free(last);
    }
  });

  it('gather forward picks rows (inner 1 and wider, repeats), backward accumulates repeats', () => {
    seed(34);
    const INNER: i32[] = [1, 3, 4, 9];
    for (let q = 0; q < INNER.length; q++) {
      const outer = 2;
      const L = 5;
      const inner = INNER[q];
      const nIdx = 6;
      const ix = zeroBuf(nIdx);
      const picks: i32[] = [4, 0, 2, 2, 4, 1];
      for (let j = 0; j < nIdx; j++) store<i32>(ix + idx(j), picks[j]);
      const src = randBuf(outer * L * inner);
      const n = outer * nIdx * inner;
      const dst = outBuf(n);
      gather_fwd_f32(src, ix, dst, outer, nIdx, L, inner);
      for (let o = 0; o < outer; o++)
        for (let j = 0; j < nIdx; j++)
          for (let k = 0; k < inner; k++) expect(at(dst, (o * nIdx + j) * inner + k)).toBe(at(src, (o * L + picks[j]) * inner + k));
      expect(at(dst, n)).toBe(GUARD);
      const dy = randBuf(n);
      const m = outer * L * inner;
      const dx = zeroBuf(m + 1);
      store<f32>(dx + idx(m), GUARD);
      gather_bwd_f32(dy, ix, dx, outer, nIdx, L, inner);
      for (let o = 0; o < outer; o++)
        for (let l = 0; l < L; l++)
          for (let k = 0; k < inner; k++) {
            let w: f64 = 0;
            for (let j = 0; j < nIdx; j++) if (picks[j] == l) w += <f64>at(dy, (o * nIdx + j) * inner + k);
            expect(Math.abs(<f64>at(dx, (o * L + l) * inner + k) - w)).toBeLessThan(1e-6);
          }
      expect(at(dx, m)).toBe(GUARD);
      heap.free(ix); heap.free(src); heap.free(dst); heap.free(dy); heap.free(dx);
    }
  });
  it('transpose_2d across its tiles (8×8 blocks in 16-column bands of up to 1 MiB, 4×4 in 16×256), three-channel shuffles, and split into 1–5 parts', () => {
    seed(33);
    const RS: i32[] = [3, 5, 18, 261, 300, 1037];
    const CS: i32[] = [3, 7, 16, 24, 259, 520];
    let wrong = 0;
    for (let i = 0; i < RS.length; i++)
      for (let j = 0; j < CS.length; j++) {
        const R = RS[i];
        const C = CS[j];
        const B = R * C > 20000 ? 1 : 3;
        const n = B * R * C;
        const src = randBuf(n);
        for (let parts = 1; parts <= 5; parts += 2) {
          const dst = outBuf(n);
          if (parts == 1) transpose_2d_f32(src, dst, B, R, C);
          else for (let p = 0; p < parts; p++) transpose_2d_f32_part(src, dst, B, R, C, p, parts);
          for (let b = 0; b < B; b++)
            for (let r = 0; r < R; r++)
              for (let c = 0; c < C; c++) if (at(dst, (b * C + c) * R + r) != at(src, (b * R + r) * C + c)) wrong++;
          if (at(dst, n) != GUARD) wrong++;
          heap.free(dst);
        }
        heap.free(src);
      }
    expect(wrong).toBe(0);
  });
});
