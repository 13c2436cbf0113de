// The typed table of kernel exports. Pointers are byte offsets into linear memory.
type P = number; // byte offset
type I = number; // i32 size or flag
type F = number; // f32 scalar

export const OP = { ADD: 0, SUB: 1, MUL: 2, DIV: 3 } as const;

export interface Kernels {
  heap_base(): number;
  // elementwise.ts
  binary_f32(op: I, a: P, b: P, out: P, n: I): void;
  binary_scalar_f32(op: I, a: P, s: F, out: P, n: I): void;
  binary_rows_f32(op: I, a: P, b: P, out: P, rows: I, cols: I): void;
  axpy_f32(alpha: F, x: P, y: P, n: I): void;
  fill_f32(out: P, v: F, n: I): void;
  copy_f32(src: P, dst: P, n: I): void;
  sum_f32(a: P, n: I): number;
  sum_rows_f32(a: P, out: P, rows: I, cols: I): void;
  relu_f32(a: P, out: P, n: I): void;
  // gemm.ts
  gemm_f32(
    transA: I, transB: I, M: I, N: I, K: I, alpha: F,
    a: P, lda: I, b: P, ldb: I, beta: F, c: P, ldc: I,
    bias: P, act: I, scratch: P,
  ): void;
  gemm_f32_scratch_bytes(M: I, N: I, K: I): number;
}
