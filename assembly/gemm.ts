// Packed SIMD GEMM: C = act(alpha·op(A)·op(B) + beta·C + bias per column + residual), the
// fused epilogue of conv_common.ts.
//
// Blocking (GotoBLAS/BLIS order): columns of B in blocks of up to NC, k in blocks of up to
// KC, rows of A in blocks of up to MC. Each k-block of B is packed into 8-column panels
// ([k][8] floats) and each block of A into 4-row panels ([k][4] floats, alpha folded in), so
// the micro-kernel reads both operands sequentially whatever the transposes were: packing
// absorbs op(). The 4×8 micro-kernel keeps 8 f32x4 accumulators plus 3 operands in
// registers (larger tiles spill in V8 and run at less than half speed). Edges (M % 4,
// N % 8) are computed on zero-padded panels into a padded scratch block and copied out.

import { ld, st } from './simd_math';
import { epilogue_f32x4, epilogue_inline_f32x4, ACT_NONE, ACT_RELU, ACT_CLIP, ACT_HARDSWISH } from './conv_common';

// @ts-ignore: decorator
@inline const MR = 4;
// @ts-ignore: decorator
@inline const NR = 8;
// Block sizes: an A block (MC×KC = 256 KiB) stays in L2, a B panel (KC×8 = 16 KiB) in L1.
// KC 512 rather than 256: when B streams from memory and A has few rows (ResNet-18's
// 7²×512 Winograd layers: 16 rows against 16 weight matrices of 1 MiB each), each B panel
// is then read in one sequential run of up to 512 rows and C is written once instead of
// read back per k-block: those layers 5.0 → 4.0 ms each (kernel profile of `npm run bench
// -- resnet18`, row conv2d_nhwc_winograd_f2x2_3x3_fwd_f32 7²×512→512); square GEMMs unchanged.
// @ts-ignore: decorator
@inline const MC = 128;
// @ts-ignore: decorator
@inline const KC = 512;
// @ts-ignore: decorator
@inline const NC = 1024;

// How the write-back combines the new product with C.
// @ts-ignore: decorator
@inline const C_NONE = 0;   // C = acc (first k-block, beta == 0: C is never read)
// @ts-ignore: decorator
@inline const C_ADD = 1;    // C = acc + C (beta == 1, or a later k-block)
// @ts-ignore: decorator
@inline const C_SCALE = 2;  // C = acc + beta·C (first k-block)

// @ts-ignore: decorator
@inline function ceilDiv(a: i32, b: i32): i32 { return (a + b - 1) / b; }
// @ts-ignore: decorator
@inline function roundUp(a: i32, m: i32): i32 { return ceilDiv(a, m) * m; }

// Block size for a dimension of n: at most `cap`, the blocks as even as possible, a multiple
// of `m` so only the last block has a partial panel. At least m (n == 0 still runs once).
// @ts-ignore: decorator
@inline function blockSize(n: i32, cap: i32, m: i32): i32 {
  return max(m, roundUp(ceilDiv(n, ceilDiv(n, cap)), m));
}

// Bytes of scratch gemm_f32 needs for these sizes (the packed A block, the packed B block,
// an 8-column edge block as tall as an A block, and a padded bias row). A multiple of 16.
export function gemm_f32_scratch_bytes(M: i32, N: i32, K: i32): usize {
  const mc = blockSize(M, MC, MR);
  const nc = blockSize(N, NC, NR);
  const kc = K > 0 ? ceilDiv(K, ceilDiv(K, KC)) : 0;
  return (<usize>mc * kc + <usize>nc * kc + <usize>mc * NR + NR) << 2;
}

// Scratch enough for gemm_f32 on every M' ≤ M and K' ≤ K with this N (a threaded caller
// splits rows or k-blocks and gives each part a block of one size): the A block is at most
// min(M rounded up to 4, MC) rows and the k-block at most min(K, KC) deep.
export function gemm_f32_max_scratch_bytes(M: i32, N: i32, K: i32): usize {
  const mc = min(roundUp(max(M, 1), MR), MC);
  const nc = blockSize(N, NC, NR);
  const kc = min(max(K, 0), KC);
  return (<usize>mc * kc + <usize>nc * kc + <usize>mc * NR + NR) << 2;
}

