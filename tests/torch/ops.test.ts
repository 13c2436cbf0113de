// The tensor vocabulary of issue 13 part 1 against PyTorch on random configurations: shape and
// indexing ops, numpy broadcasting with PyTorch's result rank, elementwise math, activations.
// Forward values and input gradients.
import * as sn from 'simdnet';
import { torchTest, rng, uniform, pick, choose, $, NHWC_TO_NCHW, NCHW_TO_NHWC, type Case, type Input } from './harness';

await sn.init();

type R = () => number;

/** A random shape of the given rank with sizes in [lo, hi]. */
const shapeOf = (r: R, rank: number, lo = 1, hi = 5): number[] => Array.from({ length: rank }, () => pick(r, lo, hi));

/** Two shapes that broadcast: the output's, each operand dropping leading axes or setting some to 1. */
function broadcastPair(r: R): [number[], number[]] {
  const out = shapeOf(r, pick(r, 1, 5), 1, 5);
  const thin = (): number[] => {
    const s = out.slice(pick(r, 0, out.length - 1) * (r() < 0.4 ? 1 : 0));
    return s.map((d) => (r() < 0.35 ? 1 : d));
  };
  return r() < 0.5 ? [out, thin()] : [thin(), out];
}

torchTest('add, sub, mul, div, minimum, maximum, pow: numpy broadcasting with PyTorch\'s result rank', async (torch) => {
  const r = rng(201);
  const cases: Case[] = [];
  const ops: [string, (a: sn.Tensor, b: sn.Tensor) => sn.Tensor, string][] = [
    ['add', sn.add, 'torch.add'], ['sub', sn.sub, 'torch.sub'], ['mul', sn.mul, 'torch.mul'], ['div', sn.div, 'torch.div'],
    ['minimum', sn.minimum, 'torch.minimum'], ['maximum', sn.maximum, 'torch.maximum'], ['pow', sn.pow, 'torch.pow'],
  ];
  for (const [name, f, fn] of ops)
    for (let i = 0; i < 24; i++) {
      const [sa, sb] = i === 0 ? [[1, 1, 3], [2, 3]] : i === 1 ? [[2, 3], [2, 1]] : i === 2 ? [[2, 1, 1, 4], [2, 5, 3, 4]] : broadcastPair(r);
      const a = name === 'pow' ? uniform(sa, r, 0.5, 2) : uniform(sa, r);
      const b = name === 'div' ? uniform(sb, r, 0.5, 2) : name === 'pow' ? uniform(sb, r, -2, 2) : uniform(sb, r);
      if (name === 'div' && r() < 0.5) for (let j = 0; j < b.data.length; j++) b.data[j] = -b.data[j];
      cases.push({ name: `${name} [${sa}] and [${sb}]`, inputs: [a, b], run: f, torch: { fn } });
    }
  // A number operand on either side.
  for (let i = 0; i < 12; i++) {
    const s = shapeOf(r, pick(r, 1, 4));
    const v = choose(r, [0.5, -1.25, 2, 3]);
    const [name, f, fn] = choose(r, ops.slice(0, 6));
    const left = i % 2 === 0;
    cases.push({
      name: `${name} ${left ? `${v} and [${s}]` : `[${s}] and ${v}`}`,
      inputs: [uniform(s, r, 0.5, 2)],
      run: (x) => (left ? f(v as never, x) : f(x, v as never)),
      torch: { fn, args: left ? [{ $t: v }, $(0)] : [$(0), { $t: v }] },
    });
  }
  // pow with a number exponent: negative bases with integer exponents, fractional on positive bases.
  for (let i = 0; i < 12; i++) {
    const s = shapeOf(r, pick(r, 1, 3), 1, 9);
    const p = choose(r, [2, 3, -1, -2, 0, 1, 0.5, 1.5, -0.5]);
    const x = Number.isInteger(p) ? uniform(s, r, -2, 2) : uniform(s, r, 0.2, 3);
    cases.push({ name: `pow [${s}] ^ ${p}`, inputs: [x], run: (t) => sn.pow(t, p), torch: { fn: 'torch.pow', args: [$(0), p] } });
  }
  await torch.checkAll(cases);
});

