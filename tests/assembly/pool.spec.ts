// Pooling against f64 scalar references over channel counts that hit every tail, windows
// 1×1, 2×2, 3×3 (and asymmetric) with strides 1–3, padding, over-extended ("ceil mode")
// outputs and all-padding windows. Backward against central differences of the f64
// forward: only the outputs whose window holds x[i] depend on it, so
// dL/dx[i] = Σ over those outputs of g·(y(x[i]+h) − y(x[i]−h)) / 2h, L = Σ y·g.
import {
  maxpool2d_nhwc_fwd_f32, maxpool2d_nhwc_bwd_f32, avgpool2d_nhwc_fwd_f32, avgpool2d_nhwc_bwd_f32,
  l2pool2d_nhwc_fwd_f32, l2pool2d_nhwc_bwd_f32, global_avgpool_nhwc_fwd_f32, global_avgpool_nhwc_bwd_f32,
  adaptive_avgpool2d_nhwc_fwd_f32, adaptive_avgpool2d_nhwc_bwd_f32,
} from '../../assembly/pool';
import { seed, randBuf, zeroBuf, outBuf, at, close, GUARD } from './helpers';

const CS: i32[] = [1, 3, 5, 7, 17, 33];
const MAX = 0;
const AVG = 1;   // countPad = 1
const AVGR = 2;  // countPad = 0 (real cells only)
const L2 = 3;

// configs: kh, kw, sh, sw, padTop, padLeft, extra output rows/cols (ceil mode), dh, dw;
// padBottom = padTop, padRight = padLeft
const NF = 9;
const CFG: i32[] = [
  1, 1, 1, 1, 0, 0, 0, 1, 1,
  2, 2, 2, 2, 0, 0, 0, 1, 1,
  2, 2, 2, 2, 0, 0, 1, 1, 1, // ceil mode: the last window hangs past the input
  3, 3, 1, 1, 1, 1, 0, 1, 1,
  3, 3, 2, 2, 1, 1, 0, 1, 1,
  3, 3, 3, 3, 0, 0, 1, 1, 1,
  3, 3, 2, 2, 1, 1, 1, 1, 1, // ceil mode with padding: past the padded input too
  2, 3, 1, 2, 0, 1, 0, 1, 1,
  3, 2, 2, 3, 1, 0, 1, 1, 1,
  2, 2, 1, 1, 2, 2, 0, 1, 1, // padding = kernel: the corner windows hold only padding
  2, 2, 1, 1, 0, 0, 0, 2, 2, // dilated 2×2 (the unrolled max path)
  3, 2, 2, 1, 1, 1, 0, 2, 3, // dilated, padded
  2, 3, 2, 2, 1, 0, 1, 3, 2, // dilated, ceil mode
];
const NCFG = 13;
const N = 2;
const H = 5;
const W = 7;

class Geo {
  kh: i32 = 0; kw: i32 = 0; sh: i32 = 0; sw: i32 = 0; pt: i32 = 0; pl: i32 = 0;
  dh: i32 = 1; dw: i32 = 1; OH: i32 = 0; OW: i32 = 0; C: i32 = 0;
}

function geo(k: i32, C: i32): Geo {
  const g = new Geo();
  g.kh = CFG[k * NF]; g.kw = CFG[k * NF + 1]; g.sh = CFG[k * NF + 2]; g.sw = CFG[k * NF + 3];
  g.pt = CFG[k * NF + 4]; g.pl = CFG[k * NF + 5];
  g.dh = CFG[k * NF + 7]; g.dw = CFG[k * NF + 8];
  g.OH = (H + 2 * g.pt - (g.kh - 1) * g.dh - 1) / g.sh + 1 + CFG[k * NF + 6];
  g.OW = (W + 2 * g.pl - (g.kw - 1) * g.dw - 1) / g.sw + 1 + CFG[k * NF + 6];
  g.C = C;
  return g;
}

// Distinct values 0.01 apart (i·1237 mod 7919 is a permutation for i < 7919): no ties in
// max pooling, and ±h = 1e-3 never changes a winner.
function distinct(n: i32): usize {
  const p = zeroBuf(n + 1);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), <f32>((i * 1237) % 7919) * 0.01 - 39);
  return p;
}

