// The demo's digits file (mnist.bin, written by scripts/demo.mjs; gzip-compressed on disk):
// 'SNMN', u32 training count, u32 test count (little-endian), then every digit's label (u8),
// then every digit's 784 pixels (u8), the training digits first.

/**
 * Splits the (decompressed) bytes into the training and test digits, as views.
 * @param {Uint8Array} bytes
 * @returns {{ train: { labels: Uint8Array, pixels: Uint8Array }, test: { labels: Uint8Array, pixels: Uint8Array } }}
 */
export function decodeDigits(bytes) {
  if (String.fromCharCode(...bytes.subarray(0, 4)) !== 'SNMN') throw new Error('mnist.bin: not a digits file');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const train = dv.getUint32(4, true);
  const n = train + dv.getUint32(8, true);
  if (bytes.length !== 12 + n * 785) throw new Error(`mnist.bin: ${bytes.length} bytes, ${12 + n * 785} expected for ${n} digits`);
  const labels = bytes.subarray(12, 12 + n);
  const pixels = bytes.subarray(12 + n);
  return {
    train: { labels: labels.subarray(0, train), pixels: pixels.subarray(0, train * 784) },
    test: { labels: labels.subarray(train), pixels: pixels.subarray(train * 784) },
  };
}
