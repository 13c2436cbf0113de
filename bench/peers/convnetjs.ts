// ConvNetJS (npm convnetjs 0.3.0, plain JavaScript, one image at a time, Float64Array
// volumes) with the few types the benchmarks use. The package is CommonJS without types.

import { createRequire } from 'node:module';

export interface Vol {
  sx: number;
  sy: number;
  depth: number;
  /** Values at ((y·sx) + x)·depth + d: an HWC image. */
  w: Float64Array;
}

export interface Net {
  makeLayers(defs: object[]): void;
  forward(v: Vol, isTraining?: boolean): Vol;
}

export interface Trainer {
  /** One image: forward, backward; every batch_size calls, one parameter update. */
  train(x: Vol, y: number): { loss: number };
}

export interface ConvNetJS {
  Vol: new (sx: number, sy: number, depth: number, c?: number) => Vol;
  Net: new () => Net;
  Trainer: new (net: Net, options: object) => Trainer;
}

let lib: ConvNetJS | null = null;

export function convnetjs(): ConvNetJS {
  lib ??= createRequire(import.meta.url)('convnetjs') as ConvNetJS;
  return lib;
}

/** LeNet-5 as simdnet's nn.models.lenet5() builds it, in ConvNetJS's layer definitions. */
export const LENET5_LAYERS: object[] = [
  { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
  { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
  { type: 'pool', sx: 2, stride: 2 },
  { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
  { type: 'pool', sx: 2, stride: 2 },
  { type: 'fc', num_neurons: 120, activation: 'relu' },
  { type: 'fc', num_neurons: 84, activation: 'relu' },
  // ConvNetJS puts a 10-unit fully connected layer in front of its softmax by itself.
  { type: 'softmax', num_classes: 10 },
];

/** Vols of 28×28×1 images from a flat [n, 28, 28, 1] array. */
export function vols(cj: ConvNetJS, data: Float32Array, n: number): Vol[] {
  const out: Vol[] = [];
  for (let i = 0; i < n; i++) {
    const v = new cj.Vol(28, 28, 1, 0);
    v.w.set(data.subarray(i * 784, (i + 1) * 784));
    out.push(v);
  }
  return out;
}
