// Matrix products through the packed SIMD GEMM.
import { getBackend, opError, fmtShape } from '../backend/index';
import { Tensor, empty } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { checkTensor } from './check';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/** C = op(A)·op(B) + bias (bias over columns) then an optional ReLU, on raw pointers. */
export function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  a: number, b: number, c: number, opts: { beta?: number; bias?: number; relu?: boolean; alpha?: number } = {},
): void {
  const be = getBackend();
  const lda = transA ? M : K;
  const ldb = transB ? K : N;
  const scratch = be.scratch(be.k.gemm_f32_scratch_bytes(M, N, K));
  be.k.gemm_f32(+transA, +transB, M, N, K, opts.alpha ?? 1, a, lda, b, ldb, opts.beta ?? 0, c, N, opts.bias ?? 0, opts.relu ? 1 : 0, scratch);
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
