// Elementwise arithmetic with numpy broadcasting (PyTorch's result rank): add, sub, mul, div,
// minimum, maximum, pow, where. Same shapes and scalars take the contiguous kernels; any other
// pattern runs the strided binary kernel (launcher binaryStrided) over merged dimensions (a
// per-channel scale of NHWC data is one SIMD row per pixel).
import { getBackend, opError, fmtShape, OP, f32Index } from '../backend/index';
import * as A from '../kernels/activation';
import * as E from '../kernels/elementwise';
import { Tensor, empty, shapeSize } from '../tensor/tensor';
import { record, noGrad } from '../tensor/autograd';
import { checkTensor, checkNumber, sameShape } from './check';
import { scalar } from './creation';
import { broadcastShapes, broadcastStrides, contiguousStrides, copyStrided, forEach4 } from './strided';
import { log } from './activation';

type Operand = Tensor | number;
type OpCode = (typeof OP)[keyof typeof OP];
const NAMES = ['add', 'sub', 'mul', 'div', 'minimum', 'maximum', 'pow'];

/** out = a op b on tensors whose shapes broadcast to `shape` (no tape). */
function kernel(code: OpCode, a: Tensor, b: Tensor, shape: readonly number[]): Tensor {
  const out = empty(shape);
  if (out.size === 0) return out;
  if (sameShape(a.shape, b.shape) || (a.size === out.size && b.size === out.size)) {
    E.binary(code, a.ptr, b.ptr, out.ptr, out.size);
  } else if (b.size === 1 && a.size === out.size) {
    E.binaryScalar(code, a.ptr, getBackend().f32()[f32Index(b.ptr)], out.ptr, out.size);
  } else {
    const so = contiguousStrides(shape);
    forEach4(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape), so], (o, d, [sa, sb]) =>
      E.binaryStrided(code, a.ptr + o[0] * 4, b.ptr + o[1] * 4, out.ptr + o[2] * 4, d[0], d[1], d[2], d[3], sa[0], sa[1], sa[2], sa[3], sb[0], sb[1], sb[2], sb[3]));
  }
  return out;
}

/**
 * Sums a gradient of the broadcast shape down to `shape` (the backward of a broadcast). With
 * `consume`, g is a temporary this function owns (returned reshaped, or disposed).
 */
export function reduceTo(g: Tensor, shape: readonly number[], consume = false): Tensor {
  const size = shapeSize(shape);
  if (size === g.size) {
    const out = consume ? g.reshapeView(shape) : empty(shape);
    if (consume) g.dispose();
    else E.copy(g.ptr, out.ptr, size);
    return out;
  }
  const out = empty(shape);
  const lead = g.rank - shape.length;
  const kept = g.shape.slice(lead).map((d, i) => d === shape[i]);
  const firstKept = kept.indexOf(true);
  if (size === 1) {
    E.fillValue(out.ptr, E.sum(g.ptr, g.size), 1);
  } else if (firstKept >= 0 && kept.slice(firstKept).every(Boolean) && kept.slice(0, firstKept).every((x) => !x)) {
    // A suffix is kept (a bias over rows): column sums, accumulated in f64.
    E.sumRows(g.ptr, out.ptr, g.size / size, size);
  } else {
    E.fillValue(out.ptr, 0, size);
    copyStrided(g.ptr, contiguousStrides(g.shape), out.ptr, broadcastStrides(shape, g.shape), g.shape, true);
  }
  if (consume) g.dispose();
  return out;
}

/** x materialised at the broadcast shape (x itself, with one more reference, when it has it). */
function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x.reshapeView(shape);
  const out = empty(shape);
  copyStrided(x.ptr, broadcastStrides(x.shape, shape), out.ptr, contiguousStrides(shape), shape);
  return out;
}

function operand(op: string, arg: string, v: unknown, temps: Tensor[]): Tensor {
  if (typeof v === 'number') {
    const t = scalar(checkNumber(op, arg, v));
    temps.push(t);
    return t;
  }
  return checkTensor(op, arg, v);
}