torchTest('where with broadcast cond, a and b', async (torch) => {
  const r = rng(202);
  const cases: Case[] = [];
  for (let i = 0; i < 20; i++) {
    const [s1, s2] = broadcastPair(r);
    const sc = choose(r, [s1, s2, s1.slice(1)]);
    const cond: Input = { shape: sc, data: Uint8Array.from({ length: sc.reduce((p, q) => p * q, 1) }, () => (r() < 0.5 ? 1 : 0)), dtype: 'bool' };
    cases.push({
      name: `where cond [${sc}] a [${s1}] b [${s2}]`,
      inputs: [cond, uniform(s1, r), uniform(s2, r)],
      run: (c: Uint8Array, a, b) => sn.where(sn.tensor(c, sc), a, b),
      torch: { fn: 'where_bool' },
    });
  }
  await torch.checkAll(cases);
});

torchTest('sqrt, log, abs, clip, relu6, hardSigmoid, hardSwish, silu, gelu (erf, tanh), logSigmoid, prelu', async (torch) => {
  const r = rng(203);
  const cases: Case[] = [];
  const add = (name: string, lo: number, hi: number, run: (x: sn.Tensor) => sn.Tensor, fn: string, kwargs?: Record<string, unknown>, args?: unknown[]) => {
    for (let i = 0; i < 10; i++) {
      const s = shapeOf(r, pick(r, 1, 4), 1, 9);
      cases.push({ name: `${name} [${s}]`, inputs: [uniform(s, r, lo, hi)], run, torch: { fn, kwargs, args } });
    }
  };
  add('sqrt', 0.05, 9, sn.sqrt, 'torch.sqrt');
  add('log', 0.05, 9, sn.log, 'torch.log');
  add('abs', -3, 3, sn.abs, 'torch.abs');
  add('relu6', -4, 10, sn.relu6, 'F.relu6');
  add('hardSigmoid', -5, 5, (x) => sn.hardSigmoid(x), 'F.hardsigmoid');
  add('hardSigmoid alpha 0.2 beta 0.5 (ONNX)', -5, 5, (x) => sn.hardSigmoid(x, { alpha: 0.2, beta: 0.5 }), 'hard_sigmoid_ab', undefined, [$(0), 0.2, 0.5]);
  add('hardSwish', -5, 5, sn.hardSwish, 'F.hardswish');
  add('silu', -8, 8, sn.silu, 'F.silu');
  add('gelu', -6, 6, (x) => sn.gelu(x), 'F.gelu');
  add('gelu tanh', -6, 6, (x) => sn.gelu(x, { approximate: 'tanh' }), 'F.gelu', { approximate: 'tanh' });
  add('logSigmoid', -20, 20, sn.logSigmoid, 'F.logsigmoid');
  for (let i = 0; i < 12; i++) {
    const s = shapeOf(r, pick(r, 1, 4), 1, 9);
    const [lo, hi] = choose(r, [[-0.5, 0.5], [0, 6], [-1, null], [null, 0.25], [0.3, -0.3]] as [number | null, number | null][]);
    cases.push({
      name: `clip [${s}] min ${lo} max ${hi}`,
      inputs: [uniform(s, r, -2, 2)],
      run: (x) => sn.clip(x, lo, hi),
      torch: { fn: 'torch.clamp', kwargs: { min: lo, max: hi } },
    });
  }
  for (let i = 0; i < 16; i++) {
    const s = shapeOf(r, pick(r, 1, 4), 1, 7);
    const C = s[s.length - 1];
    const shared = i % 4 === 0;
    cases.push({
      name: `prelu x [${s}] slope [${shared ? 1 : C}]`,
      inputs: [uniform(s, r, -2, 2), uniform([shared ? 1 : C], r, -0.5, 0.5)],
      run: (x, a) => sn.prelu(x, a),
      torch: { fn: 'prelu_last' },
    });
  }
  await torch.checkAll(cases);
});

