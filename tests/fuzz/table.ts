// THE FUZZ TABLE: one entry per public entry point.
//
// To cover a new op, add ONE entry here (nothing else changes):
//   name      what users call, e.g. 'permute' (errors must start with `simdnet.<name>: `, or
//             one of `ops` if the entry calls through several)
//   category  'ops' | 'tensor' | 'layers' | 'models' | 'optim' | 'training' | 'gradcheck' | 'safetensors'
//   args      the argument and option names: a clear Error names one of them
//   gen       a fast-check arbitrary of the argument list, built from ./args.ts: `tensor(shape)`
//             for tensors (a spec the runner turns into a tensor), `tensorOr(shape)` to mix in
//             bad tensors, `int`/`num`/`options`/`padding`/… for the rest
//   call      (sn, ...args) => the result; the runner checks it is a live tensor (or what
//             `check` says) and frees it. If the call builds things (a model, an optimizer),
//             it frees them itself, on its error paths too (a leak is a failure).
//   ref       optional: a plain JavaScript reference (./reference.ts) from the same arguments
//             with tensors as { shape, data }: the expected tensor, null if PyTorch rejects
//             them (then a result is "invalid input accepted"), undefined for no opinion
//   invalid   optional: true for arguments that must be rejected (a bad tensor anywhere in
//             the arguments is always such a case)
//   check     optional: for results that are not tensors, a failure description or null
//
// Example:
//   { name: 'relu6', category: 'ops', args: ['x'], gen: fc.tuple(tensorOr(anyShape)),
//     call: (sn, x) => sn.relu6(x), ref: (x) => map(x, (v) => Math.min(6, Math.max(0, v))) },
import fc from 'fast-check';
import type * as SN from 'simdnet';
import * as R from './reference';
import { optional as optionalOf, anyShape, badNumber, int, mostly, num, options, pairArb, padding, roundMode, shapeOf, tensor, tensorOr, dim } from './args';

type Sn = typeof SN;
type T = SN.Tensor;
export type Category = 'ops' | 'tensor' | 'layers' | 'models' | 'optim' | 'training' | 'gradcheck' | 'safetensors';

export interface Entry {
  name: string;
  category: Category;
  ops?: string[];
  args: string[];
  gen: fc.Arbitrary<unknown[]>;
  call: (sn: Sn, ...args: any[]) => unknown;
  ref?: (...args: any[]) => R.JsTensor | null | undefined;
  invalid?: (...args: any[]) => boolean;
  check?: (result: any, ...args: any[]) => string | null;
}

const isT = (x: unknown): x is R.JsTensor => !!x && typeof x === 'object' && 'data' in (x as object) && 'shape' in (x as object);
const map = (x: R.JsTensor, f: (v: number) => number): R.JsTensor => ({ shape: x.shape, data: x.data.map(f) });
const posInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 1;
// null and undefined options mean the default.
const notNumberIn = (v: unknown, lo: number, hi: number, hiOpen = false): boolean =>
  v !== undefined && v !== null && !(typeof v === 'number' && v >= lo && (hiOpen ? v < hi : v <= hi));
const o = <K extends string>(opts: unknown, key: K): unknown => (opts && typeof opts === 'object' ? (opts as Record<K, unknown>)[key] : undefined);

// Arithmetic: same shapes, broadcasts, scalars (numbers or one-element tensors).
const broadcastPair = fc.oneof(
  shapeOf(2).map((s) => [s, s]),
  fc.integer({ min: 0, max: 3 }).chain((r) => fc.tuple(shapeOf(r), shapeOf(r))).map(([a, b]) => [a, a.map((d, i) => (i % 2 ? 1 : d)).slice(b.length % 2)]),
  fc.tuple(shapeOf(3), fc.constantFrom(0, 1, 2)).map(([a, cut]) => [a, a.slice(cut)]),
  fc.tuple(shapeOf(2), fc.constantFrom([1], [1, 1], [], [1, 1, 3])).map(([a, b]) => [a, b]),
  fc.tuple(anyShape, anyShape),
);
const arith = (name: 'add' | 'sub' | 'mul' | 'div'): Entry => ({
  name,
  category: 'ops',
  args: ['a', 'b'],
  gen: fc.tuple(broadcastPair, fc.boolean(), fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) }), fc.boolean()).chain(([[sa, sb], swap, number, bad]) => {
    const a = tensor(fc.constant(sa));
    const b = number !== null ? fc.constant(number) : bad ? mostly(tensor(fc.constant(sb)), badNumber.filter((v) => typeof v !== 'number' || Number.isFinite(v)), 1) : tensor(fc.constant(sb));
    return (swap ? fc.tuple(b, a) : fc.tuple(a, b)) as fc.Arbitrary<unknown[]>;
  }),
  call: (sn, a, b) => sn[name](a, b),
  ref: (a, b) => (typeof a !== 'number' && !isT(a)) || (typeof b !== 'number' && !isT(b)) ? null : R.binary(name, a, b),
});

const convOptions = options({ stride: pairArb(1, 3), padding, dilation: pairArb(1, 2), groups: int(1, 3), roundMode });
const poolOptions = (extra: Record<string, fc.Arbitrary<unknown>> = {}) =>
  mostly(fc.record({ kernel: pairArb(1, 3), stride: fc.option(pairArb(1, 3), { nil: undefined }), padding: fc.option(padding, { nil: undefined }), roundMode: fc.option(roundMode, { nil: undefined }), ...extra }), fc.constantFrom(null, undefined, {}), 1);

