// Data augmentation on a batch of NHWC images in place, drawn from a seeded generator so a
// run repeats exactly. Each transform is (batch, [B, H, W, C]) => void; compose() chains them.
import { opError } from '../backend/index';
import { Rng } from '../tensor/rng';

/** An augmentation: changes a batch of NHWC images [B, H, W, C] in place (fit's `augment`). */
export type Transform = (batch: Float32Array, shape: number[]) => void;

function dims(shape: number[]): [number, number, number, number] {
  if (shape.length !== 4) throw opError('augment', `expects NHWC batches, got shape [${shape.join(', ')}]`);
  return shape as [number, number, number, number];
}

/**
 * Resamples each image through an affine map of output (y, x) to input coordinates around
 * the image centre, bilinear, zeros outside: one resampling however many of rotation,
 * shift and zoom are combined. `pick` draws [angle, ty, tx, zoom] per image.
 */
function warp(rng: Rng, pick: (r: Rng) => [number, number, number, number?], nearest = false): Transform {
  return (batch, shape) => {
    const [B, H, W, C] = dims(shape);
    const img = new Float32Array(H * W * C);
    const cy = (H - 1) / 2;
    const cx = (W - 1) / 2;
    for (let b = 0; b < B; b++) {
      const [angle, ty, tx, zoom = 1] = pick(rng);
      if (angle === 0 && ty === 0 && tx === 0 && zoom === 1) continue;
      const base = b * H * W * C;
      img.set(batch.subarray(base, base + H * W * C));
      const cos = Math.cos(angle) / zoom;
      const sin = Math.sin(angle) / zoom;
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          // Inverse map: rotate the output pixel back by -angle, then undo the shift.
          const dy = y - cy - ty;
          const dx = x - cx - tx;
          const sy = cos * dy - sin * dx + cy;
          const sx = sin * dy + cos * dx + cx;
          for (let c = 0; c < C; c++) batch[base + (y * W + x) * C + c] = nearest ? at(img, H, W, C, Math.round(sy), Math.round(sx), c) : bilinear(img, H, W, C, sy, sx, c);
        }
    }
  };
}

function at(img: Float32Array, H: number, W: number, C: number, y: number, x: number, c: number): number {
  return y < 0 || y >= H || x < 0 || x >= W ? 0 : img[(y * W + x) * C + c];
}

function bilinear(img: Float32Array, H: number, W: number, C: number, y: number, x: number, c: number): number {
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const fy = y - y0;
  const fx = x - x0;
  return (
    (1 - fy) * ((1 - fx) * at(img, H, W, C, y0, x0, c) + fx * at(img, H, W, C, y0, x0 + 1, c)) +
    fy * ((1 - fx) * at(img, H, W, C, y0 + 1, x0, c) + fx * at(img, H, W, C, y0 + 1, x0 + 1, c))
  );
}

/** The random transforms' options. */
export interface AugmentOptions {
  /** The seed of the transform's own generator (default: a fixed one per kind of transform, so runs repeat). */
  seed?: number;
}

/**
 * Zero-pads by `padding` pixels and crops back to the original size at a random offset.
 *
 * @example
 * ```ts
 * const batch = new Float32Array(2 * 8 * 8 * 3).fill(1); // 2 images 8×8 RGB, NHWC
 * sn.data.randomCrop(2, { seed: 1 })(batch, [2, 8, 8, 3]); // in place; some border rows/columns now 0
 * ```
 */
export function randomCrop(padding: number, opts: AugmentOptions = {}): Transform {
  const rng = new Rng(opts.seed ?? 1);
  return warp(rng, (r) => [0, r.int(2 * padding + 1) - padding, r.int(2 * padding + 1) - padding], true);
}

/**
 * Shifts by up to `maxPixels` in each direction (sub-pixel, bilinear).
 *
 * @example
 * ```ts
 * const batch = new Float32Array(2 * 8 * 8 * 1).fill(1);
 * sn.data.randomTranslation(2, { seed: 1 })(batch, [2, 8, 8, 1]);
 * ```
 */
export function randomTranslation(maxPixels: number, opts: AugmentOptions = {}): Transform {
  const rng = new Rng(opts.seed ?? 2);
  return warp(rng, (r) => [0, (r.next() * 2 - 1) * maxPixels, (r.next() * 2 - 1) * maxPixels]);
}

/**
 * Rotates by a uniform angle in [-degrees, degrees] about the centre.
 *
 * @example
 * ```ts
 * const batch = new Float32Array(2 * 8 * 8 * 1).fill(1);
 * sn.data.randomRotation(15, { seed: 1 })(batch, [2, 8, 8, 1]);
 * ```
 */
export function randomRotation(degrees: number, opts: AugmentOptions = {}): Transform {
  const rng = new Rng(opts.seed ?? 3);
  return warp(rng, (r) => [((r.next() * 2 - 1) * degrees * Math.PI) / 180, 0, 0]);
}

/**
 * Rotation in [-degrees, degrees], shift up to `translate` pixels and zoom in [1 − scale,
 * 1 + scale], composed into one affine map so the image is resampled once.
 *
 * @example
 * ```ts
 * const batch = new Float32Array(2 * 8 * 8 * 1).fill(1);
 * sn.data.randomAffine({ degrees: 10, translate: 1, scale: 0.1, seed: 1 })(batch, [2, 8, 8, 1]);
 * ```
 */
