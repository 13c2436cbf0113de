import { upsample_nhwc_nearest_fwd_f32, upsample_nhwc_nearest_bwd_f32, resize_nhwc_fwd_f32, resize_nhwc_bwd_f32 } from '../../assembly/upsample';
import { seed, rnd, randBuf, at, f64of, outBuf, close, GUARD } from './helpers';

// Nearest upsampling against a scalar reference; the backward against the scalar adjoint
// and central finite differences of the f64 forward (L = Σ y ⊙ g). Outputs start as noise
// (kernels overwrite) with a guard value after them.


function refFwd(x: Float64Array, N: i32, H: i32, W: i32, C: i32, sh: i32, sw: i32): Float64Array {
  const OH = H * sh, OW = W * sw;
  const y = new Float64Array(N * OH * OW * C);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++)
        for (let c = 0; c < C; c++)
          y[((n * OH + i) * OW + j) * C + c] = x[((n * H + i / sh) * W + j / sw) * C + c];
  return y;
}

// The adjoint: every y cell adds its gradient into the x cell it was copied from.
function refBwd(dy: Float64Array, N: i32, H: i32, W: i32, C: i32, sh: i32, sw: i32): Float64Array {
  const OH = H * sh, OW = W * sw;
  const dx = new Float64Array(N * H * W * C);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++)
        for (let c = 0; c < C; c++)
          dx[((n * H + i / sh) * W + j / sw) * C + c] += dy[((n * OH + i) * OW + j) * C + c];
  return dx;
}



function lossOf(x: Float64Array, g: Float64Array, N: i32, H: i32, W: i32, C: i32, sh: i32, sw: i32): f64 {
  const y = refFwd(x, N, H, W, C, sh, sw);
  let s: f64 = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * g[i];
  return s;
}

describe('upsample_nearest', () => {
  it('forward and backward on channel tails, factors 1–3, batch 1 and 2', () => {
    seed(11);
    const cs: i32[] = [1, 3, 4, 5, 7, 17, 33];
    for (let t = 0; t < cs.length; t++) {
      const C = cs[t];
      const N = 1 + t % 2, H = 2 + t % 3, W = 3 + (t * 2) % 5;
      const sh = 1 + t % 3, sw = 1 + (t + 1) % 3;
      const xn = N * H * W * C, yn = xn * sh * sw;
      const x = randBuf(xn), g = randBuf(yn);
      const X = f64of(x, xn), G = f64of(g, yn);

      const y = outBuf(yn);
      upsample_nhwc_nearest_fwd_f32(x, y, N, H, W, C, sh, sw);
      const want = refFwd(X, N, H, W, C, sh, sw);
      for (let i = 0; i < yn; i++) expect(<f64>at(y, i)).toBe(want[i]);
      expect(at(y, yn)).toBe(GUARD);

      const dx = outBuf(xn);
      upsample_nhwc_nearest_bwd_f32(g, dx, N, H, W, C, sh, sw);
      const wantDx = refBwd(G, N, H, W, C, sh, sw);
      let worst: f64 = 0;
      for (let i = 0; i < xn; i++) worst = Math.max(worst, Math.abs(<f64>at(dx, i) - wantDx[i]) / (1 + Math.abs(wantDx[i])));
      expect(worst).toBeLessThan(1e-6);
      expect(at(dx, xn)).toBe(GUARD);

      // central differences at a few entries (the last one always)
      const h: f64 = 1e-3;
      for (let s = 0; s < 4; s++) {
        const i = s == 0 ? xn - 1 : <i32>((<f64>rnd() * 0.5 + 0.5) * xn) % xn;
        const v = X[i];
        X[i] = v + h; const lp = lossOf(X, G, N, H, W, C, sh, sw);
        X[i] = v - h; const lm = lossOf(X, G, N, H, W, C, sh, sw);
        X[i] = v;
        const num = (lp - lm) / (2 * h);
        expect(Math.abs(<f64>at(dx, i) - num) / (1 + Math.abs(num))).toBeLessThan(1e-5);
      }
      heap.free(x); heap.free(g); heap.free(y); heap.free(dx);
    }
  });
});

