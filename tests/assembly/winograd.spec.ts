import {
  conv2d_winograd_f4x4_3x3_weights_f32, conv2d_winograd_f4x4_3x3_weights_f32_bytes, conv2d_winograd_f4x4_3x3_weights_f32_scratch_bytes,
  conv2d_nhwc_winograd_f4x4_3x3_fwd_f32, conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_scratch_bytes,
  conv2d_winograd_f2x2_3x3_weights_f32, conv2d_winograd_f2x2_3x3_weights_f32_bytes, conv2d_winograd_f2x2_3x3_weights_f32_scratch_bytes,
  conv2d_nhwc_winograd_f2x2_3x3_fwd_f32, conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_scratch_bytes,
  conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_part, conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_max_scratch_bytes,
  conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_part, conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_max_scratch_bytes,
} from '../../assembly/winograd';
import { conv2d_nhwc_fwd_f32, conv2d_nhwc_fwd_f32_scratch_bytes } from '../../assembly/conv';
import { seed, rnd, randBuf, at, f64of, outBuf, GUARD } from './helpers';

// Both Winograd variants against a plain scalar f64 direct convolution. Winograd's error
// grows with the output's magnitude rather than with each element, so errors are measured
// relative to the output's scale: max |got − want| / max |want before ReLU|.
//
// TOL_F4 / TOL_F2: uniform [-1, 1) data. Worst measured over every case below: F(4×4)
// 3.8e-6 at C ≤ 17 and 9.9e-6 at C = 1000 (block test); F(2×2) 6.2e-7. A wrong index, tap,
// coefficient or tile bound gives errors of 1e-4 to 1 (checked by mutating the kernel).
const TOL_F4: f64 = 2e-5;
const TOL_F2: f64 = 2e-6;

class Geo {
  N: i32 = 1; H: i32 = 1; W: i32 = 1; C: i32 = 1; K: i32 = 1;
  pt: i32 = 0; pl: i32 = 0; OH: i32 = 1; OW: i32 = 1;
  bias: bool = false; act: i32 = 0;

  xLen(): i32 { return this.N * this.H * this.W * this.C; }
  yLen(): i32 { return this.N * this.OH * this.OW * this.K; }
  wLen(): i32 { return 9 * this.C * this.K; }

  // Explicit (possibly asymmetric) padding: the output size follows from it.
  pads(pt: i32, pb: i32, pl: i32, pr: i32): Geo {
    this.pt = pt; this.pl = pl;
    this.OH = this.H + pt + pb - 2;
    this.OW = this.W + pl + pr - 2;
    assert(this.OH >= 1 && this.OW >= 1, 'empty output');
    return this;
  }
  same(): Geo { return this.pads(1, 1, 1, 1); }
  valid(): Geo { return this.pads(0, 0, 0, 0); }
  epi(bias: bool, act: i32): Geo { this.bias = bias; this.act = act; return this; }

  toString(): string {
    return 'N' + this.N.toString() + ' ' + this.H.toString() + 'x' + this.W.toString() +
      'x' + this.C.toString() + ' -> ' + this.OH.toString() + 'x' + this.OW.toString() + 'x' +
      this.K.toString() + ' p' + this.pt.toString() + ',' + this.pl.toString() +
      (this.bias ? ' bias' : '') + (this.act ? ' relu' : '');
  }
}

function geo(N: i32, H: i32, W: i32, C: i32, K: i32): Geo {
  const g = new Geo();
  g.N = N; g.H = H; g.W = W; g.C = C; g.K = K;
  return g;
}

// ---- scalar f64 reference --------------------------------------------------------------