// Packs rows [i0, i0+mc) × k [p0, p0+kc) of op(A), times alpha, into 4-row panels: panel p
// holds rows 4p..4p+3 as [k][4]; rows past mc are zero.
function pack_a(transA: i32, a: usize, lda: i32, i0: i32, p0: i32, mc: i32, kc: i32,
  alpha: f32, dst: usize): void {
  const va = f32x4.splat(alpha);
  for (let ir = 0; ir < mc; ir += MR) {
    const panel = dst + (<usize>ir * kc << 2);
    const mr = min(MR, mc - ir);
    if (mr == MR && transA != 0) {
      // op(A)(i, k) = A[k, i]: 4 consecutive rows are contiguous in memory.
      let src = a + ((<usize>p0 * lda + i0 + ir) << 2);
      const step = <usize>lda << 2;
      for (let k = 0; k < kc; k++) {
        v128.store(panel + (<usize>k << 4), f32x4.mul(v128.load(src), va));
        src += step;
      }
    } else if (mr == MR) {
      // Rows are strided: load 4×4 blocks and transpose them.
      const step = <usize>lda << 2;
      const r0 = a + ((<usize>(i0 + ir) * lda + p0) << 2);
      const r1 = r0 + step, r2 = r1 + step, r3 = r2 + step;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>k << 2;
        const v0 = v128.load(r0 + o), v1 = v128.load(r1 + o);
        const v2 = v128.load(r2 + o), v3 = v128.load(r3 + o);
        const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
        const t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
        const d = panel + (<usize>k << 4);
        v128.store(d, f32x4.mul(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), va));
        v128.store(d, f32x4.mul(v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), va), 16);
        v128.store(d, f32x4.mul(v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), va), 32);
        v128.store(d, f32x4.mul(v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), va), 48);
      }
      for (; k < kc; k++) {
        const o = <usize>k << 2;
        const d = panel + (<usize>k << 4);
        store<f32>(d, load<f32>(r0 + o) * alpha);
        store<f32>(d, load<f32>(r1 + o) * alpha, 4);
        store<f32>(d, load<f32>(r2 + o) * alpha, 8);
        store<f32>(d, load<f32>(r3 + o) * alpha, 12);
      }
    } else {
      // Last, partial panel: element by element, zero-padded.
      for (let k = 0; k < kc; k++) {
        for (let r = 0; r < MR; r++) {
          let v: f32 = 0;
          if (r < mr) {
            const i = <usize>(i0 + ir + r), kk = <usize>(p0 + k);
            v = load<f32>(a + ((transA != 0 ? kk * lda + i : i * lda + kk) << 2)) * alpha;
          }
          store<f32>(panel + ((<usize>k * MR + r) << 2), v);
        }
      }
    }
  }
}

// Packs k [p0, p0+kc) × columns [j0, j0+nc) of op(B) into 8-column panels: panel p holds
// columns 8p..8p+7 as [k][8]; columns past nc are zero.
function pack_b(transB: i32, b: usize, ldb: i32, p0: i32, j0: i32, kc: i32, nc: i32,
  dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const panel = dst + (<usize>jr * kc << 2);
    const nr = min(NR, nc - jr);
    if (nr == NR && transB == 0) {
      // op(B)(k, j) = B[k, j]: 8 consecutive columns are contiguous.
      let src = b + ((<usize>p0 * ldb + j0 + jr) << 2);
      const step = <usize>ldb << 2;
      for (let k = 0; k < kc; k++) {
        const d = panel + (<usize>k << 5);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
        src += step;
      }
    } else if (nr == NR) {
      // op(B)(k, j) = B[j, k]: columns are strided rows of B; transpose 4×4 blocks.
      const step = <usize>ldb << 2;
      const base = b + ((<usize>(j0 + jr) * ldb + p0) << 2);
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        for (let h = 0; h < 2; h++) {
          const r0 = base + <usize>(h * 4) * step + (<usize>k << 2);
          const v0 = v128.load(r0), v1 = v128.load(r0 + step);
          const v2 = v128.load(r0 + 2 * step), v3 = v128.load(r0 + 3 * step);
          const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
          const t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
          const d = panel + (<usize>k << 5) + (<usize>h << 4);
          v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
          v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32);
          v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64);
          v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96);
        }
      }
      for (; k < kc; k++) {
        const d = panel + (<usize>k << 5);
        const s = base + (<usize>k << 2);
        for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), load<f32>(s + <usize>c * step));
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let c = 0; c < NR; c++) {
          let v: f32 = 0;
          if (c < nr) {
            const j = <usize>(j0 + jr + c), kk = <usize>(p0 + k);
            v = load<f32>(b + ((transB != 0 ? j * ldb + kk : kk * ldb + j) << 2));
          }
          store<f32>(panel + ((<usize>k * NR + c) << 2), v);
        }
      }
    }
  }
}

