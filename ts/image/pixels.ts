// Pixels in and out: canvases, ImageData, ImageBitmap, <img> and plain { data, width, height }
// arrays to NHWC float tensors, and tensors back to RGBA bytes for display.
import { opError, fmtShape } from '../backend/index';
import { Tensor } from '../tensor/tensor';
import { tensor } from '../ops/creation';
import { checkTensor, describe } from '../ops/check';

/** Raw pixels, interleaved (HWC): bytes (0–255), 16-bit values (0–65535) or floats (as they are). */
export interface RawPixels {
  /** The values, row after row, pixel after pixel, channel after channel. */
  data: Uint8Array | Uint8ClampedArray | Uint16Array | Float32Array | number[];
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Values per pixel; data.length / (width × height) when absent. */
  channels?: number;
}

/** What fromPixels reads: ImageData, ImageBitmap, HTMLCanvasElement, OffscreenCanvas, HTMLImageElement, or raw pixels. */
export type PixelSource = RawPixels | {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
} | object;

/** fromPixels' (and decode's, imageFolder's) options. */
export interface FromPixelsOptions {
  /**
   * Channels of the result: 1 (luma, ITU-R 601: 0.299 R + 0.587 G + 0.114 B; a pixel whose
   * R, G and B are equal gives that value exactly), 3 (RGB) or 4 (RGBA). Default: the source's
   * own for raw pixels, 3 for canvases and images.
   */
  channels?: 1 | 3 | 4;
}

const LUMA = [0.299, 0.587, 0.114];

