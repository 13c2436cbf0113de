// Layouts of an imported graph's activations. ONNX graphs from PyTorch are NCHW; simdnet's
// kernels are NHWC. Each runtime value carries its logical (ONNX) shape and how its tensor
// holds it, so transposes happen only where an order-dependent op needs them:
//   'plain' — the tensor's shape is the logical shape;
//   'nhwc'  — logical [N, C, H, W] held as [N, H, W, C] (what convolutions and pools take);
//   'flat'  — logical [N, C·H·W] (a Flatten of an 'nhwc' value) held in H, W, C order: a
//             dense layer after it permutes its weight rows once instead of the activations.
import * as sn from '../../index';
import { Const, onnxError, transposeConst } from './values';

type Tensor = sn.Tensor;

export interface TVal {
  t: Tensor;
  shape: number[];
  layout: 'plain' | 'nhwc' | 'flat';
  /** [C, H, W] of a 'flat' value. */
  chw?: [number, number, number];
}

export type Val = TVal | Const;

export const isConst = (v: Val | null | undefined): v is Const => v instanceof Const;

export const NCHW_TO_NHWC = [0, 2, 3, 1];

export function tval(t: Tensor, layout: TVal['layout'] = 'plain', shape?: number[], chw?: [number, number, number]): TVal {
  if (layout === 'nhwc') {
    const [N, H, W, C] = t.shape;
    return { t, layout, shape: shape ?? [N, C, H, W] };
  }
  return { t, layout, shape: shape ?? t.shape.slice(), chw };
}

/** Where each logical (NCHW) axis of an 'nhwc' value sits in its tensor. */
export const NHWC_AXIS = [0, 3, 1, 2];

/** The value as a tensor whose shape is its logical shape (a transpose unless it is trivial). */
export function plainOf(where: string, v: Val): Tensor {
  void where;
  if (isConst(v)) return sn.tensor(v.data, v.shape);
  if (v.layout === 'plain') return v.t;
  if (v.layout === 'nhwc') {
    const [, C, H, W] = v.shape;
    return H * W === 1 || C === 1 ? sn.reshape(v.t, v.shape) : sn.permute(v.t, [0, 3, 1, 2]);
  }
  const [C, H, W] = v.chw!;
  if (H * W === 1 || C === 1) return v.t;
  return sn.reshape(sn.permute(sn.reshape(v.t, [v.shape[0], H, W, C]), [0, 3, 1, 2]), v.shape);
}

/** A rank-4 value as an NHWC tensor. */
export function nhwcOf(where: string, v: Val): Tensor {
  if (!isConst(v) && v.layout === 'nhwc') return v.t;
  if (v.shape.length !== 4) throw onnxError(`${where} expects a 4-D (NCHW) input, got shape ${JSON.stringify(v.shape)}`);
  const [N, C, H, W] = v.shape;
  if (isConst(v)) return sn.tensor(transposeConst(v, NCHW_TO_NHWC).data, [N, H, W, C]);
  const t = plainOf(where, v);
  return H * W === 1 || C === 1 ? sn.reshape(t, [N, H, W, C]) : sn.permute(t, NCHW_TO_NHWC);
}

/**
 * A constant operand of an elementwise op on a tensor held in `layout`: broadcast to the
 * logical rank, permuted like the tensor, leading ones dropped (simdnet broadcasts a suffix).
 */
export function constFor(c: Const, other: TVal): Const {
  if (other.layout === 'plain' || c.size === 1) return c;
  if (other.layout === 'nhwc') {
    const r4 = [...Array(Math.max(4 - c.rank, 0)).fill(1), ...c.shape];
    if (r4.length !== 4) throw onnxError(`a constant of shape ${JSON.stringify(c.shape)} does not broadcast against ${JSON.stringify(other.shape)}`);
    const t = transposeConst(c.with(r4, c.data), NCHW_TO_NHWC);
    const s = t.shape.slice();
    while (s.length > 1 && s[0] === 1) s.shift();
    return t.with(s, t.data);
  }
  throw onnxError(`a constant of shape ${JSON.stringify(c.shape)} combined with a flattened NCHW activation needs a transpose; simdnet has no transpose op yet`);
}
