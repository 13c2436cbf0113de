// Axis reductions, broadcast, softmax along an axis and top-k against f64 scalar references,
// over [outer, R, inner] views whose R and inner hit every vector tail (inner = 1 is the
// contiguous path, inner > 1 the strided one).
import {
  reduce_axis_f32, broadcast_axis_f32, select_eq_f32, softmax_axis_fwd_f32, softmax_axis_bwd_f32,
  topk_axis_fwd_f32, topk_axis_bwd_f32,
} from '../../assembly/reduce';
import { seed, randBuf, zeroBuf, outBuf, at, close, GUARD } from './helpers';

const OUTERS: i32[] = [1, 3];
const RS: i32[] = [1, 2, 3, 4, 5, 9, 17, 71]; // 71: 4 rounds of 16, then 4 + 3
const INNERS: i32[] = [1, 2, 3, 4, 5, 7, 13];

function xat(x: usize, o: i32, r: i32, i: i32, R: i32, inner: i32): f64 {
  return <f64>at(x, (o * R + r) * inner + i);
}

function refReduce(op: i32, x: usize, o: i32, i: i32, R: i32, inner: i32): f64 {
  let m = xat(x, o, 0, i, R, inner);
  let s: f64 = 0;
  for (let r = 0; r < R; r++) {
    const v = xat(x, o, r, i, R, inner);
    s += v;
    if (op == 1 && v > m) m = v;
    if (op == 2 && v < m) m = v;
    if (op == 3 && v > m) m = v;
  }
  if (op == 0) return s;
  if (op != 3) return m;
  let e: f64 = 0;
  for (let r = 0; r < R; r++) e += Math.exp(xat(x, o, r, i, R, inner) - m);
  return m + Math.log(e);
}

