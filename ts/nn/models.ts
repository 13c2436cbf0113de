// The course's networks, NHWC. Convolutions that a ReLU follows fuse it (activation: 'relu'),
// so summary() lists the layers the way the lecture tables do.
import { opError } from '../backend/index';
import { Tensor } from '../tensor/tensor';
import { concat } from '../ops/shape';
import { softmax } from '../ops/loss';
import { Module, Sequential, type ModelInput } from './module';
import { Conv2d, ConvTranspose2d, Linear, ReLU, MaxPool2d, Flatten, Dropout, BatchNorm2d, GlobalAvgPool, Sigmoid } from './layers';
import { Graph, Inception, basicBlock, type InceptionChannels } from './blocks';
import { builder, imagenetInput, unitInput } from './builder';

/** What every model builder takes. */
export interface ModelOptions {
  /** Outputs of the classifier (default 1000 for the ImageNet models, 10 for lenet5; unet's classes per pixel). */
  classes?: number;
  /** Channels of the input images (default 3, 1 for lenet5 and convAutoencoder). */
  inChannels?: number;
}

/**
 * LeNet-5 (LeCun et al. 1998) with today's ReLU and max pooling: 28×28×1 → conv5 (pad 2)
 * 6 → pool → conv5 16 → pool → 120 → 84 → classes. 61,706 parameters for 10 classes.
 * Layers are named conv1, relu1, pool1, conv2, relu2, pool2, flatten, fc1, relu3, fc2,
 * relu4, fc3 for `capture()`.
 */
function lenet5Of(options: ModelOptions = {}): Sequential {
  const classes = options.classes ?? 10;
  // Named for capture() ('conv1', 'pool2', …); parameter names stay '0.weight', … .
  return new Sequential(
    new Conv2d(options.inChannels ?? 1, 6, 5, { padding: 2 }).named('conv1'), new ReLU().named('relu1'), new MaxPool2d(2).named('pool1'),
    new Conv2d(6, 16, 5).named('conv2'), new ReLU().named('relu2'), new MaxPool2d(2).named('pool2'),
    new Flatten().named('flatten'),
    new Linear(400, 120).named('fc1'), new ReLU().named('relu3'),
    new Linear(120, 84).named('fc2'), new ReLU().named('relu4'),
    new Linear(84, classes).named('fc3'),
  );
}

// Output size of a window along one axis (floor), for sizing the first dense layer.
const out = (n: number, k: number, s: number, p: number): number => Math.floor((n + 2 * p - k) / s) + 1;

/**
 * AlexNet (Krizhevsky et al. 2012) as one tower (torchvision's layout): 5 convolutions,
 * 3 max pools, 3 dense layers with dropout. 61,100,840 parameters at 224×224, 1000 classes.
 */
function alexnetOf(options: ModelOptions & { inputSize?: number } = {}): Sequential {
  const size = options.inputSize ?? 224;
  const classes = options.classes ?? 1000;
  const relu = { activation: 'relu' as const };
  let s = out(out(size, 11, 4, 2), 3, 2, 0);
  s = out(s, 3, 2, 0);
  s = out(s, 3, 2, 0);
  if (s < 1) throw opError('alexnet', `inputSize ${size} is too small (at least 63)`);
  return new Sequential(
    new Conv2d(options.inChannels ?? 3, 64, 11, { stride: 4, padding: 2, roundMode: 'floor', ...relu }), new MaxPool2d(3, { stride: 2, roundMode: 'floor' }),
    new Conv2d(64, 192, 5, { padding: 2, ...relu }), new MaxPool2d(3, { stride: 2, roundMode: 'floor' }),
    new Conv2d(192, 384, 3, { padding: 1, ...relu }),
    new Conv2d(384, 256, 3, { padding: 1, ...relu }),
    new Conv2d(256, 256, 3, { padding: 1, ...relu }), new MaxPool2d(3, { stride: 2, roundMode: 'floor' }),
    new Flatten(),
    new Dropout(0.5), new Linear(256 * s * s, 4096, relu),
    new Dropout(0.5), new Linear(4096, 4096, relu),
    new Linear(4096, classes),
  );
}

const VGG: Record<'vgg11' | 'vgg16', (number | 'M')[]> = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
};

function vgg(cfg: (number | 'M')[], options: ModelOptions & { inputSize?: number; batchNorm?: boolean }): Sequential {
  const size = options.inputSize ?? 224;
  if (size % 32 !== 0) throw opError('vgg', `inputSize must be a multiple of 32, got ${size}`);
  const layers: Module[] = [];
  let c = options.inChannels ?? 3;
  for (const v of cfg) {
    if (v === 'M') layers.push(new MaxPool2d(2));
    else if (options.batchNorm) {
      layers.push(new Conv2d(c, v, 3, { padding: 1, bias: false }), new BatchNorm2d(v), new ReLU());
      c = v;
    } else {
      layers.push(new Conv2d(c, v, 3, { padding: 1, activation: 'relu' }));
      c = v;
    }
  }
  const s = size / 32;
  layers.push(
    new Flatten(),
    new Linear(512 * s * s, 4096, { activation: 'relu' }), new Dropout(0.5),
    new Linear(4096, 4096, { activation: 'relu' }), new Dropout(0.5),
    new Linear(4096, options.classes ?? 1000),
  );
  return new Sequential(...layers);
}

