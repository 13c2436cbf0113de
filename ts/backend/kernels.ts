// The typed table of the wasm module's exports: every export of both builds (release and
// threads) is listed here and nothing else, which tests/architecture.test.ts checks against
// the built modules, names and parameter counts both ways. Names follow the rule in
// docs/ARCHITECTURE.md: <op>[_<layout>][_<variant>]_<pass>_f32, with `_part` (a thread's
// slice), `_scratch_bytes` / `_work_bytes` (sizes of caller-owned areas). Only ts/kernels/
// (the launchers) calls these; pointers are byte offsets into linear memory.
type P = number; // byte offset
type I = number; // i32 size or flag
type F = number; // f32 scalar

export const OP = { ADD: 0, SUB: 1, MUL: 2, DIV: 3, MIN: 4, MAX: 5, POW: 6 } as const;

// Convolution geometry, in this order: N, H, W, C, OH, OW, KH, KW, K, strideH, strideW,
// padTop, padLeft, dilH, dilW, groups (transposed convolutions: H, W, C are their input's).
type G = [I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I];
// G without groups (the few-channel direct kernels: groups 1).
type G1 = [I, I, I, I, I, I, I, I, I, I, I, I, I, I, I];
// Depthwise geometry: G without K (= C) and groups (= C).
type DW = [I, I, I, I, I, I, I, I, I, I, I, I, I, I];
/** Pooling geometry: N, H, W, C, OH, OW, KH, KW, strideH, strideW, padTop, padLeft,
padBottom, padRight, dilH, dilW. */
export type PoolDims = [I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I];
// A thread's slice: part `part` of `parts`.
type Part = [part: I, parts: I];

