import {
  binary_f32, binary_scalar_f32, binary_rows_f32, axpy_f32, fill_f32, copy_f32, sum_f32,
  sum_rows_f32, copy_rows_f32, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MIN, OP_MAX, OP_POW,
  binary_strided_f32, where_fwd_f32, where_bwd_f32, minmax_bwd_f32,
  binary_strided_f32_part,
} from '../../assembly/elementwise';
import { randBuf, zeroBuf, copyBuf, at, outBuf, GUARD } from './helpers';

const SIZES: i32[] = [1, 3, 4, 7, 17, 33, 100];

function refBinary(op: i32, a: f32, b: f32): f32 {
  if (op == OP_ADD) return a + b;
  if (op == OP_SUB) return a - b;
  if (op == OP_MUL) return a * b;
  if (op == OP_DIV) return a / b;
  if (op == OP_MIN) return Mathf.min(a, b);
  if (op == OP_MAX) return Mathf.max(a, b);
  return <f32>Math.pow(<f64>a, <f64>b);
}

// Exact for every op but pow (exp·log: within 1e-6 relative on these inputs).
function sameOrClose(op: i32, got: f32, want: f32): bool {
  if (op != OP_POW) return got == want;
  return Math.abs(<f64>got - <f64>want) <= 1e-6 * Math.abs(<f64>want) + 1e-30;
}