// One row of the write-back: combine with C as `cmode` says, add the bias row and the
// residual row rr (0: none), apply the activation.
// @ts-ignore: decorator
@inline function write_row(cr: usize, rr: usize, v0: v128, v1: v128, cmode: i32, vbeta: v128,
  bias: usize, act: i32, p: v128, q: v128): void {
  if (cmode == C_ADD) {
    v0 = f32x4.add(v0, v128.load(cr));
    v1 = f32x4.add(v1, v128.load(cr, 16));
  } else if (cmode == C_SCALE) {
    v0 = f32x4.add(v0, f32x4.mul(vbeta, v128.load(cr)));
    v1 = f32x4.add(v1, f32x4.mul(vbeta, v128.load(cr, 16)));
  }
  if (bias != 0) {
    v0 = f32x4.add(v0, v128.load(bias));
    v1 = f32x4.add(v1, v128.load(bias, 16));
  }
  if (rr != 0) {
    v0 = f32x4.add(v0, v128.load(rr));
    v1 = f32x4.add(v1, v128.load(rr, 16));
  }
  v0 = epilogue_inline_f32x4(act, v0, p, q);
  v1 = epilogue_inline_f32x4(act, v1, p, q);
  v128.store(cr, v0);
  v128.store(cr, v1, 16);
}

// The 4×8 micro-kernel, run down one 8-column B panel: for each of `tiles` consecutive 4-row
// A panels (pa walks from one panel straight into the next) it computes a 4×8 tile of C
// over kc steps, broadcasting each A element (load32_splat) against two B vectors, then
// writes the tile back. ldcb is C's row stride in bytes (also the residual's, res: 0 or the
// residual of the first row); bias is 0 or a row of 8 floats.
// The loop over tiles lives here rather than in the caller: with the k loop nested in it,
// TurboFan hoists the address arithmetic out of the k loop (measured 0.71 → 0.86 of peak).
// Unrolling k does not help: Binaryen merges the unrolled steps into one expression per
// accumulator, which keeps every step's operands live at once and spills.
// The activation is inline in the write-back (a call there would spill the accumulators
// still to be written: ReLU6 layers ran at 0.32–0.48 of peak, `npm run bench -- gemm
// --only=MNv2`'s relu6 cases), and the common ones get a loop of their own.
function gemm_f32_4x8(kc: i32, pa: usize, pb0: usize, c: usize, ldcb: usize, tiles: i32,
  cmode: i32, beta: f32, bias: usize, act: i32, p0: f32, p1: f32, res: usize): void {
  if (act == ACT_NONE) tiles_4x8(kc, pa, pb0, c, ldcb, tiles, cmode, beta, bias, ACT_NONE, p0, p1, res);
  else if (act == ACT_CLIP) tiles_4x8(kc, pa, pb0, c, ldcb, tiles, cmode, beta, bias, ACT_CLIP, p0, p1, res);
  else if (act == ACT_RELU) tiles_4x8(kc, pa, pb0, c, ldcb, tiles, cmode, beta, bias, ACT_RELU, p0, p1, res);
  else if (act == ACT_HARDSWISH) tiles_4x8(kc, pa, pb0, c, ldcb, tiles, cmode, beta, bias, ACT_HARDSWISH, p0, p1, res);
  else tiles_4x8(kc, pa, pb0, c, ldcb, tiles, cmode, beta, bias, act, p0, p1, res);
}

