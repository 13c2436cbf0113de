// Pixel grids for looking inside a network: a convolution's HWIO filters and an NHWC
// activation map, as one RGBA image of tiles (ImageData's layout: `new ImageData(g.data,
// g.width, g.height)` in a page, or a PNG encoder in Node).
import { opError, fmtShape } from '../backend/index';
import { Tensor } from '../tensor/tensor';

/**
 * A tensor, or its values and shape (e.g. posted from a worker).
 * @example sn.image.activationGrid({ data: new Float32Array(2 * 5 * 5 * 3), shape: [2, 5, 5, 3] })
 */
/** What filterGrid and activationGrid read: a Tensor, or values and their shape. */
export type GridSource = Tensor | {
  /** The values, row-major. */
  data: ArrayLike<number>;
  /** Their shape. */
  shape: readonly number[];
};

/** How filterGrid and activationGrid lay out and scale the tiles. */
export interface GridOptions {
  /** Each tile scaled to its own min–max ('tile', default), all tiles to one ('all'), or a fixed range. */
  normalize?: 'tile' | 'all' | {
    /** The value shown black. */
    min: number;
    /** The value shown white. */
    max: number;
  };
  /** Pixels per value, an integer ≥ 1 (default 1). */
  scale?: number;
  /** Pixels between tiles (default 1). */
  gap?: number;
  /** Tiles per row (filters: one column per output channel; maps: about √channels). */
  columns?: number;
  /** RGBA of the gaps (default transparent). */
  background?: readonly [number, number, number, number];
}

/** filterGrid's and activationGrid's image: RGBA bytes and the tile layout. */
export interface PixelGrid {
  /** RGBA, row-major, width × height × 4 bytes. */
  data: Uint8ClampedArray;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Tiles across. */
  columns: number;
  /** Tiles down. */
  rows: number;
}

interface Tile {
  h: number;
  w: number;
  /** Channels per pixel: 1 (grey) or 3 (RGB). */
  c: 1 | 3;
  /** Index of pixel (y, x), channel k in the source values. */
  at: (y: number, x: number, k: number) => number;
}

const unpack = (op: string, src: GridSource): { data: ArrayLike<number>; shape: readonly number[] } => {
  if (src instanceof Tensor) return { data: src.dataSync(), shape: src.shape };
  if (!src || typeof src !== 'object' || !Array.isArray(src.shape) || src.data === undefined || typeof src.data.length !== 'number')
    throw opError(op, 'expected a Tensor or { data, shape }');
  const size = src.shape.reduce((a, b) => a * b, 1);
  if (src.data.length !== size) throw opError(op, `data has ${src.data.length} values, shape ${fmtShape(src.shape)} needs ${size}`);
  return src;
};

/**
 * A convolution's filters, HWIO `[KH, KW, Cin, Cout]`, as tiles: one column per output
 * channel and one row per input channel, or one RGB tile per filter when Cin is 3.
 * @example
 * const g = sn.image.filterGrid(conv.weight, { scale: 8 });
 * canvas.getContext('2d').putImageData(new ImageData(g.data, g.width, g.height), 0, 0);
 */
export function filterGrid(weight: GridSource, options: GridOptions = {}): PixelGrid {
  const op = 'image.filterGrid';
  const { data, shape } = unpack(op, weight);
  if (shape.length !== 4) throw opError(op, `weight must be HWIO [KH, KW, Cin, Cout], got shape ${fmtShape(shape)}`);
  const [KH, KW, C, K] = shape;
  const tiles: Tile[] = [];
  if (C === 3) {
    for (let k = 0; k < K; k++) tiles.push({ h: KH, w: KW, c: 3, at: (y, x, ch) => ((y * KW + x) * C + ch) * K + k });
  } else {
    for (let c = 0; c < C; c++)
      for (let k = 0; k < K; k++) tiles.push({ h: KH, w: KW, c: 1, at: (y, x) => ((y * KW + x) * C + c) * K + k });
  }
  return render(op, data, tiles, options.columns ?? K, options);
}

/**
 * One example's activation maps as tiles: NHWC `[N, H, W, C]` gives one tile per channel;
 * `[N, F]` (a dense layer) one strip of F cells. `index` picks the example (default 0).
 * @example
 * const { captured } = net.capture(x, ['conv1']);
 * const g = sn.image.activationGrid(captured.conv1, { scale: 3 });
 */
