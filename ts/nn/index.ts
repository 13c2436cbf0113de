export { Module, Sequential, callChild, type LayerRecord, type ForwardHook, type Captured, type ModelInput } from './module';
export {
  Linear, Conv2d, ConvTranspose2d, ReLU, LeakyReLU, ELU, Sigmoid, Tanh, Softplus, Flatten,
  MaxPool2d, AvgPool2d, LPPool2d, GlobalAvgPool, Upsample, BatchNorm2d, Dropout,
  ReLU6, Hardsigmoid, Hardswish, SiLU, GELU, LogSigmoid, PReLU, Hardtanh,
  LayerNorm, GroupNorm, InstanceNorm2d, LocalResponseNorm, AdaptiveAvgPool2d, GlobalMaxPool, LogSoftmax, Softmax,
  ConstantPad2d, ZeroPad2d, ReflectionPad2d, ReplicationPad2d,
  type LinearOptions, type Conv2dLayerOptions, type ConvTranspose2dLayerOptions,
} from './layers';
export { Graph, Residual, Inception, basicBlock, type InceptionChannels } from './blocks';
export { fuseForInference, FusedConv2d } from './fuse';
export { initTensor, fans, type Init } from './init';
export * as models from './models';
