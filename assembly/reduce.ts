// Reductions along one axis of a tensor viewed as [outer, R, inner] (R the reduced extent,
// inner the product of the dimensions after it): y[o, i] = reduce_r x[o, r, i]. A reduction
// over several axes is one call per run of adjacent reduced axes (ts/ops/reduce.ts).
//
// Two SIMD shapes: inner = 1 (the reduced axis is contiguous: vectors along r, then a
// horizontal step) and inner > 1 (strided: vectors along i, 4 outputs at once walking r with
// stride inner; the last inner % 4 outputs on a partial vector). Sums accumulate in f64;
// max and min propagate NaN (f32x4.max/min), as PyTorch's amax/amin.
import {
  load_f32x4_n, store_f32x4_n, widen_lo, widen_hi, narrow_f64x2, exp_f32x4, sum_f64,
} from './simd_math';

// @ts-ignore: decorator
@inline const R_SUM = 0;
// @ts-ignore: decorator
@inline const R_MAX = 1;
// @ts-ignore: decorator
@inline const R_MIN = 2;
// @ts-ignore: decorator
@inline const R_LSE = 3;

// @ts-ignore: decorator
@inline function vext(op: i32, a: v128, b: v128): v128 {
  return op == R_MAX ? f32x4.max(a, b) : f32x4.min(a, b);
}

// @ts-ignore: decorator
@inline function sext(op: i32, a: f32, b: f32): f32 {
  return op == R_MAX ? max(a, b) : min(a, b);
}

// The shift of a log-sum-exp: the maximum where finite, else 0 (all −inf gives −inf, a +inf
// gives +inf, without inf − inf).
// @ts-ignore: decorator
@inline function lse_shift(m: v128): v128 {
  return v128.and(m, f32x4.lt(f32x4.abs(m), f32x4.splat(Infinity)));
}

// Max or min of the n ≥ 1 contiguous floats at p.
// @ts-ignore: decorator
@inline function row_ext(op: i32, p: usize, n: i32): f32 {
  if (n < 4) {
    let m = load<f32>(p);
    for (let i = 1; i < n; i++) m = sext(op, m, load<f32>(p + (<usize>i << 2)));
    return m;
  }
  let v = v128.load(p);
  let i = 4;
  for (; i + 4 <= n; i += 4) v = vext(op, v, v128.load(p + (<usize>i << 2)));
  if (i < n) v = vext(op, v, v128.load(p + (<usize>(n - 4) << 2))); // overlapping last vector
  v = vext(op, v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  v = vext(op, v, v128.shuffle<f32>(v, v, 1, 0, 3, 2));
  return f32x4.extract_lane(v, 0);
}

// 4 (or rem) outputs of the strided case: x points at x[o, 0, i], stride = inner·4 bytes.
// @ts-ignore: decorator
@inline function col_block(op: i32, x: usize, y: usize, R: i32, stride: usize, rem: i32): void {
  if (op == R_SUM) {
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    for (let r = 0; r < R; r++) {
      const v = load_f32x4_n(x + <usize>r * stride, rem);
      lo = f64x2.add(lo, widen_lo(v));
      hi = f64x2.add(hi, widen_hi(v));
    }
    store_f32x4_n(y, narrow_f64x2(lo, hi), rem);
    return;
  }
  let m = load_f32x4_n(x, rem);
  for (let r = 1; r < R; r++) m = vext(op == R_LSE ? R_MAX : op, m, load_f32x4_n(x + <usize>r * stride, rem));
  if (op != R_LSE) {
    store_f32x4_n(y, m, rem);
    return;
  }
  const sh = lse_shift(m);
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  for (let r = 0; r < R; r++) {
    const e = exp_f32x4(f32x4.sub(load_f32x4_n(x + <usize>r * stride, rem), sh));
    lo = f64x2.add(lo, widen_lo(e));
    hi = f64x2.add(hi, widen_hi(e));
  }
  // y = shift + log Σ, the log in f64 per lane
  store<f32>(y, <f32>(<f64>f32x4.extract_lane(sh, 0) + Math.log(f64x2.extract_lane(lo, 0))));
  if (rem > 1) store<f32>(y + 4, <f32>(<f64>f32x4.extract_lane(sh, 1) + Math.log(f64x2.extract_lane(lo, 1))));
  if (rem > 2) store<f32>(y + 8, <f32>(<f64>f32x4.extract_lane(sh, 2) + Math.log(f64x2.extract_lane(hi, 0))));
  if (rem > 3) store<f32>(y + 12, <f32>(<f64>f32x4.extract_lane(sh, 3) + Math.log(f64x2.extract_lane(hi, 1))));
}

// y[o, i] = op_r x[o, r, i] for op 0 sum, 1 max, 2 min, 3 log-sum-exp (log Σ e^x, shifted by
// the maximum). R ≥ 1 (the caller answers empty reductions). y must not alias x.
export function reduce_axis_f32(op: i32, x: usize, y: usize, outer: i32, R: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    const xo = x + (<usize>o * R * inner << 2);
    const yo = y + (<usize>o * inner << 2);
    if (inner == 1) {
      let v: f32;
      if (op == R_SUM) v = <f32>sum_f64(xo, R, false, 0);
      else if (op == R_LSE) {
        const m = row_ext(R_MAX, xo, R);
        const s: f32 = Math.abs(m) < Infinity ? m : 0;
        v = <f32>(<f64>s + Math.log(sum_f64(xo, R, true, s)));
      } else v = row_ext(op, xo, R);
      store<f32>(yo, v);
      continue;
    }
    const stride = <usize>inner << 2;
    for (let i = 0; i < inner; i += 4) col_block(op, xo + (<usize>i << 2), yo + (<usize>i << 2), R, stride, min(4, inner - i));
  }
}

