import {
  dwconv2d_nhwc_fwd_f32, dwconv2d_nhwc_fwd_f32_part, dwconv2d_nhwc_bwd_data_f32,
  dwconv2d_nhwc_bwd_data_f32_part, dwconv2d_nhwc_bwd_filter_f32, dwconv2d_nhwc_bwd_filter_f32_part,
  dwconv_transpose2d_nhwc_fwd_f32,
} from '../../assembly/dwconv';
import { axpy_f32 } from '../../assembly/elementwise';
import { seed, randBuf } from './helpers';
import { Geo, geo, refFwd, refData, refFilter, epilogue, f64of, outBuf, check, checkFd } from './conv_ref';
import { P0, P1, act64, checkBoth } from './epilogue_ref';

// The depthwise kernels (groups = C = K) against the scalar f64 reference convolution of
// conv_ref.ts, their gradients also against central finite differences, the forward's
// threaded parts bit for bit against one call, and the depthwise transposed convolution;
// the forward's fused epilogue (every act code, a residual) against the unfused passes.

// a and b hold the same bits over n + 1 floats (the one past the end: nothing written there).
function sameBits(a: usize, b: usize, n: i32): bool {
  for (let i = 0; i <= n; i++) if (load<u32>(a + (<usize>i << 2)) != load<u32>(b + (<usize>i << 2))) return false;
  return true;
}

const PARTS: i32[] = [2, 3, 7];

function checkCase(g: Geo, samples: i32): void {
  const d = g.toString();
  const xn = g.xLen(), yn = g.yLen(), wn = g.wLen();
  const x = randBuf(xn), w = randBuf(wn), b = randBuf(g.K), bt = randBuf(g.C), gy = randBuf(yn);
  const X = f64of(x, xn), Wt = f64of(w, wn), B = f64of(b, g.K), GY = f64of(gy, yn);
  const bias = g.bias ? b : 0;

  const y = outBuf(yn);
  dwconv2d_nhwc_fwd_f32(x, w, bias, y, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW,
    g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.act, 0, 0, 0);
  check(y, refFwd(g, X, Wt, g.bias ? B : null, g.act), d + ' fwd');
  // Parts over output rows, run one after another into a noisy output: bit-identical.
  for (let pi = 0; pi < PARTS.length; pi++) {
    const parts = PARTS[pi];
    const got = outBuf(yn);
    for (let part = 0; part < parts; part++) {
      dwconv2d_nhwc_fwd_f32_part(x, w, bias, got, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW,
        g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.act, 0, 0, 0, part, parts);
    }
    let diff = 0;
    for (let i = 0; i <= yn; i++) if (load<u32>(got + (<usize>i << 2)) != load<u32>(y + (<usize>i << 2))) diff++;
    expect(diff).toBe(0, d + ' fwd in ' + parts.toString() + ' parts');
    heap.free(got);
  }

  const dx = outBuf(xn);
  dwconv2d_nhwc_bwd_data_f32(gy, w, dx, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW,
    g.sh, g.sw, g.pt, g.pl, g.dh, g.dw);
  check(dx, refData(g, GY, Wt), d + ' bwd_data');
  checkFd(false, g, X, Wt, B, GY, X, dx, samples, d + ' bwd_data');

  const dw = outBuf(wn);
  dwconv2d_nhwc_bwd_filter_f32(x, gy, dw, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW,
    g.sh, g.sw, g.pt, g.pl, g.dh, g.dw);
  check(dw, refFilter(g, X, GY), d + ' bwd_filter');
  checkFd(false, g, X, Wt, B, GY, Wt, dw, samples, d + ' bwd_filter');

  // The backward's threaded parts (data: input rows; filter: channels), one after another
  // into noisy outputs: bit-identical to one call.
  for (let pi = 0; pi < PARTS.length; pi++) {
    const parts = PARTS[pi];
    const gotX = outBuf(xn), gotW = outBuf(wn);
    for (let part = 0; part < parts; part++) {
      dwconv2d_nhwc_bwd_data_f32_part(gy, w, gotX, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW,
        g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, part, parts);
      dwconv2d_nhwc_bwd_filter_f32_part(x, gy, gotW, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW,
        g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, part, parts);
    }
    expect(sameBits(gotX, dx, xn)).toBe(true, d + ' bwd_data in ' + parts.toString() + ' parts');
    expect(sameBits(gotW, dw, wn)).toBe(true, d + ' bwd_filter in ' + parts.toString() + ' parts');
    heap.free(gotX); heap.free(gotW);
  }

  // The transposed convolution of the same geometry: input shaped like y, output like x.
  const yt = outBuf(xn);
  dwconv_transpose2d_nhwc_fwd_f32(gy, w, g.bias ? bt : 0, yt, g.N, g.OH, g.OW, g.C, g.H, g.W,
    g.KH, g.KW, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.act);
  const wantT = refData(g, GY, Wt);
  epilogue(wantT, g.bias ? f64of(bt, g.C) : null, g.act);
  check(yt, wantT, d + ' transposed fwd');

  heap.free(x); heap.free(w); heap.free(b); heap.free(bt); heap.free(gy);
  heap.free(y); heap.free(dx); heap.free(dw); heap.free(yt);
}

