// Softmax, log-softmax and losses against f64 scalar references on rows × cols blocks whose
// column counts hit every tail; guard after every output; backward against central
// differences of the f64 forward (L = Σ y·g for the softmaxes, Σ scale·loss_r for losses).
import {
  softmax_fwd_f32, log_softmax_fwd_f32, softmax_bwd_f32, log_softmax_bwd_f32,
  cross_entropy_labels_fwd_f32, cross_entropy_labels_bwd_f32, cross_entropy_probs_fwd_f32,
  cross_entropy_probs_bwd_f32, mse_fwd_f32, mse_bwd_f32, hinge_multiclass_fwd_f32, hinge_multiclass_bwd_f32,
} from '../../assembly/loss';
import { seed, rnd, randBuf, zeroBuf, copyBuf, at, close, guarded, GUARD } from './helpers';

const ROWS: i32[] = [1, 3, 5];
const COLS: i32[] = [1, 3, 4, 5, 7, 17, 33];
const H: f64 = 1e-4;



function labelsBuf(rows: i32, cols: i32): usize {
  const p = heap.alloc(<usize>rows << 2);
  for (let r = 0; r < rows; r++) store<i32>(p + (<usize>r << 2), <i32>((rnd() * 0.5 + 0.5) * <f32>cols) % cols);
  return p;
}

function label(p: usize, r: i32): i32 { return load<i32>(p + (<usize>r << 2)); }

// x[r, j] as f64, with x[pi] replaced by x[pi] + d
function xv(x: usize, i: i32, pi: i32, d: f64): f64 { return <f64>at(x, i) + (i == pi ? d : 0); }

// f64 log-sum-exp of row r
function lse(x: usize, r: i32, cols: i32, pi: i32, d: f64): f64 {
  let m: f64 = -Infinity;
  for (let j = 0; j < cols; j++) m = Math.max(m, xv(x, r * cols + j, pi, d));
  let s: f64 = 0;
  for (let j = 0; j < cols; j++) s += Math.exp(xv(x, r * cols + j, pi, d) - m);
  return m + Math.log(s);
}

// f64 softmax (log = false) or log-softmax (log = true) entry (r, j)
function smx(log: bool, x: usize, r: i32, j: i32, cols: i32, pi: i32, d: f64): f64 {
  const l = xv(x, r * cols + j, pi, d) - lse(x, r, cols, pi, d);
  return log ? l : Math.exp(l);
}

// Σ g·softmax over all rows
function smxL(log: bool, x: usize, g: usize, rows: i32, cols: i32, pi: i32, d: f64): f64 {
  let L: f64 = 0;
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++)
    L += <f64>at(g, r * cols + j) * smx(log, x, r, j, cols, pi, d);
  return L;
}

const CE_LABELS = 0;
const CE_PROBS = 1;
const HINGE = 2;
const MARGIN: f32 = 0.7;

// f64 loss of row r. aux: labels (i32) or targets (f32).
function lossRow(op: i32, x: usize, aux: usize, r: i32, cols: i32, pi: i32, d: f64): f64 {
  if (op == CE_LABELS) return lse(x, r, cols, pi, d) - xv(x, r * cols + label(aux, r), pi, d);
  if (op == CE_PROBS) {
    const l = lse(x, r, cols, pi, d);
    let s: f64 = 0;
    for (let j = 0; j < cols; j++) s += <f64>at(aux, r * cols + j) * (l - xv(x, r * cols + j, pi, d));
    return s;
  }
  const y = label(aux, r);
  const sy = xv(x, r * cols + y, pi, d);
  let s: f64 = 0;
  for (let j = 0; j < cols; j++) if (j != y) s += Math.max(0, xv(x, r * cols + j, pi, d) - sy + <f64>MARGIN);
  return s;
}

