// MobileNetV2 (Sandler et al. 2018) and MobileNetV3 (Howard et al. 2019), NHWC, built like
// torchvision's so that their parameters have torchvision's names (features.3.conv.1.0.weight,
// classifier.3.bias, …): a torchvision state dict maps onto them name for name, with only the
// layouts changed (OIHW → HWIO, [out, in] → [in, out]).
import { Tensor } from '../tensor/tensor';
import { add, mul } from '../ops/arith';
import { adaptiveAvgPool2d, globalAvgPool } from '../ops/pool';
import { Module, Sequential, callChild } from './module';
import { Conv2d, BatchNorm2d, Dropout, Hardsigmoid, Hardswish, Linear, ReLU, ReLU6 } from './layers';
import { Graph } from './blocks';
import type { ModelOptions } from './models';
import { builder, imagenetInput } from './builder';

const mobileInput = (o: ModelOptions) => imagenetInput(224, o.inChannels ?? 3, 'other sizes too (adaptive pooling before the classifier), at least 32×32');

type Act = 'relu' | 'relu6' | 'hardswish' | null;
const activation = (a: Act): Module[] => (a === 'relu' ? [new ReLU()] : a === 'relu6' ? [new ReLU6()] : a === 'hardswish' ? [new Hardswish()] : []);

// torchvision's Conv2dNormActivation: conv (no bias), batch norm, activation, as indices 0, 1, 2.
function convBnAct(cin: number, cout: number, k: number, o: { stride?: number; groups?: number; act: Act; eps: number; momentum: number }): Sequential {
  const conv = new Conv2d(cin, cout, k, { stride: o.stride ?? 1, padding: (k - 1) >> 1, groups: o.groups ?? 1, bias: false });
  return new Sequential(conv, new BatchNorm2d(cout, { eps: o.eps, momentum: o.momentum }), ...activation(o.act));
}

// Channels rounded to a multiple of 8, never below 90 % of the request (torchvision's _make_divisible).
function divisible(v: number, d = 8): number {
  const n = Math.max(d, Math.floor((v + d / 2) / d) * d);
  return n < 0.9 * v ? n + d : n;
}

/** An inverted residual: body(x) (+ x when the shapes allow); the body is the child `name` ('conv' in V2, 'block' in V3). */
export class InvertedResidual extends Module {
  constructor(
    readonly body: Sequential,
    readonly residual: boolean,
    readonly bodyName: string,
  ) {
    super();
    this.child(bodyName, body);
  }
  forward(x: Tensor): Tensor {
    const y = callChild(this.bodyName, this.body, x);
    return this.residual ? add(y, x) : y;
  }
}

/** Squeeze-and-excitation: x · hardsigmoid(fc2(relu(fc1(mean over H, W of x)))), per channel. */
export class SqueezeExcitation extends Module {
  readonly fc1: Conv2d;
  readonly fc2: Conv2d;
  readonly act: ReLU;
  readonly gate: Hardsigmoid;
  constructor(channels: number, squeeze: number) {
    super();
    this.fc1 = this.child('fc1', new Conv2d(channels, squeeze, 1));
    this.fc2 = this.child('fc2', new Conv2d(squeeze, channels, 1));
    this.act = this.child('activation', new ReLU());
    this.gate = this.child('scale_activation', new Hardsigmoid());
  }
  forward(x: Tensor): Tensor {
    const s = callChild('activation', this.act, callChild('fc1', this.fc1, adaptiveAvgPool2d(x, 1)));
    return mul(x, callChild('scale_activation', this.gate, callChild('fc2', this.fc2, s)));
  }
}

// features → global average pool → classifier, with torchvision's child names.
function headed(features: Sequential, classifier: Sequential): Graph<{ features: Sequential; classifier: Sequential }> {
  return new Graph({ features, classifier }, (call, x) => call('classifier', globalAvgPool(call('features', x))));
}


/**
 * MobileNetV2: 3,504,872 parameters for 1000 classes (torchvision's count). Input NHWC
 * 224×224×3 (any size ≥ 32), ImageNet-normalised (mean [0.485, 0.456, 0.406], std [0.229,
 * 0.224, 0.225] on [0, 1] pixels).
 */
