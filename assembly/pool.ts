// 2-D pooling over NHWC: x [N, H, W, C] → y [N, OH, OW, C]. Output (oh, ow) reads the window
// rows oh·sh − padTop + i·dh (i < kh) and columns ow·sw − padLeft + j·dw (j < kw), the taps
// outside the image skipped: padded cells never take part (max: never win; L2: add 0;
// average: see countPad). padBottom/padRight only bound the average's countPad divisor.
// The caller computes OH/OW and validates. SIMD runs along C. The forward takes the last
// C % 4 channels (C >= 4) as a whole vector ending at channel C that overlaps the one before
// it: each lane depends on its own channel only, so the overlapped channels are written
// twice with the same values. C < 4 and the backward (which accumulates) use partial
// vectors. A window with no real cell (padding >= kernel) gives y = 0 and argmax −1.
//
// Threads: images are independent, so a caller can split over N by offsetting x, y, argmax
// (and dy, dx) to image n0 and passing the slice's N.
import { load_f32x4_n, store_f32x4_n } from './simd_math';

// @ts-ignore: decorator
@inline const P_MAX = 0;
// @ts-ignore: decorator
@inline const P_AVG = 1;
// @ts-ignore: decorator
@inline const P_L2 = 2;
// Max without the argmax indices (inference).
// @ts-ignore: decorator
@inline const P_MAXV = 3;

// Reduce one block of `rem` channels (4, or 1..3 at the tail) starting at channel c over the
// window rows [hs, he) × columns [ws, we) of image xi; store into yo (and ao for max).
// @ts-ignore: decorator
@inline function fwd_block(
  op: i32, xi: usize, yo: usize, ao: usize, c: i32, rem: i32,
  hs: i32, he: i32, ws: i32, we: i32, dh: i32, dw: i32, W: i32, C: i32, scale: f32,
): void {
  const cb = <usize>c << 2;
  if (op == P_MAXV) {
    // pmax(best, v) = best < v ? v : best: the same first-of-ties and NaN rule as below.
    const cs = <usize>C << 2;
    let p = xi + (<usize>((hs * W + ws) * C + c) << 2);
    let best = load_f32x4_n(p, rem);
    const ts = <usize>dw * cs; // tap steps along W and H
    const rs = <usize>dh * W * cs;
    if (he - hs == dh + 1 && we - ws == dw + 1) {
      // the common 2×2 window, unrolled (in scan order)
      best = f32x4.pmax(best, load_f32x4_n(p + ts, rem));
      best = f32x4.pmax(best, load_f32x4_n(p + rs, rem));
      best = f32x4.pmax(best, load_f32x4_n(p + rs + ts, rem));
    } else {
      for (let ih = hs; ih < he; ih += dh) {
        let q = p;
        for (let iw = ws; iw < we; iw += dw) {
          best = f32x4.pmax(best, load_f32x4_n(q, rem));
          q += ts;
        }
        p += rs;
      }
    }
    store_f32x4_n(yo + cb, best, rem);
    return;
  }
  if (op == P_MAX) {
    // Start from the first cell; a later cell wins only if strictly greater (first of ties).
    const first = (hs * W + ws) * C + c;
    let best = load_f32x4_n(xi + (<usize>first << 2), rem);
    const iota = i32x4(0, 1, 2, 3);
    let idx = i32x4.add(i32x4.splat(first), iota);
    for (let ih = hs; ih < he; ih += dh) {
      for (let iw = ws; iw < we; iw += dw) {
        const cell = (ih * W + iw) * C + c;
        const v = load_f32x4_n(xi + (<usize>cell << 2), rem);
        const m = f32x4.gt(v, best);
        best = v128.bitselect(v, best, m);
        idx = v128.bitselect(i32x4.add(i32x4.splat(cell), iota), idx, m);
      }
    }
    store_f32x4_n(yo + cb, best, rem);
    store_f32x4_n(ao + cb, idx, rem);
    return;
  }
  let acc = f32x4.splat(0);
  for (let ih = hs; ih < he; ih += dh) {
    for (let iw = ws; iw < we; iw += dw) {
      const v = load_f32x4_n(xi + ((<usize>((ih * W + iw) * C) << 2) + cb), rem);
      acc = op == P_AVG ? f32x4.add(acc, v) : f32x4.add(acc, f32x4.mul(v, v));
    }
  }
  store_f32x4_n(yo + cb, op == P_AVG ? f32x4.mul(acc, f32x4.splat(scale)) : f32x4.sqrt(acc), rem);
}