export function randomAffine(options: { degrees?: number; translate?: number; scale?: number; seed?: number }): Transform {
  const rng = new Rng(options.seed ?? 8);
  const deg = options.degrees ?? 0;
  const tr = options.translate ?? 0;
  const sc = options.scale ?? 0;
  return warp(rng, (r) => [((r.next() * 2 - 1) * deg * Math.PI) / 180, (r.next() * 2 - 1) * tr, (r.next() * 2 - 1) * tr, 1 + (r.next() * 2 - 1) * sc]);
}

/**
 * Mirrors left–right with probability p (not for digits, whose meaning changes).
 *
 * @example
 * ```ts
 * const batch = new Float32Array([1, 2, 3]); // one 1×3 grey image
 * sn.data.randomFlip(1)(batch, [1, 1, 3, 1]); // p = 1: always
 * console.log(Array.from(batch)); // [3, 2, 1]
 * ```
 */
export function randomFlip(p = 0.5, opts: AugmentOptions = {}): Transform {
  const rng = new Rng(opts.seed ?? 4);
  return (batch, shape) => {
    const [B, H, W, C] = dims(shape);
    for (let b = 0; b < B; b++) {
      if (rng.next() >= p) continue;
      for (let y = 0; y < H; y++) {
        const row = (b * H + y) * W * C;
        for (let x = 0; x < W >> 1; x++)
          for (let c = 0; c < C; c++) {
            const i = row + x * C + c;
            const j = row + (W - 1 - x) * C + c;
            const t = batch[i];
            batch[i] = batch[j];
            batch[j] = t;
          }
      }
    }
  };
}

// Applies v -> f(v, k) to every value of each image, k drawn once per image.
function perImage(rng: Rng, draw: (r: Rng) => number, f: (v: number, k: number, mean: number) => number, needsMean = false): Transform {
  return (batch, shape) => {
    const [B] = dims(shape);
    const per = batch.length / B;
    for (let b = 0; b < B; b++) {
      const k = draw(rng);
      const img = batch.subarray(b * per, (b + 1) * per);
      let mean = 0;
      if (needsMean) {
        for (const v of img) mean += v;
        mean /= per;
      }
      for (let i = 0; i < per; i++) img[i] = f(img[i], k, mean);
    }
  };
}

/**
 * Adds a uniform offset in [-delta, delta] to each image.
 *
 * @example
 * ```ts
 * const batch = new Float32Array(2 * 4 * 4 * 1).fill(0.5);
 * sn.data.randomBrightness(0.1, { seed: 1 })(batch, [2, 4, 4, 1]); // each image's values now one value in [0.4, 0.6]
 * ```
 */
export function randomBrightness(delta: number, opts: AugmentOptions = {}): Transform {
  return perImage(new Rng(opts.seed ?? 5), (r) => (r.next() * 2 - 1) * delta, (v, k) => v + k);
}

/**
 * Scales each image's deviation from its mean by a factor in [lower, upper].
 *
 * @example
 * ```ts
 * const batch = new Float32Array([0, 1, 0, 1]);
 * sn.data.randomContrast(0.5, 1.5, { seed: 1 })(batch, [1, 2, 2, 1]); // the mean 0.5 stays
 * ```
 */
export function randomContrast(lower: number, upper: number, opts: AugmentOptions = {}): Transform {
  return perImage(new Rng(opts.seed ?? 6), (r) => lower + (upper - lower) * r.next(), (v, k, m) => m + (v - m) * k, true);
}

/**
 * Adds N(0, std²) noise to every value.
 *
 * @example
 * ```ts
 * const batch = new Float32Array(16);
 * sn.data.gaussianNoise(0.1, { seed: 1 })(batch, [1, 4, 4, 1]);
 * ```
 */
export function gaussianNoise(std: number, opts: AugmentOptions = {}): Transform {
  const rng = new Rng(opts.seed ?? 7);
  return (batch) => {
    for (let i = 0; i < batch.length; i++) batch[i] += std * rng.normal();
  };
}

/**
 * Applies transforms in order.
 *
 * @example
 * ```ts
 * const augment = sn.data.compose(sn.data.randomFlip(0.5, { seed: 1 }), sn.data.randomCrop(2, { seed: 2 }), sn.data.normalize(0.5, 0.25));
 * const batch = new Float32Array(2 * 8 * 8 * 1).fill(0.5);
 * augment(batch, [2, 8, 8, 1]); // or pass it to fit: { augment }
 * ```
 */
export function compose(...ts: Transform[]): Transform {
  return (batch, shape) => {
    for (const t of ts) t(batch, shape);
  };
}

/**
 * (v − mean) / std for every value: put it last, after transforms that fill with zeros.
 *
 * @example
 * ```ts
 * const batch = new Float32Array([0, 0.5, 1]);
 * sn.data.normalize(0.5, 0.5)(batch, [1, 1, 3, 1]);
 * console.log(Array.from(batch)); // [-1, 0, 1]
 * ```
 */
export function normalize(mean: number, std: number): Transform {
  if (!(std > 0)) throw opError('normalize', `argument 'std' must be > 0, got ${std}`);
  return (batch) => {
    for (let i = 0; i < batch.length; i++) batch[i] = (batch[i] - mean) / std;
  };
}
