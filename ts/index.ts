// simdnet: convolutional networks whose compute runs in WebAssembly SIMD kernels.
export { init, backendInfo, simdSupported, isInitialized, type InitOptions, type BackendInfo } from './backend/index';
export { Tensor, tidy, keep, dispose, type Shape } from './tensor/tensor';
export { noGrad, isGradEnabled } from './tensor/autograd';
export { seed } from './tensor/rng';
export { tensor, scalar, zeros, ones, full, rand, randn, type CreateOptions, type RandomOptions } from './ops/creation';
export { add, sub, mul, div, neg } from './ops/arith';
export { matmul, type MatmulOptions } from './ops/linalg';
export { sum, mean, type ReduceOptions } from './ops/reduce';
export { reshape, flatten } from './ops/shape';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './tensor/gradcheck';
export { linear } from './ops/linalg';
export { conv2d, convTranspose2d, type Conv2dOptions, type ConvTranspose2dOptions } from './ops/conv';
export { relu, leakyRelu, elu, sigmoid, tanh, softplus, exp, sign } from './ops/activation';
export type { Padding, RoundMode, Pair } from './ops/window';
export { maxPool2d, avgPool2d, lpPool2d, globalAvgPool, upsampleNearest, type Pool2dOptions } from './ops/pool';
export { softmax, logSoftmax, crossEntropy, mseLoss, hingeLoss, type Labels } from './ops/loss';