describe('elementwise', () => {
  it('add/sub/mul/div match scalar on tails, and keep the element after n untouched', () => {
    for (let op = 0; op < 4; op++) {
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const a = randBuf(n + 1);
        const b = randBuf(n + 1);
        const out = zeroBuf(n + 1);
        store<f32>(out + (<usize>n << 2), 12345);
        binary_f32(op, a, b, out, n);
        for (let i = 0; i < n; i++) expect(at(out, i)).toBe(refBinary(op, at(a, i), at(b, i)));
        expect(at(out, n)).toBe(12345);
        heap.free(a); heap.free(b); heap.free(out);
      }
    }
  });

  it('min, max, pow on tails; min/max propagate NaN', () => {
    for (let op = OP_MIN; op <= OP_POW; op++) {
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const a = randBuf(n + 1);
        const b = randBuf(n + 1);
        if (op == OP_POW) for (let i = 0; i < n; i++) store<f32>(a + (<usize>i << 2), Mathf.abs(at(a, i)) + 0.1);
        const out = outBuf(n);
        binary_f32(op, a, b, out, n);
        for (let i = 0; i < n; i++) expect(sameOrClose(op, at(out, i), refBinary(op, at(a, i), at(b, i)))).toBe(true);
        expect(at(out, n)).toBe(GUARD);
        heap.free(a); heap.free(b); heap.free(out);
      }
    }
    const a = zeroBuf(2);
    const b = zeroBuf(2);
    const o = zeroBuf(2);
    store<f32>(a, NaN); store<f32>(b + 4, NaN);
    binary_f32(OP_MIN, a, b, o, 2);
    expect(isNaN(at(o, 0)) && isNaN(at(o, 1))).toBe(true);
    binary_f32(OP_MAX, a, b, o, 2);
    expect(isNaN(at(o, 0)) && isNaN(at(o, 1))).toBe(true);
    heap.free(a); heap.free(b); heap.free(o);
  });

  it('binary_strided: every op over broadcast patterns (channel rows, scalar rows, middle axes), guard untouched', () => {
    // out [2, 3, 5, C]; a full, b one of [C], [2, 1, 1, C], [2, 3, 5, 1], [1, 3, 1, C]
    const CS: i32[] = [1, 3, 4, 7, 9];
    for (let op = 0; op <= OP_POW; op++)
      for (let q = 0; q < CS.length; q++)
        for (let pat = 0; pat < 4; pat++) {
          const C = CS[q];
          const n = 2 * 3 * 5 * C;
          const a = randBuf(n);
          if (op == OP_POW) for (let i = 0; i < n; i++) store<f32>(a + (<usize>i << 2), Mathf.abs(at(a, i)) + 0.1);
          const b = randBuf(2 * 3 * 5 * C);
          // b's strides per pattern (in floats) for the box [2·3, 5, C] written as 4-D [1, 6, 5, C]
          let b1 = 0, b2 = 0, b3 = 1;
          if (pat == 1) { b1 = 0; b2 = 0; b3 = 1; } // [C]
          if (pat == 2) { b1 = 5; b2 = 1; b3 = 0; } // [6, 5, 1]: a scalar per row
          if (pat == 3) { b1 = C; b2 = 0; b3 = 1; } // [6, 1, C]
          if (pat == 0) { b1 = 5 * C; b2 = C; b3 = 1; } // same shape
          const out = outBuf(n);
          // a as the right operand in odd patterns (a scalar or a row on the left side)
          const swap = pat % 2 == 1;
          if (swap) binary_strided_f32(op, b, a, out, 1, 6, 5, C, 0, b1, b2, b3, 0, 5 * C, C, 1);
          else binary_strided_f32(op, a, b, out, 1, 6, 5, C, 0, 5 * C, C, 1, 0, b1, b2, b3);
          let wrong = 0;
          for (let r = 0; r < 6; r++)
            for (let w = 0; w < 5; w++)
              for (let c = 0; c < C; c++) {
                const va = at(a, (r * 5 + w) * C + c);
                const vb = at(b, r * b1 + w * b2 + c * b3);
                const want = swap ? refBinary(op, vb, va) : refBinary(op, va, vb);
                if (!(op == OP_POW && swap ? Math.abs(<f64>at(out, (r * 5 + w) * C + c) - <f64>want) <= 1e-6 * Math.abs(<f64>want) || isNaN(want) : sameOrClose(op, at(out, (r * 5 + w) * C + c), want))) wrong++;
              }
          expect(wrong).toBe(0);
          expect(at(out, n)).toBe(GUARD);
          heap.free(a); heap.free(b); heap.free(out);
        }
  });

  it('where forward/backward and min/max backward (ties split in halves) on tails', () => {
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      const c = randBuf(n);
      for (let i = 0; i < n; i++) store<f32>(c + (<usize>i << 2), at(c, i) > 0 ? 1 : 0);
      const a = randBuf(n);
      const b = randBuf(n);
      for (let i = 0; i < n; i += 3) store<f32>(b + (<usize>i << 2), at(a, i)); // ties
      const out = outBuf(n);
      where_fwd_f32(c, a, b, out, n);
      for (let i = 0; i < n; i++) expect(at(out, i)).toBe(at(c, i) != 0 ? at(a, i) : at(b, i));
      expect(at(out, n)).toBe(GUARD);
      const dy = randBuf(n);
      const da = outBuf(n);
      const db = outBuf(n);
      where_bwd_f32(c, dy, da, db, n);
      for (let i = 0; i < n; i++) {
        expect(at(da, i)).toBe(at(c, i) != 0 ? at(dy, i) : 0);
        expect(at(db, i)).toBe(at(c, i) != 0 ? 0 : at(dy, i));
      }
      for (let isMax = 0; isMax < 2; isMax++) {
        minmax_bwd_f32(isMax, a, b, dy, da, db, n);
        for (let i = 0; i < n; i++) {
          const va = at(a, i);
          const vb = at(b, i);
          const g = at(dy, i);
          const aWins = isMax ? va > vb : va < vb;
          expect(at(da, i)).toBe(va == vb ? g * 0.5 : aWins ? g : 0);
          expect(at(db, i)).toBe(va == vb ? g * 0.5 : aWins ? 0 : g);
        }
        expect(at(da, n)).toBe(GUARD);
        expect(at(db, n)).toBe(GUARD);
      }
      heap.free(c); heap.free(a); heap.free(b); heap.free(out); heap.free(dy); heap.free(da); heap.free(db);
    }
  });

  it('scalar variants for every op, in place (out aliases a)', () => {
    for (let op = 0; op < 4; op++) {
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const a = randBuf(n);
        const orig = copyBuf(a, n);
        binary_scalar_f32(op, a, -0.75, a, n);
        for (let i = 0; i < n; i++) expect(at(a, i)).toBe(refBinary(op, at(orig, i), -0.75));
        heap.free(a); heap.free(orig);
      }
    }
  });

  it('sum_rows sums columns over rows (f64-accurate), on column tails and row chunks', () => {
    const ROWS: i32[] = [1, 5, 64, 130];
    for (let q = 0; q < ROWS.length; q++) {
      for (let s = 0; s < SIZES.length; s++) {
        const cols = SIZES[s] + 16;
        const rows = ROWS[q];
        const a = randBuf(rows * cols);
        const out = zeroBuf(cols + 1);
        store<f32>(out + (<usize>cols << 2), 777);
        sum_rows_f32(a, out, rows, cols);
        for (let c = 0; c < cols; c++) {
          let want: f64 = 0;
          for (let r = 0; r < rows; r++) want += <f64>at(a, r * cols + c);
          expect(Math.abs(<f64>at(out, c) - want)).toBeLessThan(1e-5);
        }
        expect(at(out, cols)).toBe(777);
        heap.free(a); heap.free(out);
      }
    }
  });

  it('copy_rows copies a strided block and nothing else', () => {
    const rows = 3, cols = 5, ss = 7, ds = 9;
    const src = randBuf(rows * ss);
    const dst = zeroBuf(rows * ds + 1);
    store<f32>(dst + (<usize>(rows * ds) << 2), 555);
    copy_rows_f32(src + 8, ss, dst + 4, ds, rows, cols);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < ds; c++) {
        const want: f32 = c >= 1 && c < 1 + cols ? at(src, r * ss + 2 + c - 1) : 0;
        expect(at(dst, r * ds + c)).toBe(want);
      }
    expect(at(dst, rows * ds)).toBe(555);
    heap.free(src); heap.free(dst);
  });

  it('axpy, fill, copy', () => {
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      const x = randBuf(n);
      const y = randBuf(n);
      const y0 = copyBuf(y, n);
      axpy_f32(0.25, x, y, n);
      for (let i = 0; i < n; i++) expect(at(y, i)).toBe(at(y0, i) + <f32>0.25 * at(x, i));
      fill_f32(y, 3.5, n);
      for (let i = 0; i < n; i++) expect(at(y, i)).toBe(3.5);
      copy_f32(x, y, n);
      for (let i = 0; i < n; i++) expect(at(y, i)).toBe(at(x, i));
      heap.free(x); heap.free(y); heap.free(y0);
    }
  });

  it('sum matches an f64 scalar sum', () => {
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      const a = randBuf(n);
      let want: f64 = 0;
      for (let i = 0; i < n; i++) want += <f64>at(a, i);
      expect(Math.abs(sum_f32(a, n) - want)).toBeLessThan(1e-9);
      heap.free(a);
    }
  });
  it('binary_strided_f32_part: 1–7 parts of a per-image channel scale give the reference values and the bits of one call', () => {
    let wrong = 0;
    // [2, 3, 5, C] × a per-image channel scale [2, 1, 1, C] (squeeze-excite), split by rows
    const CS: i32[] = [1, 5, 8, 13];
    for (let q = 0; q < CS.length; q++) {
      const C = CS[q];
      const n = 30 * C;
      const a = randBuf(n);
      const b = randBuf(2 * C);
      const one = outBuf(n);
      binary_strided_f32(OP_MUL, a, b, one, 2, 3, 5, C, 15 * C, 5 * C, C, 1, C, 0, 0, 1);
      for (let parts = 1; parts <= 7; parts++) {
        const out = outBuf(n);
        for (let p = 0; p < parts; p++) binary_strided_f32_part(OP_MUL, a, b, out, 2, 3, 5, C, 15 * C, 5 * C, C, 1, C, 0, 0, 1, p, parts);
        for (let i0 = 0; i0 < 2; i0++)
          for (let j = 0; j < 15 * C; j++) {
            const i = i0 * 15 * C + j;
            if (at(out, i) != at(a, i) * at(b, i0 * C + j % C)) wrong++;
            if (reinterpret<u32>(at(out, i)) != reinterpret<u32>(at(one, i))) wrong++;
          }
        if (at(out, n) != GUARD) wrong++;
        heap.free(out);
      }
      heap.free(a); heap.free(b); heap.free(one);
    }
    expect(wrong).toBe(0);
  });
});
