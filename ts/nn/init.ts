// Weight initialisers. fanIn/fanOut of a conv weight [KH, KW, Cin, Cout] count the
// receptive field: fanIn = KH·KW·Cin, fanOut = KH·KW·Cout.
import { Tensor } from '../tensor/tensor';
import { rand, randn, zeros } from '../ops/creation';
import { opError } from '../backend/index';

/**
 * Weight initialisers: He normal/uniform (ReLU networks), Xavier (Glorot) uniform/normal
 * (tanh, sigmoid), LeCun normal, or zeros.
 */
export type Init = 'he' | 'heUniform' | 'xavier' | 'xavierNormal' | 'lecun' | 'zeros';

/**
 * [fanIn, fanOut] of a weight: [in, out] for dense, KH·KW·Cin and KH·KW·Cout for HWIO convolutions.
 *
 * @example
 * ```ts
 * console.log(sn.nn.fans([3, 3, 16, 32])); // [144, 288]
 * ```
 */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 2) return [shape[0], shape[1]];
  const rf = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [rf * shape[shape.length - 2], rf * shape[shape.length - 1]];
}

/**
 * A new tensor drawn by the named scheme (He for ReLU networks, Xavier/Glorot for tanh/sigmoid).
 *
 * @example
 * ```ts
 * const w = sn.nn.initTensor([3, 3, 16, 32], 'he'); // normal with std √(2 / fanIn)
 * console.log(w.shape); // [3, 3, 16, 32]
 * ```
 */
export function initTensor(shape: readonly number[], scheme: Init, fanOverride?: [number, number]): Tensor {
  const [fanIn, fanOut] = fanOverride ?? fans(shape);
  switch (scheme) {
    case 'he':
      return randn(shape, { std: Math.sqrt(2 / fanIn) });
    case 'heUniform': {
      const a = Math.sqrt(6 / fanIn);
      return rand(shape, { low: -a, high: a });
    }
    case 'xavier': {
      const a = Math.sqrt(6 / (fanIn + fanOut));
      return rand(shape, { low: -a, high: a });
    }
    case 'xavierNormal':
      return randn(shape, { std: Math.sqrt(2 / (fanIn + fanOut)) });
    case 'lecun':
      return randn(shape, { std: Math.sqrt(1 / fanIn) });
    case 'zeros':
      return zeros(shape);
    default:
      throw opError('init', `unknown initialiser ${JSON.stringify(scheme)} (he, heUniform, xavier, xavierNormal, lecun, zeros)`);
  }
}
