// What the ONNX importer builds graphs from: simdnet's tensors, ops and modules, taken from
// the floors below ts/io (the package entry ts/index.ts sits above io; see
// docs/ARCHITECTURE.md). Same names as the public API, so the importer reads `sn.conv2d`.
export { Tensor, tidy, keep } from '../../tensor/tensor';
export { noGrad } from '../../tensor/autograd';
export { tensor, zeros } from '../../ops/creation';
export { add, sub, mul, div, neg } from '../../ops/arith';
export { reshape, concat } from '../../ops/shape';
export { linear } from '../../ops/linalg';
export { conv2d, convTranspose2d } from '../../ops/conv';
export { relu, leakyRelu, elu, sigmoid, tanh, softplus, exp } from '../../ops/activation';
export type { Padding } from '../../ops/window';
export { maxPool2d, avgPool2d, globalAvgPool } from '../../ops/pool';
export { softmax, logSoftmax } from '../../ops/loss';
export { batchNorm } from '../../ops/norm';
export * as nn from '../../nn/index';