describe('reduce', () => {
  it('sum, max, min and log-sum-exp along the axis match the f64 reference', () => {
    seed(3);
    for (let a = 0; a < OUTERS.length; a++) for (let b = 0; b < RS.length; b++) for (let c = 0; c < INNERS.length; c++) {
      const outer = OUTERS[a];
      const R = RS[b];
      const inner = INNERS[c];
      const n = outer * R * inner;
      const x = randBuf(n);
      for (let i = 0; i < n; i++) store<f32>(x + (<usize>i << 2), at(x, i) * 8);
      for (let op = 0; op < 4; op++) {
        const y = outBuf(outer * inner);
        reduce_axis_f32(op, x, y, outer, R, inner);
        let bad = 0;
        for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
          const want = refReduce(op, x, o, i, R, inner);
          if (!close(<f64>at(y, o * inner + i), want, 1e-6, 1e-6)) {
            trace('reduce', 5, <f64>op * 100 + <f64>R, <f64>inner, <f64>i, <f64>at(y, o * inner + i), want);
            bad++;
          }
        }
        expect(bad).toBe(0);
        expect(at(y, outer * inner)).toBe(GUARD);
        heap.free(y);
      }
      heap.free(x);
    }
  });

  it('max and min propagate NaN; log-sum-exp of all −inf is −inf, with +inf it is +inf', () => {
    for (let c = 0; c < INNERS.length; c++) {
      const inner = INNERS[c];
      const R = 6;
      const x = zeroBuf(R * inner);
      for (let i = 0; i < inner; i++) store<f32>(x + (<usize>((3 * inner + i) << 2)), NaN);
      const y = outBuf(inner);
      reduce_axis_f32(1, x, y, 1, R, inner);
      for (let i = 0; i < inner; i++) expect(isNaN(at(y, i))).toBe(true);
      reduce_axis_f32(2, x, y, 1, R, inner);
      for (let i = 0; i < inner; i++) expect(isNaN(at(y, i))).toBe(true);
      for (let j = 0; j < R * inner; j++) store<f32>(x + (<usize>j << 2), -Infinity);
      reduce_axis_f32(3, x, y, 1, R, inner);
      for (let i = 0; i < inner; i++) expect(at(y, i)).toBe(-Infinity);
      store<f32>(x, Infinity);
      reduce_axis_f32(3, x, y, 1, R, inner);
      expect(at(y, 0)).toBe(Infinity);
      heap.free(x); heap.free(y);
    }
  });

  it('broadcast_axis repeats each column R times; select_eq keeps the matching cells', () => {
    seed(4);
    for (let b = 0; b < RS.length; b++) for (let c = 0; c < INNERS.length; c++) {
      const outer = 2;
      const R = RS[b];
      const inner = INNERS[c];
      const x = randBuf(outer * inner);
      const n = outer * R * inner;
      const y = outBuf(n);
      broadcast_axis_f32(x, y, outer, R, inner);
      let bad = 0;
      for (let o = 0; o < outer; o++) for (let r = 0; r < R; r++) for (let i = 0; i < inner; i++)
        if (at(y, (o * R + r) * inner + i) != at(x, o * inner + i)) bad++;
      expect(bad).toBe(0);
      expect(at(y, n)).toBe(GUARD);
      const g = randBuf(n);
      const z = randBuf(n);
      for (let j = 0; j < n; j += 3) store<f32>(z + (<usize>j << 2), at(y, j));
      const m = outBuf(n);
      select_eq_f32(z, y, g, m, n);
      const ones = outBuf(n);
      select_eq_f32(z, y, 0, ones, n);
      for (let j = 0; j < n; j++) {
        const hit = at(z, j) == at(y, j);
        if (at(m, j) != (hit ? at(g, j) : 0)) bad++;
        if (at(ones, j) != (hit ? 1 : 0)) bad++;
      }
      expect(bad).toBe(0);
      expect(at(m, n)).toBe(GUARD);
      expect(at(ones, n)).toBe(GUARD);
      heap.free(x); heap.free(y); heap.free(g); heap.free(z); heap.free(m); heap.free(ones);
    }
  });

  it('softmax and log-softmax along a strided axis, forward and backward', () => {
    seed(5);
    for (let b = 0; b < RS.length; b++) for (let c = 1; c < INNERS.length; c++) {
      const outer = 2;
      const R = RS[b];
      const inner = INNERS[c];
      const n = outer * R * inner;
      const x = randBuf(n);
      for (let j = 0; j < n; j++) store<f32>(x + (<usize>j << 2), at(x, j) * 6);
      const dy = randBuf(n);
      for (let log = 0; log < 2; log++) {
        const y = outBuf(n);
        softmax_axis_fwd_f32(x, y, outer, R, inner, log);
        const dx = outBuf(n);
        softmax_axis_bwd_f32(y, dy, dx, outer, R, inner, log);
        let bad = 0;
        for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
          const lse = refReduce(3, x, o, i, R, inner);
          let sdy: f64 = 0;
          let sdyp: f64 = 0;
          for (let r = 0; r < R; r++) {
            const j = (o * R + r) * inner + i;
            const p = Math.exp(<f64>at(x, j) - lse);
            sdy += <f64>at(dy, j);
            sdyp += <f64>at(dy, j) * p;
          }
          for (let r = 0; r < R; r++) {
            const j = (o * R + r) * inner + i;
            const p = Math.exp(<f64>at(x, j) - lse);
            const want = log ? <f64>at(x, j) - lse : p;
            const dwant = log ? <f64>at(dy, j) - p * sdy : p * (<f64>at(dy, j) - sdyp);
            if (!close(<f64>at(y, j), want, 1e-6, 1e-6)) bad++;
            if (!close(<f64>at(dx, j), dwant, 1e-6, 1e-5)) bad++;
          }
        }
        expect(bad).toBe(0);
        expect(at(y, n)).toBe(GUARD);
        expect(at(dx, n)).toBe(GUARD);
        heap.free(y); heap.free(dx);
      }
      heap.free(x); heap.free(dy);
    }
  });

  it('top-k: the k most extreme in order, first of ties first, NaN most extreme; backward scatters', () => {
    seed(6);
    for (let b = 0; b < RS.length; b++) for (let c = 0; c < INNERS.length; c++) {
      const outer = 2;
      const R = RS[b];
      const inner = INNERS[c];
      const n = outer * R * inner;
      const x = randBuf(n);
      // quantised values: ties are common
      for (let j = 0; j < n; j++) store<f32>(x + (<usize>j << 2), Mathf.floor(at(x, j) * 3));
      if (R > 2) store<f32>(x + (<usize>(inner + 1) << 2), NaN); // column 1 of o = 0, r = 1
      for (let kk = 0; kk < 3; kk++) {
        const k = kk == 0 ? 1 : kk == 1 ? min(2, R) : R;
        for (let largest = 0; largest < 2; largest++) {
          const v = outBuf(outer * k * inner);
          const ix = outBuf(outer * k * inner);
          topk_axis_fwd_f32(x, v, ix, outer, R, inner, k, largest);
          let bad = 0;
          for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
            // reference: repeated selection of the most extreme unused r (first wins)
            const used = new Array<bool>(R);
            for (let j = 0; j < k; j++) {
              let best = -1;
              for (let r = 0; r < R; r++) {
                if (used[r]) continue;
                if (best < 0) { best = r; continue; }
                const a = xat(x, o, r, i, R, inner);
                const bb = xat(x, o, best, i, R, inner);
                const more = isNaN(a) ? !isNaN(bb) : (largest ? a > bb : a < bb);
                if (more) best = r;
              }
              used[best] = true;
              const s = (o * k + j) * inner + i;
              if (<i32>at(ix, s) != best) bad++;
              const want = xat(x, o, best, i, R, inner);
              if (!(at(v, s) == <f32>want || (isNaN(want) && isNaN(at(v, s))))) bad++;
            }
          }
          expect(bad).toBe(0);
          expect(at(v, outer * k * inner)).toBe(GUARD);
          expect(at(ix, outer * k * inner)).toBe(GUARD);
          // backward: dx[o, idx, i] = dy[o, j, i], 0 elsewhere
          const dy = randBuf(outer * k * inner);
          const dx = outBuf(n);
          topk_axis_bwd_f32(dy, ix, dx, outer, R, inner, k);
          const want = new Float64Array(n);
          for (let o = 0; o < outer; o++) for (let j = 0; j < k; j++) for (let i = 0; i < inner; i++) {
            const s = (o * k + j) * inner + i;
            want[(o * R + <i32>at(ix, s)) * inner + i] += <f64>at(dy, s);
          }
          for (let j = 0; j < n; j++) if (<f64>at(dx, j) != <f64><f32>want[j]) bad++;
          expect(bad).toBe(0);
          expect(at(dx, n)).toBe(GUARD);
          heap.free(v); heap.free(ix); heap.free(dy); heap.free(dx);
        }
      }
      heap.free(x);
    }
  });
});