// Inputs: VGG's dense layers are sized for inputSize; global average pooling takes any size.
const vggInput = (o: ModelOptions & { inputSize?: number }): ModelInput =>
  imagenetInput(o.inputSize ?? 224, o.inChannels ?? 3, `only ${o.inputSize ?? 224}×${o.inputSize ?? 224} (inputSize, a multiple of 32): the first dense layer is sized for it`);
const pooledInput = (o: ModelOptions): ModelInput =>
  imagenetInput(224, o.inChannels ?? 3, 'other sizes too (global average pooling before the classifier), as long as every stage keeps at least one pixel');

/** VGG-11 (Simonyan & Zisserman 2014, configuration A). */
export const vgg11 = builder('vgg11', (options: ModelOptions & { inputSize?: number; batchNorm?: boolean } = {}): Sequential => vgg(VGG.vgg11, options), vggInput);

/** VGG-16 (configuration D): 138,357,544 parameters at 224×224, 1000 classes. */
export const vgg16 = builder('vgg16', (options: ModelOptions & { inputSize?: number; batchNorm?: boolean } = {}): Sequential => vgg(VGG.vgg16, options), vggInput);

/**
 * GoogLeNet / Inception v1 (Szegedy et al. 2014) without the auxiliary heads: the stem,
 * nine Inception modules with 1×1 reductions, global average pooling, dropout 0.4.
 */
function googlenetOf(options: ModelOptions = {}): Sequential {
  const relu = { activation: 'relu' as const };
  const pool = () => new MaxPool2d(3, { stride: 2, roundMode: 'ceil' });
  const mods: [number, InceptionChannels][] = [
    [192, { c1: 64, r3: 96, c3: 128, r5: 16, c5: 32, pp: 32 }], // 3a
    [256, { c1: 128, r3: 128, c3: 192, r5: 32, c5: 96, pp: 64 }], // 3b
    [480, { c1: 192, r3: 96, c3: 208, r5: 16, c5: 48, pp: 64 }], // 4a
    [512, { c1: 160, r3: 112, c3: 224, r5: 24, c5: 64, pp: 64 }], // 4b
    [512, { c1: 128, r3: 128, c3: 256, r5: 24, c5: 64, pp: 64 }], // 4c
    [512, { c1: 112, r3: 144, c3: 288, r5: 32, c5: 64, pp: 64 }], // 4d
    [528, { c1: 256, r3: 160, c3: 320, r5: 32, c5: 128, pp: 128 }], // 4e
    [832, { c1: 256, r3: 160, c3: 320, r5: 32, c5: 128, pp: 128 }], // 5a
    [832, { c1: 384, r3: 192, c3: 384, r5: 48, c5: 128, pp: 128 }], // 5b
  ];
  const inc = (i: number) => new Inception(mods[i][0], mods[i][1]);
  return new Sequential(
    new Conv2d(options.inChannels ?? 3, 64, 7, { stride: 2, padding: 3, roundMode: 'floor', ...relu }), pool(),
    new Conv2d(64, 64, 1, relu), new Conv2d(64, 192, 3, { padding: 1, ...relu }), pool(),
    inc(0), inc(1), pool(),
    inc(2), inc(3), inc(4), inc(5), inc(6), pool(),
    inc(7), inc(8),
    new GlobalAvgPool(), new Dropout(0.4), new Linear(1024, options.classes ?? 1000),
  );
}

function resnet(blocks: number[], options: ModelOptions): Sequential {
  const layers: Module[] = [
    new Conv2d(options.inChannels ?? 3, 64, 7, { stride: 2, padding: 3, bias: false, roundMode: 'floor' }), new BatchNorm2d(64), new ReLU(),
    new MaxPool2d(3, { stride: 2, padding: 1, roundMode: 'floor' }),
  ];
  let c = 64;
  [64, 128, 256, 512].forEach((w, stage) => {
    for (let b = 0; b < blocks[stage]; b++) {
      layers.push(basicBlock(c, w, b === 0 && stage > 0 ? 2 : 1));
      c = w;
    }
  });
  layers.push(new GlobalAvgPool(), new Linear(512, options.classes ?? 1000));
  return new Sequential(...layers);
}

/** ResNet-18 (He et al. 2015): 11,689,512 parameters for 1000 classes. */
export const resnet18 = builder('resnet18', (options: ModelOptions = {}): Sequential => resnet([2, 2, 2, 2], options), pooledInput);
/** ResNet-34: 21,797,672 parameters for 1000 classes. */
export const resnet34 = builder('resnet34', (options: ModelOptions = {}): Sequential => resnet([3, 4, 6, 3], options), pooledInput);

