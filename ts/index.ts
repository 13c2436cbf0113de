// simdnet: convolutional networks whose compute runs in WebAssembly SIMD kernels.
export { init, backendInfo, simdSupported, isInitialized, type InitOptions, type BackendInfo } from './backend/index';
export { Tensor, tidy, keep, dispose, empty, memory, type Shape, type MemoryInfo } from './tensor/tensor';
export { noGrad, isGradEnabled } from './tensor/autograd';
export { seed } from './tensor/rng';
export { tensor, scalar, zeros, ones, full, rand, randn, type CreateOptions, type RandomOptions } from './ops/creation';
export { add, sub, mul, div, neg, minimum, maximum, pow, where, broadcastTo } from './ops/arith';
export { matmul, type MatmulOptions } from './ops/linalg';
export { sum, mean, max, min, logSumExp, argmax, argmin, topk, type ReduceOptions, type TopkOptions } from './ops/reduce';
export {
  reshape, flatten, concat, permute, transpose, slice, pad, split, stack, squeeze, unsqueeze, gather, tile,
  type SliceOptions, type PadMode,
} from './ops/shape';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './tensor/gradcheck';
export { linear } from './ops/linalg';
export { conv2d, conv2dInference, convTranspose2d, type Conv2dOptions, type ConvTranspose2dOptions } from './ops/conv';
export type { FusedActivation } from './ops/epilogue';
export {
  relu, leakyRelu, elu, sigmoid, tanh, softplus, exp, sign, relu6, clip, hardSigmoid, hardSwish, silu, gelu, logSigmoid,
  sqrt, log, abs, prelu,
} from './ops/activation';
export type { Padding, RoundMode, Pair } from './ops/window';
export { resize, type ResizeOptions, type ResizeCoordinate, type NearestMode } from './ops/resize';
export { maxPool2d, avgPool2d, lpPool2d, globalAvgPool, globalMaxPool, adaptiveAvgPool2d, upsampleNearest, type Pool2dOptions } from './ops/pool';
export { softmax, logSoftmax, crossEntropy, mseLoss, hingeLoss, type Labels, type SoftmaxOptions } from './ops/loss';
export { batchNorm, dropout, layerNorm, groupNorm, localResponseNorm, type BatchNormOptions, type NormOptions } from './ops/norm';
export * as nn from './nn/index';
export * as optim from './optim/index';
export * as data from './data/index';
export * as image from './image/index';
export * as io from './io/index';
export { fit, evaluate, predict, type FitOptions, type History, type Metric, type LossName, type LossFn, type PredictOptions, type EvalOptions, type EvalResult } from './train/fit';
export type { Batch, BatchStream, Data, Targets } from './train/data';
export { ModelCheckpoint, saveCheckpoint, loadCheckpoint, type ModelCheckpointOptions } from './train/checkpoint';
export { EarlyStopping, StepLR, ReduceLROnPlateau, type Callback, type EpochLogs, type BatchLogs, type TrainState, type Monitor } from './train/callbacks';
export { winogradConv2d, winogradChoice, WinogradWeights, WinogradCache, type WinogradTile } from './ops/winograd';
