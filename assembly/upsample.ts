// Nearest-neighbour upsampling by integer factors, NHWC: y[n, i, j, c] = x[n, i/sh, j/sw, c]
// with y of shape [N, H·sh, W·sw, C]. SIMD along C, scalar channel tails.

// y[N, H·sh, W·sw, C] from x[N, H, W, C]; y overwritten.
export function upsample_nearest_nhwc_fwd(x: usize, y: usize, N: i32, H: i32, W: i32, C: i32,
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
export function upsample_nearest_nhwc_bwd(dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32,
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