// f64 reference for output (n, oh, ow, c) with x[pi] replaced by x[pi] + d.
// Returns y; for MAX, refArg holds the winner's flat index within the image (or −1).
let refArg: i32 = -1;
function refOut(op: i32, x: usize, g: Geo, n: i32, oh: i32, ow: i32, c: i32, pi: i32, d: f64): f64 {
  const C = g.C;
  let acc: f64 = 0;
  let best: f64 = -Infinity;
  let cnt = 0;
  let padded = 0; // taps inside the padded input (PyTorch's countIncludePad divisor)
  refArg = -1;
  for (let a = 0; a < g.kh; a++) {
    for (let b = 0; b < g.kw; b++) {
      const ih = oh * g.sh - g.pt + a * g.dh;
      const iw = ow * g.sw - g.pl + b * g.dw;
      if (ih < H + g.pt && iw < W + g.pl) padded++;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      const li = (ih * W + iw) * C + c;
      const fi = n * H * W * C + li;
      let v = <f64>at(x, fi);
      if (fi == pi) v += d;
      cnt++;
      if (op == MAX) { if (v > best) { best = v; refArg = li; } }
      else if (op == L2) acc += v * v;
      else acc += v;
    }
  }
  if (cnt == 0) return 0;
  if (op == MAX) return best;
  if (op == L2) return Math.sqrt(acc);
  if (op == AVG) return acc / <f64>padded;
  return acc / <f64>cnt;
}

function runFwd(op: i32, x: usize, y: usize, am: usize, g: Geo): void {
  if (op == MAX) maxpool2d_nhwc_fwd_f32(x, y, am, N, H, W, g.C, g.OH, g.OW, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.pt, g.pl, g.dh, g.dw);
  else if (op == L2) l2pool2d_nhwc_fwd_f32(x, y, N, H, W, g.C, g.OH, g.OW, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.pt, g.pl, g.dh, g.dw);
  else avgpool2d_nhwc_fwd_f32(x, y, N, H, W, g.C, g.OH, g.OW, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.pt, g.pl, g.dh, g.dw, op == AVG ? 1 : 0);
}

function runBwd(op: i32, x: usize, y: usize, am: usize, dy: usize, dx: usize, g: Geo): void {
  if (op == MAX) maxpool2d_nhwc_bwd_f32(dy, am, dx, N, H, W, g.C, g.OH, g.OW);
  else if (op == L2) l2pool2d_nhwc_bwd_f32(x, y, dy, dx, N, H, W, g.C, g.OH, g.OW, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.pt, g.pl, g.dh, g.dw);
  else avgpool2d_nhwc_bwd_f32(dy, dx, N, H, W, g.C, g.OH, g.OW, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.pt, g.pl, g.dh, g.dw, op == AVG ? 1 : 0);
}

// f64 mean of channel c of image n, with x[pi] replaced by x[pi] + d
function refMean(x: usize, C: i32, n: i32, c: i32, pi: i32, d: f64): f64 {
  let acc: f64 = 0;
  for (let p = 0; p < H * W; p++) {
    const i = (n * H * W + p) * C + c;
    acc += <f64>at(x, i) + (i == pi ? d : 0);
  }
  return acc / <f64>(H * W);
}