// The inverse broadcast: y[o, r, i] = x[o, i] for r < R (a reduction's gradient, or its
// result expanded back to the input's shape). y overwritten.
export function broadcast_axis_f32(x: usize, y: usize, outer: i32, R: i32, inner: i32): void {
  const run = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>o * run;
    const yo = y + <usize>o * R * run;
    if (inner == 1) {
      const v = f32x4.splat(load<f32>(xo));
      let r = 0;
      for (; r + 4 <= R; r += 4) v128.store(yo + (<usize>r << 2), v);
      for (; r < R; r++) store<f32>(yo + (<usize>r << 2), f32x4.extract_lane(v, 0));
    } else {
      for (let r = 0; r < R; r++) memory.copy(yo + <usize>r * run, xo, run);
    }
  }
}

// out[j] = x[j] == ref[j] ? g[j] : 0 (g = 0: 1), over n floats: the cells that reached a
// max or min, for its gradient. out may alias g.
export function select_eq_f32(x: usize, ref: usize, g: usize, out: usize, n: i32): void {
  for (let j = 0; j < n; j += 4) {
    const rem = min(4, n - j);
    const o = <usize>j << 2;
    const m = f32x4.eq(load_f32x4_n(x + o, rem), load_f32x4_n(ref + o, rem));
    const v = g == 0 ? f32x4.splat(1) : load_f32x4_n(g + o, rem);
    store_f32x4_n(out + o, v128.and(v, m), rem);
  }
}

// Softmax (log = 0) or log-softmax (log = 1) along r of [outer, R, inner], inner > 1 (the
// contiguous case is loss.ts's softmax_fwd_f32): 4 columns at a time, a max pass, an exp-sum
// pass in f64, then the scaling. y may alias x.
export function softmax_axis_fwd_f32(x: usize, y: usize, outer: i32, R: i32, inner: i32, log: i32): void {
  const stride = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i += 4) {
      const rem = min(4, inner - i);
      const xo = x + ((<usize>o * R * inner + i) << 2);
      const yo = y + ((<usize>o * R * inner + i) << 2);
      let m = load_f32x4_n(xo, rem);
      for (let r = 1; r < R; r++) m = f32x4.pmax(m, load_f32x4_n(xo + <usize>r * stride, rem));
      let lo = f64x2.splat(0);
      let hi = f64x2.splat(0);
      for (let r = 0; r < R; r++) {
        const e = exp_f32x4(f32x4.sub(load_f32x4_n(xo + <usize>r * stride, rem), m));
        if (!log) store_f32x4_n(yo + <usize>r * stride, e, rem);
        lo = f64x2.add(lo, widen_lo(e));
        hi = f64x2.add(hi, widen_hi(e));
      }
      if (!log) {
        const inv = narrow_f64x2(f64x2.div(f64x2.splat(1), lo), f64x2.div(f64x2.splat(1), hi));
        for (let r = 0; r < R; r++) {
          const p = yo + <usize>r * stride;
          store_f32x4_n(p, f32x4.mul(load_f32x4_n(p, rem), inv), rem);
        }
      } else {
        let l = f32x4.splat(<f32>Math.log(f64x2.extract_lane(lo, 0)));
        l = f32x4.replace_lane(l, 1, <f32>Math.log(f64x2.extract_lane(lo, 1)));
        l = f32x4.replace_lane(l, 2, <f32>Math.log(f64x2.extract_lane(hi, 0)));
        l = f32x4.replace_lane(l, 3, <f32>Math.log(f64x2.extract_lane(hi, 1)));
        // (x − max) first, as log_softmax_fwd_f32: the largest entries keep full precision
        for (let r = 0; r < R; r++) {
          const d = f32x4.sub(load_f32x4_n(xo + <usize>r * stride, rem), m);
          store_f32x4_n(yo + <usize>r * stride, f32x4.sub(d, l), rem);
        }
      }
    }
  }
}

