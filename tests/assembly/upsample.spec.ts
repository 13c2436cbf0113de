import { upsample_nearest_nhwc_fwd, upsample_nearest_nhwc_bwd } from '../../assembly/upsample';
import { seed, rnd, randBuf, at, f64of, outBuf, GUARD } from './helpers';

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
      upsample_nearest_nhwc_fwd(x, y, N, H, W, C, sh, sw);
      const want = refFwd(X, N, H, W, C, sh, sw);
      for (let i = 0; i < yn; i++) expect(<f64>at(y, i)).toBe(want[i]);
      expect(at(y, yn)).toBe(GUARD);

      const dx = outBuf(xn);
      upsample_nearest_nhwc_bwd(g, dx, N, H, W, C, sh, sw);
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
