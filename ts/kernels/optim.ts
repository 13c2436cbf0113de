// Launchers of assembly/optim.ts, one call each on the calling thread (a thread split for this
// family would go here, nowhere else). Named as their kernels in camelCase, without the
// layout and the type: sgd_f32 → sgd.
import { getBackend, type Kernels } from '../backend/index';

const table = (): Kernels => getBackend().k;

export const sgd = (w: number, g: number, n: number, lr: number, wd: number): void => table().sgd_f32(w, g, n, lr, wd);
export const sgdMomentum = (w: number, g: number, v: number, n: number, lr: number, momentum: number, wd: number): void => table().sgd_momentum_f32(w, g, v, n, lr, momentum, wd);
export const sgdMomentumEma = (w: number, g: number, v: number, n: number, lr: number, momentum: number, wd: number): void => table().sgd_momentum_ema_f32(w, g, v, n, lr, momentum, wd);
export const sgdNesterov = (w: number, g: number, v: number, n: number, lr: number, momentum: number, wd: number): void => table().sgd_nesterov_f32(w, g, v, n, lr, momentum, wd);
export const adam = (w: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, eps: number, wd: number, c1: number, c2: number): void => table().adam_f32(w, g, m, v, n, lr, beta1, beta2, eps, wd, c1, c2);
export const rmsprop = (w: number, g: number, s: number, n: number, lr: number, rho: number, eps: number, wd: number): void => table().rmsprop_f32(w, g, s, n, lr, rho, eps, wd);