export interface Kernels {
  heap_base(): number;
  // elementwise.ts
  binary_f32(op: I, a: P, b: P, out: P, n: I): void;
  binary_scalar_f32(op: I, a: P, s: F, out: P, n: I): void;
  binary_strided_f32(op: I, a: P, b: P, out: P, d0: I, d1: I, d2: I, d3: I, a0: I, a1: I, a2: I, a3: I, b0: I, b1: I, b2: I, b3: I): void;
  binary_strided_f32_part(op: I, a: P, b: P, out: P, d0: I, d1: I, d2: I, d3: I, a0: I, a1: I, a2: I, a3: I, b0: I, b1: I, b2: I, b3: I, ...p: Part): void;
  where_fwd_f32(cond: P, a: P, b: P, out: P, n: I): void;
  where_bwd_f32(cond: P, dy: P, da: P, db: P, n: I): void;
  minmax_bwd_f32(isMax: I, a: P, b: P, dy: P, da: P, db: P, n: I): void;
  binary_rows_f32(op: I, a: P, b: P, out: P, rows: I, cols: I): void;
  axpy_f32(alpha: F, x: P, y: P, n: I): void;
  fill_f32(out: P, v: F, n: I): void;
  copy_f32(src: P, dst: P, n: I): void;
  sum_f32(a: P, n: I): number;
  sum_rows_f32(a: P, out: P, rows: I, cols: I): void;
  copy_rows_f32(src: P, srcStride: I, dst: P, dstStride: I, rows: I, cols: I): void;
  // gemm.ts
  gemm_f32_scratch_bytes(M: I, N: I, K: I): number;
  gemm_f32_max_scratch_bytes(M: I, N: I, K: I): number;
  gemm_f32(
    transA: I, transB: I, M: I, N: I, K: I, alpha: F,
    a: P, lda: I, b: P, ldb: I, beta: F, c: P, ldc: I,
    bias: P, act: I, p0: F, p1: F, res: P, scratch: P,
  ): void;
  gemm_weights_f32_bytes(K: I, N: I): number;
  gemm_weights_f32(b: P, ldb: I, K: I, N: I, dst: P): void;
  gemm_prepacked_f32_scratch_bytes(M: I, N: I, K: I): number;
  gemm_prepacked_f32(M: I, N: I, K: I, a: P, lda: I, wp: P, c: P, ldc: I, bias: P, act: I, p0: F, p1: F, res: P, scratch: P): void;
  // conv.ts (im2col + GEMM, 1×1 without im2col): whole calls, thread slices, scratch sizes
  conv2d_nhwc_fwd_f32(x: P, w: P, bias: P, y: P, ...g: [...G, act: I, p0: F, p1: F, res: P, scratch: P]): void;
  conv2d_nhwc_fwd_f32_part(x: P, w: P, bias: P, y: P, ...g: [...G, act: I, p0: F, p1: F, res: P, scratch: P, ...Part]): void;
  conv2d_nhwc_fwd_f32_scratch_bytes(...g: G): number;
  conv2d_nhwc_bwd_data_f32(dy: P, w: P, dx: P, ...g: [...G, scratch: P]): void;
  conv2d_nhwc_bwd_data_f32_part(dy: P, w: P, dx: P, ...g: [...G, scratch: P, ...Part]): void;
  conv2d_nhwc_bwd_data_f32_scratch_bytes(...g: G): number;
  conv2d_nhwc_bwd_filter_f32(x: P, dy: P, dw: P, ...g: [...G, scratch: P]): void;
  conv2d_nhwc_bwd_filter_f32_part(x: P, dy: P, dw: P, ...g: [...G, scratch: P, work: P, ...Part]): void;
  conv2d_nhwc_bwd_filter_f32_scratch_bytes(...g: G): number;
  conv2d_nhwc_bwd_filter_f32_work_bytes(...g: G): number;
  add_partials_f32(dst: P, src: P, n: I, count: I, ...p: Part): void;
  conv_transpose2d_nhwc_fwd_f32(x: P, w: P, bias: P, y: P, ...g: [...G, act: I, scratch: P]): void;
  conv_transpose2d_nhwc_fwd_f32_part(x: P, w: P, bias: P, y: P, ...g: [...G, act: I, scratch: P, ...Part]): void;
  conv_transpose2d_nhwc_fwd_f32_scratch_bytes(...g: G): number;
  conv_transpose2d_nhwc_bwd_data_f32(dy: P, w: P, dx: P, ...g: [...G, scratch: P]): void;
  conv_transpose2d_nhwc_bwd_data_f32_part(dy: P, w: P, dx: P, ...g: [...G, scratch: P, ...Part]): void;
  conv_transpose2d_nhwc_bwd_data_f32_scratch_bytes(...g: G): number;
  conv_transpose2d_nhwc_bwd_filter_f32(x: P, dy: P, dw: P, ...g: [...G, scratch: P]): void;
  conv_transpose2d_nhwc_bwd_filter_f32_part(x: P, dy: P, dw: P, ...g: [...G, scratch: P, work: P, ...Part]): void;
  conv_transpose2d_nhwc_bwd_filter_f32_work_bytes(...g: G): number;
  conv_transpose2d_nhwc_bwd_filter_f32_scratch_bytes(...g: G): number;
  // upsample.ts
  upsample_nhwc_nearest_fwd_f32(x: P, y: P, N: I, H: I, W: I, C: I, sh: I, sw: I): void;
  upsample_nhwc_nearest_bwd_f32(dy: P, dx: P, N: I, H: I, W: I, C: I, sh: I, sw: I): void;
  resize_nhwc_fwd_f32(x: P, y: P, N: I, H: I, W: I, C: I, OH: I, OW: I, rows: P, cols: P): void;
  resize_nhwc_bwd_f32(dy: P, dx: P, N: I, H: I, W: I, C: I, OH: I, OW: I, rows: P, cols: P): void;
  // activation.ts: forward (x, y, n[, param]); backward (x or y, dy, dx, n[, param])
  exp_fwd_f32(x: P, y: P, n: I): void;
  relu_fwd_f32(x: P, y: P, n: I): void;
  relu_bwd_f32(x: P, dy: P, dx: P, n: I): void;
  leaky_relu_fwd_f32(x: P, y: P, n: I, slope: F): void;
  leaky_relu_bwd_f32(x: P, dy: P, dx: P, n: I, slope: F): void;
  elu_fwd_f32(x: P, y: P, n: I, alpha: F): void;
  elu_bwd_f32(y: P, dy: P, dx: P, n: I, alpha: F): void;
  sigmoid_fwd_f32(x: P, y: P, n: I): void;
  sigmoid_bwd_f32(y: P, dy: P, dx: P, n: I): void;
  tanh_fwd_f32(x: P, y: P, n: I): void;
  tanh_bwd_f32(y: P, dy: P, dx: P, n: I): void;
  softplus_fwd_f32(x: P, y: P, n: I): void;
  softplus_bwd_f32(x: P, dy: P, dx: P, n: I): void;
  sign_fwd_f32(x: P, y: P, n: I): void;
  sign_bwd_f32(x: P, dy: P, dx: P, n: I): void;
  clip_fwd_f32(x: P, y: P, n: I, lo: F, hi: F): void;
  clip_bwd_f32(x: P, dy: P, dx: P, n: I, lo: F, hi: F): void;
  relu6_fwd_f32(x: P, y: P, n: I): void;
  relu6_bwd_f32(x: P, dy: P, dx: P, n: I): void;
  hard_sigmoid_fwd_f32(x: P, y: P, n: I, alpha: F, beta: F): void;
  hard_sigmoid_bwd_f32(x: P, dy: P, dx: P, n: I, alpha: F, beta: F): void;
  hard_swish_fwd_f32(x: P, y: P, n: I): void;
  hard_swish_bwd_f32(x: P, dy: P, dx: P, n: I): void;
  silu_fwd_f32(x: P, y: P, n: I): void;
  silu_bwd_f32(x: P, dy: P, dx: P, n: I): void;
  gelu_fwd_f32(x: P, y: P, n: I): void;
  gelu_bwd_f32(x: P, dy: P, dx: P, n: I): void;
  gelu_tanh_fwd_f32(x: P, y: P, n: I): void;
  gelu_tanh_bwd_f32(x: P, dy: P, dx: P, n: I): void;
  log_sigmoid_fwd_f32(x: P, y: P, n: I): void;
  log_sigmoid_bwd_f32(x: P, dy: P, dx: P, n: I): void;
  sqrt_fwd_f32(x: P, y: P, n: I): void;
  sqrt_bwd_f32(y: P, dy: P, dx: P, n: I): void;
  log_fwd_f32(x: P, y: P, n: I): void;
  log_bwd_f32(x: P, dy: P, dx: P, n: I): void;
  abs_fwd_f32(x: P, y: P, n: I): void;
  abs_bwd_f32(x: P, dy: P, dx: P, n: I): void;
  pow_scalar_fwd_f32(x: P, y: P, n: I, p: F): void;
  pow_scalar_bwd_f32(x: P, dy: P, dx: P, n: I, p: F): void;
  prelu_fwd_f32(x: P, slope: P, y: P, rows: I, C: I): void;
  prelu_bwd_f32(x: P, slope: P, dy: P, dx: P, t: P, rows: I, C: I): void;
  // pool.ts
  maxpool2d_nhwc_fwd_f32(x: P, y: P, argmax: P, ...d: PoolDims): void;
  maxpool2d_nhwc_bwd_f32(dy: P, argmax: P, dx: P, N: I, H: I, W: I, C: I, OH: I, OW: I): void;
  avgpool2d_nhwc_fwd_f32(x: P, y: P, ...d: [...PoolDims, countIncludePad: I]): void;
  avgpool2d_nhwc_bwd_f32(dy: P, dx: P, ...d: [...PoolDims, countIncludePad: I]): void;
  l2pool2d_nhwc_fwd_f32(x: P, y: P, ...d: PoolDims): void;
  l2pool2d_nhwc_bwd_f32(x: P, y: P, dy: P, dx: P, ...d: PoolDims): void;
  global_avgpool_nhwc_fwd_f32(x: P, y: P, N: I, H: I, W: I, C: I): void;
  global_avgpool_nhwc_bwd_f32(dy: P, dx: P, N: I, H: I, W: I, C: I): void;
  adaptive_avgpool2d_nhwc_fwd_f32(x: P, y: P, N: I, H: I, W: I, C: I, OH: I, OW: I): void;
  adaptive_avgpool2d_nhwc_bwd_f32(dy: P, dx: P, N: I, H: I, W: I, C: I, OH: I, OW: I): void;
  // loss.ts
  softmax_fwd_f32(x: P, y: P, rows: I, cols: I): void;
  log_softmax_fwd_f32(x: P, y: P, rows: I, cols: I): void;
  softmax_bwd_f32(y: P, dy: P, dx: P, rows: I, cols: I): void;
  log_softmax_bwd_f32(y: P, dy: P, dx: P, rows: I, cols: I): void;
  cross_entropy_labels_fwd_f32(logits: P, labels: P, losses: P, probs: P, rows: I, cols: I): number;
  cross_entropy_labels_bwd_f32(probs: P, labels: P, dlogits: P, rows: I, cols: I, scale: F): void;
  cross_entropy_probs_fwd_f32(logits: P, targets: P, losses: P, probs: P, rows: I, cols: I): number;
  cross_entropy_probs_bwd_f32(probs: P, targets: P, dlogits: P, rows: I, cols: I, scale: F): void;
  mse_fwd_f32(a: P, b: P, n: I): number;
  mse_bwd_f32(a: P, b: P, da: P, n: I, scale: F): void;
  hinge_multiclass_fwd_f32(scores: P, labels: P, losses: P, rows: I, cols: I, margin: F): number;
  hinge_multiclass_bwd_f32(scores: P, labels: P, dscores: P, rows: I, cols: I, margin: F, scale: F): void;
  // norm.ts
  batchnorm_stats_f32(x: P, mean: P, var_: P, rows: I, C: I): void;
  batchnorm_invstd_f32(var_: P, invstd: P, C: I, eps: F): void;
  batchnorm_running_update_f32(runMean: P, runVar: P, mean: P, var_: P, C: I, momentum: F, rows: I): void;
  batchnorm_fwd_f32(x: P, y: P, mean: P, invstd: P, gamma: P, beta: P, rows: I, C: I): void;
  batchnorm_bwd_f32(x: P, dy: P, mean: P, invstd: P, gamma: P, dx: P, dgamma: P, dbeta: P, rows: I, C: I): void;
  dropout_fwd_f32(x: P, y: P, mask: P, n: I, p: F, seed: I): void;
  dropout_bwd_f32(dy: P, mask: P, dx: P, n: I, scale: F): void;
  groupnorm_stats_f32(x: P, mean: P, invstd: P, N: I, Pos: I, C: I, G: I, eps: F): void;
  groupnorm_fwd_f32(x: P, y: P, mean: P, invstd: P, gamma: P, beta: P, N: I, Pos: I, C: I, G: I): void;
  groupnorm_bwd_f32(x: P, dy: P, mean: P, invstd: P, gamma: P, dx: P, dgamma: P, dbeta: P, N: I, Pos: I, C: I, G: I): void;
  lrn_fwd_f32(x: P, y: P, s: P, Pos: I, C: I, size: I, alpha: F, beta: F, k: F): void;
  lrn_bwd_f32(x: P, s: P, dy: P, dx: P, Pos: I, C: I, size: I, alpha: F, beta: F): void;
  // optim.ts
  sgd_f32(w: P, g: P, n: I, lr: F, wd: F): void;
  sgd_momentum_f32(w: P, g: P, v: P, n: I, lr: F, momentum: F, wd: F): void;
  sgd_momentum_ema_f32(w: P, g: P, v: P, n: I, lr: F, momentum: F, wd: F): void;
  sgd_nesterov_f32(w: P, g: P, v: P, n: I, lr: F, momentum: F, wd: F): void;
  adam_f32(w: P, g: P, m: P, v: P, n: I, lr: F, beta1: F, beta2: F, eps: F, wd: F, c1: F, c2: F): void;
  rmsprop_f32(w: P, g: P, s: P, n: I, lr: F, rho: F, eps: F, wd: F): void;
  // winograd.ts (inference): F(4×4, 3×3) and F(2×2, 3×3), weights transformed once
  conv2d_winograd_f4x4_3x3_weights_f32_bytes(C: I, K: I): number;
  conv2d_winograd_f4x4_3x3_weights_f32_scratch_bytes(C: I, K: I): number;
  conv2d_winograd_f4x4_3x3_weights_f32(w: P, wt: P, C: I, K: I, scratch: P): void;
  conv2d_nhwc_winograd_f4x4_3x3_fwd_f32(x: P, wt: P, bias: P, y: P, N: I, H: I, W: I, C: I, OH: I, OW: I, K: I, padTop: I, padLeft: I, act: I, p0: F, p1: F, res: P, scratch: P): void;
  conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_scratch_bytes(N: I, H: I, W: I, C: I, OH: I, OW: I, K: I): number;
  conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_part(x: P, wt: P, bias: P, y: P, N: I, H: I, W: I, C: I, OH: I, OW: I, K: I, padTop: I, padLeft: I, act: I, p0: F, p1: F, res: P, scratch: P, kparts: I, part: I, parts: I): void;
  conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_max_scratch_bytes(N: I, H: I, W: I, C: I, OH: I, OW: I, K: I): number;
  conv2d_winograd_f2x2_3x3_weights_f32_bytes(C: I, K: I): number;
  conv2d_winograd_f2x2_3x3_weights_f32_scratch_bytes(C: I, K: I): number;
  conv2d_winograd_f2x2_3x3_weights_f32(w: P, wt: P, C: I, K: I, scratch: P): void;
  conv2d_nhwc_winograd_f2x2_3x3_fwd_f32(x: P, wt: P, bias: P, y: P, N: I, H: I, W: I, C: I, OH: I, OW: I, K: I, padTop: I, padLeft: I, act: I, p0: F, p1: F, res: P, scratch: P): void;
  conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_scratch_bytes(N: I, H: I, W: I, C: I, OH: I, OW: I, K: I): number;
  conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_part(x: P, wt: P, bias: P, y: P, N: I, H: I, W: I, C: I, OH: I, OW: I, K: I, padTop: I, padLeft: I, act: I, p0: F, p1: F, res: P, scratch: P, kparts: I, part: I, parts: I): void;
  conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_max_scratch_bytes(N: I, H: I, W: I, C: I, OH: I, OW: I, K: I): number;
  // conv_direct.ts (few input channels, groups 1): G without groups, no scratch
  conv2d_nhwc_direct_fwd_f32(x: P, w: P, bias: P, y: P, ...g: [...G1, act: I, p0: F, p1: F]): void;
  conv2d_nhwc_direct_fwd_f32_part(x: P, w: P, bias: P, y: P, ...g: [...G1, act: I, p0: F, p1: F, ...Part]): void;
  conv2d_nhwc_direct_bwd_filter_f32(x: P, dy: P, dw: P, ...g: G1): void;
  conv2d_nhwc_direct_bwd_filter_f32_part(x: P, dy: P, dw: P, ...g: [...G1, ...Part]): void;
  // transpose.ts
  transpose_2d_f32(src: P, dst: P, B: I, R: I, C: I): void;
  transpose_2d_f32_part(src: P, dst: P, B: I, R: I, C: I, ...p: Part): void;
  copy_strided_f32(src: P, dst: P, d0: I, d1: I, d2: I, d3: I, s0: I, s1: I, s2: I, s3: I, t0: I, t1: I, t2: I, t3: I): void;
  add_strided_f32(src: P, dst: P, d0: I, d1: I, d2: I, d3: I, s0: I, s1: I, s2: I, s3: I, t0: I, t1: I, t2: I, t3: I): void;
  gather_fwd_f32(src: P, idx: P, dst: P, outer: I, nIdx: I, axisLen: I, inner: I): void;
  gather_bwd_f32(dy: P, idx: P, dx: P, outer: I, nIdx: I, axisLen: I, inner: I): void;
  // reduce.ts
  reduce_axis_f32(op: I, x: P, y: P, outer: I, R: I, inner: I): void;
  broadcast_axis_f32(x: P, y: P, outer: I, R: I, inner: I): void;
  select_eq_f32(x: P, ref: P, g: P, out: P, n: I): void;
  softmax_axis_fwd_f32(x: P, y: P, outer: I, R: I, inner: I, log: I): void;
  softmax_axis_bwd_f32(y: P, dy: P, dx: P, outer: I, R: I, inner: I, log: I): void;
  topk_axis_fwd_f32(x: P, vals: P, idx: P, outer: I, R: I, inner: I, k: I, largest: I): void;
  topk_axis_bwd_f32(dy: P, idx: P, dx: P, outer: I, R: I, inner: I, k: I): void;
  // dwconv.ts (depthwise, groups = C = K)
  dwconv2d_nhwc_fwd_f32(x: P, w: P, bias: P, y: P, ...g: [...DW, act: I, p0: F, p1: F, res: P]): void;
  dwconv2d_nhwc_fwd_f32_part(x: P, w: P, bias: P, y: P, ...g: [...DW, act: I, p0: F, p1: F, res: P, ...Part]): void;
  dwconv2d_nhwc_bwd_data_f32(dy: P, w: P, dx: P, ...g: DW): void;
  dwconv2d_nhwc_bwd_data_f32_part(dy: P, w: P, dx: P, ...g: [...DW, ...Part]): void;
  dwconv2d_nhwc_bwd_filter_f32(x: P, dy: P, dw: P, ...g: DW): void;
  dwconv2d_nhwc_bwd_filter_f32_part(x: P, dy: P, dw: P, ...g: [...DW, ...Part]): void;
  dwconv_transpose2d_nhwc_fwd_f32(x: P, w: P, bias: P, y: P, ...g: [...DW, act: I]): void;
}

