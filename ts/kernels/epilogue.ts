// The fused epilogue of the convolution and GEMM kernels (assembly/conv_common.ts):
// y = act(… + bias + residual), act a code with two parameters.
import * as A from './activation';
import { axpy } from './elementwise';

/** Activation codes of the kernels' `act` argument. */
export const ACT = { none: 0, relu: 1, clip: 2, hardswish: 3, hardsigmoid: 4, sigmoid: 5, leakyRelu: 6 } as const;

/** An epilogue: activation code, its parameters p0/p1, and a residual pointer (0: none) with the output's layout. */
export interface Epilogue { act: number; p0: number; p1: number; res: number }

const NONE: Epilogue = { act: ACT.none, p0: 0, p1: 0, res: 0 };
const RELU: Epilogue = { act: ACT.relu, p0: 0, p1: 0, res: 0 };

/** A launcher's epilogue argument: a full epilogue, or true for ReLU / false for none. */
export type EpilogueArg = Epilogue | boolean;

export const epilogueOf = (e: EpilogueArg): Epilogue => (typeof e === 'boolean' ? (e ? RELU : NONE) : e);

/**
 * The same epilogue as separate passes over y (n floats, the bias already added): the
 * residual added, then activation.ts's kernel. For kernels without the fused epilogue;
 * the fused kernels give the same bits.
 */
export function epiloguePasses(e: Epilogue, y: number, n: number): void {
  if (e.res) axpy(1, e.res, y, n);
  switch (e.act) {
    case ACT.none: return;
    case ACT.relu: return A.reluFwd(y, y, n);
    case ACT.clip: return A.clipFwd(y, y, n, e.p0, e.p1);
    case ACT.hardswish: return A.hardSwishFwd(y, y, n);
    case ACT.hardsigmoid: return A.hardSigmoidFwd(y, y, n, e.p0, e.p1);
    case ACT.sigmoid: return A.sigmoidFwd(y, y, n);
    case ACT.leakyRelu: return A.leakyReluFwd(y, y, n, e.p0);
    default: throw new Error(`simdnet: unknown epilogue activation code ${e.act}`);
  }
}