export function activationGrid(x: GridSource, options: GridOptions & { index?: number } = {}): PixelGrid {
  const op = 'image.activationGrid';
  const { data, shape } = unpack(op, x);
  if (shape.length !== 4 && shape.length !== 2) throw opError(op, `x must be NHWC [N, H, W, C] or [N, F], got shape ${fmtShape(shape)}`);
  const n = options.index ?? 0;
  if (!Number.isInteger(n) || n < 0 || n >= shape[0]) throw opError(op, `index ${n} is outside the batch of ${shape[0]} (shape ${fmtShape(shape)})`);
  if (shape.length === 2) {
    const F = shape[1];
    return render(op, data, [{ h: 1, w: F, c: 1, at: (_y, x) => n * F + x }], 1, options);
  }
  const [, H, W, C] = shape;
  const tiles: Tile[] = [];
  for (let c = 0; c < C; c++) tiles.push({ h: H, w: W, c: 1, at: (y, x) => ((n * H + y) * W + x) * C + c });
  return render(op, data, tiles, options.columns ?? Math.ceil(Math.sqrt(C)), options);
}

function range(data: ArrayLike<number>, tiles: Tile[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of tiles)
    for (let y = 0; y < t.h; y++)
      for (let x = 0; x < t.w; x++)
        for (let k = 0; k < t.c; k++) {
          const v = data[t.at(y, x, k)];
          if (!Number.isFinite(v)) continue;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
  return [lo, hi];
}

function render(op: string, data: ArrayLike<number>, tiles: Tile[], columns: number, o: GridOptions): PixelGrid {
  const scale = o.scale ?? 1;
  const gap = o.gap ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw opError(op, `scale must be an integer ≥ 1, got ${scale}`);
  if (!Number.isInteger(gap) || gap < 0) throw opError(op, `gap must be an integer ≥ 0, got ${gap}`);
  if (!Number.isInteger(columns) || columns < 1) throw opError(op, `columns must be an integer ≥ 1, got ${columns}`);
  const norm = o.normalize ?? 'tile';
  if (typeof norm === 'object' && !(norm.max > norm.min)) throw opError(op, `normalize range needs max > min, got ${JSON.stringify(norm)}`);
  if (typeof norm !== 'object' && norm !== 'tile' && norm !== 'all') throw opError(op, `normalize must be 'tile', 'all' or { min, max }, got ${JSON.stringify(norm)}`);
  const cols = Math.min(columns, Math.max(tiles.length, 1));
  const rows = Math.ceil(tiles.length / cols);
  const tw = tiles[0]?.w ?? 0;
  const th = tiles[0]?.h ?? 0;
  const width = Math.max(cols * (tw * scale + gap) - gap, 0);
  const height = Math.max(rows * (th * scale + gap) - gap, 0);
  const out = new Uint8ClampedArray(width * height * 4);
  const bg = o.background ?? [0, 0, 0, 0];
  for (let i = 0; i < width * height; i++) out.set(bg, i * 4);
  const global = norm === 'all' ? range(data, tiles) : typeof norm === 'object' ? [norm.min, norm.max] : null;
  tiles.forEach((t, i) => {
    const [lo, hi] = global ?? range(data, [t]);
    // A constant tile (a dead ReLU map) is black, not a division by zero.
    const mul = hi > lo ? 255 / (hi - lo) : 0;
    const ox = (i % cols) * (tw * scale + gap);
    const oy = Math.floor(i / cols) * (th * scale + gap);
    for (let y = 0; y < t.h; y++)
      for (let x = 0; x < t.w; x++) {
        const v = [0, 1, 2].map((k) => {
          const d = data[t.at(y, x, t.c === 3 ? k : 0)];
          return Number.isFinite(d) ? (d - lo) * mul : 0; // NaN and ±∞ drawn black
        });
        for (let sy = 0; sy < scale; sy++)
          for (let sx = 0; sx < scale; sx++) {
            const p = ((oy + y * scale + sy) * width + ox + x * scale + sx) * 4;
            out[p] = v[0];
            out[p + 1] = v[1];
            out[p + 2] = v[2];
            out[p + 3] = 255;
          }
      }
  });
  return { data: out, width, height, columns: cols, rows };
}
