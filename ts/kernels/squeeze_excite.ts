// Squeeze-and-excitation as one step: global average pool → 1×1 (GEMM, activation in its
// epilogue) → 1×1 (GEMM, gate activation in its epilogue) → per-channel scale, through the
// pooling, GEMM and elementwise kernels on one small scratch block (no tensors in between).
import { getBackend, OP } from '../backend/index';
import type { Epilogue } from './epilogue';
import { binaryRows } from './elementwise';
import { gemm } from './gemm';
import { globalAvgpoolFwd } from './pool';

/** Weights of one squeeze-excite block: fc1 [C, S] + b1 [S], fc2 [S, C] + b2 [C] (pointers), and their epilogues. */
export interface SqueezeExciteWeights {
  C: number; S: number;
  w1: number; b1: number; act1: Epilogue;
  w2: number; b2: number; gate: Epilogue;
}

/** y[n, p, c] = x[n, p, c] · gate(fc2(act1(fc1(mean_p x[n, ·, ·]))))[c] for x, y [N, HW, C] (y may be x). */
export function squeezeExcite(x: number, y: number, N: number, HW: number, se: SqueezeExciteWeights): void {
  const be = getBackend();
  const { C, S } = se;
  const t = be.alloc(4 * N * (2 * C + S));
  const pooled = t, hidden = t + 4 * N * C, scale = hidden + 4 * N * S;
  try {
    globalAvgpoolFwd(x, pooled, N, HW, 1, C);
    gemm(false, false, N, S, C, pooled, se.w1, hidden, { bias: se.b1, relu: se.act1 });
    gemm(false, false, N, C, S, hidden, se.w2, scale, { bias: se.b2, relu: se.gate });
    for (let n = 0; n < N; n++) binaryRows(OP.MUL, x + 4 * n * HW * C, scale + 4 * n * C, y + 4 * n * HW * C, HW, C);
  } finally {
    be.free(t);
  }
}