const unary = (name: keyof Sn & string, f?: (v: number) => number): Entry => ({
  name,
  category: 'ops',
  args: ['x'],
  gen: fc.tuple(tensorOr(anyShape)),
  call: (sn, x) => (sn[name] as (x: T) => T)(x),
  ref: f ? (x) => (isT(x) ? map(x, f) : null) : undefined,
});

// Tiny models for the training entries, freed by the entry on every path.
const tinyNet = (sn: Sn, inF: number, classes: number) => new sn.nn.Sequential(new sn.nn.Flatten(), new sn.nn.Linear(inF, classes));
async function withNet<R>(sn: Sn, inF: number, classes: number, fn: (net: SN.nn.Module, opt: SN.optim.Optimizer) => R | Promise<R>): Promise<R> {
  const net = tinyNet(sn, inF, classes);
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.01 });
  try {
    return await fn(net, opt);
  } finally {
    opt.dispose();
    net.dispose();
  }
}
const labelsArb = (n: number, classes: number) =>
  mostly(fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: n, maxLength: n }), fc.constantFrom([NaN], [0.5], [-1], null, 'x', [classes]).map((v) => (Array.isArray(v) ? Array.from({ length: n }, (_, i) => (i === 0 ? v[0] : 0)) : v)));
const batchSize = mostly(fc.integer({ min: 1, max: 5 }), badNumber);

// safetensors files: a valid file, then mutations (bytes, header text, lengths, names).
const stFile = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom('a', 'b.weight', '__proto__', 'constructor', 'x'), shapeOf(2)), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 255 }))
  .map(([entries, mutation, at, byte]) => ({ entries, mutation, at, byte }));
function mutate(sn: Sn, f: { entries: [string, number[]][]; mutation: number; at: number; byte: number }): Uint8Array {
  const rec: Record<string, { shape: number[]; data: Float32Array }> = Object.create(null);
  for (const [name, shape] of f.entries) rec[name] = { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1.5) };
  const bytes = sn.io.encodeSafetensors(rec);
  const hlen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const text = () => new TextDecoder().decode(bytes.subarray(8, 8 + hlen));
  const withHeader = (h: string): Uint8Array => {
    const hb = new TextEncoder().encode(h);
    const out = new Uint8Array(8 + hb.length + bytes.length - 8 - hlen);
    new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
    out.set(hb, 8);
    out.set(bytes.subarray(8 + hlen), 8 + hb.length);
    return out;
  };
  switch (f.mutation) {
    case 0: return bytes; // valid
    case 1: { const b = bytes.slice(); b[f.at % b.length] = f.byte; return b; } // one byte
    case 2: return bytes.subarray(0, f.at % bytes.length); // truncated
    case 3: { const b = bytes.slice(); new DataView(b.buffer).setBigUint64(0, BigInt(f.at * 1000 + f.byte), true); return b; } // header length
    case 4: return withHeader(text().replace(/\d+/, String(f.at * 7919))); // a number in the header
    case 5: return withHeader(text().replace(/"F32"/, ['"F16"', '"I64"', '"F33"', 'null', '1'][f.byte % 5])); // dtype
    default: return withHeader(text().replace(/\[(\d+),(\d+)\]/, ['[-1,4]', '[1.5,2]', '[1e300,1]', '"x"', '[2]'][f.byte % 5])); // shape
  }
}

