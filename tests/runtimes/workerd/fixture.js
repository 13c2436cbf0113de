// The fixture as Worker modules (lenet5.bin and images.bin are Data modules: ArrayBuffers).
import weights from './lenet5.bin';
import digits from './digits.json';
import expected from './expected.json';
import images from './images.json';
import imageBytes from './images.bin';

export const fixture = { weights: new Uint8Array(weights), ...digits, logits: expected.logits, images: { ...images, bytes: new Uint8Array(imageBytes) } };

/** The results as one line for the runner, and a failed test when one failed. */
export function report(results) {
  console.log(`RESULTS ${JSON.stringify(results)}`);
  if (results.some((r) => !r.ok)) throw new Error('some checks failed');
}

export async function rejects(promise, pattern) {
  try {
    await promise;
  } catch (err) {
    if (!pattern.test(String(err))) throw new Error(`wrong error: ${err}`);
    return;
  }
  throw new Error(`resolved, expected an error matching ${pattern}`);
}

// The 8-byte empty module: compiling it tests only whether bytes may be compiled at all.
export const EMPTY_WASM = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