/**
 * Whole kernels whose every item (an image, an element) is computed on its own, so a slice
 * of the items is the same kernel on offset pointers and a smaller count (Backend.runRanges).
 */
export type RangeKernel = Extract<keyof Kernels,
  | 'maxpool2d_nhwc_fwd_f32' | 'maxpool2d_nhwc_bwd_f32' | 'avgpool2d_nhwc_fwd_f32' | 'avgpool2d_nhwc_bwd_f32'
  | 'l2pool2d_nhwc_fwd_f32' | 'l2pool2d_nhwc_bwd_f32' | 'global_avgpool_nhwc_fwd_f32' | 'global_avgpool_nhwc_bwd_f32'
  | 'adaptive_avgpool2d_nhwc_fwd_f32' | 'adaptive_avgpool2d_nhwc_bwd_f32'
  | 'sgd_f32' | 'sgd_momentum_f32' | 'sgd_momentum_ema_f32' | 'sgd_nesterov_f32' | 'adam_f32' | 'rmsprop_f32'
  | 'reduce_axis_f32' | 'broadcast_axis_f32' | 'softmax_axis_fwd_f32' | 'softmax_axis_bwd_f32'
  | 'softmax_fwd_f32' | 'log_softmax_fwd_f32' | 'softmax_bwd_f32' | 'log_softmax_bwd_f32'
  | 'cross_entropy_labels_bwd_f32' | 'cross_entropy_probs_bwd_f32'
  | 'binary_f32' | 'binary_scalar_f32' | 'exp_fwd_f32' | 'relu_fwd_f32' | 'relu_bwd_f32'
  | 'leaky_relu_fwd_f32' | 'leaky_relu_bwd_f32' | 'elu_fwd_f32' | 'elu_bwd_f32' | 'sigmoid_fwd_f32'
  | 'sigmoid_bwd_f32' | 'tanh_fwd_f32' | 'tanh_bwd_f32' | 'softplus_fwd_f32' | 'softplus_bwd_f32'
  | 'sign_fwd_f32' | 'sign_bwd_f32' | 'clip_fwd_f32' | 'clip_bwd_f32' | 'relu6_fwd_f32'
  | 'relu6_bwd_f32' | 'hard_sigmoid_fwd_f32' | 'hard_sigmoid_bwd_f32' | 'hard_swish_fwd_f32'
  | 'hard_swish_bwd_f32' | 'silu_fwd_f32' | 'silu_bwd_f32' | 'gelu_fwd_f32' | 'gelu_bwd_f32'
  | 'gelu_tanh_fwd_f32' | 'gelu_tanh_bwd_f32' | 'log_sigmoid_fwd_f32' | 'log_sigmoid_bwd_f32'
  | 'sqrt_fwd_f32' | 'sqrt_bwd_f32' | 'log_fwd_f32' | 'log_bwd_f32' | 'abs_fwd_f32' | 'abs_bwd_f32'
  | 'pow_scalar_fwd_f32' | 'pow_scalar_bwd_f32'>;

/** The exports that run as thread slices through Backend.runParts. */
export type PartKernel = Extract<keyof Kernels, `${string}_part` | 'gemm_f32' | 'gemm_prepacked_f32' | 'add_partials_f32'> | RangeKernel;