// Resize tables: per output row/column (i0, i1, w). Random sources and weights, with some
// w = 0 entries (the nearest and exact-row paths).
function table(out: i32, inn: i32): usize {
  const t = heap.alloc(<usize>max(out, 1) * 12);
  for (let o = 0; o < out; o++) {
    const i0 = <i32>Math.floor((<f64>rnd() * 0.5 + 0.5) * <f64>inn) % inn;
    const i1 = o % 3 == 0 ? i0 : <i32>Math.floor((<f64>rnd() * 0.5 + 0.5) * <f64>inn) % inn;
    store<i32>(t + <usize>o * 12, i0);
    store<i32>(t + <usize>o * 12 + 4, i1);
    store<f32>(t + <usize>o * 12 + 8, o % 3 == 0 ? 0 : rnd() * 0.5 + 0.5);
  }
  return t;
}

describe('resize', () => {
  it('forward and backward match the f64 bilinear reference over every channel tail', () => {
    seed(31);
    const CS: i32[] = [1, 2, 3, 4, 5, 7, 9];
    for (let s = 0; s < CS.length; s++) {
      const N = 2;
      const H = 4;
      const W = 5;
      const C = CS[s];
      const OH = 3 + s;
      const OW = 7 - (s % 3);
      const th = table(OH, H);
      const tw = table(OW, W);
      const nx = N * H * W * C;
      const ny = N * OH * OW * C;
      const x = randBuf(nx);
      const y = outBuf(ny);
      resize_nhwc_fwd_f32(x, y, N, H, W, C, OH, OW, th, tw);
      const dy = randBuf(ny);
      const dx = outBuf(nx);
      resize_nhwc_bwd_f32(dy, dx, N, H, W, C, OH, OW, th, tw);
      const want = new Float64Array(nx);
      let bad = 0;
      for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
        const h0 = load<i32>(th + <usize>oh * 12);
        const h1 = load<i32>(th + <usize>oh * 12 + 4);
        const wh = <f64>load<f32>(th + <usize>oh * 12 + 8);
        const w0 = load<i32>(tw + <usize>ow * 12);
        const w1 = load<i32>(tw + <usize>ow * 12 + 4);
        const ww = <f64>load<f32>(tw + <usize>ow * 12 + 8);
        for (let c = 0; c < C; c++) {
          const i00 = ((n * H + h0) * W + w0) * C + c;
          const i01 = ((n * H + h0) * W + w1) * C + c;
          const i10 = ((n * H + h1) * W + w0) * C + c;
          const i11 = ((n * H + h1) * W + w1) * C + c;
          const v = (1 - wh) * ((1 - ww) * <f64>at(x, i00) + ww * <f64>at(x, i01)) + wh * ((1 - ww) * <f64>at(x, i10) + ww * <f64>at(x, i11));
          const o = ((n * OH + oh) * OW + ow) * C + c;
          if (!close(<f64>at(y, o), v, 1e-6, 1e-6)) bad++;
          const g = <f64>at(dy, o);
          want[i00] += (1 - wh) * (1 - ww) * g;
          want[i01] += (1 - wh) * ww * g;
          want[i10] += wh * (1 - ww) * g;
          want[i11] += wh * ww * g;
        }
      }
      for (let i = 0; i < nx; i++) if (!close(<f64>at(dx, i), want[i], 1e-6, 1e-5)) bad++;
      expect(bad).toBe(0);
      expect(at(y, ny)).toBe(GUARD);
      expect(at(dx, nx)).toBe(GUARD);
      heap.free(th); heap.free(tw); heap.free(x); heap.free(y); heap.free(dy); heap.free(dx);
    }
  });

  it('a one-source row or column copies: inf stays inf (no 0·inf)', () => {
    const x = outBuf(2);
    store<f32>(x, Infinity);
    store<f32>(x + 4, 1);
    const t = heap.alloc(24); // row: (0, 0, 0); column: (0, 1, 0)
    store<i32>(t, 0); store<i32>(t + 4, 0); store<f32>(t + 8, 0);
    store<i32>(t + 12, 0); store<i32>(t + 16, 1); store<f32>(t + 20, 0);
    const y = outBuf(1);
    resize_nhwc_fwd_f32(x, y, 1, 1, 2, 1, 1, 1, t, t + 12);
    expect(at(y, 0)).toBe(Infinity);
    heap.free(x); heap.free(t); heap.free(y);
  });
});