// @ts-ignore: decorator
@inline function tiles_4x8(kc: i32, pa: usize, pb0: usize, c: usize, ldcb: usize, tiles: i32,
  cmode: i32, beta: f32, bias: usize, act: i32, p0: f32, p1: f32, res: usize): void {
  const vbeta = f32x4.splat(beta);
  const p = f32x4.splat(p0), q = f32x4.splat(p1);
  for (let t = 0; t < tiles; t++) {
    let pb = pb0;
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
    let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
    let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
    // Bounded by B's pointer rather than a counter: one instruction less per step, 3–5 %
    // (npm run bench -- gemm --only=MNv2's 112²×16→96, 56²×24→144, 14²×96→576, 7²×960→320).
    const pbEnd = pb + (<usize>kc << 5);
    while (pb < pbEnd) {
      const b0 = v128.load(pb), b1 = v128.load(pb, 16);
      let a = v128.load32_splat(pa);
      c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
      a = v128.load32_splat(pa, 4);
      c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
      a = v128.load32_splat(pa, 8);
      c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
      a = v128.load32_splat(pa, 12);
      c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
      pa += 16;
      pb += 32;
    }
    write_row(c, res, c00, c01, cmode, vbeta, bias, act, p, q);
    write_row(c + ldcb, res != 0 ? res + ldcb : 0, c10, c11, cmode, vbeta, bias, act, p, q);
    write_row(c + 2 * ldcb, res != 0 ? res + 2 * ldcb : 0, c20, c21, cmode, vbeta, bias, act, p, q);
    write_row(c + 3 * ldcb, res != 0 ? res + 3 * ldcb : 0, c30, c31, cmode, vbeta, bias, act, p, q);
    c += ldcb << 2;
    if (res != 0) res += ldcb << 2;
  }
}

// C[M,N] = act(alpha·op(A)·op(B) + beta·C + bias[j] + res[i,j]): bias and res may be 0 (none);
// res has C's layout (ldc) and must not overlap C unless it is C itself; act is an epilogue code
// of conv_common.ts with parameters p0, p1. Row-major; op(A) is M×K (A[i,k] at a + 4(i·lda + k), or a + 4(k·lda + i) when
// transA), op(B) is K×N likewise with ldb, C[i,j] at c + 4(i·ldc + j). beta == 0 never reads
// C; K == 0 gives beta·C (+bias, act). `scratch` (16-byte aligned) holds
// gemm_f32_scratch_bytes(M, N, K) bytes.
export function gemm_f32(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
  a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32,
  bias: usize, act: i32, p0: f32, p1: f32, res: usize, scratch: usize): void {
  gemm_blocks(false, transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, bias, act, p0, p1, res, scratch);
}

// B packed once (gemm_weights_f32) for many products, as a layer's weights are: C[M,N] =
// act(A·B + bias[j] + res[i,j]) with A row-major (lda), wp the packed B [K, N]. The same
// blocks and micro-kernel as gemm_f32 on the same panels, so the same bits; only the copy of
// B is gone (it took 7 % of MobileNetV2's forward, whose 1×1 convolutions each packed their
// weights on every call). `scratch` holds gemm_prepacked_f32_scratch_bytes(M, N, K) bytes.
export function gemm_prepacked_f32(M: i32, N: i32, K: i32, a: usize, lda: i32, wp: usize,
  c: usize, ldc: i32, bias: usize, act: i32, p0: f32, p1: f32, res: usize, scratch: usize): void {
  gemm_blocks(true, 0, 0, M, N, K, 1, a, lda, wp, 0, 0, c, ldc, bias, act, p0, p1, res, scratch);
}

// Bytes of scratch gemm_prepacked_f32 needs: gemm_f32's without the packed B block. Also
// enough for every smaller M and K (a threaded caller's parts).
export function gemm_prepacked_f32_scratch_bytes(M: i32, N: i32, K: i32): usize {
  const mc = min(roundUp(max(M, 1), MR), MC);
  const kc = min(max(K, 0), KC);
  return (<usize>mc * kc + <usize>mc * NR + NR) << 2;
}

// Bytes of B [K, N] packed by gemm_weights_f32: N rounded up to 8 columns, times K.
export function gemm_weights_f32_bytes(K: i32, N: i32): usize {
  return <usize>roundUp(max(N, 0), NR) * max(K, 0) << 2;
}

// Packs B [K, N] (row stride ldb) for gemm_prepacked_f32 into dst: 8-column panels, panel p
// (columns 8p..8p+7, zero past N) holding [K][8] at dst + 32·p·K bytes, so a k-block
// [pc, pc+kc) of a panel is the kc×8 floats from its row pc, what pack_b gives gemm_f32.
export function gemm_weights_f32(b: usize, ldb: i32, K: i32, N: i32, dst: usize): void {
  if (K <= 0 || N <= 0) return;
  pack_b(0, b, ldb, 0, 0, K, N, dst);
}

