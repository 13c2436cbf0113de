// Launcher of assembly/gemm.ts: the thread split of a GEMM and its scratch.
import { getBackend, OP } from '../backend/index';
import { ACT, epilogueOf, type Epilogue, type EpilogueArg } from './epilogue';

/**
 * The thread split of an M×N product: the longer side of C in whole 4-row or 8-column
 * micro-tiles; range(p) is part p's first row (column) and count.
 */
function splitOf(M: number, N: number, K: number): { byRows: boolean; parts: number; range: (p: number) => [number, number] } {
  const byRows = M >= N;
  const align = byRows ? 4 : 8;
  const total = byRows ? M : N;
  const parts = getBackend().parts(2 * M * N * K, Math.ceil(total / align));
  return {
    byRows, parts,
    range: (p) => {
      const lo = splitAt(total, p, parts, align);
      return [lo, splitAt(total, p + 1, parts, align) - lo];
    },
  };
}

/**
 * C = act(alpha·op(A)·op(B) + beta·C + bias + residual) (bias over columns, the residual
 * with C's layout; `relu` true/false or a full epilogue), on
 * pointers (row-major, A [M, K] or [K, M] with transA, B [K, N] or [N, K] with transB).
 * With threads, C is split into row blocks (A and C offset), or column blocks when it is
 * wider than tall (B, C and bias offset), that the threads run with their own scratch: each
 * element is computed by the same operations as in one call, so the result is bit-identical.
 */
export function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  a: number, b: number, c: number, opts: { beta?: number; bias?: number; relu?: EpilogueArg; alpha?: number } = {},
): void {
  const be = getBackend();
  if (M === 0 || N === 0) return; // an empty product: nothing to write
  if (K === 0) return emptySum(M * N, N, c, opts.beta ?? 0, opts.bias ?? 0, epilogueOf(opts.relu ?? false));
  const lda = transA ? M : K;
  const ldb = transB ? K : N;
  const alpha = opts.alpha ?? 1;
  const beta = opts.beta ?? 0;
  const bias = opts.bias ?? 0;
  const { act, p0, p1, res } = epilogueOf(opts.relu ?? false);
  // Rows duplicate the packing of B in every part, columns that of A.
  const { byRows, parts, range } = splitOf(M, N, K);
  let scratch = 0;
  for (let p = 0; p < parts; p++) {
    const [, n] = range(p);
    if (n > 0) scratch = Math.max(scratch, byRows ? be.k.gemm_f32_scratch_bytes(n, N, K) : be.k.gemm_f32_scratch_bytes(M, n, K));
  }
  be.runParts(
    'gemm_f32',
    parts,
    (p) => {
      const [lo, n] = range(p);
      if (byRows) return [+transA, +transB, n, N, K, alpha, a + 4 * (transA ? lo : lo * lda), lda, b, ldb, beta, c + 4 * lo * N, N, bias, act, p0, p1, res ? res + 4 * lo * N : 0, 0];
      return [+transA, +transB, M, n, K, alpha, a, lda, b + 4 * (transB ? lo * ldb : lo), ldb, beta, c + 4 * lo, N, bias ? bias + 4 * lo : 0, act, p0, p1, res ? res + 4 * lo : 0, 0];
    },
    { arg: 18, bytes: scratch },
  );
}

/** Floats of B [K, N] packed for gemmPrepacked (N rounded up to 8 columns, times K). */
export const gemmWeightsSize = (K: number, N: number): number => getBackend().k.gemm_weights_f32_bytes(K, N) / 4;

/** Packs B [K, N] (row-major) into dst (gemmWeightsSize(K, N) floats) for gemmPrepacked. */
export function gemmWeights(b: number, K: number, N: number, dst: number): void {
  getBackend().k.gemm_weights_f32(b, N, K, N, dst);
}

/**
 * C [M, N] = act(A·B + bias + residual) with A [M, K] row-major and B packed once by
 * gemmWeights (a layer's weights): gemm's blocks and micro-kernel without copying B, the
 * same bits. Threads split C as gemm does (columns in whole 8-column panels of wp).
 */
export function gemmPrepacked(M: number, N: number, K: number, a: number, wp: number, c: number, bias: number, epi: EpilogueArg): void {
  const be = getBackend();
  if (M === 0 || N === 0) return;
  const e = epilogueOf(epi);
  if (K === 0) return emptySum(M * N, N, c, 0, bias, e);
  const { byRows, parts, range } = splitOf(M, N, K);
  // The kernel's scratch for (M, N, K) covers every part's smaller M.
  const scratch = be.k.gemm_prepacked_f32_scratch_bytes(M, N, K);
  be.runParts(
    'gemm_prepacked_f32',
    parts,
    (p) => {
      const [lo, n] = range(p);
      if (byRows) return [n, N, K, a + 4 * lo * K, K, wp, c + 4 * lo * N, N, bias, e.act, e.p0, e.p1, e.res ? e.res + 4 * lo * N : 0, 0];
      return [M, n, K, a, K, wp + 4 * lo * K, c + 4 * lo, N, bias ? bias + 4 * lo : 0, e.act, e.p0, e.p1, e.res ? e.res + 4 * lo : 0, 0];
    },
    { arg: 13, bytes: scratch },
  );
}

// Start of part p of `parts` over [0, total): even, inner boundaries at multiples of `align`.
function splitAt(total: number, p: number, parts: number, align: number): number {
  if (p <= 0) return 0;
  if (p >= parts) return total;
  return Math.min(total, Math.round((total * p) / parts / align) * align);
}

// K = 0, an empty sum: C = act(beta·C + bias + residual), as PyTorch gives zeros (plus bias)
// for [M, 0]·[0, N]; the GEMM kernel's packing loops need K ≥ 1. The activation kernels
// compute what the fused epilogue does (the same formulas).
function emptySum(n: number, N: number, c: number, beta: number, bias: number, e: Epilogue): void {
  const k = getBackend().k;
  if (!beta) k.fill_f32(c, 0, n);
  else k.binary_scalar_f32(OP.MUL, c, beta, c, n);
  if (bias) k.binary_rows_f32(OP.ADD, c, bias, c, n / N, N);
  if (e.res) k.binary_f32(OP.ADD, c, e.res, c, n);
  if (e.act === ACT.relu) k.relu_fwd_f32(c, c, n);
  else if (e.act === ACT.clip) k.clip_fwd_f32(c, c, n, e.p0, e.p1);
  else if (e.act === ACT.hardswish) k.hard_swish_fwd_f32(c, c, n);
  else if (e.act === ACT.hardsigmoid) k.hard_sigmoid_fwd_f32(c, c, n, e.p0, e.p1);
  else if (e.act === ACT.sigmoid) k.sigmoid_fwd_f32(c, c, n);
  else if (e.act === ACT.leakyRelu) k.leaky_relu_fwd_f32(c, c, n, e.p0);
}
