import {
  conv2d_nhwc_direct_fwd_f32, conv2d_nhwc_direct_fwd_f32_part,
  conv2d_nhwc_direct_bwd_filter_f32, conv2d_nhwc_direct_bwd_filter_f32_part,
} from '../../assembly/conv_direct';
import { seed, rnd, randBuf, at } from './helpers';
import { GUARD, TOL, FD_H, Geo, geo, refFwd, refFilter, f64of, outBuf, relErr } from './conv_ref';

// The direct small-C kernels against a plain scalar f64 direct convolution, and the filter
// gradient also against central finite differences of that f64 forward. Outputs are
// pre-filled with noise (the kernels must overwrite them) and followed by a guard value.

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
  conv2d_nhwc_direct_fwd_f32(x, w, g.bias ? b : 0, y, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW,
    g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.act, 0, 0);
  check(y, refFwd(g, X, Wt, g.bias ? B : null, g.act), tol, d + ' fwd');

  const dw = outBuf(wn);
  conv2d_nhwc_direct_bwd_filter_f32(x, gy, dw, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K,
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

  it('LeNet conv1 and conv2, a strided 7×7 stem, 11×11 stride 4', () => {
    seed(14);
    checkCase(geo(2, 28, 28, 1, 6, 5, 5, 1, 1, 1, 1).pads(2, 2, 2, 2).epi(true, 1), 2);
    // LeNet conv2 (10-pixel rows: 4 + 4 + a 2-pixel block), and 11-pixel rows (4 + 4 + 2 + 1)
    checkCase(geo(2, 14, 14, 6, 16, 5, 5, 1, 1, 1, 1).valid().epi(true, 1), 2);
    checkCase(geo(1, 9, 15, 5, 11, 5, 5, 1, 1, 1, 1).valid().epi(false, 0), 2);
    checkCase(geo(1, 29, 28, 3, 16, 7, 7, 2, 2, 1, 1).pads(3, 3, 3, 3).epi(true, 1), 2);
    checkCase(geo(1, 31, 27, 3, 8, 11, 11, 4, 4, 1, 1).valid().epi(true, 0), 2);
  });

  it('one input channel, stride 1 along W (vectorised along the pixels): K tails, edges, no interior', () => {
    seed(17);
    // K = 1…9, 12, 17: channel chunks of 4 and every 1-3 tail
    const kk: i32[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 17];
    for (let q = 0; q < kk.length; q++) {
      checkCase(geo(2, 7, 13, 1, kk[q], 5, 5, 1, 1, 1, 1).pads(2, 2, 2, 2).epi(q % 2 == 0, q % 3 == 0 ? 1 : 0), 2);
    }
    // OW = 4 … 9 (8- and 4-pixel blocks, an overlapping last block); W = 4 (the narrowest row)
    for (let W = 4; W <= 9; W++) checkCase(geo(1, 6, W, 1, 6, 3, 3, 1, 1, 1, 1).same().epi(true, 1), 2);
    // pads wider than a block (many one-pixel edge columns, taps wholly outside), dilation
    // along W, strides along H, interiors narrower than 4 pixels (all columns one at a time)
    checkCase(geo(1, 9, 11, 1, 6, 3, 5, 1, 1, 1, 1).pads(1, 1, 7, 9).epi(true, 0), 3);
    checkCase(geo(2, 11, 12, 1, 5, 3, 3, 2, 1, 2, 3).pads(2, 1, 4, 5).epi(false, 1), 3);
    checkCase(geo(1, 6, 5, 1, 7, 3, 5, 3, 1, 1, 1).pads(1, 1, 2, 2).epi(true, 1), 3);
    checkCase(geo(1, 5, 4, 1, 8, 2, 7, 1, 1, 1, 1).pads(0, 0, 3, 3).epi(true, 0), 3);
    // rows too short for the pixel path (OW < 4) take the channel path
    checkCase(geo(1, 7, 6, 1, 6, 3, 5, 1, 1, 1, 1).valid().epi(true, 1), 3);
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
      geo(3, 9, 13, 1, 6, 5, 5, 2, 1, 1, 2).pads(2, 2, 4, 3).epi(true, 1),  // along the pixels
    ];
    for (let c = 0; c < cases.length; c++) {
      const g = cases[c];
      const xn = g.xLen(), yn = g.yLen(), wn = g.wLen();
      const x = randBuf(xn), w = randBuf(wn), b = randBuf(g.K), gy = randBuf(yn);
      const y = outBuf(yn), dw = outBuf(wn);
      conv2d_nhwc_direct_fwd_f32(x, w, g.bias ? b : 0, y, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW,
        g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.act, 0, 0);
      conv2d_nhwc_direct_bwd_filter_f32(x, gy, dw, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K,
        g.sh, g.sw, g.pt, g.pl, g.dh, g.dw);
      for (let parts = 1; parts <= 5; parts++) {
        const d = g.toString() + ' parts ' + parts.toString();
        const yp = outBuf(yn), dwp = outBuf(wn);
        for (let part = parts - 1; part >= 0; part--) {   // any order
          conv2d_nhwc_direct_fwd_f32_part(x, w, g.bias ? b : 0, yp, g.N, g.H, g.W, g.C, g.OH, g.OW,
            g.KH, g.KW, g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.act, 0, 0, part, parts);
          conv2d_nhwc_direct_bwd_filter_f32_part(x, gy, dwp, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH,
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
