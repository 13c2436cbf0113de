import {
  conv2d_nhwc_fwd_f32, conv2d_nhwc_fwd_f32_scratch_bytes,
  conv2d_nhwc_bwd_data_f32, conv2d_nhwc_bwd_data_f32_scratch_bytes,
  conv2d_nhwc_bwd_filter_f32, conv2d_nhwc_bwd_filter_f32_scratch_bytes,
  conv_transpose2d_nhwc_fwd_f32, conv_transpose2d_nhwc_fwd_f32_scratch_bytes,
  conv_transpose2d_nhwc_bwd_data_f32, conv_transpose2d_nhwc_bwd_data_f32_scratch_bytes,
  conv_transpose2d_nhwc_bwd_filter_f32, conv_transpose2d_nhwc_bwd_filter_f32_scratch_bytes,
  conv2d_nhwc_fwd_f32_part, conv2d_nhwc_bwd_data_f32_part, conv2d_nhwc_bwd_filter_f32_part,
  conv_transpose2d_nhwc_fwd_f32_part, conv_transpose2d_nhwc_bwd_data_f32_part,
  conv_transpose2d_nhwc_bwd_filter_f32_part, conv2d_nhwc_bwd_filter_f32_work_bytes,
  conv_transpose2d_nhwc_bwd_filter_f32_work_bytes, add_partials_f32,
} from '../../assembly/conv';
import { sum_rows_f32 } from '../../assembly/elementwise';
import { seed, randBuf } from './helpers';
import {
  GUARD, Geo, geo, refFwd, refData, refFilter, epilogue, f64of, outBuf, check, checkFd,
} from './conv_ref';

// Every kernel is compared with a plain scalar f64 reference (direct convolution and its
// direct adjoints), and every gradient also with central finite differences of the f64
// forward reference at sampled entries. Outputs are pre-filled with noise (kernels must
// overwrite) and followed by a guard value; scratch is exactly the reported size plus a guard.


function colSums(dy: Float64Array, K: i32): Float64Array {
  const s = new Float64Array(K);
  for (let i = 0; i < dy.length; i++) s[i % K] += dy[i];
  return s;
}

// ---- buffers -------------------------------------------------------------------------

function scratchBuf(bytes: usize): usize {
  const p = heap.alloc(bytes + 16);
  expect<usize>(p & 15).toBe(0);
  memory.fill(p, 0xAB, bytes);
  store<f32>(p + bytes, GUARD);
  return p;
}
function checkScratch(p: usize, bytes: usize, what: string): void {
  expect(load<f32>(p + bytes)).toBe(GUARD, what + ': scratch overrun');
  heap.free(p);
}
// ---- one configuration: conv fwd/bwd, bias grad, transposed fwd/bwd ----------------

