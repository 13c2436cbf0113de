// Plain JavaScript references for the fuzz suite, in f64 on tiny shapes: numpy broadcasting
// with PyTorch's result rank, matmul, reductions, conv2d (NHWC, HWIO, stride, padding,
// dilation, groups) and pooling. Each returns the expected tensor, or null when PyTorch
// (and simdnet's documented rules) reject the arguments.

export interface JsTensor {
  shape: number[];
  data: Float32Array;
}

const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
const strides = (s: number[]): number[] => {
  const st = new Array(s.length).fill(1);
  for (let i = s.length - 2; i >= 0; i--) st[i] = st[i + 1] * s[i + 1];
  return st;
};

/** numpy broadcasting; the result has the larger rank (PyTorch's rule). */
export function broadcastShape(a: number[], b: number[]): number[] | null {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

export function binary(op: 'add' | 'sub' | 'mul' | 'div', a: JsTensor | number, b: JsTensor | number): JsTensor | null {
  const A = typeof a === 'number' ? { shape: [], data: Float32Array.of(a) } : a;
  const B = typeof b === 'number' ? { shape: [], data: Float32Array.of(b) } : b;
  const shape = broadcastShape(A.shape, B.shape);
  if (!shape) return null;
  const n = size(shape);
  const out = new Float32Array(n);
  const st = strides(shape);
  const at = (t: JsTensor, idx: number[]): number => {
    let off = 0;
    const ts = strides(t.shape);
    const lead = shape.length - t.shape.length;
    for (let i = 0; i < t.shape.length; i++) off += (t.shape[i] === 1 ? 0 : idx[lead + i]) * ts[i];
    return t.data[off];
  };
  const idx = new Array(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let r = i;
    for (let d = 0; d < shape.length; d++) {
      idx[d] = Math.floor(r / st[d]);
      r %= st[d];
    }
    const x = at(A, idx);
    const y = at(B, idx);
    out[i] = op === 'add' ? x + y : op === 'sub' ? x - y : op === 'mul' ? x * y : x / y;
  }
  return { shape, data: out };
}

export function matmul(a: JsTensor, b: JsTensor, tA: boolean, tB: boolean): JsTensor | null {
  if (a.shape.length !== 2 || b.shape.length !== 2) return null;
  const [M, K] = tA ? [a.shape[1], a.shape[0]] : a.shape;
  const [K2, N] = tB ? [b.shape[1], b.shape[0]] : b.shape;
  if (K !== K2) return null;
  const out = new Float32Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a.data[tA ? k * M + i : i * K + k] * b.data[tB ? j * K + k : k * N + j];
      out[i * N + j] = s;
    }
  return { shape: [M, N], data: out };
}

export function reduce(op: 'sum' | 'mean', x: JsTensor, axis0: boolean): JsTensor | null {
  if (!axis0) {
    if (op === 'mean' && x.data.length === 0) return { shape: [], data: Float32Array.of(NaN) }; // PyTorch: nan
    let s = 0;
    for (const v of x.data) s += v;
    return { shape: [], data: Float32Array.of(op === 'sum' ? s : s / x.data.length) };
  }
  if (x.shape.length < 1) return null;
  const rows = x.shape[0];
  const rest = x.shape.slice(1);
  const cols = size(rest);
  const out = new Float32Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += x.data[r * cols + c];
  if (op === 'mean') for (let c = 0; c < cols; c++) out[c] /= rows;
  return { shape: rest, data: out };
}

export type Padding = 'valid' | 'same' | number | [number, number];
export interface WindowOpts {
  stride?: number | [number, number];
  padding?: Padding;
  dilation?: number | [number, number];
  roundMode?: 'exact' | 'floor' | 'ceil';
}

const pair = (v: number | [number, number] | undefined, d: number): [number, number] | null => {
  if (v === undefined) return [d, d];
  const p = typeof v === 'number' ? [v, v] : v;
  return Array.isArray(p) && p.length === 2 && p.every((x) => Number.isInteger(x)) ? (p as [number, number]) : null;
};

/** Output size and padding of a window along one axis, by simdnet's documented rule. */
function axis(n: number, k: number, s: number, d: number, pad: Padding, which: 0 | 1, mode: string): { out: number; before: number; after: number } | null {
  const span = d * (k - 1) + 1;
  if (pad === 'same') {
    const out = Math.ceil(n / s);
    const total = Math.max(0, (out - 1) * s + span - n);
    return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
  }
  const p = pad === 'valid' ? 0 : typeof pad === 'number' ? pad : pad[which];
  const room = n + 2 * p - span;
  if (room < 0) return null;
  if (mode === 'exact' && room % s !== 0) return null;
  let out = (mode === 'ceil' ? Math.ceil(room / s) : Math.floor(room / s)) + 1;
  // PyTorch's ceil mode: the last window starts inside the input or its leading padding.
  if (mode === 'ceil' && (out - 1) * s >= n + p) out--;
  return { out, before: p, after: p };
}

interface Geo {
  OH: number; OW: number; pt: number; pl: number; pb: number; pr: number; sh: number; sw: number; dh: number; dw: number;
}

