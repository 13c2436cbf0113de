// Matrix products through the packed SIMD GEMM.
import { opError, fmtShape } from '../backend/index';
import * as A from '../kernels/activation';
import * as E from '../kernels/elementwise';
import { gemm } from '../kernels/gemm';
import { Tensor, empty } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { checkTensor, checkOptions, optionsOf } from './check';
import { fusedEpilogue, type FusedActivation } from './epilogue';
import { ACT } from '../kernels/epilogue';

/** Options of matmul. */
export interface MatmulOptions {
  /** Use a's last two dimensions swapped ([..., K, M]). */
  transposeA?: boolean;
  /** Use b's last two dimensions swapped ([..., N, K]). */
  transposeB?: boolean;
}

/**
 * a [..., M, K] (or [..., K, M] with transposeA) times b [..., K, N] (or [..., N, K] with
 * transposeB), both of rank ≥ 2: the leading (batch) dimensions broadcast as numpy's, one
 * packed GEMM per batch entry (a's batch folded into M when b has none).
 *
 * @example
 * ```ts
 * const a = sn.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
 * const b = sn.ones([3, 2]);
 * console.log(sn.matmul(a, b).toArray());                        // [[6, 6], [15, 15]]
 * console.log(sn.matmul(a, a, { transposeB: true }).shape);      // [2, 2]
 * console.log(sn.matmul(sn.zeros([4, 2, 3]), b).shape);          // [4, 2, 2]: batched
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options?: MatmulOptions | null): Tensor {
  const op = 'matmul';
  checkTensor(op, 'a', a);
  checkTensor(op, 'b', b);
  const o = checkOptions(op, options, ['transposeA', 'transposeB']);
  const tA = !!o.transposeA;
  const tB = !!o.transposeB;
  if (a.rank < 2 || b.rank < 2)
    throw opError(op, `arguments 'a' ${fmtShape(a.shape)} and 'b' ${fmtShape(b.shape)} must both have rank 2 or more`);
  const [r0, r1] = [a.shape[a.rank - 2], a.shape[a.rank - 1]];
  const [s0, s1] = [b.shape[b.rank - 2], b.shape[b.rank - 1]];
  const [M, K] = tA ? [r1, r0] : [r0, r1];
  const [K2, N] = tB ? [s1, s0] : [s0, s1];
  if (K !== K2)
    throw opError(
      op,
      `inner dimensions differ: 'a' ${fmtShape(a.shape)}${tA ? 'ᵀ' : ''} has ${K} columns, 'b' ${fmtShape(b.shape)}${tB ? 'ᵀ' : ''} has ${K2} rows`,
    );
  const ba = a.shape.slice(0, -2);
  const bb = b.shape.slice(0, -2);
  const rank = Math.max(ba.length, bb.length);
  const pa = [...new Array(rank - ba.length).fill(1), ...ba];
  const pb = [...new Array(rank - bb.length).fill(1), ...bb];
  const batch = pa.map((d, i) => {
    if (d !== pb[i] && d !== 1 && pb[i] !== 1)
      throw opError(op, `batch dimensions of 'a' ${fmtShape(a.shape)} and 'b' ${fmtShape(b.shape)} do not broadcast (${d} and ${pb[i]})`);
    return d === 1 ? pb[i] : d;
  });
  const total = batch.reduce((x, y) => x * y, 1);
  // Element offsets of each batch entry's matrix in a and b (0 along broadcast dimensions).
  const offsets = (p: number[], size: number): number[] => {
    const out = new Array<number>(total);
    for (let i = 0; i < total; i++) {
      let rem = i;
      let off = 0;
      let stride = 1;
      for (let d = rank - 1; d >= 0; d--) {
        const idx = rem % batch[d];
        rem = Math.floor(rem / batch[d]);
        if (p[d] !== 1) off += idx * stride;
        stride *= p[d];
      }
      out[i] = off * size;
    }
    return out;
  };
  const offA = offsets(pa, M * K);
  const offB = offsets(pb, K * N);
  const sizeA = a.size / Math.max(M * K, 1);
  const sizeB = b.size / Math.max(K * N, 1);
  const out = empty([...batch, M, N]);
  const mn = M * N;
  if (out.size > 0) {
    if (K === 0) E.fillValue(out.ptr, 0, out.size);
    else if (sizeB === 1 && !tA) gemm(false, tB, total * M, N, K, a.ptr, b.ptr, out.ptr); // a's batch as more rows
    else for (let i = 0; i < total; i++) gemm(tA, tB, M, N, K, a.ptr + 4 * offA[i], b.ptr + 4 * offB[i], out.ptr + 4 * i * mn);
  }
  return record(op, [a, b], out, (dy) => {
    // C = op(A)·op(B): dop(A) = dC·op(B)ᵀ, dop(B) = op(A)ᵀ·dC, then undo the transposes. A
    // matrix shared by several batch entries sums their gradients (beta = 1 after the first).
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    const empty0 = (t: Tensor) => (E.fillValue(t.ptr, 0, t.size), t);
    if (sizeB === 1 && !tA && out.size > 0 && K > 0) {
      // a's batch as more rows, as in the forward: one GEMM each
      const R = total * M;
      if (a.requiresGrad) gemm(false, !tB, R, K, N, dy.ptr, b.ptr, (da = empty(a.shape)).ptr);
      if (b.requiresGrad) {
        db = empty(b.shape);
        if (!tB) gemm(true, false, K, N, R, a.ptr, dy.ptr, db.ptr);
        else gemm(true, false, N, K, R, dy.ptr, a.ptr, db.ptr);
      }
      return [da, db];
    }
    if (a.requiresGrad) {
      da = empty0(empty(a.shape));
      if (out.size > 0 && K > 0)
        for (let i = 0; i < total; i++) {
          const beta = sizeA < total ? 1 : 0;
          const [g, w, d] = [dy.ptr + 4 * i * mn, b.ptr + 4 * offB[i], da.ptr + 4 * offA[i]];
          if (!tA) gemm(false, !tB, M, K, N, g, w, d, { beta }); // dA = dC·op(B)ᵀ
          else gemm(tB, true, K, M, N, w, g, d, { beta }); // dAᵀ = op(B)·dCᵀ
        }
    }
    if (b.requiresGrad) {
      db = empty0(empty(b.shape));
      if (out.size > 0 && K > 0)
        for (let i = 0; i < total; i++) {
          const beta = sizeB < total ? 1 : 0;
          const [g, x, d] = [dy.ptr + 4 * i * mn, a.ptr + 4 * offA[i], db.ptr + 4 * offB[i]];
          if (!tB) gemm(!tA, false, K, N, M, x, g, d, { beta }); // dB = op(A)ᵀ·dC
          else gemm(true, tA, N, K, M, g, x, d, { beta }); // dBᵀ = dCᵀ·op(A)
        }
    }
    return [da, db];
  });
}

/**
 * y = act(x·w + b + residual) for x [N, in], w [in, out], b [out]: one GEMM with the bias,
 * residual and activation in its epilogue ('relu' also when training; other activations and
 * the residual [N, out] for inference).
 *
 * @example
 * ```ts
 * const x = sn.randn([8, 4], { seed: 1 });
 * const w = sn.randn([4, 3], { seed: 2 }); // [in, out]
 * const b = sn.zeros([3]);
 * console.log(sn.linear(x, w, b, { activation: 'relu' }).shape); // [8, 3]
 * ```
 */