torchTest('permute, transpose, squeeze, unsqueeze, broadcastTo, tile', async (torch) => {
  const r = rng(204);
  const cases: Case[] = [];
  for (let i = 0; i < 40; i++) {
    const s = i < 6 ? [pick(r, 1, 3), pick(r, 1, 9), pick(r, 1, 9), pick(r, 1, 11)] : shapeOf(r, pick(r, 1, 5), 1, 6);
    const dims = i < 3 ? [0, 3, 1, 2] : i < 6 ? [0, 2, 3, 1] : s.map((_, j) => j).sort(() => r() - 0.5);
    const neg = dims.map((d) => (r() < 0.3 ? d - s.length : d));
    cases.push({ name: `permute [${s}] dims [${neg}]`, inputs: [uniform(s, r)], run: (x) => sn.permute(x, neg), torch: { fn: 'Tensor.permute', args: [$(0), dims] } });
  }
  for (let i = 0; i < 12; i++) {
    const s = shapeOf(r, pick(r, 1, 5), 1, 6);
    const [d0, d1] = [pick(r, -s.length, s.length - 1), pick(r, -s.length, s.length - 1)];
    cases.push({ name: `transpose [${s}] ${d0} ${d1}`, inputs: [uniform(s, r)], run: (x) => sn.transpose(x, d0, d1), torch: { fn: 'torch.transpose', args: [$(0), d0, d1] } });
  }
  for (let i = 0; i < 12; i++) {
    const s = shapeOf(r, pick(r, 1, 5), 1, 3);
    const ones = s.flatMap((d, j) => (d === 1 ? [j] : []));
    const axes = i % 3 === 0 || ones.length === 0 ? undefined : ones.filter(() => r() < 0.6).map((a) => (r() < 0.5 ? a - s.length : a));
    cases.push({ name: `squeeze [${s}] axes ${JSON.stringify(axes)}`, inputs: [uniform(s, r)], run: (x) => sn.squeeze(x, axes), torch: { fn: 'squeeze_axes', args: [$(0), axes ?? null] } });
    const at = [pick(r, -(s.length + 1), s.length)];
    cases.push({ name: `unsqueeze [${s}] axis ${at[0]}`, inputs: [uniform(s, r)], run: (x) => sn.unsqueeze(x, at[0]), torch: { fn: 'unsqueeze_axes', args: [$(0), at] } });
  }
  for (let i = 0; i < 16; i++) {
    // The source is one shape of a broadcasting pair, the target the broadcast of both.
    const [from, other] = broadcastPair(r);
    const rank = Math.max(from.length, other.length);
    const target = Array.from({ length: rank }, (_, j) => Math.max(from[j - rank + from.length] ?? 1, other[j - rank + other.length] ?? 1));
    cases.push({ name: `broadcastTo [${from}] → [${target}]`, inputs: [uniform(from, r)], run: (x) => sn.broadcastTo(x, target), torch: { fn: 'torch.broadcast_to', args: [$(0), target] } });
  }
  for (let i = 0; i < 16; i++) {
    const s = shapeOf(r, pick(r, 1, 4), 1, 4);
    const reps = shapeOf(r, pick(r, 1, 4), 1, 3);
    cases.push({ name: `tile [${s}] reps [${reps}]`, inputs: [uniform(s, r)], run: (x) => sn.tile(x, reps), torch: { fn: 'torch.tile', args: [$(0), reps] } });
  }
  await torch.checkAll(cases);
});

