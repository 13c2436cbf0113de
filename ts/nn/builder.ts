// The model builders' wrapper, shared by models.ts and mobilenet.ts.
import { opError } from '../backend/index';
import { disposeOnThrow } from '../tensor/tensor';
import { checkNumber, optionsOf } from '../ops/check';
import type { Module, ModelInput } from './module';

// A builder checks its options, and frees every tensor it made if a layer throws part-way
// (vgg11({ classes: 0 }) kept 112 MB of convolution weights).
const SIZES = ['classes', 'inChannels', 'inputSize', 'width'] as const;
// The model it returns states its input (Module.input) from inputOf(options).
export function builder<O extends object, R extends Module>(name: string, build: (options: O) => R, inputOf: (options: O) => ModelInput): (options?: O) => R {
  return (options?: O) => {
    const o = optionsOf(name, options);
    for (const key of SIZES) {
      const v = (o as Record<string, unknown>)[key];
      if (v !== undefined) checkNumber(name, key, v, { integer: true, min: 1 });
    }
    try {
      const m = disposeOnThrow(() => build(o));
      m.input = inputOf(o);
      return m;
    } catch (e) {
      // A layer's Error (out of memory, a size it rejects) named for the builder and its options.
      if (e instanceof Error && e.message.startsWith('simdnet.') && !e.message.startsWith(`simdnet.${name}:`))
        throw opError(name, `options ${JSON.stringify(o)} cannot be built: ${e.message}`);
      throw e;
    }
  };
}

// ImageNet's statistics (torchvision's) for RGB input; none known for other channel counts.
const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** The input of a model trained on ImageNet-style RGB photographs (pixels in [0, 1], then ImageNet's mean and std). */
export function imagenetInput(size: number, channels: number, sizes: string): ModelInput {
  const rgb = channels === 3;
  return {
    shape: [size, size, channels],
    sizes,
    mean: rgb ? IMAGENET.mean : new Array<number>(channels).fill(0),
    std: rgb ? IMAGENET.std : new Array<number>(channels).fill(1),
    preprocess: rgb
      ? `RGB pixels in [0, 1], resized to ${size}×${size} (sn.image.resize), then per channel (v − [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225] (ImageNet's, as torchvision; sn.image.normalize)`
      : `pixels in [0, 1], resized to ${size}×${size} (sn.image.resize); no per-channel statistics for ${channels} channels`,
  };
}

/** The input of a model of pixels in [0, 1] with no normalisation (autoencoders, segmentation). */
export function unitInput(size: number, channels: number, sizes: string): ModelInput {
  return { shape: [size, size, channels], sizes, mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1), preprocess: 'pixels in [0, 1] (sn.image.decode / fromPixels give them), no normalisation' };
}
