// Softmax, log-softmax and losses over [rows, cols] blocks (one sample per row). Row
// reductions accumulate in f64; the per-row scalars (max, log of the sum) are f64 scalar
// code. Elementwise row passes run 4 lanes at a time and finish on a partial vector.
// Loss kernels write one loss per row and return their sum (f64); the caller divides.
import { exp_f32x4, load_f32x4_n, store_f32x4_n, widen_lo, widen_hi } from './simd_math';
import { binary_scalar_f32, sum_f32, OP_ADD, OP_MUL } from './elementwise';

// Row ops: out = f(a, b) with row scalars s, t.
// @ts-ignore: decorator
@inline const R_EXP_SHIFT = 0;      // exp(a − s)
// @ts-ignore: decorator
@inline const R_SOFTMAX_BWD = 1;    // b·(a − s)       a = dy, b = y, s = Σ dy·y
// @ts-ignore: decorator
@inline const R_LOGSOFTMAX_BWD = 2; // a − e^b·s       a = dy, b = y, s = Σ dy
// @ts-ignore: decorator
@inline const R_CE_PROBS_BWD = 3;   // (a·s − b)·t     a = p, b = target, s = Σ target, t = scale
// @ts-ignore: decorator
@inline const R_SCALED_DIFF = 4;    // (a − b)·s
// @ts-ignore: decorator
@inline const R_HINGE_BWD = 5;      // (a − s) + t > 0 ? u : 0     s = score of the label, t = margin

// @ts-ignore: decorator
@inline function rop(op: i32, a: v128, b: v128, s: v128, t: v128, u: v128): v128 {
  if (op == R_EXP_SHIFT) return exp_f32x4(f32x4.sub(a, s));
  if (op == R_SOFTMAX_BWD) return f32x4.mul(b, f32x4.sub(a, s));
  if (op == R_LOGSOFTMAX_BWD) return f32x4.sub(a, f32x4.mul(exp_f32x4(b), s));
  if (op == R_CE_PROBS_BWD) return f32x4.mul(f32x4.sub(f32x4.mul(a, s), b), t);
  if (op == R_SCALED_DIFF) return f32x4.mul(f32x4.sub(a, b), s);
  return v128.and(u, f32x4.gt(f32x4.add(f32x4.sub(a, s), t), f32x4.splat(0)));
}

// out[i] = rop(a[i], b[i]) for i < n; b may be 0 when the op does not read it.
// @ts-ignore: decorator
@inline function rowmap(op: i32, a: usize, b: usize, out: usize, n: i32, s: f32, t: f32, u: f32): void {
  const vs = f32x4.splat(s);
  const vt = f32x4.splat(t);
  const vu = f32x4.splat(u);
  const z = f32x4.splat(0);
  const readsB = op == R_SOFTMAX_BWD || op == R_LOGSOFTMAX_BWD || op == R_CE_PROBS_BWD || op == R_SCALED_DIFF;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, rop(op, v128.load(a + o), readsB ? v128.load(b + o) : z, vs, vt, vu));
  }
  if (i < n) {
    const o = <usize>i << 2;
    const r = n - i;
    const vb = readsB ? load_f32x4_n(b + o, r) : z;
    store_f32x4_n(out + o, rop(op, load_f32x4_n(a + o, r), vb, vs, vt, vu), r);
  }
}

// Row reductions in f64: Σ term(a[i], b[i]).
// @ts-ignore: decorator
@inline const T_DOT = 0;    // a·b
// @ts-ignore: decorator
@inline const T_SQDIFF = 1; // (a − b)²
// @ts-ignore: decorator
@inline const T_HINGE = 2;  // max(0, (a − s) + t)
// @ts-ignore: decorator
@inline const T_EXP = 3;    // exp(a − s)

// @ts-ignore: decorator
@inline function term(op: i32, a: v128, b: v128, s: v128, t: v128): v128 {
  if (op == T_DOT) return f32x4.mul(a, b);
  if (op == T_SQDIFF) { const d = f32x4.sub(a, b); return f32x4.mul(d, d); }
  if (op == T_EXP) return exp_f32x4(f32x4.sub(a, s));
  return f32x4.pmax(f32x4.add(f32x4.sub(a, s), t), f32x4.splat(0));
}

