// Resize of NHWC images to any size, nearest or bilinear, with the coordinate rules of ONNX's
// Resize (and so of PyTorch's interpolate). The rules are resolved here into one source
// table per axis — (i0, i1, w) per output index — that the SIMD kernel
// (assembly/upsample.ts resize_nhwc_*) follows forward and backward.
import { getBackend, opError, fmtShape, f32Index } from '../backend/index';
import * as U from '../kernels/upsample';
import { Tensor, empty } from '../tensor/tensor';
import { record } from '../tensor/autograd';
import { checkTensor, checkRank, checkNumber, checkOptions } from './check';
import { pair, type Pair } from './window';

/** How resize maps an output index to an input coordinate (see ResizeOptions.coordinate). */
export type ResizeCoordinate = 'half_pixel' | 'pytorch_half_pixel' | 'align_corners' | 'asymmetric';
/** How nearest-neighbour resizing rounds a coordinate (see ResizeOptions.nearestMode). */
export type NearestMode = 'floor' | 'ceil' | 'round_prefer_floor' | 'round_prefer_ceil';

/** Options of resize: the output size or scale, the interpolation and the coordinate rule. */
export interface ResizeOptions {
  /** Output [OH, OW] (a number for both); or give scale. */
  size?: Pair;
  /** Output = floor(input·scale) per axis, and the coordinate rules use this scale. */
  scale?: number | [number, number];
  /** 'nearest' (default) or 'bilinear'. */
  mode?: 'nearest' | 'bilinear';
  /**
   * How an output index maps to an input coordinate (r = 1/scale, or in/out from sizes):
   * 'asymmetric' o·r (the default for nearest: PyTorch's nearest); 'half_pixel'
   * (o + ½)·r − ½ (the default for bilinear: PyTorch's align_corners = false);
   * 'pytorch_half_pixel' the same but 0 for a 1-pixel output (ONNX's rule of that name);
   * 'align_corners' o·(in − 1)/(out − 1). (With a scale that leaves an axis's size
   * unchanged, PyTorch's interpolate copies that axis; here the scale still applies, as in
   * ONNX's Resize.)
   */
  coordinate?: ResizeCoordinate;
  /** Rounding of nearest's coordinate: 'floor' (default), 'ceil', 'round_prefer_floor', 'round_prefer_ceil' (with half_pixel: PyTorch's nearest-exact). */
  nearestMode?: NearestMode;
}

const COORDS: readonly ResizeCoordinate[] = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'];
const NEAREST: readonly NearestMode[] = ['floor', 'ceil', 'round_prefer_floor', 'round_prefer_ceil'];

// The (i0, i1, w) entries of one axis, written at byte offset p (12 bytes per output index).
function axisTable(p: number, inn: number, out: number, scale: number | null, mode: 'nearest' | 'bilinear', coord: ResizeCoordinate, nearest: NearestMode): void {
  const be = getBackend();
  const i32 = be.i32();
  const f32 = be.f32();
  const base = f32Index(p);
  // r: input units per output unit, in f64 as PyTorch computes it for double tensors
  const r = coord === 'align_corners' ? (out > 1 ? (inn - 1) / (out - 1) : 0) : scale !== null ? 1 / scale : inn / out;
  for (let o = 0; o < out; o++) {
    // the coordinate as xs − off: half-pixel rules keep the + ½ apart so that rounding it
    // back up is exact
    let xs: number;
    let off = 0;
    if (coord === 'align_corners' || coord === 'asymmetric') xs = o * r;
    else if (coord === 'pytorch_half_pixel' && out === 1) xs = 0;
    else {
      xs = (o + 0.5) * r;
      off = 0.5;
    }
    let i0: number;
    let i1: number;
    let w = 0;
    if (mode === 'nearest') {
      const x = xs - off;
      if (nearest === 'floor') i0 = Math.floor(x);
      else if (nearest === 'ceil') i0 = Math.ceil(x);
      else if (nearest === 'round_prefer_ceil') i0 = off === 0.5 ? Math.floor(xs) : Math.floor(x + 0.5);
      else i0 = off === 0.5 ? Math.ceil(xs) - 1 : Math.ceil(x - 0.5);
      i0 = Math.min(Math.max(i0, 0), inn - 1);
      i1 = i0;
    } else {
      const x = Math.max(xs - off, 0);
      i0 = Math.min(Math.floor(x), inn - 1);
      i1 = Math.min(i0 + 1, inn - 1);
      w = i1 === i0 ? 0 : x - i0;
    }
    i32[base + 3 * o] = i0;
    i32[base + 3 * o + 1] = i1;
    f32[base + 3 * o + 2] = w;
  }
}