// y = conv3×3(x, w) + bias (no activation), stride 1, zeros outside the input.
function refConv(g: Geo, x: Float64Array, w: Float64Array, bias: Float64Array | null): Float64Array {
  const y = new Float64Array(g.yLen());
  for (let n = 0; n < g.N; n++)
    for (let oh = 0; oh < g.OH; oh++)
      for (let ow = 0; ow < g.OW; ow++) {
        const yi = ((n * g.OH + oh) * g.OW + ow) * g.K;
        for (let kh = 0; kh < 3; kh++) {
          const ih = oh - g.pt + kh;
          if (ih < 0 || ih >= g.H) continue;
          for (let kw = 0; kw < 3; kw++) {
            const iw = ow - g.pl + kw;
            if (iw < 0 || iw >= g.W) continue;
            for (let c = 0; c < g.C; c++) {
              const xv = x[((n * g.H + ih) * g.W + iw) * g.C + c];
              const wi = ((kh * 3 + kw) * g.C + c) * g.K;
              for (let k = 0; k < g.K; k++) y[yi + k] += xv * w[wi + k];
            }
          }
        }
        if (bias !== null) {
          const b = changetype<Float64Array>(bias);
          for (let k = 0; k < g.K; k++) y[yi + k] += b[k];
        }
      }
  return y;
}

// ---- buffers ---------------------------------------------------------------------------

function guardedBytes(bytes: usize): usize {
  const p = heap.alloc(bytes + 16);
  expect<usize>(p & 15).toBe(0);
  memory.fill(p, 0xAB, bytes);
  store<f32>(p + bytes, GUARD);
  return p;
}
function checkGuard(p: usize, bytes: usize, what: string): void {
  expect(load<f32>(p + bytes)).toBe(GUARD, what + ': overrun');
}

// N(0, 1) by Box–Muller
function gauss(): f32 {
  const u = (<f64>rnd() + 1.0) * 0.5 + 1e-12, v = (<f64>rnd() + 1.0) * 0.5;
  return <f32>(Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v));
}
function gaussBuf(n: i32): usize {
  const p = heap.alloc(<usize>max(n, 1) << 2);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), gauss());
  return p;
}

// ---- running the kernels ---------------------------------------------------------------

// The weights transform of F(m×m) into wt, through a guarded scratch of the kernel's size.
function transformWeights(m: i32, w: usize, wt: usize, C: i32, K: i32): void {
  const bytes = m == 4 ? conv2d_winograd_f4x4_3x3_weights_f32_scratch_bytes(C, K) : conv2d_winograd_f2x2_3x3_weights_f32_scratch_bytes(C, K);
  expect<usize>(bytes).toBe(<usize>((m + 2) * (m + 2) * C * K) << 2);
  const scr = guardedBytes(bytes);
  if (m == 4) conv2d_winograd_f4x4_3x3_weights_f32(w, wt, C, K, scr);
  else conv2d_winograd_f2x2_3x3_weights_f32(w, wt, C, K, scr);
  checkGuard(scr, bytes, 'F' + m.toString() + ' weights scratch');
  heap.free(scr);
}

// Winograd F(m×m, 3×3) (m = 4 or 2) of x, w: transforms w into a guarded buffer, runs the
// convolution into a fresh noisy output with a guard, checks w, the guards and the scratch
// guard; returns y (caller frees).
function runWino(m: i32, g: Geo, x: usize, w: usize, b: usize): usize {
  const d = 'F' + m.toString() + ' ' + g.toString();
  const wn = g.wLen();
  const w0 = f64of(w, wn);
  const wtBytes = m == 4 ? conv2d_winograd_f4x4_3x3_weights_f32_bytes(g.C, g.K) : conv2d_winograd_f2x2_3x3_weights_f32_bytes(g.C, g.K);
  expect<usize>(wtBytes).toBe(<usize>((m + 2) * (m + 2) * g.C * ((g.K + 7) & ~7)) << 2);
  const wt = guardedBytes(wtBytes);
  transformWeights(m, w, wt, g.C, g.K);
  checkGuard(wt, wtBytes, d + ' weights');
  for (let i = 0; i < wn; i++) if (<f64>at(w, i) != w0[i]) expect(false).toBe(true, d + ': w changed');

  const bytes = m == 4
    ? conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_scratch_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, g.K)
    : conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_scratch_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, g.K);
  const scr = guardedBytes(bytes);
  const y = outBuf(g.yLen());
  if (m == 4) conv2d_nhwc_winograd_f4x4_3x3_fwd_f32(x, wt, g.bias ? b : 0, y, g.N, g.H, g.W, g.C, g.OH, g.OW, g.K, g.pt, g.pl, g.act, 0, 0, 0, scr);
  else conv2d_nhwc_winograd_f2x2_3x3_fwd_f32(x, wt, g.bias ? b : 0, y, g.N, g.H, g.W, g.C, g.OH, g.OW, g.K, g.pt, g.pl, g.act, 0, 0, 0, scr);
  checkGuard(scr, bytes, d + ' scratch');
  expect(at(y, g.yLen())).toBe(GUARD, d + ': output guard');
  heap.free(wt); heap.free(scr);
  return y;
}