export const mobilenetV2 = builder('mobilenetV2', (options: ModelOptions = {}): Graph<{ features: Sequential; classifier: Sequential }> => {
  const classes = options.classes ?? 1000;
  const bn = { eps: 1e-5, momentum: 0.1 };
  // expansion t, channels c, repeats n, first stride s
  const settings = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
  const layers: Module[] = [convBnAct(options.inChannels ?? 3, 32, 3, { stride: 2, act: 'relu6', ...bn })];
  let cin = 32;
  for (const [t, c, n, s] of settings) {
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      const hidden = cin * t;
      const body = new Sequential(
        ...(t !== 1 ? [convBnAct(cin, hidden, 1, { act: 'relu6', ...bn })] : []),
        convBnAct(hidden, hidden, 3, { stride, groups: hidden, act: 'relu6', ...bn }),
        new Conv2d(hidden, c, 1, { bias: false }),
        new BatchNorm2d(c, bn),
      );
      layers.push(new InvertedResidual(body, stride === 1 && cin === c, 'conv'));
      cin = c;
    }
  }
  layers.push(convBnAct(cin, 1280, 1, { act: 'relu6', ...bn }));
  return headed(new Sequential(...layers), new Sequential(new Dropout(0.2), new Linear(1280, classes)));
}, mobileInput);

// input channels, kernel, expanded channels, output channels, squeeze-excite, activation, stride
type Bneck = [number, number, number, number, boolean, 'relu' | 'hardswish', number];
const V3: Record<'small' | 'large', { blocks: Bneck[]; last: number }> = {
  large: {
    blocks: [
      [16, 3, 16, 16, false, 'relu', 1], [16, 3, 64, 24, false, 'relu', 2], [24, 3, 72, 24, false, 'relu', 1],
      [24, 5, 72, 40, true, 'relu', 2], [40, 5, 120, 40, true, 'relu', 1], [40, 5, 120, 40, true, 'relu', 1],
      [40, 3, 240, 80, false, 'hardswish', 2], [80, 3, 200, 80, false, 'hardswish', 1], [80, 3, 184, 80, false, 'hardswish', 1],
      [80, 3, 184, 80, false, 'hardswish', 1], [80, 3, 480, 112, true, 'hardswish', 1], [112, 3, 672, 112, true, 'hardswish', 1],
      [112, 5, 672, 160, true, 'hardswish', 2], [160, 5, 960, 160, true, 'hardswish', 1], [160, 5, 960, 160, true, 'hardswish', 1],
    ],
    last: 1280,
  },
  small: {
    blocks: [
      [16, 3, 16, 16, true, 'relu', 2], [16, 3, 72, 24, false, 'relu', 2], [24, 3, 88, 24, false, 'relu', 1],
      [24, 5, 96, 40, true, 'hardswish', 2], [40, 5, 240, 40, true, 'hardswish', 1], [40, 5, 240, 40, true, 'hardswish', 1],
      [40, 5, 120, 48, true, 'hardswish', 1], [48, 5, 144, 48, true, 'hardswish', 1], [48, 5, 288, 96, true, 'hardswish', 2],
      [96, 5, 576, 96, true, 'hardswish', 1], [96, 5, 576, 96, true, 'hardswish', 1],
    ],
    last: 1024,
  },
};

function mobilenetV3(kind: 'small' | 'large', options: ModelOptions): Graph<{ features: Sequential; classifier: Sequential }> {
  const classes = options.classes ?? 1000;
  const bn = { eps: 1e-3, momentum: 0.01 };
  const { blocks, last } = V3[kind];
  const layers: Module[] = [convBnAct(options.inChannels ?? 3, 16, 3, { stride: 2, act: 'hardswish', ...bn })];
  for (const [cin, k, exp, cout, se, act, stride] of blocks) {
    const body = new Sequential(
      ...(exp !== cin ? [convBnAct(cin, exp, 1, { act, ...bn })] : []),
      convBnAct(exp, exp, k, { stride, groups: exp, act, ...bn }),
      ...(se ? [new SqueezeExcitation(exp, divisible(exp / 4))] : []),
      convBnAct(exp, cout, 1, { act: null, ...bn }),
    );
    layers.push(new InvertedResidual(body, stride === 1 && cin === cout, 'block'));
  }
  const lastConv = 6 * blocks[blocks.length - 1][3];
  layers.push(convBnAct(blocks[blocks.length - 1][3], lastConv, 1, { act: 'hardswish', ...bn }));
  return headed(new Sequential(...layers), new Sequential(new Linear(lastConv, last), new Hardswish(), new Dropout(0.2), new Linear(last, classes)));
}

/**
 * MobileNetV3-small: 2,542,856 parameters for 1000 classes (torchvision's count). Input NHWC
 * 224×224×3, ImageNet-normalised as mobilenetV2.
 */
export const mobilenetV3Small = builder('mobilenetV3Small', (options: ModelOptions = {}): Graph<{ features: Sequential; classifier: Sequential }> => mobilenetV3('small', options), mobileInput);
/**
 * MobileNetV3-large: 5,483,032 parameters for 1000 classes (torchvision's count). Input NHWC
 * 224×224×3, ImageNet-normalised as mobilenetV2.
 */
export const mobilenetV3Large = builder('mobilenetV3Large', (options: ModelOptions = {}): Graph<{ features: Sequential; classifier: Sequential }> => mobilenetV3('large', options), mobileInput);