// Spread one block of output gradient over its window: avg adds dy·scale to each real cell,
// L2 adds (dy / y)·x (0 where y = 0, whose window is all zeros: the gradient of
// sqrt at 0 is taken as 0 there).
// @ts-ignore: decorator
@inline function bwd_block(
  op: i32, xi: usize, yo: usize, dyo: usize, dxi: usize, c: i32, rem: i32,
  hs: i32, he: i32, ws: i32, we: i32, dh: i32, dw: i32, W: i32, C: i32, scale: f32,
): void {
  const cb = <usize>c << 2;
  const dy = load_f32x4_n(dyo + cb, rem);
  let g: v128;
  if (op == P_AVG) {
    g = f32x4.mul(dy, f32x4.splat(scale));
  } else {
    const yv = load_f32x4_n(yo + cb, rem);
    g = v128.and(f32x4.div(dy, yv), f32x4.gt(yv, f32x4.splat(0)));
  }
  for (let ih = hs; ih < he; ih += dh) {
    for (let iw = ws; iw < we; iw += dw) {
      const off = (<usize>((ih * W + iw) * C) << 2) + cb;
      let d = g;
      if (op == P_L2) d = f32x4.mul(g, load_f32x4_n(xi + off, rem));
      store_f32x4_n(dxi + off, f32x4.add(load_f32x4_n(dxi + off, rem), d), rem);
    }
  }
}

// First real tap h0 + i·dh ≥ 0 of a window starting at h0 (h0 + kh·dh when there is none).
// @ts-ignore: decorator
@inline function first_tap(h0: i32, d: i32): i32 {
  return h0 >= 0 ? h0 : h0 + (-h0 + d - 1) / d * d;
}

// Taps of a window at h0 (kernel k, dilation d) before `limit`.
// @ts-ignore: decorator
@inline function taps_before(h0: i32, k: i32, d: i32, limit: i32): i32 {
  return h0 >= limit ? 0 : min(k, (limit - h0 + d - 1) / d);
}

// Hands each channel block of output pixel o to fwd_block or bwd_block.
// @ts-ignore: decorator
@inline function pixel(
  op: i32, back: bool, xi: usize, y: usize, argmax: usize, dy: usize, dxi: usize, o: usize,
  hs: i32, he: i32, ws: i32, we: i32, dh: i32, dw: i32, W: i32, C: i32, scale: f32,
): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    if (back) bwd_block(op, xi, y + o, dy + o, dxi, c, 4, hs, he, ws, we, dh, dw, W, C, scale);
    else fwd_block(op, xi, y + o, argmax + o, c, 4, hs, he, ws, we, dh, dw, W, C, scale);
  }
  if (c < C) {
    if (back) bwd_block(op, xi, y + o, dy + o, dxi, c, C - c, hs, he, ws, we, dh, dw, W, C, scale);
    else if (C >= 4) fwd_block(op, xi, y + o, argmax + o, C - 4, 4, hs, he, ws, we, dh, dw, W, C, scale);
    else fwd_block(op, xi, y + o, argmax + o, c, C - c, hs, he, ws, we, dh, dw, W, C, scale);
  }
}