function runIm2col(g: Geo, x: usize, w: usize, b: usize): usize {
  const bytes = conv2d_nhwc_fwd_f32_scratch_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, 3, 3, g.K, 1, 1, g.pt, g.pl, 1, 1, 1);
  const scr = guardedBytes(bytes);
  const y = outBuf(g.yLen());
  conv2d_nhwc_fwd_f32(x, w, g.bias ? b : 0, y, g.N, g.H, g.W, g.C, g.OH, g.OW, 3, 3, g.K, 1, 1, g.pt, g.pl, 1, 1, 1, g.act, 0, 0, 0, scr);
  heap.free(scr);
  return y;
}

// The thread slices: every part of a (kparts, parts) grid run in turn into one output, in
// one scratch block of the _max_scratch_bytes size, must equal the whole call bit for bit;
// with `epi` a residual and HardSwish (act 3) in the epilogue, else the geometry's bias/ReLU.
function checkParts(m: i32, g: Geo, kparts: i32, parts: i32, epi: bool): void {
  const d = 'F' + m.toString() + ' parts ' + kparts.toString() + '/' + parts.toString() + ' ' + g.toString() + (epi ? ' res hardswish' : '');
  const x = randBuf(g.xLen()), w = randBuf(g.wLen()), b = randBuf(g.K), r = randBuf(g.yLen());
  const act = epi ? 3 : g.act, res = epi ? r : 0;
  const p0: f32 = epi ? 3 : 0, p1: f32 = epi ? 6 : 0;
  const wtBytes = m == 4 ? conv2d_winograd_f4x4_3x3_weights_f32_bytes(g.C, g.K) : conv2d_winograd_f2x2_3x3_weights_f32_bytes(g.C, g.K);
  const wt = guardedBytes(wtBytes);
  transformWeights(m, w, wt, g.C, g.K);
  const wholeBytes = m == 4
    ? conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_scratch_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, g.K)
    : conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_scratch_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, g.K);
  const ws = guardedBytes(wholeBytes);
  const whole = outBuf(g.yLen());
  if (m == 4) conv2d_nhwc_winograd_f4x4_3x3_fwd_f32(x, wt, g.bias ? b : 0, whole, g.N, g.H, g.W, g.C, g.OH, g.OW, g.K, g.pt, g.pl, act, p0, p1, res, ws);
  else conv2d_nhwc_winograd_f2x2_3x3_fwd_f32(x, wt, g.bias ? b : 0, whole, g.N, g.H, g.W, g.C, g.OH, g.OW, g.K, g.pt, g.pl, act, p0, p1, res, ws);
  const bytes = m == 4
    ? conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_max_scratch_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, g.K)
    : conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_max_scratch_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, g.K);
  const scr = guardedBytes(bytes);
  const y = outBuf(g.yLen());
  for (let p = parts - 1; p >= 0; p--) {
    if (m == 4) conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_part(x, wt, g.bias ? b : 0, y, g.N, g.H, g.W, g.C, g.OH, g.OW, g.K, g.pt, g.pl, act, p0, p1, res, scr, kparts, p, parts);
    else conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_part(x, wt, g.bias ? b : 0, y, g.N, g.H, g.W, g.C, g.OH, g.OW, g.K, g.pt, g.pl, act, p0, p1, res, scr, kparts, p, parts);
    checkGuard(scr, bytes, d + ' scratch');
  }
  expect(at(y, g.yLen())).toBe(GUARD, d + ': output guard');
  for (let i = 0; i < g.yLen(); i++)
    if (reinterpret<u32>(at(y, i)) != reinterpret<u32>(at(whole, i))) { expect(at(y, i)).toBe(at(whole, i), d + ' at ' + i.toString()); break; }
  heap.free(x); heap.free(w); heap.free(b); heap.free(r); heap.free(wt); heap.free(ws); heap.free(scr); heap.free(y); heap.free(whole);
}