function checkOp(op: i32): void {
  seed(100 + op);
  for (let k = 0; k < NCFG; k++) {
    for (let s = 0; s < CS.length; s++) {
      const g = geo(k, CS[s]);
      const C = g.C;
      const nx = N * H * W * C;
      const ny = N * g.OH * g.OW * C;
      const x = distinct(nx);
      const y = zeroBuf(ny + 1);
      const am = zeroBuf(ny + 1);
      store<f32>(y + (<usize>ny << 2), GUARD);
      store<i32>(am + (<usize>ny << 2), 777);
      runFwd(op, x, y, am, g);
      // count mismatches and assert once per case: one expect per element is slow in as-pect
      let bad = 0;
      for (let n = 0; n < N; n++) for (let oh = 0; oh < g.OH; oh++) for (let ow = 0; ow < g.OW; ow++) {
        for (let c = 0; c < C; c++) {
          const o = ((n * g.OH + oh) * g.OW + ow) * C + c;
          const want = refOut(op, x, g, n, oh, ow, c, -1, 0);
          const ok = close(<f64>at(y, o), want, 1e-6, 1e-6);
          if (!ok) trace('fwd', 5, <f64>k, <f64>C, <f64>o, <f64>at(y, o), want);
          if (!ok || (op == MAX && load<i32>(am + (<usize>o << 2)) != refArg)) bad++;
        }
      }
      expect(bad).toBe(0);
      expect(at(y, ny)).toBe(GUARD);
      expect(load<i32>(am + (<usize>ny << 2))).toBe(777);
      if (op == MAX) {
        // without indices (argmax = 0, inference): the same values, nothing past y written
        const yv = zeroBuf(ny + 1);
        store<f32>(yv + (<usize>ny << 2), GUARD);
        maxpool2d_nhwc_fwd_f32(x, yv, 0, N, H, W, C, g.OH, g.OW, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.pt, g.pl, g.dh, g.dw);
        expect(memory.compare(yv, y, <usize>ny << 2)).toBe(0);
        expect(at(yv, ny)).toBe(GUARD);
        // and with NaNs in some cells (a NaN wins only as its window's first real cell)
        const xq = zeroBuf(nx);
        for (let i = 0; i < nx; i++) store<f32>(xq + (<usize>i << 2), i % 7 == 3 ? NaN : at(x, i));
        maxpool2d_nhwc_fwd_f32(xq, y, am, N, H, W, C, g.OH, g.OW, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.pt, g.pl, g.dh, g.dw);
        maxpool2d_nhwc_fwd_f32(xq, yv, 0, N, H, W, C, g.OH, g.OW, g.kh, g.kw, g.sh, g.sw, g.pt, g.pl, g.pt, g.pl, g.dh, g.dw);
        expect(memory.compare(yv, y, <usize>ny << 2)).toBe(0);
        runFwd(op, x, y, am, g);   // y and am as the backward below expects them
        heap.free(yv); heap.free(xq);
      }

      // backward: dx must be fully overwritten (poison it first), guard after it
      const dy = randBuf(ny);
      const dx = zeroBuf(nx + 1);
      for (let i = 0; i < nx; i++) store<f32>(dx + (<usize>i << 2), 99);
      store<f32>(dx + (<usize>nx << 2), GUARD);
      runBwd(op, x, y, am, dy, dx, g);
      const h: f64 = 1e-3;
      for (let i = 0; i < nx; i++) {
        const c = i % C;
        const n = i / (H * W * C);
        const ih = (i / (W * C)) % H;
        const iw = (i / C) % W;
        let want: f64 = 0;
        for (let oh = 0; oh < g.OH; oh++) for (let ow = 0; ow < g.OW; ow++) {
          const th = ih - (oh * g.sh - g.pt);
          const tw = iw - (ow * g.sw - g.pl);
          if (th < 0 || th > (g.kh - 1) * g.dh || th % g.dh != 0 || tw < 0 || tw > (g.kw - 1) * g.dw || tw % g.dw != 0) continue;
          const o = ((n * g.OH + oh) * g.OW + ow) * C + c;
          const up = refOut(op, x, g, n, oh, ow, c, i, h);
          const dn = refOut(op, x, g, n, oh, ow, c, i, -h);
          want += <f64>at(dy, o) * (up - dn) / (2 * h);
        }
        const ok = close(<f64>at(dx, i), want, 1e-5, 1e-5);
        if (!ok) { trace('bwd', 5, <f64>k, <f64>C, <f64>i, <f64>at(dx, i), want); bad++; }
      }
      expect(bad).toBe(0);
      expect(at(dx, nx)).toBe(GUARD);
      heap.free(x); heap.free(y); heap.free(am); heap.free(dy); heap.free(dx);
    }
  }
}