export const TABLE: Entry[] = [
  // ---- tensors: creation, reading, writing ----
  { name: 'tensor', category: 'tensor', args: ['data', 'shape'], gen: fc.tuple(mostly(fc.array(fc.double({ noNaN: false }), { maxLength: 8 }), fc.constantFrom(['a'], null, 'x', [1, '2'])), fc.option(mostly(anyShape, fc.constantFrom([-1], [1.5], 'x', [2 ** 31, 0])), { nil: undefined })),
    call: (sn, d, s) => sn.tensor(d, s), invalid: (d, s) => Array.isArray(d) && d.some((v) => typeof v !== 'number') },
  { name: 'zeros', category: 'tensor', args: ['shape'], gen: fc.tuple(mostly(anyShape, fc.constantFrom([-1], [1.5], null, [2 ** 31], [2 ** 31, 0], [NaN]))), call: (sn, s) => sn.zeros(s) },
  { name: 'full', category: 'tensor', args: ['shape', 'value'], gen: fc.tuple(anyShape, num(-5, 5)), call: (sn, s, v) => sn.full(s, v), invalid: (_s, v) => typeof v !== 'number',
    ref: (s, v) => (typeof v === 'number' ? { shape: s, data: new Float32Array(s.reduce((a: number, b: number) => a * b, 1)).fill(v) } : null) },
  ...(['ones', 'empty'] as const).map((name): Entry => ({ name, category: 'tensor', args: ['shape'], gen: fc.tuple(mostly(anyShape, fc.constantFrom([-1], [1.5], null, [2 ** 31], [2 ** 31, 0], [NaN]))), call: (sn, s) => sn[name](s) })),
  { name: 'scalar', category: 'tensor', args: ['v'], gen: fc.tuple(num(-5, 5)), call: (sn, v) => sn.scalar(v), invalid: (v) => typeof v !== 'number' },
  { name: 'randn', category: 'tensor', args: ['shape', 'std', 'mean', 'seed'], gen: fc.tuple(anyShape, options({ std: num(0, 3), mean: num(-1, 1), seed: int(0, 100) })),
    call: (sn, s, opt) => sn.randn(s, opt), invalid: (_s, opt) => notNumberIn(o(opt, 'std'), 0, Infinity) || notNumberIn(o(opt, 'mean'), -Infinity, Infinity) || (o(opt, 'seed') !== undefined && !Number.isInteger(o(opt, 'seed'))) },
  { name: 'rand', category: 'tensor', args: ['shape', 'low', 'high'], gen: fc.tuple(anyShape, options({ low: num(-2, 2), high: num(-2, 2) })), call: (sn, s, opt) => sn.rand(s, opt) },
  { name: 'assign', category: 'tensor', args: ['values', 'this'], gen: fc.tuple(mostly(tensor(shapeOf(1)), shapeOf(1).map((shape) => ({ $t: 'disposed', shape }))), mostly(fc.array(fc.double(), { maxLength: 5 }), fc.constantFrom(['a'], null, 'x'))),
    call: (sn, t, v) => { (t as T).assign(v); return (t as T).detach(); }, ops: ['assign', 'detach'], invalid: (t, v) => !Array.isArray(v) || v.some((x) => typeof x !== 'number') || v.length !== t.shape[0] },
  { name: 'reshape', category: 'ops', args: ['x', 'shape'], gen: fc.tuple(tensorOr(anyShape), mostly(fc.array(fc.integer({ min: -1, max: 6 }), { maxLength: 4 }), fc.constantFrom(null, 'x', [1.5]))), call: (sn, x, s) => sn.reshape(x, s) },
  { name: 'flatten', category: 'ops', args: ['x'], gen: fc.tuple(tensorOr(anyShape)), call: (sn, x) => sn.flatten(x), ops: ['flatten', 'reshape'] },
  { name: 'concat', category: 'ops', args: ['xs', 'axis'], gen: fc.tuple(fc.array(tensorOr(fc.oneof(fc.constant([2, 3]), fc.constant([2, 1]), anyShape)), { maxLength: 3 }), fc.option(fc.constantFrom(-1, 0, 1, 2, 5), { nil: undefined })), call: (sn, xs, a) => sn.concat(xs, a) },

  // ---- arithmetic, reductions, matmul, activations ----
  arith('add'), arith('sub'), arith('mul'), arith('div'),
  { name: 'neg', category: 'ops', ops: ['neg', 'mul'], args: ['x', 'a'], gen: fc.tuple(tensorOr(anyShape)), call: (sn, x) => sn.neg(x), ref: (x) => (isT(x) ? map(x, (v) => -v) : null) },
  ...(['sum', 'mean'] as const).map((name): Entry => ({
    name, category: 'ops', args: ['x', 'axis'], gen: fc.tuple(tensorOr(anyShape), options({ axis: mostly(fc.constant(0), fc.constantFrom(1, -1, 'x')) })),
    call: (sn, x, opt) => sn[name](x, opt),
    // Other axes: no reference here (c2-ops' reductions are checked against PyTorch in tests/torch).
    ref: (x, opt) => (!isT(x) || typeof o(opt, 'axis') === 'string' ? null : o(opt, 'axis') !== undefined && o(opt, 'axis') !== 0 ? undefined : R.reduce(name, x, o(opt, 'axis') === 0)),
  })),
  { name: 'matmul', category: 'ops', args: ['a', 'b', 'transposeA', 'transposeB'],
    gen: fc.tuple(dim, dim, dim, fc.boolean(), fc.boolean(), fc.boolean()).chain(([m, k, n, tA, tB, mis]) => fc.tuple(tensorOr(fc.constant(tA ? [k, m] : [m, k])), tensorOr(fc.constant(tB ? [n, mis ? k + 1 : k] : [mis ? k + 1 : k, n])), fc.constant({ transposeA: tA, transposeB: tB }))),
    call: (sn, a, b, opt) => sn.matmul(a, b, opt), ref: (a, b, opt) => (isT(a) && isT(b) ? R.matmul(a, b, opt.transposeA, opt.transposeB) : null) },
  { name: 'linear', category: 'ops', args: ['x', 'w', 'b', 'activation'], gen: fc.tuple(dim, dim, dim).chain(([n, i, out]) => fc.tuple(tensorOr(fc.constant([n, i])), tensorOr(fc.constant([i, out])), fc.option(tensorOr(fc.constant([out])), { nil: null }))),
    call: (sn, x, w, b) => sn.linear(x, w, b),
    ref: (x, w, b) => { if (!isT(x) || !isT(w) || (b != null && !isT(b))) return null; const y = R.matmul(x, w, false, false); return y && b ? R.binary('add', y, b) : y; } },
  unary('relu', (v) => Math.max(0, v)), unary('sigmoid'), unary('tanh'), unary('exp'), unary('softplus'), unary('sign', Math.sign),
  { name: 'leakyRelu', category: 'ops', args: ['x', 'slope'], gen: fc.tuple(tensorOr(anyShape), fc.option(num(0, 1), { nil: undefined })), call: (sn, x, s) => sn.leakyRelu(x, s) },
  { name: 'elu', category: 'ops', args: ['x', 'alpha'], gen: fc.tuple(tensorOr(anyShape), fc.option(num(0, 2), { nil: undefined })), call: (sn, x, a) => sn.elu(x, a) },
  { name: 'softmax', category: 'ops', args: ['x'], gen: fc.tuple(tensorOr(anyShape)), call: (sn, x) => sn.softmax(x) },
  { name: 'logSoftmax', category: 'ops', args: ['x'], gen: fc.tuple(tensorOr(anyShape)), call: (sn, x) => sn.logSoftmax(x) },

  // ---- ops landed with issue 13 (c1-ops, c2-ops): one entry each ----
  unary('relu6', (v) => Math.min(6, Math.max(0, v))), unary('hardSigmoid'), unary('hardSwish'), unary('silu'), unary('gelu'), unary('logSigmoid'),
  unary('sqrt'), unary('log'), unary('abs', Math.abs),
  { name: 'clip', category: 'ops', args: ['x', 'min', 'max'], gen: fc.tuple(tensorOr(anyShape), fc.option(num(-2, 0), { nil: undefined }), fc.option(num(0, 2), { nil: undefined })), call: (sn, x, lo, hi) => sn.clip(x, lo, hi) },
  { name: 'prelu', category: 'ops', args: ['x', 'slope'], gen: fc.tuple(shapeOf(2)).chain(([s]) => fc.tuple(tensorOr(fc.constant(s)), tensorOr(fc.oneof(fc.constant([s[1]]), fc.constant([1]), anyShape)))), call: (sn, x, w) => sn.prelu(x, w) },
  ...(['minimum', 'maximum', 'pow'] as const).map((name): Entry => ({ name, category: 'ops', args: ['a', 'b'], gen: fc.tuple(broadcastPair).chain(([[a, b]]) => fc.tuple(tensorOr(fc.constant(a)), mostly(tensor(fc.constant(b)), badNumber))), call: (sn, a, b) => sn[name](a, b) })),
  { name: 'where', category: 'ops', args: ['cond', 'a', 'b'], gen: fc.tuple(broadcastPair).chain(([[a, b]]) => fc.tuple(tensorOr(fc.constant(a)), tensorOr(fc.constant(b)), tensorOr(fc.constant(a)))), call: (sn, c, a, b) => sn.where(c, a, b) },
  { name: 'broadcastTo', category: 'ops', args: ['x', 'shape'], gen: fc.tuple(broadcastPair).chain(([[a, b]]) => fc.tuple(tensorOr(fc.constant(b)), mostly(fc.constant(a), fc.constantFrom(null, [-1], 'x')))), call: (sn, x, s) => sn.broadcastTo(x, s),
    ref: (x, s) => (isT(x) && Array.isArray(s) ? (R.broadcastShape(x.shape, s)?.join() === s.join() ? R.binary('add', x, { shape: s, data: new Float32Array(s.reduce((p: number, q: number) => p * q, 1)) }) : null) : null) },
  ...(['max', 'min', 'logSumExp'] as const).map((name): Entry => ({ name, category: 'ops', args: ['x', 'axis', 'keepDims'], gen: fc.tuple(tensorOr(anyShape), options({ axis: mostly(fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', 0.5)), keepDims: fc.boolean() })), call: (sn, x, opt) => sn[name](x, opt) })),
  ...(['argmax', 'argmin'] as const).map((name): Entry => ({ name, category: 'ops', args: ['x', 'axis', 'keepDims'], gen: fc.tuple(tensorOr(anyShape), options({ axis: mostly(fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', 0.5)), keepDims: fc.boolean() })), call: (sn, x, opt) => sn[name](x, opt) })),
  { name: 'topk', category: 'ops', args: ['x', 'k', 'axis', 'largest', 'sorted'], gen: fc.tuple(tensorOr(anyShape), int(0, 4), options({ axis: fc.integer({ min: -2, max: 2 }), largest: fc.boolean() })),
    call: (sn, x, k, opt) => { const r = sn.topk(x, k, opt); return [r.values, r.indices]; }, check: (r) => (Array.isArray(r) && r.length === 2 ? null : 'not [values, indices]') },
  { name: 'permute', category: 'ops', args: ['x', 'dims'], gen: fc.tuple(tensorOr(shapeOf(3)), mostly(fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }), fc.constantFrom([0, 0, 1], [0, 1], [0, 1, 3], null))), call: (sn, x, d) => sn.permute(x, d) },
  { name: 'transpose', category: 'ops', args: ['x', 'dim0', 'dim1'], gen: fc.tuple(tensorOr(anyShape), int(-3, 3), int(-3, 3)), call: (sn, x, a, b) => sn.transpose(x, a, b) },
  { name: 'squeeze', category: 'ops', args: ['x', 'axes'], gen: fc.tuple(tensorOr(anyShape), fc.option(int(-3, 3), { nil: undefined })), call: (sn, x, a) => sn.squeeze(x, a) },
  { name: 'unsqueeze', category: 'ops', args: ['x', 'axis'], gen: fc.tuple(tensorOr(anyShape), int(-4, 4)), call: (sn, x, a) => sn.unsqueeze(x, a) },
  { name: 'stack', category: 'ops', args: ['xs', 'axis'], gen: fc.tuple(fc.array(tensorOr(fc.oneof(fc.constant([2, 3]), anyShape)), { maxLength: 3 }), fc.option(int(-3, 3), { nil: undefined })), call: (sn, xs, a) => sn.stack(xs, a) },
  { name: 'split', category: 'ops', args: ['x', 'sizesOrCount', 'axis'], gen: fc.tuple(tensorOr(shapeOf(2)), mostly(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })), badNumber), fc.option(int(-2, 2), { nil: undefined })),
    call: (sn, x, s, a) => sn.split(x, s, a), check: (r) => (Array.isArray(r) ? null : 'not an array') },
  { name: 'tile', category: 'ops', args: ['x', 'reps'], gen: fc.tuple(tensorOr(anyShape), mostly(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }), fc.constantFrom(null, [-1], [0.5]))), call: (sn, x, r) => sn.tile(x, r) },
  { name: 'gather', category: 'ops', args: ['x', 'indices', 'axis'], gen: fc.tuple(tensorOr(shapeOf(2)), mostly(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }), fc.constantFrom([NaN], [-1], [0.5], null)), fc.option(int(-2, 2), { nil: undefined })), call: (sn, x, i, a) => sn.gather(x, i, a) },
  { name: 'slice', category: 'ops', args: ['x', 'options', 'starts', 'ends', 'axes', 'steps', 'begin', 'end', 'size'], gen: fc.tuple(tensorOr(shapeOf(2)), options({ starts: fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 2 }), ends: fc.array(fc.integer({ min: -3, max: 5 }), { maxLength: 2 }) })), call: (sn, x, o2) => sn.slice(x, o2) },
  { name: 'pad', category: 'ops', args: ['x', 'pads', 'mode', 'value'], gen: fc.tuple(tensorOr(shapeOf(2)), mostly(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), { minLength: 2, maxLength: 2 }), fc.constantFrom(null, [[-1, 0], [0, 0]], [[0.5, 0], [0, 0]])), options({ mode: mostly(fc.constantFrom('constant', 'reflect', 'edge', 'replicate'), fc.constantFrom('bogus')), value: num(-1, 1) })),
    call: (sn, x, p, o2) => sn.pad(x, p, o2) },
  { name: 'globalMaxPool', category: 'ops', args: ['x'], gen: fc.tuple(tensorOr(shapeOf(4))), call: (sn, x) => sn.globalMaxPool(x) },
  { name: 'adaptiveAvgPool2d', category: 'ops', args: ['x', 'outputSize'], gen: fc.tuple(tensorOr(shapeOf(4)), pairArb(1, 4)), call: (sn, x, s) => sn.adaptiveAvgPool2d(x, s) },
  { name: 'layerNorm', category: 'ops', args: ['x', 'normalizedShape', 'eps', 'weight', 'bias', 'options'], gen: fc.tuple(tensorOr(shapeOf(3)), mostly(fc.oneof(dim, fc.array(dim, { maxLength: 2 })), badNumber), options({ eps: num(0, 1) })), call: (sn, x, n, o2) => sn.layerNorm(x, n, o2) },
  { name: 'groupNorm', category: 'ops', args: ['x', 'groups', 'eps', 'weight', 'bias', 'options'], gen: fc.tuple(tensorOr(shapeOf(4)), int(1, 4), options({ eps: num(0, 1) })), call: (sn, x, g, o2) => sn.groupNorm(x, g, o2) },
  { name: 'localResponseNorm', category: 'ops', args: ['x', 'size', 'alpha', 'beta', 'k', 'options'], gen: fc.tuple(tensorOr(shapeOf(4)), int(1, 5), options({ alpha: num(0, 1), beta: num(0, 1), k: num(0, 2) })), call: (sn, x, n, o2) => sn.localResponseNorm(x, n, o2) },

  // ---- convolution and pooling ----
  { name: 'conv2d', category: 'ops', args: ['x', 'w', 'options', 'stride', 'padding', 'dilation', 'groups', 'roundMode', 'bias'],
    gen: fc.tuple(dim, dim, dim, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom(1, 1, 2), dim).chain(([n, h, w, kh, kw, g, k]) =>
      fc.tuple(tensorOr(fc.constant([n, h + 2, w + 2, 2 * g])), tensorOr(fc.oneof(fc.constant([kh, kw, 2, k * g]), shapeOf(4))), convOptions)),
    call: (sn, x, w, opt) => sn.conv2d(x, w, opt),
    ref: (x, w, opt) => (isT(x) && isT(w) ? R.conv2d(x, w, opt ?? {}) : null) },
  { name: 'convTranspose2d', category: 'ops', args: ['x', 'w', 'options', 'stride', 'padding', 'outputPadding', 'dilation', 'groups'],
    gen: fc.tuple(tensorOr(shapeOf(4)), tensorOr(shapeOf(4)), options({ stride: pairArb(1, 3), padding: pairArb(0, 2), outputPadding: pairArb(0, 2), dilation: pairArb(1, 2), groups: int(1, 2) })),
    call: (sn, x, w, opt) => sn.convTranspose2d(x, w, opt) },
  ...(['maxPool2d', 'avgPool2d'] as const).map((name): Entry => ({
    name, category: 'ops', args: ['x', 'options', 'kernel', 'stride', 'padding', 'roundMode', 'countIncludePad'],
    gen: fc.tuple(tensorOr(fc.oneof(shapeOf(4), fc.tuple(dim, dim, dim, dim).map(([n, h, w, c]) => [n, h + 2, w + 2, c]))), poolOptions(name === 'avgPool2d' ? { countIncludePad: fc.option(fc.boolean(), { nil: undefined }) } : {})),
    call: (sn, x, opt) => sn[name](x, opt),
    ref: (x, opt) => (isT(x) && opt && typeof opt === 'object' ? R.pool2d(name === 'maxPool2d' ? 'max' : 'avg', x, opt) : null),
  })),
  { name: 'globalAvgPool', category: 'ops', args: ['x'], gen: fc.tuple(tensorOr(shapeOf(4))), call: (sn, x) => sn.globalAvgPool(x) },
  { name: 'upsampleNearest', category: 'ops', args: ['x', 'options', 'scale'], gen: fc.tuple(tensorOr(shapeOf(4)), options({ scale: pairArb(1, 3) })), call: (sn, x, opt) => sn.upsampleNearest(x, opt) },
  { name: 'resize', category: 'ops', args: ['x', 'options', 'size', 'scale', 'mode', 'coordinate', 'nearestMode'],
    gen: fc.tuple(tensorOr(shapeOf(4)), mostly(fc.oneof(fc.record({ size: pairArb(0, 5) }), fc.record({ scale: mostly(fc.oneof(fc.double({ min: 0.2, max: 3, noNaN: true }), fc.tuple(fc.double({ min: 0.2, max: 3, noNaN: true }), fc.double({ min: 0.2, max: 3, noNaN: true }))), fc.constantFrom(0, -1, NaN, 1e300, 'x', [2])) }), fc.record({ size: pairArb(1, 3), scale: fc.constant(2) })).chain((r) =>
      fc.record({ mode: optionalOf(mostly(fc.constantFrom('nearest', 'bilinear'), fc.constantFrom('bogus', 1))), coordinate: optionalOf(mostly(fc.constantFrom('half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'), fc.constantFrom('bogus', null))), nearestMode: optionalOf(mostly(fc.constantFrom('floor', 'ceil', 'round_prefer_floor', 'round_prefer_ceil'), fc.constantFrom('bogus'))) }).map((m) => ({ ...r, ...m }))),
    fc.constantFrom(null, undefined, {}, 'x'))),
    call: (sn, x, opt) => sn.resize(x, opt) },
  { name: 'lpPool2d', category: 'ops', args: ['x', 'options', 'kernel', 'stride', 'padding', 'roundMode', 'p'],
    gen: fc.tuple(tensorOr(shapeOf(4)), poolOptions({ p: fc.option(mostly(fc.constant(2), fc.constantFrom(1, 3, 'x')), { nil: undefined }) })), call: (sn, x, opt) => sn.lpPool2d(x, opt) },
  { name: 'winogradConv2d', category: 'ops', ops: ['winogradConv2d', 'winograd'], args: ['x', 'w', 'wt', 'tile', 'padding', 'bias', 'activation'],
    gen: fc.tuple(dim, dim).chain(([c, k]) => fc.tuple(tensorOr(fc.oneof(shapeOf(4), fc.tuple(dim, dim, dim).map(([n, h, w]) => [n, h + 2, w + 2, c]))), tensorOr(fc.oneof(fc.constant([3, 3, c, k]), shapeOf(4)), { grad: false }), mostly(fc.constantFrom('f4x4', 'f2x2'), fc.constantFrom('f6x6', null)), options({ padding: mostly(fc.constantFrom('valid', 'same', 0, 1), fc.constantFrom('bogus', -1)), activation: mostly(fc.constantFrom('relu', null), fc.constant('gelu')) }))),
    call: (sn, x, w, tile, opt) => { const wt = new sn.WinogradWeights(w, tile); try { return sn.winogradConv2d(x, wt, opt); } finally { wt.dispose(); } } },
  { name: 'batchNorm', category: 'ops', args: ['x', 'gamma', 'beta', 'runningMean', 'runningVar', 'eps', 'momentum', 'training'],
    gen: fc.tuple(dim, dim).chain(([n, c]) => fc.tuple(tensorOr(fc.constant([n, 2, 2, c])), ...[0, 1, 2, 3].map(() => tensorOr(fc.constant([c]), { grad: false })), options({ eps: num(0, 1), momentum: num(0, 1), training: fc.boolean() }))),
    call: (sn, x, g, b, m, v, opt) => sn.batchNorm(x, g, b, m, v, opt) },
  { name: 'dropout', category: 'ops', args: ['x', 'p', 'training', 'seed'], gen: fc.tuple(tensorOr(anyShape), options({ p: num(0, 1), training: fc.boolean(), seed: int(0, 9) })), call: (sn, x, opt) => sn.dropout(x, opt) },

  // ---- losses ----
  { name: 'crossEntropy', category: 'ops', args: ['logits', 'labels'], gen: fc.tuple(dim, dim).chain(([n, c]) => fc.tuple(tensorOr(fc.constant([n, c])), fc.oneof(labelsArb(n, Math.max(c, 1)), tensorOr(fc.constant([n, c]))))),
    call: (sn, l, y) => sn.crossEntropy(l, y) },
  { name: 'mseLoss', category: 'ops', args: ['pred', 'target'], gen: fc.tuple(anyShape).chain(([s]) => fc.tuple(tensorOr(fc.constant(s)), tensorOr(fc.oneof(fc.constant(s), anyShape)))), call: (sn, p, t) => sn.mseLoss(p, t) },
  { name: 'hingeLoss', category: 'ops', args: ['scores', 'labels', 'margin'], gen: fc.tuple(dim, dim).chain(([n, c]) => fc.tuple(tensorOr(fc.constant([n, c])), labelsArb(n, Math.max(c, 1)), options({ margin: num(0, 2) }))),
    call: (sn, s, y, opt) => sn.hingeLoss(s, y, opt) },

  // ---- autograd ----
  { name: 'backward', category: 'ops', args: ['dy', 'this'], gen: fc.tuple(tensor(shapeOf(2), { grad: true }), fc.option(tensorOr(shapeOf(2)), { nil: undefined })),
    call: (sn, x, dy) => { const y = sn.mul(x, 2); try { y.backward(dy); return x.grad ? x.grad.detach() : null; } finally { y.dispose(); } },
    ops: ['backward', 'detach'], check: () => null },
  { name: 'gradcheck', category: 'gradcheck', args: ['fn', 'inputs'], gen: fc.tuple(fc.constantFrom('tanh', 'sigmoid', 'square', 'softplus', 'conv'), tensorOr(shapeOf(2), { grad: true })),
    call: (sn, f, x) => {
      const fns: Record<string, (t: T) => T> = { tanh: sn.tanh, sigmoid: sn.sigmoid, softplus: sn.softplus, square: (t) => sn.mul(t, t), conv: (t) => sn.sum(sn.mul(sn.reshape(t, [-1]), 0.5)) };
      return sn.gradcheck(fns[f], [x], { eps: 1e-2, maxChecks: 4 });
    },
    check: (r) => (r.ok ? null : `gradcheck failed: ${JSON.stringify(r.worst)}`) },

  // ---- layers ----
  { name: 'Conv2d', category: 'layers', ops: ['Conv2d', 'conv2d'], args: ['inChannels', 'outChannels', 'kernel', 'options', 'stride', 'padding', 'dilation', 'roundMode', 'groups', 'x', 'w'],
    gen: fc.tuple(int(1, 4), int(1, 4), pairArb(1, 3), convOptions, tensorOr(shapeOf(4))),
    call: (sn, ci, co, k, opt, x) => { const m = new sn.nn.Conv2d(ci, co, k, opt); try { return m.call(x); } finally { m.dispose(); } } },
  { name: 'Linear', category: 'layers', ops: ['Linear', 'linear'], args: ['inFeatures', 'outFeatures', 'x', 'w'], gen: fc.tuple(int(1, 4), int(1, 4), tensorOr(shapeOf(2))),
    call: (sn, i, out, x) => { const m = new sn.nn.Linear(i, out); try { return m.call(x); } finally { m.dispose(); } } },
  { name: 'BatchNorm2d', category: 'layers', ops: ['BatchNorm2d', 'batchNorm'], args: ['channels', 'x', 'eps', 'momentum'], gen: fc.tuple(int(1, 4), options({ eps: num(0, 1), momentum: num(0, 1) }), tensorOr(shapeOf(4))),
    call: (sn, c, opt, x) => { const m = new sn.nn.BatchNorm2d(c, opt); try { return m.call(x); } finally { m.dispose(); } } },
  { name: 'MaxPool2d', category: 'layers', ops: ['MaxPool2d', 'maxPool2d'], args: ['kernel', 'stride', 'padding', 'roundMode', 'x'], gen: fc.tuple(pairArb(1, 3), options({ stride: pairArb(1, 2), roundMode }), tensorOr(shapeOf(4))),
    call: (sn, k, opt, x) => new sn.nn.MaxPool2d(k, opt).call(x) },
  { name: 'Dropout', category: 'layers', ops: ['Dropout', 'dropout'], args: ['p', 'x'], gen: fc.tuple(num(0, 1), tensorOr(anyShape)), call: (sn, p, x) => new sn.nn.Dropout(p).call(x) },

  // ---- model builders (the large ones only with options that must fail before building) ----
  { name: 'models', category: 'models', ops: ['lenet5', 'convAutoencoder', 'unet', 'alexnet', 'vgg11', 'vgg16', 'resnet18', 'resnet34', 'googlenet', 'mobilenetV2', 'mobilenetV3Small', 'mobilenetV3Large', 'Linear', 'Conv2d', 'conv2d'], args: ['classes', 'inChannels', 'inputSize', 'width', 'options'],
    gen: fc.oneof(
      fc.tuple(fc.constant('lenet5'), options({ classes: int(1, 12), inChannels: int(1, 3) })),
      fc.tuple(fc.constantFrom('convAutoencoder', 'unet'), fc.record({ width: int(1, 3), inChannels: fc.option(int(1, 3), { nil: undefined }) })),
      fc.tuple(fc.constantFrom('alexnet', 'vgg11', 'vgg16', 'resnet18', 'resnet34', 'googlenet', 'mobilenetV2', 'mobilenetV3Small', 'mobilenetV3Large'), fc.constantFrom('classes', 'inChannels', 'inputSize'), badNumber).map(([b, key, v]) => [b, { [key]: v }]),
    ),
    call: (sn, b, opt) => { const m = (sn.nn.models as unknown as Record<string, (o: unknown) => SN.nn.Module>)[b](opt); m.dispose(); return null; },
    invalid: (_b, opt) => ['classes', 'inChannels', 'inputSize', 'width'].some((k) => o(opt, k) !== undefined && !posInt(o(opt, k))), check: () => null },

  // ---- optimizers ----
  { name: 'optimizers', category: 'optim', ops: ['SGD', 'Adam', 'RMSProp', 'SGD.step', 'Adam.step', 'RMSProp.step'], args: ['params', 'lr', 'momentum', 'beta1', 'beta2', 'eps', 'rho', 'weightDecay', 'options', 'nesterov', 'form'],
    gen: fc.tuple(fc.constantFrom('SGD', 'Adam', 'RMSProp'), fc.array(tensorOr(shapeOf(2), { grad: true }), { maxLength: 3 }),
      options({ lr: num(0, 1), momentum: num(0, 1), beta1: num(0, 1.2), beta2: num(0, 1.2), eps: num(0, 1e-3), rho: num(0, 1.2), weightDecay: num(0, 0.1) })),
    call: (sn, kind, params, opt) => {
      const o2 = kind === 'SGD' && opt && typeof opt === 'object' && (opt as { momentum?: unknown }).momentum !== undefined ? { ...(opt as object), form: 'classical' } : opt;
      const optim = new (sn.optim as unknown as Record<string, new (p: T[], o: unknown) => SN.optim.Optimizer>)[kind](params, o2);
      try {
        for (const p of params as T[]) p.grad = sn.ones(p.shape);
        optim.step();
        optim.step();
        return (params as T[]).map((p) => p.dataSync());
      } finally {
        optim.dispose();
      }
    },
    invalid: (kind, params, opt) =>
      !Array.isArray(params) || params.length === 0 || (kind === 'SGD' && (opt === null || opt === undefined || o(opt, 'lr') == null)) || notNumberIn(o(opt, 'lr'), 0, Infinity) || notNumberIn(o(opt, 'weightDecay'), 0, Infinity) ||
      (kind === 'Adam' && (notNumberIn(o(opt, 'beta1'), 0, 1, true) || notNumberIn(o(opt, 'beta2'), 0, 1, true))) || (kind !== 'SGD' && notNumberIn(o(opt, 'eps'), 0, Infinity)) ||
      (kind === 'RMSProp' && notNumberIn(o(opt, 'rho'), 0, 1)),
    check: (r: Float32Array[], kind, params, opt) => (opt && (o(opt, 'lr') as number) < 1e30 && r.some((d) => d.some((v) => !Number.isFinite(v))) ? `non-finite parameters after 2 steps of ${kind}` : null) },

  // ---- training ----
  { name: 'fit', category: 'training', ops: ['fit', 'crossEntropy', 'mseLoss', 'hingeLoss', 'linear'], args: ['batchSize', 'epochs', 'data.x', 'data.y', 'options', 'loss', 'optimizer', 'model', 'labels', 'label'],
    gen: fc.tuple(fc.integer({ min: 1, max: 4 })).chain(([n]) => fc.tuple(tensorOr(fc.constant([n, 2, 2, 1])), labelsArb(n, 3), options({ epochs: mostly(fc.integer({ min: 1, max: 2 }), badNumber.filter((v) => v !== 2 ** 31)), batchSize, loss: mostly(fc.constantFrom('crossEntropy', 'mse', 'hinge'), fc.constantFrom('bogus', 3)) }))),
    call: (sn, x, y, opt) => withNet(sn, 4, 3, async (net, optim) => { await sn.fit(net, { x, y }, opt && typeof opt === 'object' ? { ...(opt as object), optimizer: optim, progress: false } : opt); return null; }),
    invalid: (_x, _y, opt) => !opt || !posInt(o(opt, 'epochs')) || (o(opt, 'batchSize') !== undefined && !posInt(o(opt, 'batchSize'))), check: () => null },
  { name: 'evaluate', category: 'training', ops: ['evaluate', 'crossEntropy', 'mseLoss', 'hingeLoss', 'linear'], args: ['batchSize', 'data.x', 'data.y', 'loss', 'model', 'labels', 'label'],
    gen: fc.tuple(fc.integer({ min: 1, max: 4 })).chain(([n]) => fc.tuple(tensorOr(fc.constant([n, 2, 2, 1])), labelsArb(n, 3), options({ batchSize }))),
    call: (sn, x, y, opt) => withNet(sn, 4, 3, (net) => { const r = sn.evaluate(net, { x, y }, opt); return Number.isFinite(r.loss) ? null : r; }),
    invalid: (_x, _y, opt) => o(opt, 'batchSize') !== undefined && !posInt(o(opt, 'batchSize')), check: (r) => (r === null ? null : `loss ${JSON.stringify(r)}`) },
  { name: 'predict', category: 'training', ops: ['predict', 'linear', 'flatten', 'reshape'], args: ['x', 'batchSize', 'model'],
    gen: fc.tuple(tensorOr(fc.oneof(fc.tuple(fc.integer({ min: 1, max: 5 })).map(([n]) => [n, 2, 2, 1]), anyShape)), options({ batchSize })),
    call: (sn, x, opt) => withNet(sn, 4, 3, (net) => sn.predict(net, x, opt)),
    invalid: (_x, opt) => o(opt, 'batchSize') !== undefined && !posInt(o(opt, 'batchSize')) },

  // ---- safetensors ----
  { name: 'decodeSafetensors', category: 'safetensors', ops: ['loadSafetensors'], args: ['bytes', 'header', 'entry', 'data_offsets', 'dtype', 'shape'],
    gen: fc.tuple(stFile), call: (sn, f) => sn.io.decodeSafetensors(mutate(sn, f)),
    check: (r) => {
      for (const [name, e] of Object.entries(r.tensors as Record<string, { shape: number[]; data: Float32Array }>))
        if (e.data.length !== e.shape.reduce((a, b) => a * b, 1)) return `entry ${name}: ${e.data.length} values for shape ${e.shape}`;
      return Object.getPrototypeOf(r.tensors) === null ? null : 'tensors is not a null-prototype map';
    } },
  { name: 'loadSafetensors', category: 'safetensors', ops: ['loadSafetensors', 'loadStateDict'], args: ['bytes', 'header', 'entry', 'data_offsets', 'dtype', 'shape', 'state'],
    gen: fc.tuple(stFile), call: (sn, f) => withNet(sn, 4, 3, (net) => { sn.io.loadSafetensors(net, mutate(sn, f)); return null; }), check: () => null },
];
