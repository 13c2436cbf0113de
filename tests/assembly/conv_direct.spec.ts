import {
  conv2d_nhwc_direct_fwd, conv2d_nhwc_direct_fwd_part,
  conv2d_nhwc_direct_bwd_filter, conv2d_nhwc_direct_bwd_filter_part,
} from '../../assembly/conv_direct';
import { seed, rnd, randBuf, at } from './helpers';

// The direct small-C kernels against a plain scalar f64 direct convolution, and the filter
// gradient also against central finite differences of that f64 forward. Outputs are
// pre-filled with noise (the kernels must overwrite them) and followed by a guard value.

const GUARD: f32 = 12345.5;
const TOL: f64 = 1e-4;   // f32 kernels against f64 references: |got − want| / (1 + |want|)
const FD_H: f64 = 1e-3;

class Geo {
  N: i32 = 1; H: i32 = 1; W: i32 = 1; C: i32 = 1; K: i32 = 1;
  KH: i32 = 1; KW: i32 = 1; sh: i32 = 1; sw: i32 = 1; dh: i32 = 1; dw: i32 = 1;
  pt: i32 = 0; pl: i32 = 0; OH: i32 = 1; OW: i32 = 1;
  bias: bool = false; act: i32 = 0;

  xLen(): i32 { return this.N * this.H * this.W * this.C; }
  yLen(): i32 { return this.N * this.OH * this.OW * this.K; }
  wLen(): i32 { return this.KH * this.KW * this.C * this.K; }

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
      (this.bias ? ' bias' : '') + (this.act ? ' relu' : '');
  }
}

function geo(N: i32, H: i32, W: i32, C: i32, K: i32, KH: i32, KW: i32, sh: i32, sw: i32,
  dh: i32, dw: i32): Geo {
  const g = new Geo();
  g.N = N; g.H = H; g.W = W; g.C = C; g.K = K; g.KH = KH; g.KW = KW;
  g.sh = sh; g.sw = sw; g.dh = dh; g.dw = dw;
  return g;
}

// ---- scalar f64 references -----------------------------------------------------------

// y = conv(x, w) (FILTER == false), or dw = Σ x·dy (FILTER == true, b = dy, out = dw):
// the same loop nest over every (x, w, y) triple that contributes.
function refLoop(filter: bool, g: Geo, a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let n = 0; n < g.N; n++)
    for (let oh = 0; oh < g.OH; oh++)
      for (let ow = 0; ow < g.OW; ow++)
        for (let k = 0; k < g.K; k++) {
          const yi = ((n * g.OH + oh) * g.OW + ow) * g.K + k;
          for (let kh = 0; kh < g.KH; kh++) {
            const ih = oh * g.sh - g.pt + kh * g.dh;
            if (ih < 0 || ih >= g.H) continue;
            for (let kw = 0; kw < g.KW; kw++) {
              const iw = ow * g.sw - g.pl + kw * g.dw;
              if (iw < 0 || iw >= g.W) continue;
              for (let c = 0; c < g.C; c++) {
                const xi = ((n * g.H + ih) * g.W + iw) * g.C + c;
                const wi = ((kh * g.KW + kw) * g.C + c) * g.K + k;
                if (filter) out[wi] += a[xi] * b[yi];
                else out[yi] += a[xi] * b[wi];
              }
            }
          }
        }
}

function refFwd(g: Geo, x: Float64Array, w: Float64Array, bias: Float64Array | null, act: i32): Float64Array {
  const y = new Float64Array(g.yLen());
  refLoop(false, g, x, w, y);
  if (bias !== null) {
    const b = changetype<Float64Array>(bias);
    for (let i = 0; i < y.length; i++) y[i] += b[i % g.K];
  }
  if (act == 1) for (let i = 0; i < y.length; i++) if (y[i] < 0) y[i] = 0;
  return y;
}