describe('dwconv2d', () => {
  it('channel tails 1, 2, 3 and none; strides, dilations, padding, batch', () => {
    seed(4);
    checkCase(geo(1, 9, 8, 5, 5, 3, 3, 1, 1, 1, 1, 5).same().epi(true, 1), 4);
    checkCase(geo(1, 9, 9, 6, 6, 3, 3, 2, 2, 1, 1, 6).same().epi(true, 0), 4);
    checkCase(geo(1, 8, 11, 7, 7, 5, 5, 1, 1, 2, 2, 7).pads(3, 1, 4, 2).epi(false, 1), 4);
    checkCase(geo(1, 11, 13, 8, 8, 3, 3, 3, 1, 1, 1, 8).valid().epi(false, 0), 4);
    checkCase(geo(1, 7, 9, 2, 2, 7, 7, 1, 1, 1, 1, 2).same().epi(true, 0), 4);
    checkCase(geo(1, 9, 12, 4, 4, 1, 1, 1, 1, 1, 1, 4).valid().epi(true, 1), 4);
    checkCase(geo(3, 6, 14, 9, 9, 3, 5, 2, 1, 1, 1, 9).same().epi(true, 1), 4);
    checkCase(geo(2, 9, 8, 6, 6, 3, 3, 2, 1, 1, 1, 6).same().epi(true, 1), 4);
  });

  it('interior fast path over wide rows, all tails, strides and dilations', () => {
    seed(9);
    const cs: i32[] = [1, 3, 4, 6, 9, 33];
    for (let t = 0; t < cs.length; t++) {
      const c = cs[t];
      const s = 1 + t % 2;
      const d = t % 3 == 2 ? 2 : 1;
      checkCase(geo(1, 6, 19, c, c, 3, 3, s, s, d, d, c).same().epi(t % 2 == 0, (t / 2) % 2), 3);
      checkCase(geo(2, 5, 17, c, c, 5, 3, 1, s, 1, d, c).pads(1, 0, 0, 2).epi(true, 1), 3);
    }
  });

  it('3×3 and 5×5 at stride 1 and 2 (the specialised forwards): odd sizes, pads 0-2, tails', () => {
    seed(15);
    const cs: i32[] = [1, 3, 5, 13, 33, 67];
    for (let t = 0; t < cs.length; t++) {
      const c = cs[t];
      for (let k = 3; k <= 5; k += 2) {
        for (let s = 1; s <= 2; s++) {
          const p = (t + k + s) % 3;
          // Wide enough for interiors of several pixels, odd, one more row than columns.
          checkCase(geo(1 + t % 2, 9 + 2 * (t % 2), 13 + 2 * s, c, c, k, k, s, s, 1, 1, c)
            .pads(p, (p + 1) % 3, p, 2 - p).epi((t + s) % 2 == 0, (t + k) % 2), 2);
        }
      }
    }
  });

  it('fused epilogue: every act code, with and without a residual, on every forward path', () => {
    seed(21);
    // 3×3 at strides 1 and 2 (the 4-pixel column-sharing forward), 5×5 at 1 and 2 (the row
    // walk, whose last pass applies the epilogue), 7×7 and a dilated 3×3 (the 8/4/1-pixel
    // paths); C odd for the 1- and 3-lane tails; padding for the border pixels.
    const ks: i32[] = [3, 3, 5, 5, 7, 3];
    const ss: i32[] = [1, 2, 1, 2, 1, 1];
    const ds: i32[] = [1, 1, 1, 1, 1, 2];
    const cs: i32[] = [7, 13];
    for (let t = 0; t < ks.length; t++) for (let ci = 0; ci < cs.length; ci++) {
      // 259 channels at 3×3/2: the 9-weight row walk in several segments, a 3-lane tail.
      const k = ks[t], s = ss[t], c = t == 1 && ci == 1 ? 259 : cs[ci];
      const g = geo(1 + ci, 9, 21 + s, c, c, k, k, s, s, ds[t], ds[t], c).same();
      const xn = g.xLen(), yn = g.yLen(), wn = g.wLen();
      const x = randBuf(xn), w = randBuf(wn), b = randBuf(c), res = randBuf(yn);
      const base = refFwd(g, f64of(x, xn), f64of(w, wn), f64of(b, c), 0);
      const R = f64of(res, yn);
      for (let r = 0; r < 2; r++) {
        // Unfused: the kernel without epilogue, then the residual's add (then checkBoth's
        // activation pass).
        const raw = outBuf(yn);
        dwconv2d_nhwc_fwd_f32(x, w, b, raw, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW,
          g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, 0, 0, 0, 0);
        if (r != 0) axpy_f32(1, res, raw, yn);
        for (let act = 0; act <= 6; act++) {
          const d = g.toString() + (r != 0 ? ' res' : '') + ' act ' + act.toString();
          const got = outBuf(yn);
          dwconv2d_nhwc_fwd_f32(x, w, b, got, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW,
            g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, act, P0[act], P1[act], r != 0 ? res : 0);
          checkBoth(act, got, raw, yn, 'dwconv ' + d);
          const want = new Float64Array(yn);
          for (let i = 0; i < yn; i++) want[i] = act64(act, base[i] + (r != 0 ? R[i] : 0));
          check(got, want, d + ' vs the scalar reference');
          // Threaded parts with the epilogue: bit-identical to one call.
          const parts = 3 + act % 2;
          const gp = outBuf(yn);
          for (let part = 0; part < parts; part++) {
            dwconv2d_nhwc_fwd_f32_part(x, w, b, gp, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW,
              g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, act, P0[act], P1[act], r != 0 ? res : 0, part, parts);
          }
          expect(sameBits(gp, got, yn)).toBe(true, d + ' in ' + parts.toString() + ' parts');
          heap.free(got); heap.free(gp);
        }
        heap.free(raw);
      }
      heap.free(x); heap.free(w); heap.free(b); heap.free(res);
    }
  });
});