/** RGBA (or any C) values of `src` as raw pixels, drawing canvases and images when needed. */
function rawOf(op: string, src: unknown): { data: ArrayLike<number>; width: number; height: number; channels: number; max: number } {
  if (src === null || typeof src !== 'object') throw opError(op, `argument 'source' must be ImageData, a canvas, an ImageBitmap, an <img> or { data, width, height }, got ${describe(src)}`);
  const s = src as Partial<RawPixels> & { getContext?: unknown; naturalWidth?: number };
  if (s.data !== undefined) {
    const { data, width, height } = s as RawPixels;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
      throw opError(op, `argument 'source' has width ${width} and height ${height}; both must be positive integers`);
    if (typeof (data as ArrayLike<number>).length !== 'number') throw opError(op, `argument 'source.data' must be an array of numbers, got ${describe(data)}`);
    const channels = s.channels ?? data.length / (width * height);
    if (!Number.isInteger(channels) || channels < 1 || channels > 4 || data.length !== width * height * channels)
      throw opError(op, `argument 'source.data' has ${data.length} values, not ${width}×${height}×${s.channels ?? 'channels (1–4)'}`);
    const max = data instanceof Float32Array || Array.isArray(data) ? 1 : data instanceof Uint16Array ? 65535 : 255;
    return { data, width, height, channels, max };
  }
  // Canvases, bitmaps and images: draw onto a canvas and read back RGBA.
  const width = (s.naturalWidth ?? s.width) as number;
  const height = ((s as { naturalHeight?: number }).naturalHeight ?? s.height) as number;
  if (!(width > 0 && height > 0)) throw opError(op, `argument 'source' (${describe(src)}) has no pixels (width ${width}, height ${height}); is the image loaded?`);
  let ctx: { drawImage(i: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null = null;
  const get = (c: unknown) => (c as { getContext(t: string, o?: object): typeof ctx }).getContext('2d', { willReadFrequently: true });
  if (typeof s.getContext === 'function') ctx = get(s);
  if (!ctx) {
    const G = globalThis as { OffscreenCanvas?: new (w: number, h: number) => unknown; document?: { createElement(t: string): { width: number; height: number } } };
    let canvas: unknown;
    if (G.OffscreenCanvas) canvas = new G.OffscreenCanvas(width, height);
    else if (G.document) {
      const c = G.document.createElement('canvas');
      c.width = width;
      c.height = height;
      canvas = c;
    } else throw opError(op, `argument 'source' (${describe(src)}) needs a canvas to be read, and this runtime has none: pass { data, width, height } or use sn.image.decode(bytes)`);
    ctx = get(canvas);
    if (!ctx) throw opError(op, 'could not get a 2d canvas context');
    ctx.drawImage(src, 0, 0);
  }
  return { data: ctx.getImageData(0, 0, width, height).data, width, height, channels: 4, max: 255 };
}

/**
 * An image as a float tensor [1, height, width, channels] (NHWC), values scaled to [0, 1]
 * (bytes / 255, 16-bit values / 65535; floats kept as they are).
 *
 * @example
 * ```ts
 * const red = { data: new Uint8Array([255, 0, 0, 0, 0, 255]), width: 2, height: 1 }; // 2 RGB pixels
 * const t = sn.image.fromPixels(red);
 * console.log(t.shape, Array.from(t.dataSync())); // [1, 1, 2, 3] [1, 0, 0, 0, 0, 1]
 * ```
 */
export function fromPixels(source: PixelSource, options: FromPixelsOptions = {}): Tensor {
  const { values, height, width, channels } = pixelValues('image.fromPixels', source, options);
  return tensor(values, [1, height, width, channels]);
}

/** fromPixels' values as a Float32Array (HWC), without a tensor. */
export function pixelValues(op: string, source: PixelSource, options: FromPixelsOptions): { values: Float32Array; height: number; width: number; channels: number } {
  const { data, width, height, channels: C, max } = rawOf(op, source);
  if (options.channels !== undefined && ![1, 3, 4].includes(options.channels))
    throw opError(op, `option 'channels' must be 1, 3 or 4, got ${JSON.stringify(options.channels)}`);
  const ID = (globalThis as { ImageData?: new (...a: never[]) => unknown }).ImageData;
  const browser = (source as RawPixels).data === undefined || (ID !== undefined && source instanceof ID);
  const want = options.channels ?? (browser ? 3 : C);
  const n = width * height;
  const out = new Float32Array(n * want);
  const color = C >= 3; // 1 or 2 channels: gray (+ alpha)
  const alpha = C === 2 || C === 4 ? C - 1 : -1;
  for (let i = 0; i < n; i++) {
    const p = i * C;
    const r = data[p] / max;
    const g = color ? data[p + 1] / max : r;
    const b = color ? data[p + 2] / max : r;
    const a = alpha >= 0 ? data[p + alpha] / max : 1;
    const o = i * want;
    if (want === C) for (let c = 0; c < C; c++) out[o + c] = data[p + c] / max;
    else if (want === 1) out[o] = r === g && g === b ? r : LUMA[0] * r + LUMA[1] * g + LUMA[2] * b;
    else {
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      if (want === 4) out[o + 3] = a;
    }
  }
  return { values: out, height, width, channels: want };
}

/** RGBA bytes for display: an ImageData where the runtime has one (putImageData takes it), else the same fields. */
export interface PixelImage {
  /** RGBA bytes, row-major, width × height × 4. */
  data: Uint8ClampedArray;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** toPixels' options. */
export interface ToPixelsOptions {
  /** The values shown as black and white: [0, 1] by default; 'auto' stretches the tensor's own minimum and maximum. */
  range?: [number, number] | 'auto';
}

/**
 * An image tensor [H, W, C] or [1, H, W, C] with C = 1 (gray), 3 (RGB) or 4 (RGBA) as RGBA
 * bytes: `ctx.putImageData(sn.image.toPixels(t), 0, 0)`.
 *
 * @example
 * ```ts
 * const img = sn.image.toPixels(sn.tensor([0, 1], [1, 2, 1])); // a black and a white gray pixel
 * console.log(img.width, img.height, Array.from(img.data)); // 2 1 [0, 0, 0, 255, 255, 255, 255, 255]
 * ```
 */
export function toPixels(image: Tensor, options: ToPixelsOptions = {}): PixelImage {
  const op = 'image.toPixels';
  checkTensor(op, 'image', image);
  const s = image.shape;
  if (!((s.length === 3 || (s.length === 4 && s[0] === 1)) && [1, 3, 4].includes(s[s.length - 1])))
    throw opError(op, `argument 'image' must be [H, W, C] or [1, H, W, C] with C = 1, 3 or 4, got ${fmtShape(s)}${s.length === 4 && s[0] > 1 ? ' (one image at a time)' : ''}`);
  const [H, W, C] = s.slice(-3);
  const v = image.dataSync();
  let lo = 0;
  let hi = 1;
  if (options.range === 'auto') {
    lo = Infinity;
    hi = -Infinity;
    for (const x of v) if (Number.isFinite(x)) (lo = Math.min(lo, x)), (hi = Math.max(hi, x));
    if (!(hi > lo)) hi = lo + 1; // a constant (or empty) map shows as black
  } else if (options.range !== undefined) {
    [lo, hi] = options.range;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw opError(op, `option 'range' must be [low, high] with low < high, got ${JSON.stringify(options.range)}`);
  }
  const k = 255 / (hi - lo);
  const n = H * W;
  const data = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const p = i * C;
    const o = i * 4;
    const g = (v[p] - lo) * k; // Uint8ClampedArray rounds and clamps
    data[o] = g;
    data[o + 1] = C === 1 ? g : (v[p + 1] - lo) * k;
    data[o + 2] = C === 1 ? g : (v[p + 2] - lo) * k;
    data[o + 3] = C === 4 ? (v[p + 3] - lo) * k : 255;
  }
  const ID = (globalThis as { ImageData?: new (d: Uint8ClampedArray, w: number, h: number) => PixelImage }).ImageData;
  return ID ? new ID(data, W, H) : { data, width: W, height: H };
}
