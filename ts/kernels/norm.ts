// Launchers of assembly/norm.ts, one call each on the calling thread (a thread split for this
// family would go here, nowhere else). Named as their kernels in camelCase, without the
// layout and the type: batchnorm_stats_f32 → batchnormStats.
import { getBackend, type Kernels } from '../backend/index';

const table = (): Kernels => getBackend().k;

export const batchnormStats = (x: number, mean: number, var_: number, rows: number, C: number): void => table().batchnorm_stats_f32(x, mean, var_, rows, C);
export const batchnormInvstd = (var_: number, invstd: number, C: number, eps: number): void => table().batchnorm_invstd_f32(var_, invstd, C, eps);
export const batchnormRunningUpdate = (runMean: number, runVar: number, mean: number, var_: number, C: number, momentum: number, rows: number): void => table().batchnorm_running_update_f32(runMean, runVar, mean, var_, C, momentum, rows);
export const batchnormFwd = (x: number, y: number, mean: number, invstd: number, gamma: number, beta: number, rows: number, C: number): void => table().batchnorm_fwd_f32(x, y, mean, invstd, gamma, beta, rows, C);
export const batchnormBwd = (x: number, dy: number, mean: number, invstd: number, gamma: number, dx: number, dgamma: number, dbeta: number, rows: number, C: number): void => table().batchnorm_bwd_f32(x, dy, mean, invstd, gamma, dx, dgamma, dbeta, rows, C);
export const dropoutFwd = (x: number, y: number, mask: number, n: number, p: number, seed: number): void => table().dropout_fwd_f32(x, y, mask, n, p, seed);
export const dropoutBwd = (dy: number, mask: number, dx: number, n: number, scale: number): void => table().dropout_bwd_f32(dy, mask, dx, n, scale);
export const groupnormStats = (x: number, mean: number, invstd: number, N: number, Pos: number, C: number, G: number, eps: number): void => table().groupnorm_stats_f32(x, mean, invstd, N, Pos, C, G, eps);
export const groupnormFwd = (x: number, y: number, mean: number, invstd: number, gamma: number, beta: number, N: number, Pos: number, C: number, G: number): void => table().groupnorm_fwd_f32(x, y, mean, invstd, gamma, beta, N, Pos, C, G);
export const groupnormBwd = (x: number, dy: number, mean: number, invstd: number, gamma: number, dx: number, dgamma: number, dbeta: number, N: number, Pos: number, C: number, G: number): void => table().groupnorm_bwd_f32(x, dy, mean, invstd, gamma, dx, dgamma, dbeta, N, Pos, C, G);
export const lrnFwd = (x: number, y: number, s: number, Pos: number, C: number, size: number, alpha: number, beta: number, k: number): void => table().lrn_fwd_f32(x, y, s, Pos, C, size, alpha, beta, k);
export const lrnBwd = (x: number, s: number, dy: number, dx: number, Pos: number, C: number, size: number, alpha: number, beta: number): void => table().lrn_bwd_f32(x, s, dy, dx, Pos, C, size, alpha, beta);
