// Elementwise arithmetic with the broadcasts CNNs need: same shape, a scalar (number or
// one-element tensor), or one operand's shape a suffix of the other's (a bias over rows).
import { getBackend, opError, fmtShape, OP, f32Index } from '../backend/index';
import { Tensor, empty, shapeSize } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { checkTensor, checkNumber, sameShape } from './check';
import { scalar } from './creation';

type Operand = Tensor | number;
type OpCode = (typeof OP)[keyof typeof OP];
const NAMES = ['add', 'sub', 'mul', 'div'];

// How b lines up with a: 'same', or 'rows' (b repeats over the leading dims of a).
function suffixOf(small: readonly number[], big: readonly number[]): boolean {
  const s = small.slice();
  while (s.length && s[0] === 1) s.shift();
  if (s.length > big.length) return false;
  const off = big.length - s.length;
  return s.every((d, i) => d === big[off + i]);
}

function binary(code: OpCode, aIn: Operand, bIn: Operand): Tensor {
  const name = NAMES[code];
  const a = typeof aIn === 'number' ? scalar(checkNumber(name, 'a', aIn)) : checkTensor(name, 'a', aIn);
  const b = typeof bIn === 'number' ? scalar(checkNumber(name, 'b', bIn)) : checkTensor(name, 'b', bIn);
  const k = getBackend().k;
  let out: Tensor;
  if (sameShape(a.shape, b.shape)) {
    out = empty(a.shape);
    k.binary_f32(code, a.ptr, b.ptr, out.ptr, a.size);
  } else if (b.size === 1) {
    out = empty(a.shape);
    k.binary_scalar_f32(code, a.ptr, getBackend().f32()[f32Index(b.ptr)], out.ptr, a.size);
  } else if (b.size > 0 && suffixOf(b.shape, a.shape)) {
    out = empty(a.shape);
    k.binary_rows_f32(code, a.ptr, b.ptr, out.ptr, a.size / b.size, b.size);
  } else if (a.size > 0 && suffixOf(a.shape, b.shape)) {
    // a repeats over b's rows: tile it, then the same-shape kernel.
    const tiled = tile(a, b.shape);
    out = empty(b.shape);
    k.binary_f32(code, tiled.ptr, b.ptr, out.ptr, b.size);
    tiled.dispose();
  } else {
    throw opError(name, `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not broadcast (same shape, a scalar, or one a suffix of the other)`);
  }
  record(name, [a, b], out, (dy) => {
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (code === OP.ADD || code === OP.SUB) {
      ga = a.requiresGrad ? reduceTo(dy, a.shape) : null;
      if (b.requiresGrad) {
        gb = reduceTo(dy, b.shape);
        if (code === OP.SUB) k.binary_scalar_f32(OP.MUL, gb.ptr, -1, gb.ptr, gb.size);
      }
    } else if (code === OP.MUL) {
      if (a.requiresGrad) ga = reduceTo(mulBroadcast(dy, b), a.shape, true);
      if (b.requiresGrad) gb = reduceTo(mulBroadcast(dy, a), b.shape, true);
    } else {
      // d(a/b)/da = 1/b, d(a/b)/db = -a/b² = -out/b
      if (a.requiresGrad) ga = reduceTo(binary(OP.DIV, dy, b), a.shape, true);
      if (b.requiresGrad) {
        const t = binary(OP.MUL, dy, out);
        const q = binary(OP.DIV, t, b);
        t.dispose();
        k.binary_scalar_f32(OP.MUL, q.ptr, -1, q.ptr, q.size);
        gb = reduceTo(q, b.shape, true);
      }
    }
    return [ga, gb];
  });
  return out;
}

function mulBroadcast(dy: Tensor, other: Tensor): Tensor {
  return binary(OP.MUL, dy, other);
}

// Sums a gradient over the broadcast dimensions down to `shape`. With `consume`, g is a
// temporary that this function owns (it is returned as is, or disposed after reducing).
function reduceTo(g: Tensor, shape: readonly number[], consume = false): Tensor {
  const k = getBackend().k;
  const size = shapeSize(shape);
  let out: Tensor;
  if (size === g.size) {
    if (consume) {
      out = g.reshapeView(shape);
      g.dispose();
      return out;
    }
    out = empty(shape);
    k.copy_f32(g.ptr, out.ptr, size);
    return out;
  }
  out = empty(shape);
  if (size === 1) k.fill_f32(out.ptr, k.sum_f32(g.ptr, g.size), 1);
  else k.sum_rows_f32(g.ptr, out.ptr, g.size / size, size);
  if (consume) g.dispose();
  return out;
}

function tile(a: Tensor, shape: readonly number[]): Tensor {
  const k = getBackend().k;
  const out = empty(shape);
  for (let off = 0; off < out.size; off += a.size) k.copy_f32(a.ptr, out.ptr + off * 4, a.size);
  return out;
}

export const add = (a: Operand, b: Operand): Tensor => binary(OP.ADD, a, b);
export const sub = (a: Operand, b: Operand): Tensor => binary(OP.SUB, a, b);
export const mul = (a: Operand, b: Operand): Tensor => binary(OP.MUL, a, b);
export const div = (a: Operand, b: Operand): Tensor => binary(OP.DIV, a, b);

/** -x */
export function neg(x: Tensor): Tensor {
  return mul(x, -1);
}
