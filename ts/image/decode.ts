// PNG and JPEG bytes to NHWC tensors in every runtime, with the pure-JavaScript decoders of
// codecs.ts loaded on first use.
import { opError } from '../backend/index';
import type { Tensor } from '../tensor/tensor';
import { describe } from '../ops/check';
import { tensor } from '../ops/creation';
import { pixelValues, type FromPixelsOptions } from './pixels';

type Format = 'png' | 'jpeg';

function sniff(b: Uint8Array): Format | null {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  return null;
}

// By brand, not instanceof: bytes from another realm (a vm context, EdgeVM) count too.
function bytesOf(op: string, x: unknown): Uint8Array {
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const tag = Object.prototype.toString.call(x);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') return new Uint8Array(x as ArrayBuffer);
  throw opError(op, `argument 'bytes' must be a Uint8Array, Buffer or ArrayBuffer of a PNG or JPEG file, got ${describe(x)}`);
}

/**
 * Decodes PNG or JPEG bytes to a tensor [1, H, W, C], values in [0, 1]. C is the file's own
 * (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA) unless `channels` asks for 1, 3 or 4. Pure
 * JavaScript: the same pixels in Node, Deno, Bun, browsers and edge runtimes.
 *
 * @example
 * ```ts reads a file
 * import { readFile } from 'node:fs/promises';
 * const photo = await sn.image.decode(await readFile('cat.jpg'), { channels: 3 });
 * console.log(photo.shape); // [1, H, W, 3], values in [0, 1]
 * ```
 */
export async function decode(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, options: FromPixelsOptions = {}): Promise<Tensor> {
  const { values, height, width, channels } = await decodePixels('image.decode', bytes, options);
  return tensor(values, [1, height, width, channels]);
}

/** decode's values as a Float32Array (HWC), without a tensor. */
export async function decodePixels(op: string, bytes: unknown, options: FromPixelsOptions): Promise<ReturnType<typeof pixelValues>> {
  const b = bytesOf(op, bytes);
  const format = sniff(b);
  if (!format) {
    const head = Array.from(b.subarray(0, 8), (v) => v.toString(16).padStart(2, '0')).join(' ');
    throw opError(op, `the bytes are neither PNG nor JPEG (they start with ${head || 'nothing'}); for other formats let the platform decode (createImageBitmap) and pass the result to sn.image.fromPixels`);
  }
  const codecs = await import('./codecs');
  let pixels;
  try {
    pixels = codecs[format](b);
  } catch (e) {
    throw opError(op, `the ${format.toUpperCase()} file (${b.length} bytes) could not be decoded: ${(e as Error).message}`);
  }
  return pixelValues(op, pixels, options);
}