/**
 * A small U-Net (Ronneberger et al. 2015) for segmentation: two down-sampling stages, a
 * bottleneck, two up-sampling stages by transposed convolution, each joined with the
 * encoder's feature map of the same size (coarse and fine features together). Fully
 * convolutional: the output is [N, H, W, classes] logits, one softmax per pixel (see
 * pixelSoftmax); H and W must be multiples of 4.
 */
function unetOf(options: ModelOptions & { width?: number } = {}): Module {
  const w = options.width ?? 16;
  const cin = options.inChannels ?? 1;
  const classes = options.classes ?? 2;
  const double = (i: number, o: number) => new Sequential(
    new Conv2d(i, o, 3, { padding: 'same', activation: 'relu' }),
    new Conv2d(o, o, 3, { padding: 'same', activation: 'relu' }),
  );
  const blocks = {
    enc1: double(cin, w), pool1: new MaxPool2d(2),
    enc2: double(w, 2 * w), pool2: new MaxPool2d(2),
    mid: double(2 * w, 4 * w),
    up2: new ConvTranspose2d(4 * w, 2 * w, 2, { stride: 2 }), dec2: double(4 * w, 2 * w),
    up1: new ConvTranspose2d(2 * w, w, 2, { stride: 2 }), dec1: double(2 * w, w),
    head: new Conv2d(w, classes, 1),
  };
  return new Graph(blocks, (call, x) => {
    const e1 = call('enc1', x);
    const e2 = call('enc2', call('pool1', e1));
    const m = call('mid', call('pool2', e2));
    const d2 = call('dec2', concat([call('up2', m), e2]));
    const d1 = call('dec1', concat([call('up1', d2), e1]));
    return call('head', d1);
  });
}

/**
 * Per-pixel class probabilities of a segmentation output [N, H, W, classes].
 *
 * @example
 * ```ts
 * const logits = sn.zeros([1, 2, 2, 4]); // e.g. unet's output
 * console.log(sn.nn.models.pixelSoftmax(logits).dataSync().slice(0, 4)); // Float32Array [0.25, 0.25, 0.25, 0.25]
 * ```
 */
export function pixelSoftmax(logits: Tensor): Tensor {
  return softmax(logits);
}

/**
 * A convolutional autoencoder: two stride-2 convolutions down to a 4× smaller code, two
 * transposed convolutions back, sigmoid output in [0, 1]; train it with MSE against its
 * input. H and W must be multiples of 4.
 */
function convAutoencoderOf(options: { inChannels?: number; width?: number } = {}): Sequential {
  const c = options.inChannels ?? 1;
  const w = options.width ?? 16;
  return new Sequential(
    new Conv2d(c, w, 3, { stride: 2, padding: 'same', activation: 'relu' }),
    new Conv2d(w, 2 * w, 3, { stride: 2, padding: 'same', activation: 'relu' }),
    new ConvTranspose2d(2 * w, w, 3, { stride: 2, padding: 1, outputPadding: 1 }), new ReLU(),
    new ConvTranspose2d(w, c, 3, { stride: 2, padding: 1, outputPadding: 1 }), new Sigmoid(),
  );
}

/**
 * LeNet-5 with ReLU and max pooling, 28×28×1 → classes (default 10): 61,706 parameters. Its
 * `input` states the size and MNIST normalisation it expects.
 */
export const lenet5 = builder('lenet5', lenet5Of, (o: ModelOptions): ModelInput => {
  const c = o.inChannels ?? 1;
  return {
    shape: [28, 28, c],
    sizes: 'only 28×28: the first dense layer is sized for it',
    mean: new Array<number>(c).fill(0.1307),
    std: new Array<number>(c).fill(0.3081),
    preprocess: "MNIST-style digits (white on black) in [0, 1], then (v − 0.1307) / 0.3081 (MNIST's mean and std, as examples/lenet-mnist.mjs trains it; sn.image.normalize)",
  };
});
/** AlexNet as one tower (torchvision's layout): 61,100,840 parameters at 224×224, 1000 classes. */
export const alexnet = builder('alexnet', alexnetOf, (o: ModelOptions & { inputSize?: number }) => imagenetInput(o.inputSize ?? 224, o.inChannels ?? 3, `only ${o.inputSize ?? 224}×${o.inputSize ?? 224} (inputSize): the first dense layer is sized for it`));
/** GoogLeNet / Inception v1 without the auxiliary heads. */
export const googlenet = builder('googlenet', googlenetOf, pooledInput);
/** A small U-Net for segmentation: [N, H, W, classes] logits, H and W multiples of 4. */
export const unet = builder('unet', unetOf, (o: ModelOptions) => unitInput(64, o.inChannels ?? 3, 'any H, W that are multiples of 4 (fully convolutional)'));
/** A convolutional autoencoder (sigmoid output in [0, 1]; train with MSE against its input), H and W multiples of 4. */
export const convAutoencoder = builder('convAutoencoder', convAutoencoderOf, (o: { inChannels?: number }) => unitInput(28, o.inChannels ?? 1, 'any H, W that are multiples of 4 (fully convolutional)'));

export { mobilenetV2, mobilenetV3Small, mobilenetV3Large } from './mobilenet';
