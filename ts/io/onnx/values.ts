// Constants of an imported graph (initializers, Constant nodes, shape arithmetic) and the
// small JavaScript evaluator that folds them: Shape → Gather → Concat → Reshape chains run
// here on a handful of integers, never as kernels.
import { opError } from '../../backend/errors';

export const onnxError = (message: string): Error => opError('loadOnnx', message);

export class Const {
  constructor(
    readonly kind: 'float' | 'int',
    readonly shape: number[],
    readonly data: Float32Array | Float64Array,
    readonly bool?: 'bool',
  ) {}
  get size(): number {
    return this.data.length;
  }
  get rank(): number {
    return this.shape.length;
  }
  /** The values as plain numbers (axes, sizes, pads). */
  list(): number[] {
    return Array.from(this.data);
  }
  static ints(values: number[], shape = [values.length]): Const {
    return new Const('int', shape, Float64Array.from(values));
  }
  static floats(values: ArrayLike<number>, shape: number[]): Const {
    return new Const('float', shape, Float32Array.from(values));
  }
  with(shape: number[], data: ArrayLike<number>, kind = this.kind): Const {
    return new Const(kind, shape, kind === 'float' ? Float32Array.from(data) : Float64Array.from(data));
  }
}

export const strides = (shape: readonly number[]): number[] => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
};

/** Normalises a possibly negative axis for a given rank, or throws naming the node. */
export function axisOf(where: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw onnxError(`${where}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Numpy broadcasting of two shapes. */
export function broadcastShapes(where: string, a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw onnxError(`${where}: shapes ${JSON.stringify(a)} and ${JSON.stringify(b)} do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Values of c read at every index of `shape` (c broadcast to it). */
export function expandTo(c: Const, shape: readonly number[]): Float64Array {
  const size = shape.reduce((p, d) => p * d, 1);
  const out = new Float64Array(size);
  const r = shape.length;
  const cs = strides(c.shape);
  const os = strides(shape);
  for (let i = 0; i < size; i++) {
    let src = 0;
    for (let d = 0; d < r; d++) {
      const cd = d - (r - c.rank);
      if (cd < 0 || c.shape[cd] === 1) continue;
      src += Math.floor(i / os[d]) % shape[d] * cs[cd];
    }
    out[i] = c.data[src];
  }
  return out;
}

/** Permutes the axes of a constant (weights: OIHW → HWIO, [out, in] → [in, out]). */
export function transposeConst(c: Const, perm: readonly number[]): Const {
  const shape = perm.map((p) => c.shape[p]);
  const cs = strides(c.shape);
  const os = strides(shape);
  const out = c.kind === 'float' ? new Float32Array(c.size) : new Float64Array(c.size);
  for (let i = 0; i < c.size; i++) {
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += (Math.floor(i / os[d]) % shape[d]) * cs[perm[d]];
    out[i] = c.data[src];
  }
  return new Const(c.kind, shape, out, c.bool);
}

const BINARY: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b, Pow: (a, b) => a ** b,
  Equal: (a, b) => +(a === b), Less: (a, b) => +(a < b), Greater: (a, b) => +(a > b),
  Max: Math.max, Min: Math.min, And: (a, b) => +(a && b), Or: (a, b) => +(a || b),
};
const UNARY: Record<string, (a: number) => number> = {
  Neg: (a) => -a, Abs: Math.abs, Floor: Math.floor, Ceil: Math.ceil, Sqrt: Math.sqrt, Exp: Math.exp, Log: Math.log,
  Relu: (a) => Math.max(a, 0), Sigmoid: (a) => 1 / (1 + Math.exp(-a)), Tanh: Math.tanh, Not: (a) => +!a, Reciprocal: (a) => 1 / a,
};

const sliceRange = (start: number, end: number, step: number, dim: number): number[] => {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  const idx: number[] = [];
  if (step > 0) {
    s = clamp(s, 0, dim);
    e = clamp(e, 0, dim);
    for (let i = s; i < e; i += step) idx.push(i);
  } else {
    s = clamp(s, -1, dim - 1);
    e = clamp(e, -1, dim - 1);
    for (let i = s; i > e; i += step) idx.push(i);
  }
  return idx;
};

/** Resolved slice: per axis the indices kept (numpy clamping of starts/ends, any step). */
export function sliceIndices(where: string, shape: readonly number[], starts: number[], ends: number[], axes: number[] | null, steps: number[] | null): number[][] {
  const keep = shape.map((d) => Array.from({ length: d }, (_, i) => i));
  starts.forEach((s, i) => {
    const ax = axisOf(where, axes ? axes[i] : i, shape.length);
    const step = steps ? steps[i] : 1;
    if (step === 0) throw onnxError(`${where}: a slice step is 0`);
    keep[ax] = sliceRange(s, ends[i], step, shape[ax]);
  });
  return keep;
}

/** x restricted to the given indices along each axis (a slice or a gather on constants). */
export function pick(c: Const, keep: number[][]): Const {
  const shape = keep.map((k) => k.length);
  const os = strides(shape);
  const cs = strides(c.shape);
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += keep[d][Math.floor(i / os[d]) % shape[d]] * cs[d];
    out[i] = c.data[src];
  }
  return c.with(shape, out);
}