function refFilter(g: Geo, x: Float64Array, dy: Float64Array): Float64Array {
  const dw = new Float64Array(g.wLen());
  refLoop(true, g, x, dy, dw);
  return dw;
}

// L = Σ conv(x, w) ⊙ G; its central difference in w[i].
function loss(g: Geo, x: Float64Array, w: Float64Array, G: Float64Array): f64 {
  const y = refFwd(g, x, w, null, 0);
  let s: f64 = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * G[i];
  return s;
}
function fd(g: Geo, x: Float64Array, w: Float64Array, G: Float64Array, i: i32): f64 {
  const v = w[i];
  w[i] = v + FD_H;
  const lp = loss(g, x, w, G);
  w[i] = v - FD_H;
  const lm = loss(g, x, w, G);
  w[i] = v;
  return (lp - lm) / (2 * FD_H);
}

// ---- buffers and checks ----------------------------------------------------------------

function f64of(p: usize, n: i32): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = <f64>at(p, i);
  return a;
}
// n floats of noise (the kernel must overwrite them) and a guard after them.
function outBuf(n: i32): usize {
  const p = randBuf(n + 1);
  store<f32>(p + (<usize>n << 2), GUARD);
  return p;
}
function relErr(got: f64, want: f64): f64 {
  const e = Math.abs(got - want) / (1.0 + Math.abs(want));
  return e == e ? e : Infinity;
}
function check(got: usize, want: Float64Array, tol: f64, what: string): void {
  const n = want.length;
  let worst: f64 = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, relErr(<f64>at(got, i), want[i]));
  expect(worst).toBeLessThan(tol, what);
  expect(at(got, n)).toBe(GUARD, what + ': guard');
}

// Forward (with the case's bias/ReLU) and filter gradient of one geometry; `samples`
// entries of dw (the last one and random ones) also against finite differences.
// positive: x and dy in [0, 1) (image-like data: long sums of one sign).
function checkCase(g: Geo, samples: i32, tol: f64 = TOL, positive: bool = false): void {
  const d = g.toString();
  const xn = g.xLen(), yn = g.yLen(), wn = g.wLen();
  const x = randBuf(xn), w = randBuf(wn), b = randBuf(g.K), gy = randBuf(yn);
  if (positive) {
    for (let i = 0; i < xn; i++) store<f32>(x + (<usize>i << 2), Mathf.abs(at(x, i)));
    for (let i = 0; i < yn; i++) store<f32>(gy + (<usize>i << 2), Mathf.abs(at(gy, i)));
  }
  const X = f64of(x, xn), Wt = f64of(w, wn), B = f64of(b, g.K), GY = f64of(gy, yn);

  const y = outBuf(yn);
  conv2d_nhwc_direct_fwd(x, w, g.bias ? b : 0, y, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW,
    g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.act);
  check(y, refFwd(g, X, Wt, g.bias ? B : null, g.act), tol, d + ' fwd');

  const dw = outBuf(wn);
  conv2d_nhwc_direct_bwd_filter(x, gy, dw, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K,
    g.sh, g.sw, g.pt, g.pl, g.dh, g.dw);
  check(dw, refFilter(g, X, GY), tol, d + ' bwd_filter');
  let worst: f64 = 0;
  for (let s = 0; s < samples; s++) {
    const i = s == 0 ? wn - 1 : <i32>((<f64>rnd() * 0.5 + 0.5) * wn) % wn;
    worst = Math.max(worst, relErr(<f64>at(dw, i), fd(g, X, Wt, GY, i)));
  }
  expect(worst).toBeLessThan(TOL, d + ' bwd_filter vs finite differences');

  heap.free(x); heap.free(w); heap.free(b); heap.free(gy); heap.free(y); heap.free(dw);
}

const CS: i32[] = [1, 2, 3, 4];
const KS: i32[] = [1, 3, 6, 8, 16, 17];
const HS: i32[] = [5, 7, 9, 13, 28];

