// Matrix products through the packed SIMD GEMM.
import { getBackend, opError, fmtShape } from '../backend/index';
import { Tensor, empty } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { checkTensor } from './check';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * C = op(A)·op(B) + bias (bias over columns) then an optional ReLU, on raw pointers.
 * With threads, C is split into row blocks (A and C offset), or column blocks when it is
 * wider than tall (B, C and bias offset), that the threads run with their own scratch: each
 * element is computed by the same operations as in one call, so the result is bit-identical.
 */
export function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  a: number, b: number, c: number, opts: { beta?: number; bias?: number; relu?: boolean; alpha?: number } = {},
): void {
  const be = getBackend();
  const lda = transA ? M : K;
  const ldb = transB ? K : N;
  const alpha = opts.alpha ?? 1;
  const beta = opts.beta ?? 0;
  const bias = opts.bias ?? 0;
  const act = opts.relu ? 1 : 0;
  // Rows duplicate the packing of B in every part, columns that of A: split the longer side,
  // in whole 4-row or 8-column micro-tiles.
  const byRows = M >= N;
  const align = byRows ? 4 : 8;
  const total = byRows ? M : N;
  const parts = be.parts(2 * M * N * K, Math.ceil(total / align));
  let scratch = 0;
  for (let p = 0; p < parts; p++) {
    const n = splitAt(total, p + 1, parts, align) - splitAt(total, p, parts, align);
    if (n > 0) scratch = Math.max(scratch, byRows ? be.k.gemm_f32_scratch_bytes(n, N, K) : be.k.gemm_f32_scratch_bytes(M, n, K));
  }
  be.runParts(
    'gemm_f32',
    parts,
    (p) => {
      const lo = splitAt(total, p, parts, align);
      const n = splitAt(total, p + 1, parts, align) - lo;
      if (byRows) return [+transA, +transB, n, N, K, alpha, a + 4 * (transA ? lo : lo * lda), lda, b, ldb, beta, c + 4 * lo * N, N, bias, act, 0];
      return [+transA, +transB, M, n, K, alpha, a, lda, b + 4 * (transB ? lo * ldb : lo), ldb, beta, c + 4 * lo, N, bias ? bias + 4 * lo : 0, act, 0];
    },
    { arg: 15, bytes: scratch },
  );
}

// Start of part p of `parts` over [0, total): even, inner boundaries at multiples of `align`.
function splitAt(total: number, p: number, parts: number, align: number): number {
  if (p <= 0) return 0;
  if (p >= parts) return total;
  return Math.min(total, Math.round((total * p) / parts / align) * align);
}

/** a [M, K] (or [K, M] with transposeA) times b [K, N] (or [N, K] with transposeB). */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkTensor('matmul', 'a', a);
  checkTensor('matmul', 'b', b);
  const tA = !!options.transposeA;
  const tB = !!options.transposeB;
  if (a.rank !== 2 || b.rank !== 2)
    throw opError('matmul', `arguments 'a' ${fmtShape(a.shape)} and 'b' ${fmtShape(b.shape)} must both have rank 2`);
  const [M, K] = tA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [K2, N] = tB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (K !== K2)
    throw opError(
      'matmul',
      `inner dimensions differ: 'a' ${fmtShape(a.shape)}${tA ? 'ᵀ' : ''} has ${K} columns, 'b' ${fmtShape(b.shape)}${tB ? 'ᵀ' : ''} has ${K2} rows`,
    );
  const out = empty([M, N]);
  gemm(tA, tB, M, N, K, a.ptr, b.ptr, out.ptr);
  return record('matmul', [a, b], out, (dy) => {
    // C = op(A)·op(B): dop(A) = dC·op(B)ᵀ, dop(B) = op(A)ᵀ·dC, then undo the transposes.
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (a.requiresGrad) {
      da = empty(a.shape);
      if (!tA) gemm(false, !tB, M, K, N, dy.ptr, b.ptr, da.ptr); // dA = dC·op(B)ᵀ
      else gemm(tB, true, K, M, N, b.ptr, dy.ptr, da.ptr); // dAᵀ... = op(B)·dCᵀ
    }
    if (b.requiresGrad) {
      db = empty(b.shape);
      if (!tB) gemm(!tA, false, K, N, M, a.ptr, dy.ptr, db.ptr); // dB = op(A)ᵀ·dC
      else gemm(true, tA, N, K, M, dy.ptr, a.ptr, db.ptr); // dBᵀ = dCᵀ·op(A)
    }
    return [da, db];
  });
}

/** y = x·w + b for x [N, in], w [in, out], b [out]: one GEMM with the bias in its epilogue. */
export function linear(x: Tensor, w: Tensor, b?: Tensor | null, options: { activation?: 'relu' | null } = {}): Tensor {
  const op = 'linear';
  checkTensor(op, 'x', x);
  checkTensor(op, 'w', w);
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[0])
    throw opError(op, `argument 'x' ${fmtShape(x.shape)} must be [N, in] and 'w' ${fmtShape(w.shape)} [in, out] with the same 'in'`);
  const [N, I] = x.shape;
  const O = w.shape[1];
  if (b) {
    checkTensor(op, 'b', b);
    if (b.rank !== 1 || b.shape[0] !== O) throw opError(op, `argument 'b' must have shape [${O}], got ${fmtShape(b.shape)}`);
  }
  const relu = options.activation === 'relu';
  if (options.activation != null && !relu) throw opError(op, `argument 'activation' must be 'relu' or null, got ${JSON.stringify(options.activation)}`);
  const y = empty([N, O]);
  gemm(false, false, N, O, I, x.ptr, w.ptr, y.ptr, { bias: b ? b.ptr : 0, relu });
  const k = getBackend().k;
  return record(op, b ? [x, w, b] : [x, w], y, (dyIn) => {
    if (relu) k.relu_bwd_f32(y.ptr, dyIn.ptr, dyIn.ptr, dyIn.size);
    const dy = dyIn;
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (x.requiresGrad) {
      dx = empty(x.shape);
      gemm(false, true, N, I, O, dy.ptr, w.ptr, dx.ptr); // dy·wᵀ
    }
    if (w.requiresGrad) {
      dw = empty(w.shape);
      gemm(true, false, I, O, N, x.ptr, dy.ptr, dw.ptr); // xᵀ·dy
    }
    if (b?.requiresGrad) {
      db = empty([O]);
      k.sum_rows_f32(dy.ptr, db.ptr, N, O);
    }
    return [dx, dw, db];
  });
}
