export { Optimizer, SGD, Adam, RMSProp, type SGDOptions, type AdamOptions, type RMSPropOptions } from './optimizer';
export { EarlyStopping, StepLR, ReduceLROnPlateau, type Callback, type EpochLogs, type TrainState } from '../train/callbacks';