// From y = softmax(x) along r: dx = y ⊙ (dy − Σ_r dy·y); from y = log_softmax(x):
// dx = dy − e^y·Σ_r dy. Sums in f64. dx may alias dy.
export function softmax_axis_bwd_f32(y: usize, dy: usize, dx: usize, outer: i32, R: i32, inner: i32, log: i32): void {
  const stride = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i += 4) {
      const rem = min(4, inner - i);
      const off = (<usize>o * R * inner + i) << 2;
      let lo = f64x2.splat(0);
      let hi = f64x2.splat(0);
      for (let r = 0; r < R; r++) {
        const p = off + <usize>r * stride;
        let t = load_f32x4_n(dy + p, rem);
        if (!log) t = f32x4.mul(t, load_f32x4_n(y + p, rem));
        lo = f64x2.add(lo, widen_lo(t));
        hi = f64x2.add(hi, widen_hi(t));
      }
      const s = narrow_f64x2(lo, hi);
      for (let r = 0; r < R; r++) {
        const p = off + <usize>r * stride;
        const yv = load_f32x4_n(y + p, rem);
        const g = load_f32x4_n(dy + p, rem);
        const d = log ? f32x4.sub(g, f32x4.mul(exp_f32x4(yv), s)) : f32x4.mul(yv, f32x4.sub(g, s));
        store_f32x4_n(dx + p, d, rem);
      }
    }
  }
}

// a comes before b in a top-k of the largest (largest = 1) or smallest: strictly more
// extreme, NaN counting as the most extreme (as PyTorch's max, argmax and topk).
// @ts-ignore: decorator
@inline function before(a: f32, b: f32, largest: i32): bool {
  if (a != a) return b == b;
  return largest ? a > b : a < b;
}

// The k most extreme values along r of [outer, R, inner] into vals [outer, k, inner], in
// order, with their indices r (as floats) in idx; equal values keep their order along r,
// so the first of ties wins (argmax/argmin are k = 1). Insertion into the sorted output:
// O(R·k) per column, scalar. 1 ≤ k ≤ R.
export function topk_axis_fwd_f32(x: usize, vals: usize, idx: usize, outer: i32, R: i32, inner: i32, k: i32, largest: i32): void {
  const st = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const xo = x + ((<usize>o * R * inner + i) << 2);
      const vo = vals + ((<usize>o * k * inner + i) << 2);
      const io = idx + ((<usize>o * k * inner + i) << 2);
      let n = 0; // filled entries
      for (let r = 0; r < R; r++) {
        const v = load<f32>(xo + <usize>r * st);
        if (n == k && !before(v, load<f32>(vo + <usize>(k - 1) * st), largest)) continue;
        let j = n < k ? n++ : k - 1;
        while (j > 0 && before(v, load<f32>(vo + <usize>(j - 1) * st), largest)) {
          store<f32>(vo + <usize>j * st, load<f32>(vo + <usize>(j - 1) * st));
          store<f32>(io + <usize>j * st, load<f32>(io + <usize>(j - 1) * st));
          j--;
        }
        store<f32>(vo + <usize>j * st, v);
        store<f32>(io + <usize>j * st, <f32>r);
      }
    }
  }
}

// Gradient of a top-k: dx = 0, then dx[o, idx[o, j, i], i] += dy[o, j, i]. A scatter.
export function topk_axis_bwd_f32(dy: usize, idx: usize, dx: usize, outer: i32, R: i32, inner: i32, k: i32): void {
  memory.fill(dx, 0, <usize>outer * R * inner << 2);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < inner; i++) {
        const s = (<usize>(o * k + j) * inner + i) << 2;
        const r = <i32>load<f32>(idx + s);
        const d = dx + ((<usize>(o * R + r) * inner + i) << 2);
        store<f32>(d, load<f32>(d) + load<f32>(dy + s));
      }
    }
  }
}