torchTest('slice (numpy clamping, negative indices and steps), pad (constant, reflect, edge), the padding layers, Hardtanh', async (torch) => {
  const r = rng(205);
  const cases: Case[] = [];
  for (let i = 0; i < 50; i++) {
    const s = shapeOf(r, pick(r, 1, 4), 1, 9);
    const nAx = pick(r, 1, s.length);
    const axes = s.map((_, j) => j).sort(() => r() - 0.5).slice(0, nAx).map((a) => (r() < 0.3 ? a - s.length : a));
    const begin = axes.map(() => pick(r, -12, 12));
    const end = axes.map(() => choose(r, [pick(r, -12, 12), Infinity, -Infinity, pick(r, 0, 12)]));
    const step = axes.map(() => choose(r, [1, 1, 2, 3, -1, -2]));
    const withAxes = i % 4 !== 0;
    const useAxes = withAxes ? axes : axes.map((_, j) => j);
    cases.push({
      name: `slice [${s}] begin ${begin} end ${end} axes ${withAxes ? axes : '(default)'} step ${step}`,
      inputs: [uniform(s, r)],
      run: (x) => sn.slice(x, { begin, end, step, ...(withAxes ? { axes } : {}) }),
      torch: { fn: 'slice_np', args: [$(0), begin, end.map((e) => (Number.isFinite(e) ? e : e > 0 ? 1e300 : -1e300)), useAxes, step] },
    });
  }
  for (let i = 0; i < 45; i++) {
    const mode = (['constant', 'reflect', 'edge'] as const)[i % 3];
    const s = shapeOf(r, pick(r, 1, 4), 2, 6);
    const pads = s.map((d) => (r() < 0.3 ? [0, 0] : [pick(r, 0, mode === 'reflect' ? d - 1 : 4), pick(r, 0, mode === 'reflect' ? d - 1 : 4)]) as [number, number]);
    const value = mode === 'constant' ? choose(r, [0, 0.5, -2]) : undefined;
    cases.push({
      name: `pad [${s}] ${JSON.stringify(pads)} ${mode}${value !== undefined ? ` value ${value}` : ''}`,
      inputs: [uniform(s, r)],
      run: (x) => sn.pad(x, pads, { mode, ...(value !== undefined ? { value } : {}) }),
      torch: { fn: 'pad_np', args: [$(0), pads, mode, value ?? 0] },
    });
  }
  // The nn padding layers (NHWC) against torch.nn.functional.pad on NCHW, and Hardtanh.
  for (let i = 0; i < 16; i++) {
    const [N, H, W, C] = [pick(r, 1, 2), pick(r, 2, 7), pick(r, 2, 7), pick(r, 1, 5)];
    const kind = i % 4;
    const p = [pick(r, 0, W - 1), pick(r, 0, W - 1), pick(r, 0, H - 1), pick(r, 0, H - 1)] as [number, number, number, number];
    const layer = kind === 0 ? new sn.nn.ZeroPad2d(p) : kind === 1 ? new sn.nn.ConstantPad2d(p, 1.5) : kind === 2 ? new sn.nn.ReflectionPad2d(p) : new sn.nn.ReplicationPad2d(p);
    const mode = ['constant', 'constant', 'reflect', 'replicate'][kind];
    cases.push({
      name: `${layer.constructor.name} [${N},${H},${W},${C}] padding ${p}`,
      inputs: [uniform([N, H, W, C], r, -1, 1, { perm: NHWC_TO_NCHW })],
      run: (x) => layer.call(x),
      torch: { fn: 'F.pad', args: [$(0), p], kwargs: { mode, ...(kind === 1 ? { value: 1.5 } : {}) }, outPerm: NCHW_TO_NHWC },
    });
  }
  for (let i = 0; i < 6; i++) {
    const s = shapeOf(r, pick(r, 1, 3), 1, 9);
    const [lo, hi] = choose(r, [[-1, 1], [0, 6], [-0.3, 0.2]]);
    cases.push({ name: `Hardtanh ${lo} ${hi} [${s}]`, inputs: [uniform(s, r, -2, 7)], run: (x) => new sn.nn.Hardtanh(lo, hi).call(x), torch: { fn: 'F.hardtanh', kwargs: { min_val: lo, max_val: hi } } });
  }
  await torch.checkAll(cases);
});