// @ts-ignore: decorator
@inline function rowsum(op: i32, a: usize, b: usize, n: i32, s: f32, t: f32): f64 {
  const vs = f32x4.splat(s);
  const vt = f32x4.splat(t);
  const z = f32x4.splat(0);
  const readsB = op == T_DOT || op == T_SQDIFF;
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = term(op, v128.load(a + o), readsB ? v128.load(b + o) : z, vs, vt);
    lo = f64x2.add(lo, widen_lo(v));
    hi = f64x2.add(hi, widen_hi(v));
  }
  const acc = f64x2.add(lo, hi);
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (i < n) {
    const o = <usize>i << 2;
    const r = n - i;
    const v = term(op, load_f32x4_n(a + o, r), readsB ? load_f32x4_n(b + o, r) : z, vs, vt);
    // only the r real lanes: a zero-filled lane is not a zero term for every op
    sum += <f64>f32x4.extract_lane(v, 0);
    if (r > 1) sum += <f64>f32x4.extract_lane(v, 1);
    if (r > 2) sum += <f64>f32x4.extract_lane(v, 2);
  }
  return sum;
}

// @ts-ignore: decorator
@inline function rowmax(x: usize, n: i32): f32 {
  let m: f32 = -Infinity;
  let i = 0;
  if (n >= 4) {
    let v = v128.load(x);
    for (i = 4; i + 4 <= n; i += 4) v = f32x4.pmax(v, v128.load(x + (<usize>i << 2)));
    m = max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)),
            max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
  }
  for (; i < n; i++) m = max(m, load<f32>(x + (<usize>i << 2)));
  return m;
}

// y = softmax(x) for one row; returns log Σ e^x (the log-sum-exp) in f64.
// @ts-ignore: decorator
@inline function softmax_row(x: usize, y: usize, n: i32): f64 {
  const m = rowmax(x, n);
  rowmap(R_EXP_SHIFT, x, 0, y, n, m, 0, 0);
  const s = sum_f32(y, n);
  binary_scalar_f32(OP_MUL, y, <f32>(1.0 / s), y, n);
  return <f64>m + Math.log(s);
}

// y[r] = softmax(x[r]) = e^(x − max) / Σ e^(x − max), per row. y may alias x.
export function softmax_fwd_f32(x: usize, y: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * cols << 2;
    softmax_row(x + o, y + o, cols);
  }
}

// y[r] = (x − max) − log Σ e^(x − max): the max-shifted difference is formed first, so the
// largest entries keep full precision however large the logits. y may alias x.
export function log_softmax_fwd_f32(x: usize, y: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * cols << 2;
    const m = rowmax(x + o, cols);
    const l = <f32>Math.log(rowsum(T_EXP, x + o, 0, cols, m, 0));
    binary_scalar_f32(OP_ADD, x + o, -m, y + o, cols);
    binary_scalar_f32(OP_ADD, y + o, -l, y + o, cols);
  }
}

// From y = softmax(x): dx = y ⊙ (dy − Σ dy·y), per row. dx may alias dy.
export function softmax_bwd_f32(y: usize, dy: usize, dx: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * cols << 2;
    const s = <f32>rowsum(T_DOT, dy + o, y + o, cols, 0, 0);
    rowmap(R_SOFTMAX_BWD, dy + o, y + o, dx + o, cols, s, 0, 0);
  }
}

// From y = log_softmax(x): dx = dy − e^y·Σ dy, per row. dx may alias dy.
export function log_softmax_bwd_f32(y: usize, dy: usize, dx: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * cols << 2;
    const s = <f32>sum_f32(dy + o, cols);
    rowmap(R_LOGSOFTMAX_BWD, dy + o, y + o, dx + o, cols, s, 0, 0);
  }
}

// Row losses, one code for the three kinds: x holds logits (scores for the hinge), aux the
// labels (i32 per row, 0 ≤ label < cols) or the target rows.
// @ts-ignore: decorator
@inline const L_LABELS = 0;
// @ts-ignore: decorator
@inline const L_PROBS = 1;
// @ts-ignore: decorator
@inline const L_HINGE = 2;

// @ts-ignore: decorator
@inline function row_loss(kind: i32, x: usize, aux: usize, probs: usize, r: i32, cols: i32, margin: f32): f64 {
  const o = <usize>r * cols << 2;
  if (kind == L_PROBS) {
    const lse = softmax_row(x + o, probs + o, cols);
    return lse * sum_f32(aux + o, cols) - rowsum(T_DOT, aux + o, x + o, cols, 0, 0);
  }
  const xy = load<f32>(x + o + (<usize>load<i32>(aux + (<usize>r << 2)) << 2));
  if (kind == L_LABELS) return softmax_row(x + o, probs + o, cols) - <f64>xy;
  // the sum runs over every j; the j = y term is exactly max(0, margin)
  return rowsum(T_HINGE, x + o, 0, cols, xy, margin) - <f64>max<f32>(margin, 0);
}

