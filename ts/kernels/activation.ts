// Launchers of assembly/activation.ts, one call each on the calling thread (a thread split for this
// family would go here, nowhere else). Named as their kernels in camelCase, without the
// layout and the type: exp_fwd_f32 → expFwd.
import { getBackend, type Kernels } from '../backend/index';

const table = (): Kernels => getBackend().k;

export const expFwd = (x: number, y: number, n: number): void => table().exp_fwd_f32(x, y, n);
export const reluFwd = (x: number, y: number, n: number): void => table().relu_fwd_f32(x, y, n);
export const reluBwd = (x: number, dy: number, dx: number, n: number): void => table().relu_bwd_f32(x, dy, dx, n);
export const leakyReluFwd = (x: number, y: number, n: number, slope: number): void => table().leaky_relu_fwd_f32(x, y, n, slope);
export const leakyReluBwd = (x: number, dy: number, dx: number, n: number, slope: number): void => table().leaky_relu_bwd_f32(x, dy, dx, n, slope);
export const eluFwd = (x: number, y: number, n: number, alpha: number): void => table().elu_fwd_f32(x, y, n, alpha);
export const eluBwd = (y: number, dy: number, dx: number, n: number, alpha: number): void => table().elu_bwd_f32(y, dy, dx, n, alpha);
export const sigmoidFwd = (x: number, y: number, n: number): void => table().sigmoid_fwd_f32(x, y, n);
export const sigmoidBwd = (y: number, dy: number, dx: number, n: number): void => table().sigmoid_bwd_f32(y, dy, dx, n);
export const tanhFwd = (x: number, y: number, n: number): void => table().tanh_fwd_f32(x, y, n);
export const tanhBwd = (y: number, dy: number, dx: number, n: number): void => table().tanh_bwd_f32(y, dy, dx, n);
export const softplusFwd = (x: number, y: number, n: number): void => table().softplus_fwd_f32(x, y, n);
export const softplusBwd = (x: number, dy: number, dx: number, n: number): void => table().softplus_bwd_f32(x, dy, dx, n);
export const signFwd = (x: number, y: number, n: number): void => table().sign_fwd_f32(x, y, n);
export const signBwd = (x: number, dy: number, dx: number, n: number): void => table().sign_bwd_f32(x, dy, dx, n);
export const clipFwd = (x: number, y: number, n: number, lo: number, hi: number): void => table().clip_fwd_f32(x, y, n, lo, hi);
export const clipBwd = (x: number, dy: number, dx: number, n: number, lo: number, hi: number): void => table().clip_bwd_f32(x, dy, dx, n, lo, hi);
export const relu6Fwd = (x: number, y: number, n: number): void => table().relu6_fwd_f32(x, y, n);
export const relu6Bwd = (x: number, dy: number, dx: number, n: number): void => table().relu6_bwd_f32(x, dy, dx, n);
export const hardSigmoidFwd = (x: number, y: number, n: number, alpha: number, beta: number): void => table().hard_sigmoid_fwd_f32(x, y, n, alpha, beta);
export const hardSigmoidBwd = (x: number, dy: number, dx: number, n: number, alpha: number, beta: number): void => table().hard_sigmoid_bwd_f32(x, dy, dx, n, alpha, beta);
export const hardSwishFwd = (x: number, y: number, n: number): void => table().hard_swish_fwd_f32(x, y, n);
export const hardSwishBwd = (x: number, dy: number, dx: number, n: number): void => table().hard_swish_bwd_f32(x, dy, dx, n);
export const siluFwd = (x: number, y: number, n: number): void => table().silu_fwd_f32(x, y, n);
export const siluBwd = (x: number, dy: number, dx: number, n: number): void => table().silu_bwd_f32(x, dy, dx, n);
export const geluFwd = (x: number, y: number, n: number): void => table().gelu_fwd_f32(x, y, n);
export const geluBwd = (x: number, dy: number, dx: number, n: number): void => table().gelu_bwd_f32(x, dy, dx, n);
export const geluTanhFwd = (x: number, y: number, n: number): void => table().gelu_tanh_fwd_f32(x, y, n);
export const geluTanhBwd = (x: number, dy: number, dx: number, n: number): void => table().gelu_tanh_bwd_f32(x, dy, dx, n);
export const logSigmoidFwd = (x: number, y: number, n: number): void => table().log_sigmoid_fwd_f32(x, y, n);
export const logSigmoidBwd = (x: number, dy: number, dx: number, n: number): void => table().log_sigmoid_bwd_f32(x, dy, dx, n);
export const sqrtFwd = (x: number, y: number, n: number): void => table().sqrt_fwd_f32(x, y, n);
export const sqrtBwd = (y: number, dy: number, dx: number, n: number): void => table().sqrt_bwd_f32(y, dy, dx, n);
export const logFwd = (x: number, y: number, n: number): void => table().log_fwd_f32(x, y, n);
export const logBwd = (x: number, dy: number, dx: number, n: number): void => table().log_bwd_f32(x, dy, dx, n);
export const absFwd = (x: number, y: number, n: number): void => table().abs_fwd_f32(x, y, n);
export const absBwd = (x: number, dy: number, dx: number, n: number): void => table().abs_bwd_f32(x, dy, dx, n);
export const powScalarFwd = (x: number, y: number, n: number, p: number): void => table().pow_scalar_fwd_f32(x, y, n, p);
export const powScalarBwd = (x: number, dy: number, dx: number, n: number, p: number): void => table().pow_scalar_bwd_f32(x, dy, dx, n, p);
export const preluFwd = (x: number, slope: number, y: number, rows: number, C: number): void => table().prelu_fwd_f32(x, slope, y, rows, C);
export const preluBwd = (x: number, slope: number, dy: number, dx: number, t: number, rows: number, C: number): void => table().prelu_bwd_f32(x, slope, dy, dx, t, rows, C);
