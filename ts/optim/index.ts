export { Optimizer, SGD, Adam, RMSProp, type SGDOptions, type AdamOptions, type RMSPropOptions, type OptimizerState } from './optimizer';
