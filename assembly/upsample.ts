// Nearest-neighbour upsampling by integer factors, NHWC: y[n, i, j, c] = x[n, i/sh, j/sw, c]
// with y of shape [N, H·sh, W·sw, C]. SIMD along C, scalar channel tails. Then resize to any
// size, nearest or bilinear, from per-row and per-column source tables.
import { load_f32x4_n, store_f32x4_n } from './simd_math';

// y[N, H·sh, W·sw, C] from x[N, H, W, C]; y overwritten.
export function upsample_nhwc_nearest_fwd_f32(x: usize, y: usize, N: i32, H: i32, W: i32, C: i32,
  sh: i32, sw: i32): void {
  const cb = <usize>C << 2;
  const yRowBytes = <usize>W * sw * cb;
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      const src = x + (<usize>(n * H + h) * W) * cb;
      const dst = y + <usize>((n * H + h) * sh) * yRowBytes;
      // Build the first output row, then copy it to the other sh - 1 rows.
      let d = dst;
      for (let w = 0; w < W; w++) {
        const s = src + <usize>w * cb;
        for (let j = 0; j < sw; j++) {
          copy_run(d, s, C);
          d += cb;
        }
      }
      for (let i = 1; i < sh; i++) memory.copy(dst + <usize>i * yRowBytes, dst, yRowBytes);
    }
  }
}

// @ts-ignore: decorator
@inline function copy_run(d: usize, s: usize, n: i32): void {
  let c = 0;
  for (; c + 4 <= n; c += 4) v128.store(d + (<usize>c << 2), v128.load(s + (<usize>c << 2)));
  for (; c < n; c++) store<f32>(d + (<usize>c << 2), load<f32>(s + (<usize>c << 2)));
}

// dx[n, h, w, c] = Σ over the sh×sw block of dy that pixel was copied to; dx overwritten.
export function upsample_nhwc_nearest_bwd_f32(dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32,
  sh: i32, sw: i32): void {
  const cb = <usize>C << 2;
  const yRowBytes = <usize>W * sw * cb;
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      const src = dy + <usize>((n * H + h) * sh) * yRowBytes;
      const dst = dx + (<usize>(n * H + h) * W) * cb;
      for (let w = 0; w < W; w++) {
        const blk = src + <usize>(w * sw) * cb;
        const d = dst + <usize>w * cb;
        let c = 0;
        for (; c + 4 <= C; c += 4) block_sum(4, blk, d, c, sh, sw, cb, yRowBytes);
        for (; c < C; c++) block_sum(1, blk, d, c, sh, sw, cb, yRowBytes);
      }
    }
  }
}

// d[c..c+L) = Σ_{i<sh, j<sw} blk[i·rowBytes + j·cb + c..]
// @ts-ignore: decorator
@inline function block_sum(L: i32, blk: usize, d: usize, c: i32, sh: i32, sw: i32, cb: usize,
  rowBytes: usize): void {
  const o = <usize>c << 2;
  let acc = f32x4.splat(0);
  for (let i = 0; i < sh; i++) {
    let p = blk + <usize>i * rowBytes + o;
    for (let j = 0; j < sw; j++) {
      acc = f32x4.add(acc, L == 4 ? v128.load(p) : v128.load32_zero(p));
      p += cb;
    }
  }
  if (L == 4) v128.store(d + o, acc); else v128.store32_lane(d + o, acc, 0);
}

// Resize (nearest and bilinear, any sizes), NHWC. The caller computes, per output row and per
// output column, a 12-byte entry (i0: i32, i1: i32, w: f32): the two source indices and the
// weight of i1 (nearest: i1 = i0, w = 0), so every coordinate rule (half_pixel,
// align_corners, asymmetric, pytorch_half_pixel) and rounding lives in one place
// (ts/ops/resize.ts). y = (1 − wh)·((1 − ww)·x00 + ww·x01) + wh·((1 − ww)·x10 + ww·x11),
// SIMD along C with a partial vector for the last C % 4 channels.
// @ts-ignore: decorator
@inline function tab_i0(t: usize, o: i32): i32 { return load<i32>(t + <usize>o * 12); }
// @ts-ignore: decorator
@inline function tab_i1(t: usize, o: i32): i32 { return load<i32>(t + <usize>o * 12 + 4); }
// @ts-ignore: decorator
@inline function tab_w(t: usize, o: i32): f32 { return load<f32>(t + <usize>o * 12 + 8); }