function binary(code: OpCode, aIn: Operand, bIn: Operand): Tensor {
  const name = NAMES[code];
  const temps: Tensor[] = [];
  const a = operand(name, 'a', aIn, temps);
  let b: Tensor;
  try {
    b = operand(name, 'b', bIn, temps);
  } catch (e) {
    temps.forEach((t) => t.dispose());
    throw e;
  }
  let out: Tensor;
  try {
    out = kernel(code, a, b, broadcastShapes(name, a.shape, b.shape));
  } catch (e) {
    temps.forEach((t) => t.dispose());
    throw e;
  }
  // Number operands live as long as the graph needs them (freed with out, or now).
  return record(name, [a, b], out, (dy) => noGrad(() => {
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (code === OP.ADD || code === OP.SUB) {
      if (a.requiresGrad) ga = reduceTo(dy, a.shape);
      if (b.requiresGrad) {
        gb = reduceTo(dy, b.shape);
        if (code === OP.SUB) E.binaryScalar(OP.MUL, gb.ptr, -1, gb.ptr, gb.size);
      }
    } else if (code === OP.MUL) {
      if (a.requiresGrad) ga = reduceTo(kernel(OP.MUL, dy, b, dy.shape), a.shape, true);
      if (b.requiresGrad) gb = reduceTo(kernel(OP.MUL, dy, a, dy.shape), b.shape, true);
    } else if (code === OP.DIV) {
      // d(a/b)/da = 1/b, d(a/b)/db = −a/b² = −out/b
      if (a.requiresGrad) ga = reduceTo(kernel(OP.DIV, dy, b, dy.shape), a.shape, true);
      if (b.requiresGrad) {
        const t = kernel(OP.MUL, dy, out, dy.shape);
        const q = kernel(OP.DIV, t, b, dy.shape);
        t.dispose();
        E.binaryScalar(OP.MUL, q.ptr, -1, q.ptr, q.size);
        gb = reduceTo(q, b.shape, true);
      }
    } else if (code === OP.MIN || code === OP.MAX) {
      const ea = expand(a, dy.shape);
      const eb = expand(b, dy.shape);
      const da = empty(dy.shape);
      const db = empty(dy.shape);
      E.minmaxBwd(code === OP.MAX ? 1 : 0, ea.ptr, eb.ptr, dy.ptr, da.ptr, db.ptr, dy.size);
      ea.dispose();
      eb.dispose();
      ga = a.requiresGrad ? reduceTo(da, a.shape, true) : (da.dispose(), null);
      gb = b.requiresGrad ? reduceTo(db, b.shape, true) : (db.dispose(), null);
    } else {
      // d(a^b)/da = b·a^(b−1); d(a^b)/db = a^b·log a
      if (a.requiresGrad) {
        const one = scalar(1);
        const bm1 = kernel(OP.SUB, b, one, b.shape);
        one.dispose();
        const p = kernel(OP.POW, a, bm1, dy.shape);
        bm1.dispose();
        const t = kernel(OP.MUL, p, b, dy.shape);
        p.dispose();
        const u = kernel(OP.MUL, t, dy, dy.shape);
        t.dispose();
        ga = reduceTo(u, a.shape, true);
      }
      if (b.requiresGrad) {
        const la = log(a);
        const t = kernel(OP.MUL, out, la, dy.shape);
        la.dispose();
        const u = kernel(OP.MUL, t, dy, dy.shape);
        t.dispose();
        gb = reduceTo(u, b.shape, true);
      }
    }
    return [ga, gb];
  }), temps);
}

/**
 * a + b with numpy broadcasting.
 *
 * @example
 * ```ts
 * const a = sn.tensor([1, 2, 3, 4], [2, 2]);
 * console.log(sn.add(a, sn.tensor([10, 20])).toArray()); // [[11, 22], [13, 24]]
 * console.log(sn.add(a, 1).toArray()); // [[2, 3], [4, 5]]
 * ```
 */
export const add = (a: Operand, b: Operand): Tensor => binary(OP.ADD, a, b);
/**
 * a − b with numpy broadcasting.
 *
 * @example
 * ```ts
 * console.log(sn.sub(sn.tensor([5, 7]), 2).toArray()); // [3, 5]
 * ```
 */
export const sub = (a: Operand, b: Operand): Tensor => binary(OP.SUB, a, b);
/**
 * a · b with numpy broadcasting.
 *
 * @example
 * ```ts
 * const x = sn.tensor([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]); // NHWC, 3 channels
 * const scale = sn.tensor([1, 10, 100]);                 // one factor per channel
 * console.log(sn.mul(x, scale).toArray()); // [[[[1, 20, 300], [4, 50, 600]]]]
 * ```
 */
export const mul = (a: Operand, b: Operand): Tensor => binary(OP.MUL, a, b);
/**
 * a / b with numpy broadcasting.
 *
 * @example
 * ```ts
 * console.log(sn.div(sn.tensor([1, 4]), sn.tensor([2, 8])).toArray()); // [0.5, 0.5]
 * ```
 */
export const div = (a: Operand, b: Operand): Tensor => binary(OP.DIV, a, b);
/**
 * Elementwise minimum (NaN propagates; on a tie the gradient is split in halves, as PyTorch).
 *
 * @example
 * ```ts
 * console.log(sn.minimum(sn.tensor([1, 5, 3]), 2).toArray()); // [1, 2, 2]
 * ```
 */