export function linear(x: Tensor, w: Tensor, b?: Tensor | null, options: { activation?: FusedActivation | null; residual?: Tensor | null } = {}): Tensor {
  const op = 'linear';
  checkTensor(op, 'x', x);
  checkTensor(op, 'w', w);
  options = optionsOf(op, options);
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[0])
    throw opError(op, `argument 'x' ${fmtShape(x.shape)} must be [N, in] and 'w' ${fmtShape(w.shape)} [in, out] with the same 'in'`);
  const [N, I] = x.shape;
  const O = w.shape[1];
  if (b) {
    checkTensor(op, 'b', b);
    if (b.rank !== 1 || b.shape[0] !== O) throw opError(op, `argument 'b' must have shape [${O}], got ${fmtShape(b.shape)}`);
  }
  const epi = fusedEpilogue(op, options.activation, options.residual, [N, O], [x, w, b]);
  const relu = epi.act === ACT.relu;
  const y = empty([N, O]);
  gemm(false, false, N, O, I, x.ptr, w.ptr, y.ptr, { bias: b ? b.ptr : 0, relu: epi });
  return record(op, b ? [x, w, b] : [x, w], y, (dyIn) => {
    if (relu) A.reluBwd(y.ptr, dyIn.ptr, dyIn.ptr, dyIn.size);
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
      E.sumRows(dy.ptr, db.ptr, N, O);
    }
    return [dx, dw, db];
  });
}