// @ts-ignore: decorator
@inline function losses_fwd(
  kind: i32, x: usize, aux: usize, losses: usize, probs: usize, rows: i32, cols: i32, margin: f32,
): f64 {
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const l = row_loss(kind, x, aux, probs, r, cols, margin);
    store<f32>(losses + (<usize>r << 2), <f32>l);
    total += l;
  }
  return total;
}

// Cross-entropy from integer labels (i32 per row, 0 ≤ label < cols): probs = softmax(logits)
// (saved for the backward; must not alias logits), losses[r] = logsumexp(logits[r]) −
// logits[r, label]; returns Σ losses.
export function cross_entropy_labels_fwd_f32(
  logits: usize, labels: usize, losses: usize, probs: usize, rows: i32, cols: i32,
): f64 {
  return losses_fwd(L_LABELS, logits, labels, losses, probs, rows, cols, 0);
}

// dlogits = scale·(probs − onehot(label)), scale = dLoss/dloss_r (e.g. 1/rows for the mean).
// dlogits may alias probs.
export function cross_entropy_labels_bwd_f32(
  probs: usize, labels: usize, dlogits: usize, rows: i32, cols: i32, scale: f32,
): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * cols << 2;
    const p = o + (<usize>load<i32>(labels + (<usize>r << 2)) << 2);
    const pl = load<f32>(probs + p);
    binary_scalar_f32(OP_MUL, probs + o, scale, dlogits + o, cols);
    store<f32>(dlogits + p, (pl - 1) * scale);
  }
}

// Cross-entropy from target distributions t (one-hot or soft, rows need not sum to 1):
// losses[r] = −Σ t·log_softmax(logits) = logsumexp·Σt − Σ t·logits (f64); returns Σ losses.
// probs as for the labels form.
export function cross_entropy_probs_fwd_f32(
  logits: usize, targets: usize, losses: usize, probs: usize, rows: i32, cols: i32,
): f64 {
  return losses_fwd(L_PROBS, logits, targets, losses, probs, rows, cols, 0);
}

// dlogits = scale·(probs·Σt − t) per row. dlogits may alias probs.
export function cross_entropy_probs_bwd_f32(
  probs: usize, targets: usize, dlogits: usize, rows: i32, cols: i32, scale: f32,
): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * cols << 2;
    const tsum = <f32>sum_f32(targets + o, cols);
    rowmap(R_CE_PROBS_BWD, probs + o, targets + o, dlogits + o, cols, tsum, scale, 0);
  }
}

// Σ (a − b)² over n floats, accumulated in f64 (the caller divides for the mean).
export function mse_fwd_f32(a: usize, b: usize, n: i32): f64 {
  return rowsum(T_SQDIFF, a, b, n, 0, 0);
}

// da = 2·scale·(a − b): the gradient of scale·Σ(a − b)² (scale = 1/n for the mean).
export function mse_bwd_f32(a: usize, b: usize, da: usize, n: i32, scale: f32): void {
  rowmap(R_SCALED_DIFF, a, b, da, n, 2 * scale, 0, 0);
}

// Multi-class hinge (Weston–Watkins, the cs231n SVM loss): with y the row's label,
// losses[r] = Σ_{j≠y} max(0, (s_j − s_y) + margin); returns Σ losses.
export function hinge_multiclass_fwd_f32(
  scores: usize, labels: usize, losses: usize, rows: i32, cols: i32, margin: f32,
): f64 {
  return losses_fwd(L_HINGE, scores, labels, losses, 0, rows, cols, margin);
}

// dscores[j] = scale where (s_j − s_y) + margin > 0 (j ≠ y), else 0; dscores[y] = −Σ_{j≠y} dscores[j].
// dscores may alias scores.
export function hinge_multiclass_bwd_f32(
  scores: usize, labels: usize, dscores: usize, rows: i32, cols: i32, margin: f32, scale: f32,
): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * cols << 2;
    const p = o + (<usize>load<i32>(labels + (<usize>r << 2)) << 2);
    rowmap(R_HINGE_BWD, scores + o, 0, dscores + o, cols, load<f32>(scores + p), margin, scale);
    // the row sum of a count of equal terms is exact in f64
    store<f32>(dscores + p, <f32>(<f64>load<f32>(dscores + p) - sum_f32(dscores + o, cols)));
  }
}