export const minimum = (a: Operand, b: Operand): Tensor => binary(OP.MIN, a, b);
/**
 * Elementwise maximum (NaN propagates; on a tie the gradient is split in halves, as PyTorch).
 *
 * @example
 * ```ts
 * console.log(sn.maximum(sn.tensor([1, 5, 3]), 2).toArray()); // [2, 5, 3]
 * ```
 */
export const maximum = (a: Operand, b: Operand): Tensor => binary(OP.MAX, a, b);

/**
 * a^b with numpy broadcasting. A negative base gives a real result for an integer exponent
 * only (NaN otherwise, as PyTorch); x^0 = 1.
 *
 * @example
 * ```ts
 * console.log(sn.pow(sn.tensor([1, 2, 3]), 2).toArray()); // [1, 4, 9]
 * console.log(sn.pow(sn.tensor([-8]), 1 / 3).toArray());  // [NaN]: a non-integer power of a negative base
 * ```
 */
export function pow(a: Operand, b: Operand): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return powScalar(a, checkNumber('pow', 'b', b));
  return binary(OP.POW, a, b);
}

function powScalar(x: Tensor, p: number): Tensor {
  checkTensor('pow', 'a', x);
  const y = empty(x.shape);
  if (p === 0) E.fillValue(y.ptr, 1, y.size);
  else A.powScalarFwd(x.ptr, y.ptr, x.size, p);
  return record('pow', [x], y, (dy) => {
    const dx = empty(x.shape);
    if (p === 0) E.fillValue(dx.ptr, 0, dx.size); // PyTorch: no gradient through x^0
    else A.powScalarBwd(x.ptr, dy.ptr, dx.ptr, x.size, p);
    return [dx];
  });
}

/**
 * -x
 *
 * @example
 * ```ts
 * console.log(sn.neg(sn.tensor([1, -2])).toArray()); // [-1, 2]
 * ```
 */
export function neg(x: Tensor): Tensor {
  return mul(checkTensor('neg', 'x', x), -1);
}

/**
 * cond ≠ 0 ? a : b, elementwise, the three broadcast together (numpy's where). cond is a
 * tensor of 0/1 (any nonzero counts as true) and gets no gradient.
 *
 * @example
 * ```ts
 * const x = sn.tensor([-1, 2, -3, 4]);
 * const positive = sn.tensor([0, 1, 0, 1]);
 * console.log(sn.where(positive, x, 0).toArray()); // [0, 2, 0, 4]
 * ```
 */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const op = 'where';
  checkTensor(op, 'cond', cond);
  const temps: Tensor[] = [];
  const free = () => temps.forEach((t) => t.dispose());
  try {
    const ta = operand(op, 'a', a, temps);
    const tb = operand(op, 'b', b, temps);
    const shape = broadcastShapes(op, broadcastShapes(op, cond.shape, ta.shape, ['cond', 'a']), tb.shape, ['cond, a', 'b']);
    const ec = expand(cond, shape);
    const ea = expand(ta, shape);
    const eb = expand(tb, shape);
    const out = empty(shape);
    E.whereFwd(ec.ptr, ea.ptr, eb.ptr, out.ptr, out.size);
    ea.dispose();
    eb.dispose();
    temps.push(ec);
    return record(op, [ta, tb], out, (dy) => {
      const da = empty(shape);
      const db = empty(shape);
      E.whereBwd(ec.ptr, dy.ptr, da.ptr, db.ptr, dy.size);
      return [
        ta.requiresGrad ? reduceTo(da, ta.shape, true) : (da.dispose(), null),
        tb.requiresGrad ? reduceTo(db, tb.shape, true) : (db.dispose(), null),
      ];
    }, temps);
  } catch (e) {
    free();
    throw e;
  }
}

/**
 * x broadcast to `shape` (numpy rules: x's shape aligned to the right, 1s repeat).
 *
 * @example
 * ```ts
 * console.log(sn.broadcastTo(sn.tensor([1, 2]), [2, 2]).toArray()); // [[1, 2], [1, 2]]
 * ```
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const op = 'broadcastTo';
  checkTensor(op, 'x', x);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0))
    throw opError(op, `argument 'shape' must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  const out = broadcastShapes(op, x.shape, shape, ['x', 'shape']);
  if (!sameShape(out, shape)) throw opError(op, `argument 'x' ${fmtShape(x.shape)} cannot be broadcast to ${fmtShape(shape)}`);
  const y = expand(x, shape);
  return record(op, [x], y, (dy) => [reduceTo(dy, x.shape)]);
}