// gemm_f32's blocks. prepacked (a literal): b is B packed whole by gemm_weights_f32, never
// copied; otherwise each k-block × column block of op(B) is packed into scratch.
// @ts-ignore: decorator
@inline function gemm_blocks(prepacked: bool, transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
  a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32,
  bias: usize, act: i32, p0: f32, p1: f32, res: usize, scratch: usize): void {
  if (M <= 0 || N <= 0) return;
  if (K < 0) K = 0;
  const mcStep = blockSize(M, MC, MR);
  const ncStep = blockSize(N, NC, NR);
  const kcStep = K > 0 ? ceilDiv(K, ceilDiv(K, KC)) : 1;
  const kcAlloc: usize = K > 0 ? <usize>kcStep : 0;
  const packA = scratch;
  const packB = packA + (<usize>mcStep * kcAlloc << 2);
  const edge = prepacked ? packB : packB + (<usize>ncStep * kcAlloc << 2);
  const edgeBias = edge + (<usize>mcStep * NR << 2);
  const ldcb = <usize>ldc << 2;
  const firstMode = beta == 0 ? C_NONE : beta == 1 ? C_ADD : C_SCALE;

  if (!prepacked && M < MR && transB == 0 && K > 0) {
    gemm_rows(M, N, K, ncStep, kcStep, alpha, a, transA, lda, b, ldb, c, ldcb, firstMode, beta, bias, act, p0, p1, res, packB);
    return;
  }

  for (let jc = 0; jc < N; jc += ncStep) {
    const nc = min(ncStep, N - jc);
    // One pass over k even when K == 0: the write-back then yields beta·C (+bias, act).
    for (let pc = 0; pc == 0 || pc < K; pc += kcStep) {
      const kc = min(kcStep, K - pc);
      const cmode = pc == 0 ? firstMode : C_ADD;
      const last = pc + kc >= K;
      const useBias = last && bias != 0;
      const rowAct = last ? act : 0;
      const useRes = last && res != 0;
      if (!prepacked) pack_b(transB, b, ldb, pc, jc, kc, nc, packB);
      for (let ic = 0; ic < M; ic += mcStep) {
        const mc = min(mcStep, M - ic);
        pack_a(transA, a, lda, ic, pc, mc, kc, alpha, packA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = prepacked ? b + ((<usize>(jc + jr) * K + <usize>pc * NR) << 2) : packB + (<usize>jr * kc << 2);
          const j = jc + jr;
          const biasRow = useBias ? bias + (<usize>j << 2) : 0;
          const off = <usize>ic * ldcb + (<usize>j << 2);
          const c0 = c + off;
          const r0w = useRes ? res + off : 0;
          // Full tiles go straight into C; the rows past the last multiple of 4, or a whole
          // panel narrower than 8 columns, go through the padded edge block.
          if (nr == NR) {
            const full = mc / MR;
            gemm_f32_4x8(kc, packA, pb, c0, ldcb, full, cmode, beta, biasRow, rowAct, p0, p1, r0w);
            const r0 = full * MR;
            if (r0 < mc) {
              edge_block(kc, packA + (<usize>r0 * kc << 2), pb, c0 + <usize>r0 * ldcb, ldcb,
                mc - r0, nr, cmode, beta, biasRow, rowAct, p0, p1, useRes ? r0w + <usize>r0 * ldcb : 0, edge, edgeBias);
            }
          } else {
            edge_block(kc, packA, pb, c0, ldcb, mc, nr, cmode, beta, biasRow, rowAct, p0, p1, r0w, edge, edgeBias);
          }
        }
      }
    }
  }
}