function checkCase(g: Geo, samples: i32): void {
  const d = g.toString();
  const xn = g.xLen(), yn = g.yLen(), wn = g.wLen();
  const x = randBuf(xn), w = randBuf(wn), b = randBuf(g.K), bt = randBuf(g.C);
  const gy = randBuf(yn), gx = randBuf(xn);   // upstream gradients (and transposed inputs)
  const X = f64of(x, xn), Wt = f64of(w, wn), B = f64of(b, g.K), BT = f64of(bt, g.C);
  const GY = f64of(gy, yn), GX = f64of(gx, xn);

  // conv forward with the case's epilogue
  let bytes = conv2d_nhwc_fwd_f32_scratch_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K,
    g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
  let scr = scratchBuf(bytes);
  const y = outBuf(yn);
  conv2d_nhwc_fwd_f32(x, w, g.bias ? b : 0, y, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K,
    g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, g.act, 0, 0, 0, scr);
  check(y, refFwd(g, X, Wt, g.bias ? B : null, g.act), d + ' fwd');
  checkScratch(scr, bytes, d + ' fwd');

  // conv backward-data
  bytes = conv2d_nhwc_bwd_data_f32_scratch_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K,
    g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
  scr = scratchBuf(bytes);
  const dx = outBuf(xn);
  conv2d_nhwc_bwd_data_f32(gy, w, dx, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K,
    g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, scr);
  check(dx, refData(g, GY, Wt), d + ' bwd_data');
  checkFd(false, g, X, Wt, B, GY, X, dx, samples, d + ' bwd_data');
  checkScratch(scr, bytes, d + ' bwd_data');

  // conv backward-filter
  bytes = conv2d_nhwc_bwd_filter_f32_scratch_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K,
    g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
  scr = scratchBuf(bytes);
  const dw = outBuf(wn);
  conv2d_nhwc_bwd_filter_f32(x, gy, dw, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K,
    g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, scr);
  check(dw, refFilter(g, X, GY), d + ' bwd_filter');
  checkFd(false, g, X, Wt, B, GY, Wt, dw, samples, d + ' bwd_filter');
  checkScratch(scr, bytes, d + ' bwd_filter');

  // bias gradient
  const db = outBuf(g.K);
  sum_rows_f32(gy, db, g.N * g.OH * g.OW, g.K);
  check(db, colSums(GY, g.K), d + ' bwd_bias');
  checkFd(false, g, X, Wt, B, GY, B, db, min(samples, g.K), d + ' bwd_bias');

  // Transposed conv of the same geometry: input shaped like y (gy), output like x; its
  // upstream gradient is gx. Same weight buffer ([KH, KW, Cout_t/groups, Cin_t]).
  bytes = conv_transpose2d_nhwc_fwd_f32_scratch_bytes(g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH, g.KW,
    g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
  scr = scratchBuf(bytes);
  const yt = outBuf(xn);
  conv_transpose2d_nhwc_fwd_f32(gy, w, g.bias ? bt : 0, yt, g.N, g.OH, g.OW, g.K, g.H, g.W,
    g.KH, g.KW, g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, g.act, scr);
  const wantT = refData(g, GY, Wt);
  epilogue(wantT, g.bias ? BT : null, g.act);
  check(yt, wantT, d + ' transposed fwd');
  checkScratch(scr, bytes, d + ' transposed fwd');

  bytes = conv_transpose2d_nhwc_bwd_data_f32_scratch_bytes(g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH,
    g.KW, g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
  scr = scratchBuf(bytes);
  const dxt = outBuf(yn);
  conv_transpose2d_nhwc_bwd_data_f32(gx, w, dxt, g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH, g.KW, g.C,
    g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, scr);
  check(dxt, refFwd(g, GX, Wt, null, 0), d + ' transposed bwd_data');
  checkFd(true, g, GY, Wt, BT, GX, GY, dxt, samples, d + ' transposed bwd_data');
  checkScratch(scr, bytes, d + ' transposed bwd_data');

  bytes = conv_transpose2d_nhwc_bwd_filter_f32_scratch_bytes(g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH,
    g.KW, g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
  scr = scratchBuf(bytes);
  const dwt = outBuf(wn);
  conv_transpose2d_nhwc_bwd_filter_f32(gy, gx, dwt, g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH, g.KW,
    g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, scr);
  check(dwt, refFilter(g, GX, GY), d + ' transposed bwd_filter');
  checkFd(true, g, GY, Wt, BT, GX, Wt, dwt, samples, d + ' transposed bwd_filter');
  checkScratch(scr, bytes, d + ' transposed bwd_filter');

  heap.free(x); heap.free(w); heap.free(b); heap.free(bt); heap.free(gy); heap.free(gx);
  heap.free(y); heap.free(dx); heap.free(dw); heap.free(db); heap.free(yt); heap.free(dxt);
  heap.free(dwt);
}

const CH: i32[] = [1, 3, 5, 6, 4, 7];   // channel counts, mostly not multiples of 4

describe('conv2d', () => {
  it('kernels 1, 3, 5, 7 × strides 1–3 × padding valid / same / explicit asymmetric', () => {
    seed(1);
    const ks: i32[] = [1, 3, 5, 7];
    let i = 0;
    for (let a = 0; a < ks.length; a++)
      for (let s = 1; s <= 3; s++)
        for (let p = 0; p < 3; p++) {
          const k = ks[a];
          const g = geo(1, 9, 8, CH[i % 6], CH[(i + 2) % 6], k, k, s, s, 1, 1, 1);
          if (p == 0) g.valid(); else if (p == 1) g.same(); else g.pads(1, 2, 2, 0);
          g.epi(i % 2 == 1, (i / 2) % 2);
          checkCase(g, 4);
          i++;
        }
  });

  it('dilation 2 (both axes and one axis), with strides and padding', () => {
    seed(2);
    const ks: i32[] = [3, 5];
    let i = 0;
    for (let a = 0; a < ks.length; a++)
      for (let s = 1; s <= 2; s++)
        for (let p = 0; p < 3; p++) {
          const k = ks[a];
          const dh = i % 3 == 2 ? 1 : 2, dw = i % 3 == 1 ? 1 : 2;
          const g = geo(1, 9, 10, CH[i % 6], CH[(i + 3) % 6], k, k, s, s, dh, dw, 1);
          if (p == 0) g.valid(); else if (p == 1) g.same(); else g.pads(2, 0, 1, 3);
          g.epi(i % 2 == 0, (i / 2) % 2);
          checkCase(g, 4);
          i++;
        }
  });

  it('rectangular kernels, unequal strides and pads', () => {
    seed(3);
    checkCase(geo(1, 7, 9, 3, 5, 1, 3, 1, 2, 1, 1, 1).same().epi(true, 0), 4);
    checkCase(geo(1, 8, 7, 5, 2, 3, 1, 2, 1, 1, 1, 1).valid().epi(false, 1), 4);
    checkCase(geo(1, 9, 9, 6, 3, 3, 5, 3, 1, 1, 2, 1).pads(0, 3, 4, 1).epi(true, 1), 4);
    checkCase(geo(1, 6, 11, 2, 7, 5, 2, 1, 3, 2, 1, 1).same().epi(false, 0), 4);
    // pads wider than the kernel: whole output rows see only padding
    checkCase(geo(1, 5, 5, 3, 4, 1, 1, 1, 1, 1, 1, 1).pads(2, 1, 0, 2).epi(true, 1), 4);
    checkCase(geo(1, 5, 6, 5, 3, 3, 3, 2, 2, 1, 1, 1).pads(4, 3, 3, 4).epi(true, 0), 4);
  });

  it('groups 2 and 3, groups = C with multiplier 2 (depthwise: dwconv.spec.ts)', () => {
    seed(4);
    // groups 2: strided GEMMs over channel slices
    checkCase(geo(1, 7, 7, 6, 4, 3, 3, 1, 1, 1, 1, 2).same().epi(true, 1), 4);
    checkCase(geo(1, 8, 9, 10, 6, 3, 3, 2, 2, 1, 1, 2).valid().epi(false, 0), 4);
    checkCase(geo(1, 7, 6, 6, 10, 5, 5, 1, 2, 2, 1, 2).pads(1, 3, 2, 2).epi(true, 0), 4);
    checkCase(geo(1, 6, 5, 6, 4, 1, 1, 1, 1, 1, 1, 2).valid().epi(true, 1), 4);   // 1×1 direct
    checkCase(geo(1, 7, 7, 9, 6, 3, 3, 1, 1, 1, 1, 3).same().epi(false, 1), 4);   // groups 3
    // groups = C, two filters per channel (GEMM path, N = 2 per group)
    checkCase(geo(1, 7, 8, 3, 6, 3, 3, 1, 1, 1, 1, 3).same().epi(true, 0), 4);
    checkCase(geo(1, 9, 7, 5, 10, 5, 5, 2, 2, 1, 1, 5).pads(2, 1, 0, 3).epi(false, 1), 4);
  });

  it('batch 3', () => {
    seed(5);
    checkCase(geo(3, 5, 6, 3, 5, 3, 3, 1, 1, 1, 1, 1).same().epi(true, 1), 4);
    checkCase(geo(3, 7, 7, 5, 6, 1, 1, 1, 1, 1, 1, 1).valid().epi(true, 0), 4);   // 1×1 direct
    checkCase(geo(3, 7, 7, 4, 3, 1, 1, 2, 2, 1, 1, 1).valid().epi(false, 1), 4);  // 1×1 strided
    checkCase(geo(3, 9, 8, 6, 4, 5, 5, 2, 3, 1, 1, 2).pads(1, 2, 2, 1).epi(false, 0), 4);
    checkCase(geo(3, 8, 8, 1, 7, 7, 7, 3, 3, 2, 1, 1).same().epi(true, 1), 4);
  });

  // Large cases: finite differences are skipped (samples 0), the adjoint references they
  // rest on are checked against finite differences in every small case above.
  it('several im2col row blocks (rows split into 128 + 34, beta = 1 accumulation)', () => {
    seed(6);
    // kdim = 3·3·456 = 4104 floats a row: 2 MiB budget gives the 128-row minimum block
    checkCase(geo(2, 9, 9, 456, 3, 3, 3, 1, 1, 1, 1, 1).same().epi(true, 1), 0);
    // two groups of 456 channels, stride 1, one-sided padding
    checkCase(geo(2, 9, 9, 912, 4, 3, 3, 1, 1, 1, 1, 2).pads(2, 0, 0, 2).epi(false, 0), 0);
  });

  it('filter gradient in pixel slices (partial sums added in order) against the reference', () => {
    seed(10);
    // 3·26·27 = 2106 pixels and a small dw: the filter gradients split the pixels in 8
    checkCase(geo(3, 26, 27, 3, 5, 3, 3, 1, 1, 1, 1, 1).same().epi(true, 0), 2);
    checkCase(geo(2, 33, 33, 4, 3, 1, 1, 1, 1, 1, 1, 1).valid().epi(false, 1), 2);
  });

  it('1×1 direct path over several row blocks (no im2col)', () => {
    seed(7);
    // kdim = 2000: 2 MiB / 8000 B = 262 rows a block, 3·10·10 = 300 rows
    checkCase(geo(3, 10, 10, 2000, 3, 1, 1, 1, 1, 1, 1, 1).valid().epi(true, 0), 0);
  });

  it('bias gradient over long columns stays accurate', () => {
    seed(8);
    const widths: i32[] = [1, 3, 4, 7, 16, 17, 37];
    const rows = 1001;
    for (let t = 0; t < widths.length; t++) {
      const K = widths[t];
      const dy = randBuf(rows * K);
      const db = outBuf(K);
      sum_rows_f32(dy, db, rows, K);
      check(db, colSums(f64of(dy, rows * K), K), 'bwd_bias K=' + K.toString());
      heap.free(dy); heap.free(db);
    }
  });
});

// ---- threaded parts: (part, parts) slices put together are bit-identical to one call ----

const K_FWD = 0, K_DATA = 1, K_FILTER = 2, K_T_FWD = 3, K_T_DATA = 4, K_T_FILTER = 5;

// Runs kernel `which` of the case as part `part` of `parts` (parts == 0: the plain kernel);
// `work` is the filter gradients' shared work area.
function runKernel(which: i32, g: Geo, a: usize, b: usize, bias: usize, out: usize, scr: usize,
  work: usize, part: i32, parts: i32): void {
  const whole = parts == 0;
  if (whole) parts = 1;
  if (which == K_FWD) {
    if (whole) conv2d_nhwc_fwd_f32(a, b, bias, out, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, g.act, 0, 0, 0, scr);
    else conv2d_nhwc_fwd_f32_part(a, b, bias, out, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, g.act, 0, 0, 0, scr, part, parts);
  } else if (which == K_DATA) {
    if (whole) conv2d_nhwc_bwd_data_f32(a, b, out, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, scr);
    else conv2d_nhwc_bwd_data_f32_part(a, b, out, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, scr, part, parts);
  } else if (which == K_FILTER) {
    if (whole) conv2d_nhwc_bwd_filter_f32(a, b, out, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, scr);
    else conv2d_nhwc_bwd_filter_f32_part(a, b, out, g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, scr, work, part, parts);
  } else if (which == K_T_FWD) {
    if (whole) conv_transpose2d_nhwc_fwd_f32(a, b, bias, out, g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH, g.KW, g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, g.act, scr);
    else conv_transpose2d_nhwc_fwd_f32_part(a, b, bias, out, g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH, g.KW, g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, g.act, scr, part, parts);
  } else if (which == K_T_DATA) {
    if (whole) conv_transpose2d_nhwc_bwd_data_f32(a, b, out, g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH, g.KW, g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, scr);
    else conv_transpose2d_nhwc_bwd_data_f32_part(a, b, out, g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH, g.KW, g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, scr, part, parts);
  } else {
    if (whole) conv_transpose2d_nhwc_bwd_filter_f32(a, b, out, g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH, g.KW, g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, scr);
    else conv_transpose2d_nhwc_bwd_filter_f32_part(a, b, out, g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH, g.KW, g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups, scr, work, part, parts);
  }
}

// The filter gradients' shared work area (0 for the other kernels).
function workOf(which: i32, g: Geo): usize {
  if (which == K_FILTER) return conv2d_nhwc_bwd_filter_f32_work_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
  if (which == K_T_FILTER) return conv_transpose2d_nhwc_bwd_filter_f32_work_bytes(g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH, g.KW, g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
  return 0;
}

function scratchOf(which: i32, g: Geo): usize {
  if (which == K_FWD) return conv2d_nhwc_fwd_f32_scratch_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
  if (which == K_DATA) return conv2d_nhwc_bwd_data_f32_scratch_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
  if (which == K_FILTER) return conv2d_nhwc_bwd_filter_f32_scratch_bytes(g.N, g.H, g.W, g.C, g.OH, g.OW, g.KH, g.KW, g.K, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
  if (which == K_T_FWD) return conv_transpose2d_nhwc_fwd_f32_scratch_bytes(g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH, g.KW, g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
  if (which == K_T_DATA) return conv_transpose2d_nhwc_bwd_data_f32_scratch_bytes(g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH, g.KW, g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
  return conv_transpose2d_nhwc_bwd_filter_f32_scratch_bytes(g.N, g.OH, g.OW, g.K, g.H, g.W, g.KH, g.KW, g.C, g.sh, g.sw, g.pt, g.pl, g.dh, g.dw, g.groups);
}

// Every kernel of the case run whole, then in 2, 3 and 7 parts (one after another, each
// with its own scratch of the reported size — less the shared work area for the filter
// gradients, whose partial sums add_partials_f32 then adds, itself in parts — into an
// output pre-filled with noise): the parts must write every output float, bit for bit the
// whole call's, and nothing else. Returns how many filter kernels split the pixels.
function checkParts(g: Geo): i32 {
  const d = g.toString();
  const xn = g.xLen(), yn = g.yLen(), wn = g.wLen();
  const x = randBuf(xn), w = randBuf(wn), b = randBuf(g.K), bt = randBuf(g.C), gy = randBuf(yn), gx = randBuf(xn);
  const PARTS: i32[] = [2, 3, 7];
  let sliced = 0;
  for (let which = 0; which < 6; which++) {
    // inputs and output length per kernel
    let a = x, bb = w, bias: usize = 0, n = yn;
    if (which == K_FWD) { bias = g.bias ? b : 0; }
    else if (which == K_DATA) { a = gy; n = xn; }
    else if (which == K_FILTER) { bb = gy; n = wn; }
    else if (which == K_T_FWD) { a = gy; bias = g.bias ? bt : 0; n = xn; }
    else if (which == K_T_DATA) { a = gx; n = yn; }
    else { a = gy; bb = gx; n = wn; }
    const bytes = scratchOf(which, g);
    const workBytes = workOf(which, g);
    if (workBytes > 0) sliced++;
    const want = outBuf(n);
    let scr = scratchBuf(bytes);
    runKernel(which, g, a, bb, bias, want, scr, 0, 0, 0);
    checkScratch(scr, bytes, d + ' whole ' + which.toString());
    for (let pi = 0; pi < PARTS.length; pi++) {
      const parts = PARTS[pi];
      const got = outBuf(n);
      const work = scratchBuf(workBytes);
      for (let part = 0; part < parts; part++) {
        scr = scratchBuf(bytes - workBytes);
        runKernel(which, g, a, bb, bias, got, scr, work, part, parts);
        checkScratch(scr, bytes - workBytes, d + ' kernel ' + which.toString() + ' part ' + part.toString());
      }
      const count = <i32>(workBytes / (<usize>n << 2));
      for (let part = 0; part < parts; part++) add_partials_f32(got, work, n, count, part, parts);
      checkScratch(work, workBytes, d + ' work area');
      let diff = 0;
      for (let i = 0; i <= n; i++) if (load<u32>(got + (<usize>i << 2)) != load<u32>(want + (<usize>i << 2))) diff++;
      expect(diff).toBe(0, d + ' kernel ' + which.toString() + ' in ' + parts.toString() + ' parts');
      heap.free(got);
    }
    heap.free(want);
  }
  heap.free(x); heap.free(w); heap.free(b); heap.free(bt); heap.free(gy); heap.free(gx);
  return sliced;
}

describe('conv2d parts (threads)', () => {
  it('forward, backward-data, backward-filter and the transposed three: parts are bit-identical to one call', () => {
    seed(21);
    checkParts(geo(3, 9, 8, 5, 6, 3, 3, 1, 1, 1, 1, 1).same().epi(true, 1));     // parts split images
    checkParts(geo(1, 11, 7, 3, 5, 5, 5, 2, 2, 1, 1, 1).pads(2, 1, 0, 3).epi(false, 1));
    checkParts(geo(2, 10, 9, 4, 7, 3, 3, 1, 2, 2, 1, 1).same().epi(true, 0));    // dilation
    checkParts(geo(1, 6, 13, 6, 4, 3, 5, 3, 1, 1, 2, 2).pads(0, 3, 4, 1).epi(true, 1)); // groups 2
    checkParts(geo(3, 7, 7, 5, 6, 1, 1, 1, 1, 1, 1, 1).valid().epi(true, 0));    // 1×1 direct
    checkParts(geo(2, 7, 9, 4, 3, 1, 1, 2, 2, 1, 1, 1).valid().epi(false, 1));   // 1×1 strided
    checkParts(geo(1, 2, 3, 3, 2, 3, 3, 1, 1, 1, 1, 1).same().epi(false, 0));    // more parts than rows
  });

  it('parts across several im2col row blocks (their blocks differ from one call\'s)', () => {
    seed(22);
    expect(checkParts(geo(2, 9, 9, 456, 3, 3, 3, 1, 1, 1, 1, 1).same().epi(true, 1))).toBe(0);
  });

  it('filter gradients over many pixels split them into slices whose partial sums add up', () => {
    seed(23);
    // 2·36·30 = 2160 pixels: 8 slices; the transposed conv's gradient sees 2·36·30 too
    expect(checkParts(geo(2, 36, 30, 3, 5, 3, 3, 1, 1, 1, 1, 1).same().epi(true, 1))).toBe(2);
    expect(checkParts(geo(3, 26, 28, 4, 6, 1, 1, 1, 1, 1, 1, 1).valid().epi(false, 0))).toBe(2); // 1×1 direct
    expect(checkParts(geo(1, 48, 50, 6, 4, 5, 5, 1, 1, 1, 1, 2).same().epi(false, 0))).toBe(2);  // groups 2
  });
});
