// The fused epilogue (assembly/conv_common.ts) through every kernel that takes it: each act
// code with its parameters and a residual, on odd sizes (vector tails, GEMM edge blocks),
// against (a) a plain f64 scalar reference and (b) the unfused sequence — the kernel with
// act 0 and no residual, the residual added, then activation.ts's kernel — bit for bit.
import { gemm_f32, gemm_f32_scratch_bytes } from '../../assembly/gemm';
import { conv2d_nhwc_fwd_f32, conv2d_nhwc_fwd_f32_scratch_bytes } from '../../assembly/conv';
import { conv2d_nhwc_direct_fwd_f32 } from '../../assembly/conv_direct';
import {
  conv2d_winograd_f4x4_3x3_weights_f32, conv2d_winograd_f4x4_3x3_weights_f32_bytes, conv2d_winograd_f4x4_3x3_weights_f32_scratch_bytes,
  conv2d_nhwc_winograd_f4x4_3x3_fwd_f32, conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_scratch_bytes,
} from '../../assembly/winograd';
import {
  relu_fwd_f32, clip_fwd_f32, hard_swish_fwd_f32, hard_sigmoid_fwd_f32, sigmoid_fwd_f32, leaky_relu_fwd_f32,
} from '../../assembly/activation';
import { axpy_f32 } from '../../assembly/elementwise';
import { seed, randBuf, at } from './helpers';

const P0: f32[] = [0, 0, -0.75, 0, 0.2, 0, 0.1];
const P1: f32[] = [0, 0, 0.5, 0, 0.5, 0, 0];

// The unfused activation pass for act code `act`, in place.
function activate(act: i32, y: usize, n: i32): void {
  const p = P0[act], q = P1[act];
  if (act == 1) relu_fwd_f32(y, y, n);
  else if (act == 2) clip_fwd_f32(y, y, n, p, q);
  else if (act == 3) hard_swish_fwd_f32(y, y, n);
  else if (act == 4) hard_sigmoid_fwd_f32(y, y, n, p, q);
  else if (act == 5) sigmoid_fwd_f32(y, y, n);
  else if (act == 6) leaky_relu_fwd_f32(y, y, n, p);
}

// The scalar reference of act code `act` in f64.
function act64(act: i32, v: f64): f64 {
  const p = <f64>P0[act], q = <f64>P1[act];
  if (act == 1) return v > 0 ? v : 0;
  if (act == 2) return Math.min(Math.max(v, p), q);
  if (act == 3) return v * Math.min(Math.max(v / 6 + 0.5, 0), 1);
  if (act == 4) return Math.min(Math.max(p * v + q, 0), 1);
  if (act == 5) return 1 / (1 + Math.exp(-v));
  if (act == 6) return v > 0 ? v : p * v;
  return v;
}

// Fused output `got` against the unfused `raw` (the kernel's act-0 result, residual res
// already added or not) bit for bit, and against act64(raw) within rounding.
function checkBoth(act: i32, got: usize, raw: usize, n: i32, what: string): void {
  const ref = heap.alloc(<usize>n << 2);
  memory.copy(ref, raw, <usize>n << 2);
  activate(act, ref, n);
  let bits = 0, far = 0;
  for (let i = 0; i < n; i++) {
    if (reinterpret<u32>(at(got, i)) != reinterpret<u32>(at(ref, i))) bits++;
    const w = act64(act, <f64>at(raw, i));
    if (!(Math.abs(<f64>at(got, i) - w) <= 3e-7 * (1 + Math.abs(w)))) far++;
  }
  expect(bits).toBe(0, what + ' act ' + act.toString() + ': differs from the unfused pass');
  expect(far).toBe(0, what + ' act ' + act.toString() + ': differs from the scalar reference');
  heap.free(ref);
}

// Rounded to a multiple of 1/8 so sums of few terms stay exact in any order (the residual
// then gives the same bits added inside the epilogue or after it).
function eighths(n: i32): usize {
  const p = randBuf(n);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), Mathf.round(at(p, i) * 32) / 8);
  return p;
}