describe('pool', () => {
  it('max: forward and argmax match the reference; backward matches finite differences', () => {
    checkOp(MAX);
  });
  it('average, countPad = 1: forward and backward', () => { checkOp(AVG); });
  it('average, countPad = 0: forward and backward', () => { checkOp(AVGR); });
  it('L2: forward and backward', () => { checkOp(L2); });

  it('max: ties go to the first cell in scan order; all-padding windows give 0 and −1', () => {
    const C = 5;
    const x = zeroBuf(H * W * C);
    for (let i = 0; i < H * W * C; i++) store<f32>(x + (<usize>i << 2), 2);
    // 2×2 stride 1 padding 1: output (0,0) sees the single real cell (0,0)
    const OH = H + 1;
    const OW = W + 1;
    const y = zeroBuf(OH * OW * C);
    const am = zeroBuf(OH * OW * C);
    maxpool2d_nhwc_fwd_f32(x, y, am, 1, H, W, C, OH, OW, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1);
    for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) for (let c = 0; c < C; c++) {
      const o = (oh * OW + ow) * C + c;
      expect(at(y, o)).toBe(2);
      const ih = max(oh - 1, 0);
      const iw = max(ow - 1, 0);
      expect(load<i32>(am + (<usize>o << 2))).toBe((ih * W + iw) * C + c);
    }
    // padding 3 with a 2×2 kernel: output (0, 0) has no real cell
    const y2 = zeroBuf(C);
    const am2 = zeroBuf(C);
    maxpool2d_nhwc_fwd_f32(x, y2, am2, 1, H, W, C, 1, 1, 2, 2, 1, 1, 3, 3, 3, 3, 1, 1);
    for (let c = 0; c < C; c++) {
      expect(at(y2, c)).toBe(0);
      expect(load<i32>(am2 + (<usize>c << 2))).toBe(-1);
    }
    heap.free(x); heap.free(y); heap.free(am); heap.free(y2); heap.free(am2);
  });

  it('L2: all-zero window gives y = 0 and gradient 0 (defined), not NaN', () => {
    const C = 3;
    const x = zeroBuf(H * W * C);
    const y = zeroBuf(C);
    const dy = zeroBuf(C);
    const dx = zeroBuf(H * W * C);
    for (let c = 0; c < C; c++) store<f32>(dy + (<usize>c << 2), 1);
    l2pool2d_nhwc_fwd_f32(x, y, 1, H, W, C, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1);
    l2pool2d_nhwc_bwd_f32(x, y, dy, dx, 1, H, W, C, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1);
    for (let c = 0; c < C; c++) expect(at(y, c)).toBe(0);
    for (let i = 0; i < H * W * C; i++) expect(at(dx, i)).toBe(0);
    heap.free(x); heap.free(y); heap.free(dy); heap.free(dx);
  });

  it('global average: forward and backward', () => {
    seed(7);
    for (let s = 0; s < CS.length; s++) {
      const C = CS[s];
      const nx = N * H * W * C;
      const x = randBuf(nx);
      const y = zeroBuf(N * C + 1);
      store<f32>(y + (<usize>(N * C) << 2), GUARD);
      global_avgpool_nhwc_fwd_f32(x, y, N, H, W, C);
      for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
        expect(close(<f64>at(y, n * C + c), refMean(x, C, n, c, -1, 0), 1e-7, 1e-6)).toBe(true);
      }
      expect(at(y, N * C)).toBe(GUARD);
      const dy = randBuf(N * C);
      const dx = zeroBuf(nx + 1);
      store<f32>(dx + (<usize>nx << 2), GUARD);
      global_avgpool_nhwc_bwd_f32(dy, dx, N, H, W, C);
      const h: f64 = 1e-3;
      for (let i = 0; i < nx; i++) {
        const n = i / (H * W * C);
        const c = i % C;
        const d = refMean(x, C, n, c, i, h) - refMean(x, C, n, c, i, -h);
        expect(close(<f64>at(dx, i), <f64>at(dy, n * C + c) * d / (2 * h), 1e-7, 1e-6)).toBe(true);
      }
      expect(at(dx, nx)).toBe(GUARD);
      heap.free(x); heap.free(y); heap.free(dy); heap.free(dx);
    }
  });

  it('adaptive average: PyTorch windows, outputs smaller and larger than the input', () => {
    seed(11);
    // output sizes: divisors, non-divisors, 1 and larger than the input (H = 5, W = 7)
    const OHS: i32[] = [1, 2, 3, 5, 7];
    const OWS: i32[] = [1, 3, 4, 7, 9];
    for (let s = 0; s < CS.length; s++) for (let q = 0; q < OHS.length; q++) {
      const C = CS[s];
      const OH = OHS[q];
      const OW = OWS[(q + s) % OWS.length];
      const nx = N * H * W * C;
      const ny = N * OH * OW * C;
      const x = randBuf(nx);
      const y = outBuf(ny);
      adaptive_avgpool2d_nhwc_fwd_f32(x, y, N, H, W, C, OH, OW);
      const dy = randBuf(ny);
      const dx = outBuf(nx);
      adaptive_avgpool2d_nhwc_bwd_f32(dy, dx, N, H, W, C, OH, OW);
      const want = new Float64Array(nx); // dx reference, accumulated window by window
      let bad = 0;
      for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
        const hs = (oh * H) / OH;
        const he = ((oh + 1) * H + OH - 1) / OH;
        const ws = (ow * W) / OW;
        const we = ((ow + 1) * W + OW - 1) / OW;
        const cnt = <f64>((he - hs) * (we - ws));
        for (let c = 0; c < C; c++) {
          const o = ((n * OH + oh) * OW + ow) * C + c;
          let acc: f64 = 0;
          for (let ih = hs; ih < he; ih++) for (let iw = ws; iw < we; iw++) {
            const i = ((n * H + ih) * W + iw) * C + c;
            acc += <f64>at(x, i);
            want[i] += <f64>at(dy, o) / cnt;
          }
          if (!close(<f64>at(y, o), acc / cnt, 1e-6, 1e-6)) bad++;
        }
      }
      for (let i = 0; i < nx; i++) if (!close(<f64>at(dx, i), want[i], 1e-6, 1e-6)) bad++;
      expect(bad).toBe(0);
      expect(at(y, ny)).toBe(GUARD);
      expect(at(dx, nx)).toBe(GUARD);
      heap.free(x); heap.free(y); heap.free(dy); heap.free(dx);
    }
  });
});
