import {
  binary_f32, binary_scalar_f32, binary_rows_f32, axpy_f32, fill_f32, copy_f32, sum_f32,
  sum_rows_f32, relu_f32, copy_rows_f32, OP_ADD, OP_SUB, OP_MUL,
} from '../../assembly/elementwise';
import { randBuf, zeroBuf, copyBuf, at } from './helpers';

const SIZES: i32[] = [1, 3, 4, 7, 17, 33, 100];

function refBinary(op: i32, a: f32, b: f32): f32 {
  if (op == OP_ADD) return a + b;
  if (op == OP_SUB) return a - b;
  if (op == OP_MUL) return a * b;
  return a / b;
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

  it('relu matches max(x, 0) and keeps NaN', () => {
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      const a = randBuf(n);
      store<f32>(a, NaN);
      const out = zeroBuf(n);
      relu_f32(a, out, n);
      expect(isNaN(at(out, 0))).toBe(true);
      for (let i = 1; i < n; i++) expect(at(out, i)).toBe(at(a, i) > 0 ? at(a, i) : 0);
      heap.free(a); heap.free(out);
    }
  });
});