// The window walk shared by every forward and backward: for each output pixel, find the
// real taps of its window and hand each channel block to fwd_block or bwd_block. The
// backward zeroes dx first and accumulates (windows may overlap). The average divides by the
// real taps, or with countPad by the taps inside the padded input (as PyTorch: a ceil-mode
// window hanging past padBottom/padRight does not count the cells beyond).
// @ts-ignore: decorator
@inline function pool(
  op: i32, back: bool, x: usize, y: usize, argmax: usize, dy: usize, dx: usize,
  N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, padBottom: i32, padRight: i32,
  dh: i32, dw: i32, countPad: i32,
): void {
  const img = <usize>H * W * C << 2;
  if (back) memory.fill(dx, 0, <usize>N * img);
  for (let n = 0; n < N; n++) {
    const xi = x + <usize>n * img;
    const dxi = dx + <usize>n * img;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - padTop;
      const hs = first_tap(h0, dh);
      const he = min(h0 + (kh - 1) * dh + 1, H);
      const th = countPad ? taps_before(h0, kh, dh, H + padBottom) : 0;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - padLeft;
        const ws = first_tap(w0, dw);
        const we = min(w0 + (kw - 1) * dw + 1, W);
        const o = <usize>((n * OH + oh) * OW + ow) * C << 2;
        if (he <= hs || we <= ws) {
          if (!back) {
            memory.fill(y + o, 0, <usize>C << 2);
            if (op == P_MAX) memory.fill(argmax + o, 0xff, <usize>C << 2); // −1
          }
          continue;
        }
        let scale: f32 = 1;
        if (op == P_AVG) {
          const cnt = countPad ? th * taps_before(w0, kw, dw, W + padRight) : ((he - hs + dh - 1) / dh) * ((we - ws + dw - 1) / dw);
          scale = 1 / <f32>cnt;
        }
        pixel(op, back, xi, y, argmax, dy, dxi, o, hs, he, ws, we, dh, dw, W, C, scale);
      }
    }
  }
}

// Max pooling. argmax (i32 per output) receives the winning cell's flat index within its
// image, (ih·W + iw)·C + c, or −1; argmax = 0: no indices (inference). The first cell of a
// tie wins; a NaN wins only as the first real cell of its window.
export function maxpool2d_nhwc_fwd_f32(
  x: usize, y: usize, argmax: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, padBottom: i32, padRight: i32, dh: i32, dw: i32,
): void {
  if (argmax != 0) pool(P_MAX, false, x, y, argmax, 0, 0, N, H, W, C, OH, OW, kh, kw, sh, sw, padTop, padLeft, padBottom, padRight, dh, dw, 0);
  else pool(P_MAXV, false, x, y, 0, 0, 0, N, H, W, C, OH, OW, kh, kw, sh, sw, padTop, padLeft, padBottom, padRight, dh, dw, 0);
}

// dx = 0, then dx[n, argmax] += dy for every output (overlapping windows accumulate).
// A scatter: scalar by nature.
export function maxpool2d_nhwc_bwd_f32(
  dy: usize, argmax: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
): void {
  const img = H * W * C;
  const per = OH * OW * C;
  memory.fill(dx, 0, <usize>N * img << 2);
  for (let n = 0; n < N; n++) {
    const dxi = dx + (<usize>n * img << 2);
    const o0 = <usize>n * per << 2;
    for (let j = 0; j < per; j++) {
      const o = o0 + (<usize>j << 2);
      const a = load<i32>(argmax + o);
      if (a >= 0) {
        const p = dxi + (<usize>a << 2);
        store<f32>(p, load<f32>(p) + load<f32>(dy + o));
      }
    }
  }
}

// Average pooling. countPad = 1 divides by the taps inside the padded input (padded cells
// count as zeros), countPad = 0 by the number of real cells in the window.
export function avgpool2d_nhwc_fwd_f32(
  x: usize, y: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, padBottom: i32, padRight: i32, dh: i32, dw: i32, countPad: i32,
): void {
  pool(P_AVG, false, x, y, 0, 0, 0, N, H, W, C, OH, OW, kh, kw, sh, sw, padTop, padLeft, padBottom, padRight, dh, dw, countPad);
}

