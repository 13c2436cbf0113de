// The model builders' wrapper, shared by models.ts and mobilenet.ts.
import { opError } from '../backend/index';
import { disposeOnThrow } from '../tensor/tensor';
import { checkNumber, optionsOf } from '../ops/check';

// A builder checks its options, and frees every tensor it made if a layer throws part-way
// (vgg11({ classes: 0 }) kept 112 MB of convolution weights).
const SIZES = ['classes', 'inChannels', 'inputSize', 'width'] as const;
export function builder<O extends object, R>(name: string, build: (options: O) => R): (options?: O) => R {
  return (options?: O) => {
    const o = optionsOf(name, options);
    for (const key of SIZES) {
      const v = (o as Record<string, unknown>)[key];
      if (v !== undefined) checkNumber(name, key, v, { integer: true, min: 1 });
    }
    try {
      return disposeOnThrow(() => build(o));
    } catch (e) {
      // A layer's Error (out of memory, a size it rejects) named for the builder and its options.
      if (e instanceof Error && e.message.startsWith('simdnet.') && !e.message.startsWith(`simdnet.${name}:`))
        throw opError(name, `options ${JSON.stringify(o)} cannot be built: ${e.message}`);
      throw e;
    }
  };
}