function maxAbs(a: Float64Array): f64 {
  let s: f64 = 0;
  for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i]));
  return s;
}
// max |got − act(want)| / scale (NaN counts as infinite)
function scaledErr(got: usize, want: Float64Array, act: i32, scale: f64): f64 {
  let worst: f64 = 0;
  for (let i = 0; i < want.length; i++) {
    const v = act == 1 && want[i] < 0 ? 0 : want[i];
    const e = Math.abs(<f64>at(got, i) - v) / scale;
    if (!(e <= worst)) worst = e;
  }
  return worst;
}
// sqrt(Σ (got − want)²) / sqrt(Σ want²)
function rmsErr(got: usize, want: Float64Array): f64 {
  let se: f64 = 0, sw: f64 = 0;
  for (let i = 0; i < want.length; i++) {
    const e = <f64>at(got, i) - want[i];
    se += e * e; sw += want[i] * want[i];
  }
  return Math.sqrt(se / sw);
}

// Both variants on uniform data against the reference; records the worst errors.
let worstF4: f64 = 0, worstF2: f64 = 0;
function checkCase(g: Geo): void {
  const x = randBuf(g.xLen()), w = randBuf(g.wLen()), b = randBuf(g.K);
  const want = refConv(g, f64of(x, g.xLen()), f64of(w, g.wLen()), g.bias ? f64of(b, g.K) : null);
  const scale = Math.max(maxAbs(want), 1e-30);
  for (let m = 4; m >= 2; m -= 2) {
    const y = runWino(m, g, x, w, b);
    const e = scaledErr(y, want, g.act, scale);
    expect(e).toBeLessThan(m == 4 ? TOL_F4 : TOL_F2, 'F' + m.toString() + ' ' + g.toString());
    if (m == 4) worstF4 = Math.max(worstF4, e); else worstF2 = Math.max(worstF2, e);
    heap.free(y);
  }
  heap.free(x); heap.free(w); heap.free(b);
}

const HS: i32[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 33];
const CS: i32[] = [1, 3, 5, 17];