/** Target shape of ONNX Reshape (0 copies the input's dimension unless allowzero, −1 is inferred). */
export function reshapeTarget(where: string, from: readonly number[], spec: number[], allowZero: boolean): number[] {
  const size = from.reduce((a, b) => a * b, 1);
  const out = spec.map((d, i) => (d === 0 && !allowZero ? from[i] : d));
  const neg = out.filter((d) => d === -1).length;
  if (neg > 1 || out.some((d) => d < -1 || d === undefined)) throw onnxError(`${where}: invalid target shape ${JSON.stringify(spec)}`);
  const known = out.reduce((a, d) => (d === -1 ? a : a * d), 1);
  if (neg) out[out.indexOf(-1)] = known === 0 ? 0 : size / known;
  if (out.reduce((a, b) => a * b, 1) !== size || out.some((d) => !Number.isInteger(d)))
    throw onnxError(`${where}: cannot reshape ${JSON.stringify(from)} (${size} values) to ${JSON.stringify(spec)}`);
  return out;
}

export const squeezeShape = (where: string, shape: readonly number[], axes: number[] | null): number[] => {
  const ax = axes ? axes.map((a) => axisOf(where, a, shape.length)) : shape.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of ax) if (shape[a] !== 1) throw onnxError(`${where}: cannot squeeze axis ${a} of ${JSON.stringify(shape)} (size ${shape[a]})`);
  return shape.filter((_, i) => !ax.includes(i));
};

export const unsqueezeShape = (where: string, shape: readonly number[], axes: number[]): number[] => {
  const r = shape.length + axes.length;
  const ax = axes.map((a) => axisOf(where, a, r));
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < r; i++) out.push(ax.includes(i) ? 1 : shape[j++]);
  return out;
};

/** Every op evalConst folds. */
export const CONST_OPS = [...Object.keys(BINARY), 'Div', ...Object.keys(UNARY), 'Identity', 'Cast', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze',
  'Concat', 'Gather', 'Slice', 'Transpose', 'Range', 'ConstantOfShape', 'Expand', 'Where'];

/**
 * Evaluates a node whose inputs are all constants, or returns null when the op is not one
 * the folder knows (the caller then reports it or runs it on tensors).
 */
