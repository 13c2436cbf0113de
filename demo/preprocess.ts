// A drawing made like an MNIST digit (LeCun et al.): the ink's bounding box scaled (area
// averaging, aspect kept) so its longer side is 20 pixels, then placed in 28×28 with its
// centre of mass at (14, 14) — where the training digits have theirs (mean 14.00, 14.00).

export interface Pixels {
  data: ArrayLike<number>; // RGBA, like ImageData
  width: number;
  height: number;
}

/** Ink in [0, 1] per pixel: light strokes on dark, or dark on light (inverted when the border is light). */
export function inkOf(img: Pixels): Float32Array {
  const { data, width: w, height: h } = img;
  const ink = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) ink[i] = ((data[4 * i] + data[4 * i + 1] + data[4 * i + 2]) / 765) * (data[4 * i + 3] / 255);
  let border = 0;
  for (let x = 0; x < w; x++) border += ink[x] + ink[(h - 1) * w + x];
  for (let y = 0; y < h; y++) border += ink[y * w] + ink[y * w + w - 1];
  if (border / (2 * (w + h)) > 0.5) for (let i = 0; i < ink.length; i++) ink[i] = 1 - ink[i];
  return ink;
}

// Weights of source cells [lo, hi) covering each of n target cells over [start, start + len).
function coverage(start: number, len: number, n: number): { from: number; w: number[] }[] {
  const step = len / n;
  return Array.from({ length: n }, (_, t) => {
    const a = start + t * step;
    const b = a + step;
    const from = Math.floor(a);
    const w: number[] = [];
    for (let s = from; s < b - 1e-9; s++) w.push((Math.min(b, s + 1) - Math.max(a, s)) / step);
    return { from, w };
  });
}

/** 28×28 values in [0, 1] ready for the model, or null when there is no ink. */
export function mnistLike(ink: Float32Array, w: number, h: number, threshold = 0.05): Float32Array | null {
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (ink[y * w + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const s = 20 / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * s));
  const th = Math.max(1, Math.round(bh * s));
  const cx = coverage(x0, bw, tw);
  const cy = coverage(y0, bh, th);
  const small = new Float32Array(tw * th);
  for (let ty = 0; ty < th; ty++)
    for (let tx = 0; tx < tw; tx++) {
      let v = 0;
      cy[ty].w.forEach((wy, j) => cx[tx].w.forEach((wx, i) => (v += wy * wx * ink[(cy[ty].from + j) * w + cx[tx].from + i])));
      small[ty * tw + tx] = Math.min(1, v);
    }
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  const clamp = (v: number, hi: number) => Math.max(0, Math.min(hi, v));
  const ox = clamp(Math.round(14 - mx / mass), 28 - tw);
  const oy = clamp(Math.round(14 - my / mass), 28 - th);
  const out = new Float32Array(784);
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) out[(oy + y) * 28 + ox + x] = small[y * tw + x];
  return out;
}
