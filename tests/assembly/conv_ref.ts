// The scalar f64 reference convolution the convolution specs share: the geometry of a case
// (Geo), the one loop nest behind forward, data and filter references, the buffers, and the
// checks against them and against finite differences of the forward reference.
import { GUARD, rnd, at } from './helpers';

export { GUARD, f64of, outBuf } from './helpers';
export const TOL: f64 = 1e-4;   // f32 kernels against f64 references: |got − want| / (1 + |want|)
export const FD_H: f64 = 1e-3;

export class Geo {
  N: i32 = 1; H: i32 = 1; W: i32 = 1; C: i32 = 1; K: i32 = 1;
  KH: i32 = 1; KW: i32 = 1; sh: i32 = 1; sw: i32 = 1; dh: i32 = 1; dw: i32 = 1;
  groups: i32 = 1; pt: i32 = 0; pl: i32 = 0; OH: i32 = 1; OW: i32 = 1;
  bias: bool = false; act: i32 = 0;

  xLen(): i32 { return this.N * this.H * this.W * this.C; }
  yLen(): i32 { return this.N * this.OH * this.OW * this.K; }
  wLen(): i32 { return this.KH * this.KW * (this.C / this.groups) * this.K; }

  // Explicit (possibly asymmetric) padding: the output size follows from it.
  pads(pt: i32, pb: i32, pl: i32, pr: i32): Geo {
    this.pt = pt; this.pl = pl;
    this.OH = (this.H + pt + pb - (this.KH - 1) * this.dh - 1) / this.sh + 1;
    this.OW = (this.W + pl + pr - (this.KW - 1) * this.dw - 1) / this.sw + 1;
    assert(this.OH >= 1 && this.OW >= 1, 'empty output');
    return this;
  }
  valid(): Geo { return this.pads(0, 0, 0, 0); }
  // TensorFlow 'same': ceil(H/stride) outputs, the odd padding cell at the bottom/right.
  same(): Geo {
    const oh = (this.H + this.sh - 1) / this.sh, ow = (this.W + this.sw - 1) / this.sw;
    const th = max((oh - 1) * this.sh + (this.KH - 1) * this.dh + 1 - this.H, 0);
    const tw = max((ow - 1) * this.sw + (this.KW - 1) * this.dw + 1 - this.W, 0);
    return this.pads(th / 2, th - th / 2, tw / 2, tw - tw / 2);
  }
  epi(bias: bool, act: i32): Geo { this.bias = bias; this.act = act; return this; }

  toString(): string {
    return 'N' + this.N.toString() + ' ' + this.H.toString() + 'x' + this.W.toString() +
      'x' + this.C.toString() + ' -> ' + this.OH.toString() + 'x' + this.OW.toString() + 'x' +
      this.K.toString() + ' k' + this.KH.toString() + 'x' + this.KW.toString() +
      ' s' + this.sh.toString() + ',' + this.sw.toString() + ' p' + this.pt.toString() + ',' +
      this.pl.toString() + ' d' + this.dh.toString() + ',' + this.dw.toString() +
      ' g' + this.groups.toString() + (this.bias ? ' bias' : '') + (this.act ? ' relu' : '');
  }
}

export function geo(N: i32, H: i32, W: i32, C: i32, K: i32, KH: i32, KW: i32, sh: i32, sw: i32,
  dh: i32, dw: i32, groups: i32 = 1): Geo {
  const g = new Geo();
  g.N = N; g.H = H; g.W = W; g.C = C; g.K = K; g.KH = KH; g.KW = KW;
  g.sh = sh; g.sw = sw; g.dh = dh; g.dw = dw; g.groups = groups;
  return g;
}

// ---- scalar f64 references -----------------------------------------------------------

// Calls visit for every (x index, w index, y index) triple that contributes x·w to y.
// The three references below are the same loop nest with a different accumulation.
export const R_FWD = 0, R_DATA = 1, R_FILTER = 2;

