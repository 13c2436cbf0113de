// Launchers of assembly/activation.ts. Named as their kernels in camelCase, without the
// layout and the type: exp_fwd_f32 → expFwd. Every element is computed on its own, so with
// threads a large call runs as slices of whole f32x4 vectors (Backend.runRanges: the same
// kernel on offset pointers, a shorter n), bit-identical for any thread count.
import { getBackend, type Kernels, type RangeKernel } from '../backend/index';

const table = (): Kernels => getBackend().k;

// Work per element, as Backend.parts counts it (a call splits from about 10^6): 4 for the
// compare/multiply ops (2 slices from 2.5·10^5 elements, 1 MiB in), 32 for those built on
// exp, log or a division (from about 3·10^4: they run about 8× slower per element). Not
// tuned yet on a quiet machine: npm run bench -- elementwise --extra times the
// [4,32,32,64] and [1,32,32,64] rows on 1 and 2 threads.
const CHEAP = 4;
const COSTLY = 32;

// Kernel `name` over elements [0, n) of the arrays `ptrs` (x, y or s, dy, dx), then `rest`.
function map(name: RangeKernel, work: number, ptrs: number[], n: number, rest: number[] = []): void {
  getBackend().runRanges(name, n, n * work, 4, (lo, hi) => [...ptrs.map((p) => p + lo * 4), hi - lo, ...rest]);
}

export const expFwd = (x: number, y: number, n: number): void => map('exp_fwd_f32', COSTLY, [x, y], n);
export const reluFwd = (x: number, y: number, n: number): void => map('relu_fwd_f32', CHEAP, [x, y], n);
export const reluBwd = (x: number, dy: number, dx: number, n: number): void => map('relu_bwd_f32', CHEAP, [x, dy, dx], n);
export const leakyReluFwd = (x: number, y: number, n: number, slope: number): void => map('leaky_relu_fwd_f32', CHEAP, [x, y], n, [slope]);
export const leakyReluBwd = (x: number, dy: number, dx: number, n: number, slope: number): void => map('leaky_relu_bwd_f32', CHEAP, [x, dy, dx], n, [slope]);
export const eluFwd = (x: number, y: number, n: number, alpha: number): void => map('elu_fwd_f32', COSTLY, [x, y], n, [alpha]);
export const eluBwd = (y: number, dy: number, dx: number, n: number, alpha: number): void => map('elu_bwd_f32', COSTLY, [y, dy, dx], n, [alpha]);
export const sigmoidFwd = (x: number, y: number, n: number): void => map('sigmoid_fwd_f32', COSTLY, [x, y], n);
export const sigmoidBwd = (y: number, dy: number, dx: number, n: number): void => map('sigmoid_bwd_f32', COSTLY, [y, dy, dx], n);
export const tanhFwd = (x: number, y: number, n: number): void => map('tanh_fwd_f32', COSTLY, [x, y], n);
export const tanhBwd = (y: number, dy: number, dx: number, n: number): void => map('tanh_bwd_f32', COSTLY, [y, dy, dx], n);
export const softplusFwd = (x: number, y: number, n: number): void => map('softplus_fwd_f32', COSTLY, [x, y], n);
export const softplusBwd = (x: number, dy: number, dx: number, n: number): void => map('softplus_bwd_f32', COSTLY, [x, dy, dx], n);
export const signFwd = (x: number, y: number, n: number): void => map('sign_fwd_f32', CHEAP, [x, y], n);
export const signBwd = (x: number, dy: number, dx: number, n: number): void => map('sign_bwd_f32', CHEAP, [x, dy, dx], n);
export const clipFwd = (x: number, y: number, n: number, lo: number, hi: number): void => map('clip_fwd_f32', CHEAP, [x, y], n, [lo, hi]);
export const clipBwd = (x: number, dy: number, dx: number, n: number, lo: number, hi: number): void => map('clip_bwd_f32', CHEAP, [x, dy, dx], n, [lo, hi]);
export const relu6Fwd = (x: number, y: number, n: number): void => map('relu6_fwd_f32', CHEAP, [x, y], n);
export const relu6Bwd = (x: number, dy: number, dx: number, n: number): void => map('relu6_bwd_f32', CHEAP, [x, dy, dx], n);
export const hardSigmoidFwd = (x: number, y: number, n: number, alpha: number, beta: number): void => map('hard_sigmoid_fwd_f32', CHEAP, [x, y], n, [alpha, beta]);
export const hardSigmoidBwd = (x: number, dy: number, dx: number, n: number, alpha: number, beta: number): void => map('hard_sigmoid_bwd_f32', CHEAP, [x, dy, dx], n, [alpha, beta]);
export const hardSwishFwd = (x: number, y: number, n: number): void => map('hard_swish_fwd_f32', CHEAP, [x, y], n);
export const hardSwishBwd = (x: number, dy: number, dx: number, n: number): void => map('hard_swish_bwd_f32', CHEAP, [x, dy, dx], n);
export const siluFwd = (x: number, y: number, n: number): void => map('silu_fwd_f32', COSTLY, [x, y], n);
export const siluBwd = (x: number, dy: number, dx: number, n: number): void => map('silu_bwd_f32', COSTLY, [x, dy, dx], n);
export const geluFwd = (x: number, y: number, n: number): void => map('gelu_fwd_f32', COSTLY, [x, y], n);
export const geluBwd = (x: number, dy: number, dx: number, n: number): void => map('gelu_bwd_f32', COSTLY, [x, dy, dx], n);
export const geluTanhFwd = (x: number, y: number, n: number): void => map('gelu_tanh_fwd_f32', COSTLY, [x, y], n);
export const geluTanhBwd = (x: number, dy: number, dx: number, n: number): void => map('gelu_tanh_bwd_f32', COSTLY, [x, dy, dx], n);
export const logSigmoidFwd = (x: number, y: number, n: number): void => map('log_sigmoid_fwd_f32', COSTLY, [x, y], n);
export const logSigmoidBwd = (x: number, dy: number, dx: number, n: number): void => map('log_sigmoid_bwd_f32', COSTLY, [x, dy, dx], n);
export const sqrtFwd = (x: number, y: number, n: number): void => map('sqrt_fwd_f32', COSTLY, [x, y], n);
export const sqrtBwd = (y: number, dy: number, dx: number, n: number): void => map('sqrt_bwd_f32', COSTLY, [y, dy, dx], n);
export const logFwd = (x: number, y: number, n: number): void => map('log_fwd_f32', COSTLY, [x, y], n);
export const logBwd = (x: number, dy: number, dx: number, n: number): void => map('log_bwd_f32', COSTLY, [x, dy, dx], n);
export const absFwd = (x: number, y: number, n: number): void => map('abs_fwd_f32', CHEAP, [x, y], n);
export const absBwd = (x: number, dy: number, dx: number, n: number): void => map('abs_bwd_f32', CHEAP, [x, dy, dx], n);
export const powScalarFwd = (x: number, y: number, n: number, p: number): void => map('pow_scalar_fwd_f32', COSTLY, [x, y], n, [p]);
export const powScalarBwd = (x: number, dy: number, dx: number, n: number, p: number): void => map('pow_scalar_bwd_f32', COSTLY, [x, dy, dx], n, [p]);
export const preluFwd = (x: number, slope: number, y: number, rows: number, C: number): void => table().prelu_fwd_f32(x, slope, y, rows, C);
export const preluBwd = (x: number, slope: number, dy: number, dx: number, t: number, rows: number, C: number): void => table().prelu_bwd_f32(x, slope, dy, dx, t, rows, C);