export function evalConst(op: string, where: string, ins: (Const | null)[], attr: (name: string) => unknown, opset: number): Const[] | null {
  const x = ins[0];
  const ints = (v: unknown) => (v as number[] | undefined) ?? null;
  const axesIn = (i: number, name = 'axes') => (opset >= 13 && ins[i] ? ins[i]!.list() : ints(attr(name)));
  if (op in BINARY || op === 'Div') {
    const [a, b] = ins as Const[];
    const shape = broadcastShapes(where, a.shape, b.shape);
    const av = expandTo(a, shape);
    const bv = expandTo(b, shape);
    const float = a.kind === 'float' || b.kind === 'float';
    const f = op === 'Div' ? (p: number, q: number) => (float ? p / q : Math.trunc(p / q)) : BINARY[op];
    const bool = ['Equal', 'Less', 'Greater', 'And', 'Or'].includes(op);
    return [new Const(float && !bool ? 'float' : 'int', shape, float && !bool ? Float32Array.from(av, (v, i) => f(v, bv[i])) : Float64Array.from(av, (v, i) => f(v, bv[i])), bool ? 'bool' : undefined)];
  }
  if (op in UNARY) return [x!.with(x!.shape, Array.from(x!.data, UNARY[op]))];
  switch (op) {
    case 'Identity':
      return [x!];
    case 'Cast': {
      const to = attr('to') as number;
      const float = to === 1 || to === 10 || to === 11 || to === 16;
      return [float ? x!.with(x!.shape, x!.data, 'float') : new Const('int', x!.shape, Float64Array.from(x!.data, (v) => (to === 9 ? +(v !== 0) : Math.trunc(v))), to === 9 ? 'bool' : undefined)];
    }
    case 'Reshape':
      return [x!.with(reshapeTarget(where, x!.shape, ins[1]!.list(), attr('allowzero') === 1), x!.data)];
    case 'Flatten': {
      const a = axisOf(where, (attr('axis') as number | undefined) ?? 1, x!.rank + 1);
      const lead = x!.shape.slice(0, a).reduce((p, d) => p * d, 1);
      return [x!.with([lead, x!.size / Math.max(lead, 1)], x!.data)];
    }
    case 'Squeeze':
      return [x!.with(squeezeShape(where, x!.shape, axesIn(1)), x!.data)];
    case 'Unsqueeze':
      return [x!.with(unsqueezeShape(where, x!.shape, axesIn(1)!), x!.data)];
    case 'Concat': {
      const cs = ins as Const[];
      const axis = axisOf(where, attr('axis') as number, cs[0].rank);
      const shape = cs[0].shape.slice();
      shape[axis] = cs.reduce((s, c) => s + c.shape[axis], 0);
      const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
      const out: number[] = [];
      for (let o = 0; o < outer; o++)
        for (const c of cs) {
          const run = c.size / Math.max(outer, 1);
          for (let i = 0; i < run; i++) out.push(c.data[o * run + i]);
        }
      return [new Const(cs.some((c) => c.kind === 'float') ? 'float' : 'int', shape, cs.some((c) => c.kind === 'float') ? Float32Array.from(out) : Float64Array.from(out))];
    }
    case 'Gather': {
      const idx = ins[1]!;
      const axis = axisOf(where, (attr('axis') as number | undefined) ?? 0, x!.rank);
      const n = x!.shape[axis];
      const outShape = [...x!.shape.slice(0, axis), ...idx.shape, ...x!.shape.slice(axis + 1)];
      const inner = x!.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      const outer = x!.shape.slice(0, axis).reduce((a, b) => a * b, 1);
      const out: number[] = [];
      for (let o = 0; o < outer; o++)
        for (const raw of idx.data) {
          const i = raw < 0 ? raw + n : raw;
          if (i < 0 || i >= n) throw onnxError(`${where}: index ${raw} is out of range for axis ${axis} of size ${n}`);
          for (let k = 0; k < inner; k++) out.push(x!.data[(o * n + i) * inner + k]);
        }
      return [x!.with(outShape, out)];
    }
    case 'Slice': {
      const [starts, ends, axes, steps] = opset >= 10
        ? [ins[1]!.list(), ins[2]!.list(), ins[3]?.list() ?? null, ins[4]?.list() ?? null]
        : [attr('starts') as number[], attr('ends') as number[], ints(attr('axes')), null];
      return [pick(x!, sliceIndices(where, x!.shape, starts, ends, axes, steps))];
    }
    case 'Transpose': {
      const perm = ints(attr('perm')) ?? x!.shape.map((_, i) => x!.rank - 1 - i);
      return [transposeConst(x!, perm)];
    }
    case 'Range': {
      const [s, l, d] = ins.map((c) => c!.data[0]);
      const n = Math.max(Math.ceil((l - s) / d), 0);
      return [x!.with([n], Array.from({ length: n }, (_, i) => s + i * d))];
    }
    case 'ConstantOfShape': {
      const v = attr('value') as Const | undefined;
      const shape = x!.list();
      const size = shape.reduce((a, b) => a * b, 1);
      return [new Const(v?.kind ?? 'float', shape, v?.kind === 'int' ? new Float64Array(size).fill(v.data[0]) : new Float32Array(size).fill(v?.data[0] ?? 0))];
    }
    case 'Expand': {
      const shape = broadcastShapes(where, x!.shape, ins[1]!.list());
      return [x!.with(shape, expandTo(x!, shape))];
    }
    case 'Where': {
      const [c, a, b] = ins as Const[];
      const shape = broadcastShapes(where, broadcastShapes(where, c.shape, a.shape), b.shape);
      const cv = expandTo(c, shape), av = expandTo(a, shape), bv = expandTo(b, shape);
      return [a.with(shape, Array.from(cv, (v, i) => (v ? av[i] : bv[i])))];
    }
    default:
      return null;
  }
}