describe('conv2d direct (small C)', () => {
  it('kernels 1/3/5/7 × strides 1, 2, 3, (2,1) × padding valid/same/asymmetric × dilation 1/2', () => {
    seed(11);
    const ks: i32[] = [1, 3, 5, 7];
    const ss: i32[] = [1, 2, 3, 21];   // 21: strides (2, 1)
    let i = 0;
    for (let a = 0; a < ks.length; a++)
      for (let si = 0; si < ss.length; si++)
        for (let p = 0; p < 3; p++)
          for (let dl = 1; dl <= 2; dl++) {
            const k = ks[a];
            if (k == 1 && dl == 2) continue;   // a 1×1 kernel has no dilation
            const sh = ss[si] == 21 ? 2 : ss[si], sw = ss[si] == 21 ? 1 : ss[si];
            // sizes cycle through HS; valid padding needs the dilated kernel to fit
            let H = HS[i % 5], W = HS[(i + 2) % 5];
            const span = (k - 1) * dl + 1;
            // valid / asymmetric (1, 2, 2, 0) padding: the dilated kernel must fit
            const ph = p == 0 ? 0 : 3, pw = p == 0 ? 0 : 2;
            if (p != 1) { if (H + ph < span) H = 28; if (W + pw < span) W = 13 + span % 2; }
            const N = i % 3 == 0 ? 3 : 1;
            const g = geo(N, H, W, CS[i % 4], KS[(i / 4) % 6], k, k, sh, sw, dl, dl);
            if (p == 0) g.valid(); else if (p == 1) g.same(); else g.pads(1, 2, 2, 0);
            g.epi(i % 2 == 1, (i / 2) % 2);
            checkCase(g, 3);
            i++;
          }
  });

  it('every C × K pair on a LeNet-like 5×5 same conv (P = 8 / 4 / 1 blocks, lane tails)', () => {
    seed(12);
    for (let c = 0; c < CS.length; c++)
      for (let q = 0; q < KS.length; q++) {
        const g = geo(1, 13, 28, CS[c], KS[q], 5, 5, 1, 1, 1, 1).same();
        g.epi((c + q) % 2 == 0, q % 2);
        checkCase(g, 2);
      }
    // K past two vectors and past 8: 9 (8 + 1), 12 (8 + 4), 23 (16 + 7), 64
    const kk: i32[] = [9, 12, 23, 64];
    for (let q = 0; q < kk.length; q++) checkCase(geo(2, 9, 11, 3, kk[q], 3, 3, 1, 1, 1, 1).same().epi(true, 1), 2);
  });

  it('rectangular kernels, one-axis dilation, pads wider than the kernel', () => {
    seed(13);
    checkCase(geo(1, 9, 13, 3, 6, 1, 5, 1, 2, 1, 1).same().epi(true, 0), 3);
    checkCase(geo(3, 13, 7, 1, 8, 5, 3, 2, 1, 1, 2).pads(2, 0, 1, 3).epi(false, 1), 3);
    checkCase(geo(1, 7, 9, 2, 17, 3, 7, 1, 1, 2, 1).pads(0, 3, 4, 1).epi(true, 1), 3);
    // whole output rows and columns see only padding (bias alone, then ReLU)
    checkCase(geo(1, 5, 5, 3, 6, 1, 1, 1, 1, 1, 1).pads(2, 1, 3, 2).epi(true, 1), 3);
    checkCase(geo(3, 5, 7, 4, 16, 3, 3, 2, 2, 1, 1).pads(4, 3, 3, 4).epi(true, 0), 3);
    // output narrower than a pixel block
    checkCase(geo(1, 7, 5, 1, 6, 5, 5, 1, 1, 1, 1).valid().epi(false, 0), 3);
  });

  it('first-layer shapes: LeNet conv1, strided 7×7 stem, 11×11 stride 4', () => {
    seed(14);
    checkCase(geo(2, 28, 28, 1, 6, 5, 5, 1, 1, 1, 1).pads(2, 2, 2, 2).epi(true, 1), 2);
    checkCase(geo(1, 29, 28, 3, 16, 7, 7, 2, 2, 1, 1).pads(3, 3, 3, 3).epi(true, 1), 2);
    checkCase(geo(1, 31, 27, 3, 8, 11, 11, 4, 4, 1, 1).valid().epi(true, 0), 2);
  });

  it('filter gradient over many pixels: several partial-sum chunks, accurate', () => {
    seed(15);
    // 32·28 output rows of 28 pixels: partial sums over chunks of 73 rows (2044 pixels),
    // across image boundaries. Positive data: each dw entry sums up to 25088 products of
    // one sign, where one f32 running sum loses ~5e-6 (measured in a float emulation:
    // 3e-6 to 7e-6 at 12544 to 50176 terms) and chunked sums stay near 4e-7.
    checkCase(geo(32, 28, 28, 1, 6, 5, 5, 1, 1, 1, 1).pads(2, 2, 2, 2).epi(false, 0), 1, 1.5e-6, true);
    // K = 64: chunks bounded by 128 KiB of dy (18 rows of 28 pixels)
    checkCase(geo(3, 28, 28, 3, 64, 3, 3, 1, 1, 1, 1).same().epi(true, 1), 2, 1e-5, true);
  });

  it('parts 1-5 put together are bit-identical to one call', () => {
    seed(16);
    const cases: Geo[] = [
      geo(3, 13, 9, 1, 6, 5, 5, 1, 1, 1, 1).same().epi(true, 1),    // T = 25, taps 4 at a time
      geo(2, 9, 7, 3, 12, 3, 3, 2, 1, 1, 1).same().epi(false, 0),   // T = 27, 8 at a time (K mod 8 = 4)
      geo(1, 7, 7, 2, 3, 3, 3, 1, 1, 2, 1).pads(2, 2, 1, 1).epi(true, 0),  // K < 4
      geo(1, 5, 6, 1, 17, 1, 1, 1, 1, 1, 1).valid().epi(true, 1),   // T = 1: one part works
    ];
    for (let c = 0; c < cases.length; c++) {
      const g = cases[c];
      const xn = g.xLen(), yn = g.yLen(), wn = g.wLen();
      const x = randBuf(xn), w = randBuf(wn), b = randBuf(g.K), gy = randBuf(yn);
      const y = outBuf(yn), dw = outBuf(wn);
      conv2d_nhwc_direct_fwd(x, w, g.bias ? b : 0, y, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW,
        g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.act);
      conv2d_nhwc_direct_bwd_filter(x, gy, dw, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K,
        g.sh, g.sw, g.pt, g.pl, g.dh, g.dw);
      for (let parts = 1; parts <= 5; parts++) {
        const d = g.toString() + ' parts ' + parts.toString();
        const yp = outBuf(yn), dwp = outBuf(wn);
        for (let part = parts - 1; part >= 0; part--) {   // any order
          conv2d_nhwc_direct_fwd_part(x, w, g.bias ? b : 0, yp, g.N, g.H, g.W, g.C, g.OH, g.OW,
            g.KH, g.KW, g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.act, part, parts);
          conv2d_nhwc_direct_bwd_filter_part(x, gy, dwp, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH,
            g.KW, g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, part, parts);
        }
        for (let i = 0; i <= yn; i++) expect(at(yp, i)).toBe(at(y, i), d + ' fwd');
        for (let i = 0; i <= wn; i++) expect(at(dwp, i)).toBe(at(dw, i), d + ' bwd_filter');
        heap.free(yp); heap.free(dwp);
      }
      heap.free(x); heap.free(w); heap.free(b); heap.free(gy); heap.free(y); heap.free(dw);
    }
  });
});
