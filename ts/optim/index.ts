export { Optimizer, SGD, Adam, RMSProp, type SGDOptions, type AdamOptions, type RMSPropOptions } from './optimizer';