export function refLoop(mode: i32, g: Geo, a: Float64Array, b: Float64Array, out: Float64Array): void {
  const Cg = g.C / g.groups, Kg = g.K / g.groups;
  for (let n = 0; n < g.N; n++)
    for (let oh = 0; oh < g.OH; oh++)
      for (let ow = 0; ow < g.OW; ow++)
        for (let k = 0; k < g.K; k++) {
          const grp = k / Kg;
          const yi = ((n * g.OH + oh) * g.OW + ow) * g.K + k;
          for (let kh = 0; kh < g.KH; kh++) {
            const ih = oh * g.sh - g.pt + kh * g.dh;
            if (ih < 0 || ih >= g.H) continue;
            for (let kw = 0; kw < g.KW; kw++) {
              const iw = ow * g.sw - g.pl + kw * g.dw;
              if (iw < 0 || iw >= g.W) continue;
              for (let ci = 0; ci < Cg; ci++) {
                const xi = ((n * g.H + ih) * g.W + iw) * g.C + grp * Cg + ci;
                const wi = ((kh * g.KW + kw) * Cg + ci) * g.K + k;
                // FWD: a = x, b = w, out = y.  DATA: a = dy, b = w, out = dx.
                // FILTER: a = x, b = dy, out = dw.
                if (mode == R_FWD) out[yi] += a[xi] * b[wi];
                else if (mode == R_DATA) out[xi] += a[yi] * b[wi];
                else out[wi] += a[xi] * b[yi];
              }
            }
          }
        }
}

// y = act(conv(x, w) + bias), bias over `bias.length` trailing channels (null: none).
export function refFwd(g: Geo, x: Float64Array, w: Float64Array, bias: Float64Array | null, act: i32): Float64Array {
  const y = new Float64Array(g.yLen());
  refLoop(R_FWD, g, x, w, y);
  epilogue(y, bias, act);
  return y;
}
export function refData(g: Geo, dy: Float64Array, w: Float64Array): Float64Array {
  const dx = new Float64Array(g.xLen());
  refLoop(R_DATA, g, dy, w, dx);
  return dx;
}
export function refFilter(g: Geo, x: Float64Array, dy: Float64Array): Float64Array {
  const dw = new Float64Array(g.wLen());
  refLoop(R_FILTER, g, x, dy, dw);
  return dw;
}
export function epilogue(y: Float64Array, bias: Float64Array | null, act: i32): void {
  if (bias !== null) {
    const b = changetype<Float64Array>(bias);
    for (let i = 0; i < y.length; i++) y[i] += b[i % b.length];
  }
  if (act == 1) for (let i = 0; i < y.length; i++) if (y[i] < 0) y[i] = 0;
}

export function relErr(got: f64, want: f64): f64 {
  const e = Math.abs(got - want) / (1.0 + Math.abs(want));
  return e == e ? e : Infinity;
}

// ---- gradient checks shared by the convolution specs ----------------------------------

function dot(a: Float64Array, b: Float64Array): f64 {
  let s: f64 = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

// L = Σ y ⊙ G for the conv (transposed == false: y = conv(a; w) + bias) or for the
// transposed conv (y = convᵀ(a; w) + bias, its input a shaped like the conv's output).
export function loss(transposed: bool, g: Geo, a: Float64Array, w: Float64Array, bias: Float64Array, G: Float64Array): f64 {
  const y = transposed ? refData(g, a, w) : refLoopFwdNoAct(g, a, w);
  epilogue(y, bias, 0);
  return dot(y, G);
}
function refLoopFwdNoAct(g: Geo, x: Float64Array, w: Float64Array): Float64Array {
  return refFwd(g, x, w, null, 0);
}

// Central difference of loss() with respect to arr[i]; arr is one of a, w, bias.
export function fd(transposed: bool, g: Geo, a: Float64Array, w: Float64Array, bias: Float64Array,
  G: Float64Array, arr: Float64Array, i: i32): f64 {
  const v = arr[i];
  arr[i] = v + FD_H;
  const lp = loss(transposed, g, a, w, bias, G);
  arr[i] = v - FD_H;
  const lm = loss(transposed, g, a, w, bias, G);
  arr[i] = v;
  return (lp - lm) / (2 * FD_H);
}

export function check(got: usize, want: Float64Array, what: string): void {
  const n = want.length;
  let worst: f64 = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, relErr(<f64>at(got, i), want[i]));
  expect(worst).toBeLessThan(TOL, what);
  expect(at(got, n)).toBe(GUARD, what + ': guard');
}
// Compares kernel gradient entries with finite differences at `samples` random entries.
export function checkFd(transposed: bool, g: Geo, a: Float64Array, w: Float64Array, bias: Float64Array,
  G: Float64Array, arr: Float64Array, got: usize, samples: i32, what: string): void {
  let worst: f64 = 0;
  for (let s = 0; s < samples; s++) {
    const i = s == 0 ? arr.length - 1 : <i32>((<f64>rnd() * 0.5 + 0.5) * arr.length) % arr.length;
    worst = Math.max(worst, relErr(<f64>at(got, i), fd(transposed, g, a, w, bias, G, arr, i)));
  }
  expect(worst).toBeLessThan(TOL, what + ' vs finite differences');
}