describe('fused epilogue', () => {
  it('gemm_f32: every act code, bias and residual, edge blocks and multiple k-blocks', () => {
    seed(11);
    const Ms: i32[] = [1, 7, 13];
    const Ns: i32[] = [3, 9, 21];
    const Ks: i32[] = [5, 300];
    for (let mi = 0; mi < Ms.length; mi++) for (let ni = 0; ni < Ns.length; ni++) for (let ki = 0; ki < Ks.length; ki++) {
      const M = Ms[mi], N = Ns[ni], K = Ks[ki];
      const a = eighths(M * K), b = eighths(K * N), bias = eighths(N), res = eighths(M * N);
      const raw = heap.alloc(<usize>M * N << 2), got = heap.alloc(<usize>M * N << 2);
      const s = heap.alloc(gemm_f32_scratch_bytes(M, N, K));
      for (let act = 0; act <= 6; act++) for (let r = 0; r < 2; r++) {
        gemm_f32(0, 0, M, N, K, 1, a, K, b, N, 0, raw, N, bias, 0, 0, 0, 0, s);
        if (r != 0) axpy_f32(1, res, raw, M * N);
        gemm_f32(0, 0, M, N, K, 1, a, K, b, N, 0, got, N, bias, act, P0[act], P1[act], r != 0 ? res : 0, s);
        checkBoth(act, got, raw, M * N, 'gemm ' + M.toString() + 'x' + N.toString() + 'x' + K.toString() + (r != 0 ? ' res' : ''));
      }
    }
  });

  it('conv2d im2col, 1×1 and Winograd F(4×4): every act code with a residual', () => {
    seed(12);
    const N = 1, H = 9, W = 7, C = 5, K = 11;
    const x = eighths(N * H * W * C), w3 = eighths(9 * C * K), bias = eighths(K), res = eighths(N * H * W * K);
    const n = N * H * W * K;
    const raw = heap.alloc(<usize>n << 2), got = heap.alloc(<usize>n << 2);
    for (let KH = 1; KH <= 3; KH += 2) {
      const pad = KH >> 1;
      const s = heap.alloc(conv2d_nhwc_fwd_f32_scratch_bytes(N, H, W, C, H, W, KH, KH, K, 1, 1, pad, pad, 1, 1, 1));
      for (let act = 0; act <= 6; act++) {
        conv2d_nhwc_fwd_f32(x, w3, bias, raw, N, H, W, C, H, W, KH, KH, K, 1, 1, pad, pad, 1, 1, 1, 0, 0, 0, 0, s);
        axpy_f32(1, res, raw, n);
        conv2d_nhwc_fwd_f32(x, w3, bias, got, N, H, W, C, H, W, KH, KH, K, 1, 1, pad, pad, 1, 1, 1, act, P0[act], P1[act], res, s);
        checkBoth(act, got, raw, n, 'conv ' + KH.toString() + 'x' + KH.toString());
      }
    }
    const wt = heap.alloc(conv2d_winograd_f4x4_3x3_weights_f32_bytes(C, K));
    const wscr = heap.alloc(conv2d_winograd_f4x4_3x3_weights_f32_scratch_bytes(C, K));
    conv2d_winograd_f4x4_3x3_weights_f32(w3, wt, C, K, wscr);
    heap.free(wscr);
    const s = heap.alloc(conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_scratch_bytes(N, H, W, C, H, W, K));
    for (let act = 0; act <= 6; act++) {
      conv2d_nhwc_winograd_f4x4_3x3_fwd_f32(x, wt, bias, raw, N, H, W, C, H, W, K, 1, 1, 0, 0, 0, 0, s);
      axpy_f32(1, res, raw, n);
      conv2d_nhwc_winograd_f4x4_3x3_fwd_f32(x, wt, bias, got, N, H, W, C, H, W, K, 1, 1, act, P0[act], P1[act], res, s);
      checkBoth(act, got, raw, n, 'winograd');
    }
  });

  it('conv2d direct (few channels): every act code', () => {
    seed(13);
    const N = 2, H = 11, W = 13, C = 3, K = 7, OH = 6, OW = 7;
    const x = randBuf(N * H * W * C), w = randBuf(9 * C * K), bias = randBuf(K);
    const n = N * OH * OW * K;
    const raw = heap.alloc(<usize>n << 2), got = heap.alloc(<usize>n << 2);
    for (let act = 0; act <= 6; act++) {
      conv2d_nhwc_direct_fwd_f32(x, w, bias, raw, N, H, W, C, OH, OW, 3, 3, K, 2, 2, 1, 1, 1, 1, 0, 0, 0);
      conv2d_nhwc_direct_fwd_f32(x, w, bias, got, N, H, W, C, OH, OW, 3, 3, K, 2, 2, 1, 1, 1, 1, act, P0[act], P1[act]);
      checkBoth(act, got, raw, n, 'direct');
    }
  });
});