// dx = 0, then each real cell of each window gets dy / count.
export function avgpool2d_nhwc_bwd_f32(
  dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, padBottom: i32, padRight: i32, dh: i32, dw: i32, countPad: i32,
): void {
  pool(P_AVG, true, 0, 0, 0, dy, dx, N, H, W, C, OH, OW, kh, kw, sh, sw, padTop, padLeft, padBottom, padRight, dh, dw, countPad);
}

// L2 pooling (LP, p = 2): y = sqrt(Σ x²) over the real cells of the window.
export function l2pool2d_nhwc_fwd_f32(
  x: usize, y: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, padBottom: i32, padRight: i32, dh: i32, dw: i32,
): void {
  pool(P_L2, false, x, y, 0, 0, 0, N, H, W, C, OH, OW, kh, kw, sh, sw, padTop, padLeft, padBottom, padRight, dh, dw, 0);
}

// dx = 0, then dx += dy·x / y over each window; where y = 0 (an all-zero window) the
// gradient is defined as 0.
export function l2pool2d_nhwc_bwd_f32(
  x: usize, y: usize, dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32, padBottom: i32, padRight: i32, dh: i32, dw: i32,
): void {
  pool(P_L2, true, x, y, 0, dy, dx, N, H, W, C, OH, OW, kh, kw, sh, sw, padTop, padLeft, padBottom, padRight, dh, dw, 0);
}

// Global average pooling [N, H, W, C] → [N, C]: average pooling with one H×W window.
export function global_avgpool_nhwc_fwd_f32(x: usize, y: usize, N: i32, H: i32, W: i32, C: i32): void {
  pool(P_AVG, false, x, y, 0, 0, 0, N, H, W, C, 1, 1, H, W, 1, 1, 0, 0, 0, 0, 1, 1, 1);
}

// dx[n, h, w, c] = dy[n, c] / (H·W)
export function global_avgpool_nhwc_bwd_f32(dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32): void {
  pool(P_AVG, true, 0, 0, 0, dy, dx, N, H, W, C, 1, 1, H, W, 1, 1, 0, 0, 0, 0, 1, 1, 1);
}

// Adaptive average pooling (PyTorch's windows): output row i averages input rows
// floor(i·H/OH) … ceil((i + 1)·H/OH) − 1, and likewise along W. fwd: y overwritten;
// bwd: dx overwritten.
// @ts-ignore: decorator
@inline function adaptive(back: bool, x: usize, y: usize, dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32): void {
  const img = <usize>H * W * C << 2;
  if (back) memory.fill(dx, 0, <usize>N * img);
  for (let n = 0; n < N; n++) {
    const xi = x + <usize>n * img;
    const dxi = dx + <usize>n * img;
    for (let oh = 0; oh < OH; oh++) {
      const hs = <i32>(<i64>oh * H / OH);
      const he = <i32>((<i64>(oh + 1) * H + OH - 1) / OH);
      for (let ow = 0; ow < OW; ow++) {
        const ws = <i32>(<i64>ow * W / OW);
        const we = <i32>((<i64>(ow + 1) * W + OW - 1) / OW);
        const o = <usize>((n * OH + oh) * OW + ow) * C << 2;
        const scale: f32 = 1 / <f32>((he - hs) * (we - ws));
        pixel(P_AVG, back, xi, y, 0, dy, dxi, o, hs, he, ws, we, 1, 1, W, C, scale);
      }
    }
  }
}

export function adaptive_avgpool2d_nhwc_fwd_f32(x: usize, y: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32): void {
  adaptive(false, x, y, 0, 0, N, H, W, C, OH, OW);
}

export function adaptive_avgpool2d_nhwc_bwd_f32(dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32): void {
  adaptive(true, 0, 0, dy, dx, N, H, W, C, OH, OW);
}
