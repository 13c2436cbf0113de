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
import { axpy_f32 } from '../../assembly/elementwise';
import { seed, randBuf } from './helpers';
import { P0, P1, checkBoth, eighths } from './epilogue_ref';

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
