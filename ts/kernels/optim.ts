// Launchers of assembly/optim.ts. An update is elementwise over the parameter vector, so a
// large one splits into slices of whole f32x4 vectors (offset pointers, a shorter n), which
// gives the same bits as one call; ResNet-18's 3×3×512×512 weights (2.4M floats) split, a
// LeNet-5 layer (≤ 48k floats) runs whole. Named as their kernels in camelCase, without the
// type: sgd_f32 → sgd.
import { getBackend, type RangeKernel } from '../backend/index';

// Work per element as Backend.parts counts it: 2 slices from 62.5k elements.
const WORK_PER_ELEMENT = 16;

// Kernel `name` over elements [0, n) of the vectors `vecs` (w, g and the state), then `rest`.
function update(name: RangeKernel, vecs: number[], n: number, rest: number[]): void {
  getBackend().runRanges(name, n, n * WORK_PER_ELEMENT, 4, (lo, hi) => [...vecs.map((p) => p + lo * 4), hi - lo, ...rest]);
}

export const sgd = (w: number, g: number, n: number, lr: number, wd: number): void => update('sgd_f32', [w, g], n, [lr, wd]);
export const sgdMomentum = (w: number, g: number, v: number, n: number, lr: number, momentum: number, wd: number): void =>
  update('sgd_momentum_f32', [w, g, v], n, [lr, momentum, wd]);
export const sgdMomentumEma = (w: number, g: number, v: number, n: number, lr: number, momentum: number, wd: number): void =>
  update('sgd_momentum_ema_f32', [w, g, v], n, [lr, momentum, wd]);
export const sgdNesterov = (w: number, g: number, v: number, n: number, lr: number, momentum: number, wd: number): void =>
  update('sgd_nesterov_f32', [w, g, v], n, [lr, momentum, wd]);
export const adam = (w: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, eps: number, wd: number, c1: number, c2: number): void =>
  update('adam_f32', [w, g, m, v], n, [lr, beta1, beta2, eps, wd, c1, c2]);
export const rmsprop = (w: number, g: number, s: number, n: number, lr: number, rho: number, eps: number, wd: number): void =>
  update('rmsprop_f32', [w, g, s], n, [lr, rho, eps, wd]);