/**
 * Resizes x [N, H, W, C] to [N, OH, OW, C]; see ResizeOptions. The gradient flows back through the same weights.
 *
 * @example
 * ```ts
 * const img = sn.rand([1, 480, 640, 3], { seed: 1 }); // NHWC
 * console.log(sn.resize(img, { size: [224, 224], mode: 'bilinear' }).shape); // [1, 224, 224, 3]
 * console.log(sn.resize(img, { scale: 0.5 }).shape);                          // [1, 240, 320, 3]
 * ```
 */
export function resize(x: Tensor, options: ResizeOptions): Tensor {
  const op = 'resize';
  checkTensor(op, 'x', x);
  checkRank(op, 'x', x, 4);
  if (options === null || options === undefined) throw opError(op, `argument 'options' must give 'size' or 'scale'`);
  const o = checkOptions(op, options, ['size', 'scale', 'mode', 'coordinate', 'nearestMode']);
  const mode = o.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'bilinear') throw opError(op, `argument 'mode' must be 'nearest' or 'bilinear', got ${JSON.stringify(o.mode)}`);
  const coord = o.coordinate ?? (mode === 'nearest' ? 'asymmetric' : 'half_pixel');
  if (!COORDS.includes(coord)) throw opError(op, `argument 'coordinate' must be one of ${COORDS.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(o.coordinate)}`);
  const nearest = o.nearestMode ?? 'floor';
  if (!NEAREST.includes(nearest)) throw opError(op, `argument 'nearestMode' must be one of ${NEAREST.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(o.nearestMode)}`);
  const [N, H, W, C] = x.shape;
  if ((o.size === undefined) === (o.scale === undefined)) throw opError(op, `give exactly one of 'size' and 'scale'`);
  let OH: number;
  let OW: number;
  let scales: [number | null, number | null] = [null, null];
  if (o.size !== undefined) {
    [OH, OW] = pair(op, 'size', o.size, 0, 1);
  } else {
    const s = typeof o.scale === 'number' ? [o.scale, o.scale] : o.scale;
    if (!Array.isArray(s) || s.length !== 2) throw opError(op, `argument 'scale' must be a number or [h, w], got ${JSON.stringify(o.scale)}`);
    for (const v of s) checkNumber(op, 'scale', v, { min: 0, minExclusive: true });
    scales = [s[0], s[1]];
    OH = Math.floor(H * s[0]);
    OW = Math.floor(W * s[1]);
    if (OH < 1 || OW < 1) throw opError(op, `scale ${JSON.stringify(o.scale)} gives an empty output for x ${fmtShape(x.shape)}`);
  }
  if (H * W === 0) throw opError(op, `argument 'x' ${fmtShape(x.shape)} has no pixels`);
  const tab = empty([3 * (OH + OW)]);
  axisTable(tab.ptr, H, OH, scales[0], mode, coord, nearest);
  axisTable(tab.ptr + 12 * OH, W, OW, scales[1], mode, coord, nearest);
  const y = empty([N, OH, OW, C]);
  U.resizeFwd(x.ptr, y.ptr, N, H, W, C, OH, OW, tab.ptr, tab.ptr + 12 * OH);
  return record(op, [x], y, (dy) => {
    const dx = empty(x.shape);
    U.resizeBwd(dy.ptr, dx.ptr, N, H, W, C, OH, OW, tab.ptr, tab.ptr + 12 * OH);
    return [dx];
  }, [tab]);
}
