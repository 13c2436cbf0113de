// Output geometry of sliding-window ops (convolution, pooling): out = (in + pads − span)/stride + 1
// with span = dilation·(kernel − 1) + 1, rounded down by default as PyTorch, TensorFlow and
// ONNX do. roundMode 'exact' makes a size that does not divide an Error (the course's rule:
// its 7×7 input, 3×3 filter, stride 3 does not fit); 'ceil' is PyTorch's ceil_mode.
import { opError } from '../backend/index';
import { checkNumber } from './check';

/**
 * Padding of a window: 'valid' (none), 'same' (output size = ceil(input / stride), the odd pixel
 * at the bottom/right), p on every side, [ph, pw], or [top, bottom, left, right].
 */
export type Padding = 'valid' | 'same' | number | [number, number] | [number, number, number, number];
/**
 * How an output size rounds when the windows do not tile the input: 'floor', 'ceil' (a last
 * partial window) or 'exact' (an Error).
 */
export type RoundMode = 'exact' | 'floor' | 'ceil';
/** A size per axis [h, w], or one number for both. */
export type Pair = number | [number, number];

export interface Window {
  KH: number; KW: number;
  sh: number; sw: number;
  dh: number; dw: number;
  OH: number; OW: number;
  padTop: number; padLeft: number; padBottom: number; padRight: number;
}

export function pair(op: string, arg: string, v: Pair | undefined, dflt: number, min: number): [number, number] {
  const p: [number, number] = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2) throw opError(op, `argument '${arg}' must be a number or [h, w], got ${JSON.stringify(v)}`);
  // Kernels index with 32-bit integers: a size of 2^24 or more would overflow them (a
  // kernel of 2^31 looped forever); no window needs one.
  checkNumber(op, arg, p[0], { integer: true, min, max: 2 ** 24 - 1 });
  checkNumber(op, arg, p[1], { integer: true, min, max: 2 ** 24 - 1 });
  return p;
}

/** Padding as [top, bottom, left, right]; 'same' is resolved against the input size. */
function pads(op: string, padding: Padding, H: number, W: number, k: [number, number], s: [number, number], d: [number, number]): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    // TensorFlow's rule: out = ceil(in/stride); the odd pixel of padding goes bottom/right.
    const total = (n: number, i: 0 | 1) => Math.max((Math.ceil(n / s[i]) - 1) * s[i] + d[i] * (k[i] - 1) + 1 - n, 0);
    const th = total(H, 0);
    const tw = total(W, 1);
    return [th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1)];
  }
  const p = typeof padding === 'number' ? [padding, padding, padding, padding] : padding.length === 2 ? [padding[0], padding[0], padding[1], padding[1]] : padding;
  if (!Array.isArray(p) || p.length !== 4)
    throw opError(op, `argument 'padding' must be 'valid', 'same', a number, [h, w] or [top, bottom, left, right], got ${JSON.stringify(padding)}`);
  for (const v of p) checkNumber(op, 'padding', v, { integer: true, min: 0 });
  return p as [number, number, number, number];
}

function outSize(op: string, axis: string, n: number, p0: number, p1: number, span: number, s: number, mode: RoundMode): number {
  const room = n + p0 + p1 - span;
  if (room < 0)
    throw opError(op, `the window (span ${span}) is larger than the padded input along ${axis} (${n} + ${p0 + p1} padding)`);
  if (mode === 'exact' && room % s !== 0)
    throw opError(
      op,
      `along ${axis}, (${n} + ${p0 + p1} − ${span}) / ${s} + 1 is not an integer: the window does not fit the input; ` +
        `change padding or stride, or pass roundMode: 'floor' (the default) or 'ceil'`,
    );
  let out = (mode === 'ceil' ? Math.ceil(room / s) : Math.floor(room / s)) + 1;
  // As in PyTorch, the last window must start inside the input or its leading padding.
  if (mode === 'ceil' && (out - 1) * s >= n + p0) out--;
  return out;
}

export function windowGeometry(
  op: string, H: number, W: number,
  opts: { kernel: [number, number]; stride?: Pair; dilation?: Pair; padding?: Padding; roundMode?: RoundMode },
): Window {
  const k = opts.kernel;
  const s = pair(op, 'stride', opts.stride, 1, 1);
  const d = pair(op, 'dilation', opts.dilation, 1, 1);
  // 'same' fixes the output size itself (ceil(in/stride)); only explicit padding can misfit.
  const asked = opts.roundMode ?? 'floor';
  if (asked !== 'exact' && asked !== 'floor' && asked !== 'ceil')
    throw opError(op, `argument 'roundMode' must be 'exact', 'floor' or 'ceil', got ${JSON.stringify(asked)}`);
  const mode = opts.padding === 'same' ? 'floor' : asked;
  const [pt, pb, pl, pr] = pads(op, opts.padding ?? 'valid', H, W, k, s, d);
  const spanH = d[0] * (k[0] - 1) + 1;
  const spanW = d[1] * (k[1] - 1) + 1;
  return {
    KH: k[0], KW: k[1], sh: s[0], sw: s[1], dh: d[0], dw: d[1],
    OH: outSize(op, 'height', H, pt, pb, spanH, s[0], mode),
    OW: outSize(op, 'width', W, pl, pr, spanW, s[1], mode),
    padTop: pt, padLeft: pl, padBottom: pb, padRight: pr,
  };
}