torchTest('concat, stack, split on every axis; gather with array and tensor indices', async (torch) => {
  const r = rng(206);
  const cases: Case[] = [];
  for (let i = 0; i < 30; i++) {
    const s = shapeOf(r, pick(r, 1, 4), 1, 5);
    const axis = pick(r, -s.length, s.length - 1);
    const a = axis < 0 ? axis + s.length : axis;
    const n = pick(r, 1, 4);
    const inputs = Array.from({ length: n }, () => uniform(s.map((d, j) => (j === a ? pick(r, 0, 4) : d)), r));
    if (inputs.every((x) => x.shape[a] === 0)) inputs[0] = uniform(s, r);
    cases.push({ name: `concat ${inputs.map((x) => `[${x.shape}]`).join(' ')} axis ${axis}`, inputs, run: (...xs) => sn.concat(xs, axis), torch: { fn: 'torch.cat', args: [inputs.map((_, j) => $(j)), axis] } });
  }
  for (let i = 0; i < 20; i++) {
    const s = shapeOf(r, pick(r, 0, 3), 1, 5);
    const axis = pick(r, -(s.length + 1), s.length);
    const n = pick(r, 1, 4);
    const inputs = Array.from({ length: n }, () => uniform(s, r));
    cases.push({ name: `stack ${n} × [${s}] axis ${axis}`, inputs, run: (...xs) => sn.stack(xs, axis), torch: { fn: 'torch.stack', args: [inputs.map((_, j) => $(j)), axis] } });
  }
  for (let i = 0; i < 30; i++) {
    const s = shapeOf(r, pick(r, 1, 4), 1, 7);
    const axis = pick(r, -s.length, s.length - 1);
    const a = axis < 0 ? axis + s.length : axis;
    const n = s[a];
    let sizes: number[] = [];
    if (i % 3 === 0) {
      const divs = [1, 2, 3, 4, 5, 6, 7].filter((d) => n % d === 0);
      const count = choose(r, divs);
      cases.push({ name: `split [${s}] into ${count} along ${axis}`, inputs: [uniform(s, r)], run: (x) => sn.split(x, count, axis), torch: { fn: 'torch.split', args: [$(0), n / count, axis] } });
      continue;
    }
    let left = n;
    while (left > 0) {
      const k = pick(r, 0, left);
      sizes.push(k);
      left -= k;
    }
    if (sizes.length === 0) sizes = [0];
    cases.push({ name: `split [${s}] sizes [${sizes}] along ${axis}`, inputs: [uniform(s, r)], run: (x) => sn.split(x, sizes, axis), torch: { fn: 'torch.split', args: [$(0), sizes, axis] } });
  }
  for (let i = 0; i < 30; i++) {
    const s = shapeOf(r, pick(r, 1, 4), 1, 6);
    const axis = pick(r, -s.length, s.length - 1);
    const n = s[axis < 0 ? axis + s.length : axis];
    const idxShape = i % 2 === 0 ? [pick(r, 1, 7)] : shapeOf(r, pick(r, 0, 2), 1, 3);
    const count = idxShape.reduce((p, q) => p * q, 1);
    const values = Array.from({ length: count }, () => pick(r, -n, n - 1)); // repeats accumulate in the gradient
    const pos = Int32Array.from(values, (v) => (v < 0 ? v + n : v));
    const asTensor = i % 2 === 1;
    cases.push({
      name: `gather [${s}] indices ${asTensor ? `tensor [${idxShape}]` : 'array'} ${values} axis ${axis}`,
      inputs: [uniform(s, r), { shape: idxShape, data: pos, dtype: 'i32' }],
      run: (x) => (asTensor ? sn.gather(x, sn.tensor(values, idxShape), axis) : sn.gather(x, values, axis)),
      torch: { fn: 'take', args: [$(0), $(1), axis < 0 ? axis + s.length : axis] },
    });
  }
  await torch.checkAll(cases);
});