// (1 − w)·row[a] + w·row[b], or row[a] alone when w = 0.
// @ts-ignore: decorator
@inline function lerp(row: usize, a: usize, b: usize, v: v128, w: v128, two: bool, rem: i32): v128 {
  const p = load_f32x4_n(row + a, rem);
  return two ? f32x4.add(f32x4.mul(v, p), f32x4.mul(w, load_f32x4_n(row + b, rem))) : p;
}

// y [N, OH, OW, C] from x [N, H, W, C]; y overwritten.
export function resize_nhwc_fwd_f32(x: usize, y: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, th: usize, tw: usize): void {
  const cb = <usize>C << 2;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const r0 = x + <usize>(n * H + tab_i0(th, oh)) * W * cb;
      const r1 = x + <usize>(n * H + tab_i1(th, oh)) * W * cb;
      const wh = f32x4.splat(tab_w(th, oh));
      const vh = f32x4.splat(1 - tab_w(th, oh));
      const yr = y + <usize>(n * OH + oh) * OW * cb;
      for (let ow = 0; ow < OW; ow++) {
        const a = <usize>tab_i0(tw, ow) * cb;
        const b = <usize>tab_i1(tw, ow) * cb;
        const ww = f32x4.splat(tab_w(tw, ow));
        const vw = f32x4.splat(1 - tab_w(tw, ow));
        const wcol = tab_w(tw, ow) != 0;
        const yo = yr + <usize>ow * cb;
        if (tab_w(th, oh) == 0) {
          // one source row (nearest, or an exact row): no 0·x term, so inf stays inf
          for (let c = 0; c < C; c += 4) {
            const rem = min(4, C - c);
            const o = <usize>c << 2;
            store_f32x4_n(yo + o, lerp(r0 + o, a, b, vw, ww, wcol, rem), rem);
          }
          continue;
        }
        for (let c = 0; c < C; c += 4) {
          const rem = min(4, C - c);
          const o = <usize>c << 2;
          store_f32x4_n(yo + o, f32x4.add(f32x4.mul(vh, lerp(r0 + o, a, b, vw, ww, wcol, rem)), f32x4.mul(wh, lerp(r1 + o, a, b, vw, ww, wcol, rem))), rem);
        }
      }
    }
  }
}

// dx = 0, then each output's dy is spread over its four sources with the forward's weights.
// @ts-ignore: decorator
@inline function add_scaled(p: usize, g: v128, s: v128, rem: i32): void {
  store_f32x4_n(p, f32x4.add(load_f32x4_n(p, rem), f32x4.mul(g, s)), rem);
}

export function resize_nhwc_bwd_f32(dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, th: usize, tw: usize): void {
  const cb = <usize>C << 2;
  memory.fill(dx, 0, <usize>N * H * W * cb);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const r0 = dx + <usize>(n * H + tab_i0(th, oh)) * W * cb;
      const r1 = dx + <usize>(n * H + tab_i1(th, oh)) * W * cb;
      const wh = tab_w(th, oh);
      const gr = dy + <usize>(n * OH + oh) * OW * cb;
      for (let ow = 0; ow < OW; ow++) {
        const a = <usize>tab_i0(tw, ow) * cb;
        const b = <usize>tab_i1(tw, ow) * cb;
        const ww = tab_w(tw, ow);
        const s00 = f32x4.splat((1 - wh) * (1 - ww));
        const s01 = f32x4.splat((1 - wh) * ww);
        const s10 = f32x4.splat(wh * (1 - ww));
        const s11 = f32x4.splat(wh * ww);
        const go = gr + <usize>ow * cb;
        for (let c = 0; c < C; c += 4) {
          const rem = min(4, C - c);
          const o = <usize>c << 2;
          const g = load_f32x4_n(go + o, rem);
          add_scaled(r0 + a + o, g, s00, rem);
          add_scaled(r0 + b + o, g, s01, rem);
          add_scaled(r1 + a + o, g, s10, rem);
          add_scaled(r1 + b + o, g, s11, rem);
        }
      }
    }
  }
}
