// The fused epilogues that conv2d and linear accept: an activation beyond ReLU and a residual
// added before it. The kernels apply them in their write-back (ts/kernels/epilogue.ts); with
// gradients recorded only ReLU is fused (its backward needs only y), the rest is for inference
// copies (nn.fuseForInference).
import { opError, fmtShape } from '../backend/index';
import { ACT, type Epilogue } from '../kernels/epilogue';
import { needsGrad } from '../tensor/autograd';
import type { Tensor } from '../tensor/tensor';
import { checkTensor } from './check';

/**
 * An activation fused into a convolution or GEMM epilogue: 'relu', 'relu6', 'hardswish',
 * 'sigmoid', { clip: [min, max] }, { hardsigmoid: [alpha, beta] } (y = clip(alpha·x + beta,
 * 0, 1)) or { leakyRelu: slope }.
 */
export type FusedActivation =
  | 'relu' | 'relu6' | 'hardswish' | 'sigmoid'
  | {
      /** [min, max] */
      clip: [number, number];
    }
  | {
      /** [alpha, beta] */
      hardsigmoid: [number, number];
    }
  | {
      /** The slope below 0. */
      leakyRelu: number;
    };

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const pairOf = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && finite(v[0]) && finite(v[1]);

/** The kernels' epilogue for `activation` (null/undefined: none) and `residual` (checked against the output shape). */
export function fusedEpilogue(op: string, activation: unknown, residual: Tensor | null | undefined, outShape: readonly number[], inputs: readonly (Tensor | null | undefined)[]): Epilogue {
  const e = activationCode(op, activation);
  if (residual) {
    checkTensor(op, 'residual', residual);
    if (residual.shape.length !== outShape.length || residual.shape.some((d, i) => d !== outShape[i]))
      throw opError(op, `argument 'residual' ${fmtShape(residual.shape)} must have the output's shape ${fmtShape(outShape)}`);
  }
  if ((e.act > ACT.relu || residual) && needsGrad([...inputs, residual]))
    throw opError(op, `activation ${JSON.stringify(activation)}${residual ? ' with a residual' : ''} is fused for inference only (no gradient recorded); use 'relu' or separate ops when training`);
  return { ...e, res: residual ? residual.ptr : 0 };
}

function activationCode(op: string, a: unknown): Epilogue {
  const e = (act: number, p0 = 0, p1 = 0): Epilogue => ({ act, p0, p1, res: 0 });
  if (a === undefined || a === null) return e(ACT.none);
  if (a === 'relu') return e(ACT.relu);
  if (a === 'relu6') return e(ACT.clip, 0, 6);
  if (a === 'hardswish') return e(ACT.hardswish);
  if (a === 'sigmoid') return e(ACT.sigmoid);
  if (typeof a === 'object') {
    const o = a as Record<string, unknown>;
    if ('clip' in o && pairOf(o.clip) && o.clip[0] <= o.clip[1]) return e(ACT.clip, o.clip[0], o.clip[1]);
    if ('hardsigmoid' in o && pairOf(o.hardsigmoid)) return e(ACT.hardsigmoid, o.hardsigmoid[0], o.hardsigmoid[1]);
    if ('leakyRelu' in o && finite(o.leakyRelu)) return e(ACT.leakyRelu, o.leakyRelu);
  }
  throw opError(op, `argument 'activation' must be null, 'relu', 'relu6', 'hardswish', 'sigmoid', { clip: [min, max] }, { hardsigmoid: [alpha, beta] } or { leakyRelu: slope }, got ${JSON.stringify(a)}`);
}