describe('winograd 3×3', () => {
  it('every H × W in {1..9, 17, 33}, same and valid, batch 1 and 2, bias/ReLU on and off', () => {
    seed(11);
    let i = 0;
    for (let a = 0; a < HS.length; a++)
      for (let c = 0; c < HS.length; c++) {
        const H = HS[a], W = HS[c];
        const g = geo(1 + i % 2, H, W, CS[i % 4], CS[(i / 4 + 1) % 4]);
        if (H >= 3 && W >= 3 && (i / 2) % 2 == 1) g.valid(); else g.same();
        g.epi((i / 3) % 2 == 0, (i / 6) % 2);
        checkCase(g);
        i++;
      }
  });

  it('every C × K in {1, 3, 5, 17}', () => {
    seed(12);
    for (let a = 0; a < CS.length; a++)
      for (let c = 0; c < CS.length; c++) {
        checkCase(geo(2, 9, 7, CS[a], CS[c]).same().epi(true, 1));
        checkCase(geo(1, 17, 6, CS[a], CS[c]).valid().epi(false, 0));
      }
  });

  it('explicit asymmetric padding; rows and columns that see only padding', () => {
    seed(13);
    checkCase(geo(1, 9, 9, 5, 3).pads(2, 0, 0, 2).epi(true, 0));
    checkCase(geo(2, 7, 8, 3, 5).pads(0, 3, 1, 0).epi(false, 1));
    checkCase(geo(1, 6, 5, 17, 5).pads(4, 3, 3, 5).epi(true, 1));   // output 11×11, border of bias only
    checkCase(geo(1, 5, 11, 3, 17).pads(1, 0, 6, 0).epi(true, 0));
    checkCase(geo(2, 1, 1, 5, 3).pads(2, 2, 2, 2).epi(true, 0));     // 3×3 output from one pixel
  });

  it('several tile blocks: by the byte budget, and at the 64-tile minimum', () => {
    seed(14);
    // 2 MiB of V + M: F4 blocks of 52 + 48 tiles, F2 4 × 100
    checkCase(geo(1, 40, 40, 300, 7).same().epi(true, 1));
    // 64-tile minimum: F4 44 + 37 tiles, F2 4 × 60 + 49; K = 3 < gemm's 8-column panel
    checkCase(geo(1, 33, 33, 1000, 3).same().epi(true, 0));
    log<string>('uniform data, max |err| / max |y|: F4 ' + worstF4.toString() + ', F2 ' + worstF2.toString());
  });

  // Accuracy on N(0, 1) inputs and weights, 'same' padding, against im2col + GEMM on the
  // same data. Measured, max |err| / max |y| (rms err / rms y):
  //   C = K = 64,  12×12: F4 4.4e-6 (1.7e-6), F2 3.1e-7 (2.7e-7), im2col 3.1e-7 (2.5e-7)
  //   C = K = 256,  8×8:  F4 8.9e-6 (3.2e-6), F2 5.8e-7 (5.1e-7), im2col 3.8e-7 (3.0e-7)
  // F(4×4) is 10 to 25 times less accurate than im2col (about a decimal digit); F(2×2) is on
  // par with it.
  it('accuracy on N(0, 1) data at C = 64 and 256, against im2col', () => {
    seed(15);
    const cs: i32[] = [64, 256];
    const hw: i32[] = [12, 8];
    const tolF4 = 2e-5, tolF2 = 2e-6, tolIm = 2e-6;
    for (let t = 0; t < 2; t++) {
      const g = geo(1, hw[t], hw[t], cs[t], cs[t]).same();
      const x = gaussBuf(g.xLen()), w = gaussBuf(g.wLen());
      const want = refConv(g, f64of(x, g.xLen()), f64of(w, g.wLen()), null);
      const scale = maxAbs(want);
      const y4 = runWino(4, g, x, w, 0), y2 = runWino(2, g, x, w, 0), yi = runIm2col(g, x, w, 0);
      const e4 = scaledErr(y4, want, 0, scale), e2 = scaledErr(y2, want, 0, scale);
      const ei = scaledErr(yi, want, 0, scale);
      log<string>('C = K = ' + cs[t].toString() + ': max|err|/max|y| F4 ' + e4.toString() + ', F2 ' +
        e2.toString() + ', im2col ' + ei.toString() + '; rms F4 ' + rmsErr(y4, want).toString() +
        ', F2 ' + rmsErr(y2, want).toString() + ', im2col ' + rmsErr(yi, want).toString());
      expect(e4).toBeLessThan(tolF4, 'F4 C=' + cs[t].toString());
      expect(e2).toBeLessThan(tolF2, 'F2 C=' + cs[t].toString());
      expect(ei).toBeLessThan(tolIm, 'im2col C=' + cs[t].toString());
      heap.free(x); heap.free(w); heap.free(y4); heap.free(y2); heap.free(yi);
    }
  });
  it('thread parts: tile and channel grids equal the whole call bit for bit', () => {
    seed(16);
    const grids: i32[] = [1, 2, 1, 3, 2, 2, 4, 4, 1, 8, 2, 8, 8, 8, 3, 6];   // (kparts, parts) pairs
    for (let m = 4; m >= 2; m -= 2) {
      for (let i = 0; i < grids.length; i += 2) {
        checkParts(m, geo(2, 9, 7, 5, 37).same().epi(true, 1), grids[i], grids[i + 1], false);
        checkParts(m, geo(1, 17, 13, 17, 21).valid().epi(false, 0), grids[i], grids[i + 1], i % 4 == 0);
      }
      // several tile blocks (64-tile minimum) split by tiles and channels
      checkParts(m, geo(1, 33, 33, 300, 19).same().epi(true, 1), 2, 4, false);
      checkParts(m, geo(1, 33, 33, 300, 19).same().epi(true, 0), 1, 3, true);
    }
  });
});