// An edge block: `rows` rows × nr (≤ 8) columns of C whose 4-row tiles are not all full or
// whose panel is narrower than 8. The kernel runs on a copy padded to 8 columns and to a
// multiple of 4 rows (`edge`, row stride 32 bytes; the bias row padded into `edgeBias`),
// then the valid part is copied back with the residual (res: 0 or its first row) and the
// activation: the same order of operations as write_row. Plain loops: memory.copy is a call
// per row in V8.
function edge_block(kc: i32, pa: usize, pb: usize, c: usize, ldcb: usize, rows: i32, nr: i32,
  cmode: i32, beta: f32, biasRow: usize, act: i32, p0: f32, p1: f32, res: usize,
  edge: usize, edgeBias: usize): void {
  const tiles = (rows + MR - 1) / MR;
  if (cmode != C_NONE) {
    for (let r = 0; r < rows; r++) {
      const src = c + <usize>r * ldcb;
      const dst = edge + (<usize>r * NR << 2);
      for (let j = 0; j < NR; j++) store<f32>(dst + (<usize>j << 2), j < nr ? load<f32>(src + (<usize>j << 2)) : 0);
    }
  }
  let bias: usize = 0;
  if (biasRow != 0) {
    for (let j = 0; j < NR; j++) store<f32>(edgeBias + (<usize>j << 2), j < nr ? load<f32>(biasRow + (<usize>j << 2)) : 0);
    bias = edgeBias;
  }
  gemm_f32_4x8(kc, pa, pb, edge, NR << 2, tiles, cmode, beta, bias, 0, 0, 0, 0);
  const p = f32x4.splat(p0), q = f32x4.splat(p1);
  for (let r = 0; r < rows; r++) {
    const src = edge + (<usize>r * NR << 2);
    const dst = c + <usize>r * ldcb;
    const rr = res != 0 ? res + <usize>r * ldcb : 0;
    for (let j = 0; j < nr; j += 4) {
      const L = min(4, nr - j);
      const o = <usize>j << 2;
      let v = ld(L, src + o);
      if (rr != 0) v = f32x4.add(v, ld(L, rr + o));
      st(L, dst + o, epilogue_f32x4(act, v, p, q));
    }
  }
}

// Fewer than 4 rows of C with B not transposed (a dense layer at batch 1): packing B would
// copy all of it for one use and a 4-row tile would compute up to 4 times the rows, so each
// row is accumulated along B's rows instead (acc[j] += a[k]·B[k, j], B read once, in order),
// in an acc row of up to ncStep floats (scratch: the packed-B area, ncStep·kc floats). Each element of C sees the same operations as on the
// packed path: per k-block a sum from 0 in k order of (alpha·a)·b, added to C block by block,
// then bias, residual and activation.
function gemm_rows(M: i32, N: i32, K: i32, ncStep: i32, kcStep: i32, alpha: f32, a: usize, transA: i32, lda: i32,
  b: usize, ldb: i32, c: usize, ldcb: usize, firstMode: i32, beta: f32, bias: usize, act: i32,
  p0: f32, p1: f32, res: usize, acc: usize): void {
  const vbeta = f32x4.splat(beta);
  const p = f32x4.splat(p0), q = f32x4.splat(p1);
  const ldbb = <usize>ldb << 2;
  for (let jc = 0; jc < N; jc += ncStep) {
    const nc = min(ncStep, N - jc);
    const n4 = nc & ~3;
    const bcol = b + (<usize>jc << 2);
    for (let i = 0; i < M; i++) {
      const crow = c + <usize>i * ldcb + (<usize>jc << 2);
      const rrow = res != 0 ? res + <usize>i * ldcb + (<usize>jc << 2) : 0;
      const brow0 = bias != 0 ? bias + (<usize>jc << 2) : 0;
      for (let pc = 0; pc < K; pc += kcStep) {
        const kc = min(kcStep, K - pc);
        const cmode = pc == 0 ? firstMode : C_ADD;
        const last = pc + kc >= K;
        memory.fill(acc, 0, <usize>nc << 2);
        let brow = bcol + <usize>pc * ldbb;
        for (let k = pc; k < pc + kc; k++) {
          const av = load<f32>(a + ((transA != 0 ? <usize>k * lda + i : <usize>i * lda + k) << 2)) * alpha;
          const va = f32x4.splat(av);
          let j = 0;
          for (; j < n4; j += 4) {
            const o = <usize>j << 2;
            v128.store(acc + o, f32x4.add(v128.load(acc + o), f32x4.mul(va, v128.load(brow + o))));
          }
          for (; j < nc; j++) {
            const o = <usize>j << 2;
            store<f32>(acc + o, load<f32>(acc + o) + av * load<f32>(brow + o));
          }
          brow += ldbb;
        }
        for (let j = 0; j < nc; j += 4) {
          const L = min(4, nc - j);
          const o = <usize>j << 2;
          let v = ld(L, acc + o);
          if (cmode == C_ADD) v = f32x4.add(v, ld(L, crow + o));
          else if (cmode == C_SCALE) v = f32x4.add(v, f32x4.mul(vbeta, ld(L, crow + o)));
          if (last) {
            if (brow0 != 0) v = f32x4.add(v, ld(L, brow0 + o));
            if (rrow != 0) v = f32x4.add(v, ld(L, rrow + o));
            v = epilogue_f32x4(act, v, p, q);
          }
          st(L, crow + o, v);
        }
      }
    }
  }
}
