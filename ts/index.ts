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