describe('loss', () => {
  it('softmax and log-softmax match the f64 reference, guard untouched, in place too', () => {
    seed(21);
    for (let lg = 0; lg < 2; lg++) {
      for (let a = 0; a < ROWS.length; a++) for (let b = 0; b < COLS.length; b++) {
        const rows = ROWS[a];
        const cols = COLS[b];
        const n = rows * cols;
        const x = randBuf(n);
        for (let i = 0; i < n; i++) store<f32>(x + (<usize>i << 2), at(x, i) * 8); // spread
        const y = guarded(n);
        if (lg) log_softmax_fwd_f32(x, y, rows, cols); else softmax_fwd_f32(x, y, rows, cols);
        let bad = 0;
        for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) {
          const want = smx(lg == 1, x, r, j, cols, -1, 0);
          if (!close(<f64>at(y, r * cols + j), want, 1e-9, 1e-6)) bad++;
        }
        expect(bad).toBe(0);
        expect(at(y, n)).toBe(GUARD);
        const z = copyBuf(x, n);
        if (lg) log_softmax_fwd_f32(z, z, rows, cols); else softmax_fwd_f32(z, z, rows, cols);
        for (let i = 0; i < n; i++) if (at(z, i) != at(y, i)) bad++;
        expect(bad).toBe(0);
        heap.free(x); heap.free(y); heap.free(z);
      }
    }
  });

  it('softmax is stable for huge logits and keeps tiny log-probabilities exact', () => {
    const cols = 7;
    const x = zeroBuf(cols);
    const y = zeroBuf(cols);
    for (let j = 0; j < cols; j++) store<f32>(x + (<usize>j << 2), <f32>(1e4 + 10.0 * <f64>j));
    softmax_fwd_f32(x, y, 1, cols);
    for (let j = 0; j < cols; j++) expect(close(<f64>at(y, j), smx(false, x, 0, j, cols, -1, 0), 1e-40, 1e-6)).toBe(true);
    log_softmax_fwd_f32(x, y, 1, cols);
    // the top entry: −log(1 + e^-10 + …) ≈ −4.54e-5, which x − f32(lse) would get wrong by ~5e-4
    for (let j = 0; j < cols; j++) expect(close(<f64>at(y, j), smx(true, x, 0, j, cols, -1, 0), 1e-12, 1e-6)).toBe(true);
    heap.free(x); heap.free(y);
  });

  it('softmax and log-softmax backward match central differences', () => {
    seed(22);
    for (let lg = 0; lg < 2; lg++) {
      for (let a = 0; a < ROWS.length; a++) for (let b = 0; b < COLS.length; b++) {
        const rows = ROWS[a];
        const cols = COLS[b];
        const n = rows * cols;
        const x = randBuf(n);
        for (let i = 0; i < n; i++) store<f32>(x + (<usize>i << 2), at(x, i) * 3);
        const y = zeroBuf(n);
        if (lg) log_softmax_fwd_f32(x, y, rows, cols); else softmax_fwd_f32(x, y, rows, cols);
        const g = randBuf(n);
        const dx = guarded(n);
        if (lg) log_softmax_bwd_f32(y, g, dx, rows, cols); else softmax_bwd_f32(y, g, dx, rows, cols);
        let bad = 0;
        for (let i = 0; i < n; i++) {
          const want = (smxL(lg == 1, x, g, rows, cols, i, H) - smxL(lg == 1, x, g, rows, cols, i, -H)) / (2 * H);
          if (!close(<f64>at(dx, i), want, 1e-6, 1e-5)) { bad++; trace('smx bwd', 4, <f64>cols, <f64>i, <f64>at(dx, i), want); }
        }
        expect(bad).toBe(0);
        expect(at(dx, n)).toBe(GUARD);
        // dx may alias dy
        if (lg) log_softmax_bwd_f32(y, g, g, rows, cols); else softmax_bwd_f32(y, g, g, rows, cols);
        for (let i = 0; i < n; i++) if (at(g, i) != at(dx, i)) bad++;
        expect(bad).toBe(0);
        heap.free(x); heap.free(y); heap.free(g); heap.free(dx);
      }
    }
  });

  it('cross-entropy (labels, probabilities) and hinge: losses, sums, gradients', () => {
    seed(23);
    for (let op = 0; op < 3; op++) {
      for (let a = 0; a < ROWS.length; a++) for (let b = 0; b < COLS.length; b++) {
        const rows = ROWS[a];
        const cols = COLS[b];
        const n = rows * cols;
        const x = randBuf(n);
        for (let i = 0; i < n; i++) store<f32>(x + (<usize>i << 2), at(x, i) * 3);
        let aux: usize;
        if (op == CE_PROBS) {
          aux = randBuf(n); // soft targets in [0, 1), rows not normalised
          for (let i = 0; i < n; i++) store<f32>(aux + (<usize>i << 2), Mathf.abs(at(aux, i)));
        } else {
          aux = labelsBuf(rows, cols);
        }
        if (op == HINGE) {
          // keep every (s_j − s_y) + margin at least 0.01 from the kink at 0
          for (let r = 0; r < rows; r++) {
            const sy = at(x, r * cols + label(aux, r));
            for (let j = 0; j < cols; j++) {
              const p = x + (<usize>(r * cols + j) << 2);
              if (j != label(aux, r) && Mathf.abs(load<f32>(p) - sy + MARGIN) < 0.01) store<f32>(p, load<f32>(p) + 0.05);
            }
          }
        }
        const losses = guarded(rows);
        const probs = guarded(n);
        let total: f64;
        if (op == CE_LABELS) total = cross_entropy_labels_fwd_f32(x, aux, losses, probs, rows, cols);
        else if (op == CE_PROBS) total = cross_entropy_probs_fwd_f32(x, aux, losses, probs, rows, cols);
        else total = hinge_multiclass_fwd_f32(x, aux, losses, rows, cols, MARGIN);
        let bad = 0;
        let want: f64 = 0;
        for (let r = 0; r < rows; r++) {
          const l = lossRow(op, x, aux, r, cols, -1, 0);
          want += l;
          if (!close(<f64>at(losses, r), l, 1e-6, 1e-6)) { bad++; trace('loss', 3, <f64>op, <f64>at(losses, r), l); }
        }
        expect(bad).toBe(0);
        expect(close(total, want, 1e-6, 1e-6)).toBe(true);
        expect(at(losses, rows)).toBe(GUARD);
        if (op != HINGE) {
          for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++)
            if (!close(<f64>at(probs, r * cols + j), smx(false, x, r, j, cols, -1, 0), 1e-9, 1e-6)) bad++;
          expect(bad).toBe(0);
          expect(at(probs, n)).toBe(GUARD);
        }
        const scale: f32 = 1 / <f32>rows;
        const dx = guarded(n);
        if (op == CE_LABELS) cross_entropy_labels_bwd_f32(probs, aux, dx, rows, cols, scale);
        else if (op == CE_PROBS) cross_entropy_probs_bwd_f32(probs, aux, dx, rows, cols, scale);
        else hinge_multiclass_bwd_f32(x, aux, dx, rows, cols, MARGIN, scale);
        for (let i = 0; i < n; i++) {
          const r = i / cols;
          const d = (lossRow(op, x, aux, r, cols, i, H) - lossRow(op, x, aux, r, cols, i, -H)) / (2 * H);
          if (!close(<f64>at(dx, i), <f64>scale * d, 1e-6, 1e-5)) { bad++; trace('loss bwd', 4, <f64>op, <f64>i, <f64>at(dx, i), <f64>scale * d); }
        }
        expect(bad).toBe(0);
        expect(at(dx, n)).toBe(GUARD);
        // the gradient may overwrite its input (probs, or the scores for the hinge)
        const z = copyBuf(op == HINGE ? x : probs, n);
        if (op == CE_LABELS) cross_entropy_labels_bwd_f32(z, aux, z, rows, cols, scale);
        else if (op == CE_PROBS) cross_entropy_probs_bwd_f32(z, aux, z, rows, cols, scale);
        else hinge_multiclass_bwd_f32(z, aux, z, rows, cols, MARGIN, scale);
        for (let i = 0; i < n; i++) if (at(z, i) != at(dx, i)) bad++;
        expect(bad).toBe(0);
        heap.free(x); heap.free(aux); heap.free(losses); heap.free(probs); heap.free(dx); heap.free(z);
      }
    }
  });

  it('one-hot targets give the labels loss and gradient', () => {
    seed(24);
    const rows = 3;
    const cols = 7;
    const n = rows * cols;
    const x = randBuf(n);
    const lab = labelsBuf(rows, cols);
    const t = zeroBuf(n);
    for (let r = 0; r < rows; r++) store<f32>(t + (<usize>(r * cols + label(lab, r)) << 2), 1);
    const l1 = zeroBuf(rows);
    const l2 = zeroBuf(rows);
    const p = zeroBuf(n);
    const d1 = zeroBuf(n);
    const d2 = zeroBuf(n);
    const s1 = cross_entropy_labels_fwd_f32(x, lab, l1, p, rows, cols);
    const s2 = cross_entropy_probs_fwd_f32(x, t, l2, p, rows, cols);
    expect(close(s1, s2, 1e-6, 1e-6)).toBe(true);
    cross_entropy_labels_bwd_f32(p, lab, d1, rows, cols, 0.5);
    cross_entropy_probs_bwd_f32(p, t, d2, rows, cols, 0.5);
    for (let i = 0; i < n; i++) expect(close(<f64>at(d1, i), <f64>at(d2, i), 1e-7, 1e-6)).toBe(true);
    heap.free(x); heap.free(lab); heap.free(t); heap.free(l1); heap.free(l2);
    heap.free(p); heap.free(d1); heap.free(d2);
  });

  it('MSE: sum of squares in f64, gradient 2·scale·(a − b) against central differences', () => {
    seed(25);
    for (let b = 0; b < COLS.length; b++) {
      const n = COLS[b] * 3;
      const a = randBuf(n);
      const t = randBuf(n);
      let want: f64 = 0;
      for (let i = 0; i < n; i++) { const d = <f64>at(a, i) - <f64>at(t, i); want += d * d; }
      expect(close(mse_fwd_f32(a, t, n), want, 1e-9, 1e-6)).toBe(true);
      const scale: f32 = 1 / <f32>n;
      const da = guarded(n);
      mse_bwd_f32(a, t, da, n, scale);
      let bad = 0;
      for (let i = 0; i < n; i++) {
        // only the i-th term depends on a[i]
        const d0 = <f64>at(a, i) - <f64>at(t, i);
        const fd = <f64>scale * ((d0 + H) * (d0 + H) - (d0 - H) * (d0 - H)) / (2 * H);
        if (!close(<f64>at(da, i), fd, 1e-7, 1e-5)) bad++;
      }
      expect(bad).toBe(0);
      expect(at(da, n)).toBe(GUARD);
      heap.free(a); heap.free(t); heap.free(da);
    }
  });
});