function geometry(H: number, W: number, KH: number, KW: number, o: WindowOpts): Geo | null {
  const s = pair(o.stride, 1);
  const d = pair(o.dilation, 1);
  if (!s || !d || s.some((v) => v < 1) || d.some((v) => v < 1)) return null;
  const pad = o.padding ?? 'valid';
  if (typeof pad === 'number' && !(Number.isInteger(pad) && pad >= 0)) return null;
  if (Array.isArray(pad) && !(pad.length === 2 && pad.every((v) => Number.isInteger(v) && v >= 0))) return null;
  const mode = o.roundMode ?? 'floor';
  const h = axis(H, KH, s[0], d[0], pad, 0, mode);
  const w = axis(W, KW, s[1], d[1], pad, 1, mode);
  if (!h || !w || h.out < 1 || w.out < 1) return null;
  return { OH: h.out, OW: w.out, pt: h.before, pl: w.before, pb: h.after, pr: w.after, sh: s[0], sw: s[1], dh: d[0], dw: d[1] };
}

export function conv2d(x: JsTensor, w: JsTensor, o: WindowOpts & { groups?: number; bias?: JsTensor | null }): JsTensor | null {
  if (x.shape.length !== 4 || w.shape.length !== 4) return null;
  const [N, H, W, C] = x.shape;
  const [KH, KW, Cg, K] = w.shape;
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0 || K % groups !== 0 || Cg !== C / groups) return null;
  if (KH < 1 || KW < 1 || K < 1) return null;
  if (o.bias && (o.bias.shape.length !== 1 || o.bias.shape[0] !== K)) return null;
  const g = geometry(H, W, KH, KW, o);
  if (!g) return null;
  const out = new Float32Array(N * g.OH * g.OW * K);
  const Kg = K / groups;
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < g.OH; oy++)
      for (let ox = 0; ox < g.OW; ox++)
        for (let k = 0; k < K; k++) {
          const grp = Math.floor(k / Kg);
          let s = o.bias ? o.bias.data[k] : 0;
          for (let ky = 0; ky < KH; ky++) {
            const iy = oy * g.sh - g.pt + ky * g.dh;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = ox * g.sw - g.pl + kx * g.dw;
              if (ix < 0 || ix >= W) continue;
              for (let c = 0; c < Cg; c++)
                s += x.data[((n * H + iy) * W + ix) * C + grp * Cg + c] * w.data[((ky * KW + kx) * Cg + c) * K + k];
            }
          }
          out[((n * g.OH + oy) * g.OW + ox) * K + k] = s;
        }
  return { shape: [N, g.OH, g.OW, K], data: out };
}

/** Max or average pooling (average over the cells inside the input). */
export function pool2d(kind: 'max' | 'avg', x: JsTensor, o: WindowOpts & { kernel: number | [number, number]; countIncludePad?: boolean }): JsTensor | null {
  if (x.shape.length !== 4) return null;
  const k = pair(o.kernel, 0);
  if (!k || k.some((v) => v < 1)) return null;
  const [N, H, W, C] = x.shape;
  if (H === 0 || W === 0) return null;
  const g = geometry(H, W, k[0], k[1], { ...o, stride: o.stride ?? k });
  if (!g) return null;
  // simdnet's rule: padding smaller than the kernel (a window sees at least one cell).
  if (g.pt >= k[0] || g.pb >= k[0] || g.pl >= k[1] || g.pr >= k[1]) return null;
  const out = new Float32Array(N * g.OH * g.OW * C);
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < g.OH; oy++)
      for (let ox = 0; ox < g.OW; ox++)
        for (let c = 0; c < C; c++) {
          // PyTorch's divisor with count_include_pad: the window clipped to the padded input.
          const y0 = oy * g.sh - g.pt;
          const x0 = ox * g.sw - g.pl;
          const padded = (Math.min(y0 + k[0], H + g.pb) - y0) * (Math.min(x0 + k[1], W + g.pr) - x0);
          let m = -Infinity;
          let s = 0;
          let cnt = 0;
          for (let ky = 0; ky < k[0]; ky++) {
            const iy = oy * g.sh - g.pt + ky * g.dh;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < k[1]; kx++) {
              const ix = ox * g.sw - g.pl + kx * g.dw;
              if (ix < 0 || ix >= W) continue;
              const v = x.data[((n * H + iy) * W + ix) * C + c];
              m = Math.max(m, v);
              s += v;
              cnt++;
            }
          }
          out[((n * g.OH + oy) * g.OW + ox) * C + c] = kind === 'max' ? m : s / (o.countIncludePad === false ? cnt : padded);
        }
  return { shape: [N, g.OH, g.OW, C], data: out };
}

/** Largest |a − b| / (atol + rtol·|b|); NaN where one is NaN and the other not. */
export function mismatch(got: Float32Array, want: Float32Array, atol = 1e-4, rtol = 1e-4): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const b = want[i];
    if (Number.isNaN(a) || Number.isNaN(b)) {
      if (Number.isNaN(a) !== Number.isNaN(b)) return Infinity;
      continue;
    }
    if (!Number.isFinite(b) || !Number.isFinite(a)) {
      if (a !== b) return Infinity;
      continue;
    }
    worst = Math.max(worst, Math.abs(a - b) / (atol + rtol * Math.abs(b)));
  }
  return worst;
}
