// Argument generators for the fuzz table. Cases are plain data (so fast-check can shrink and
// print them): a tensor is a spec `{ $t: 'tensor', shape, seed }` that the runner turns into
// a real tensor just before the call, and bad tensors are specs too (disposed, a look-alike
// object, a tensor of another copy of the package, Object.create(Tensor.prototype)).
import fc from 'fast-check';

export type Spec =
  | { $t: 'tensor'; shape: number[]; seed: number; grad?: boolean; int?: number }
  | { $t: 'disposed'; shape: number[] }
  | { $t: 'impostor' }
  | { $t: 'foreign' }
  | { $t: 'proto' };

export const BAD_TENSOR_KINDS = ['disposed', 'impostor', 'foreign', 'proto'] as const;

/** A dimension: mostly 1–4, sometimes 0 (empty) or 5. */
export const dim = fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 5) });
export const shapeOf = (rank: number): fc.Arbitrary<number[]> => fc.array(dim, { minLength: rank, maxLength: rank });
export const anyShape = fc.integer({ min: 0, max: 4 }).chain(shapeOf);

const seed = fc.integer({ min: 1, max: 1000 });
/** A tensor of values from a seeded normal; `int` gives integers in [0, int) (labels). */
export const tensor = (shape: fc.Arbitrary<number[]>, opts: { grad?: boolean; int?: number } = {}): fc.Arbitrary<Spec> =>
  fc.record({ shape, seed, grad: opts.grad === undefined ? fc.boolean() : fc.constant(opts.grad) }).map((r) => ({ $t: 'tensor' as const, ...r, ...(opts.int ? { int: opts.int } : {}) }));

/** Not a usable tensor: what a user may pass by mistake. */
export const badTensor: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<Spec>({ $t: 'impostor' }, { $t: 'foreign' }, { $t: 'proto' }),
  shapeOf(2).map((shape): Spec => ({ $t: 'disposed', shape })),
  fc.constantFrom(null, undefined, 3, 'x', [1, 2], {}),
);

/** Usually a good value, sometimes a bad one. */
export const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>, badWeight = 1): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 8, arbitrary: good }, { weight: badWeight, arbitrary: bad });
export const tensorOr = (shape: fc.Arbitrary<number[]>, opts: { grad?: boolean; int?: number } = {}): fc.Arbitrary<unknown> => mostly(tensor(shape, opts), badTensor);

/** Numbers users get wrong: NaN, ±Infinity, fractions, negatives, strings, null. */
export const badNumber: fc.Arbitrary<unknown> = fc.constantFrom(NaN, Infinity, -Infinity, 0.5, -1, 0, '2', null, 2 ** 31, {});
export const int = (min: number, max: number): fc.Arbitrary<unknown> => mostly(fc.integer({ min, max }), badNumber);
export const num = (min: number, max: number): fc.Arbitrary<unknown> => mostly(fc.double({ min, max, noNaN: true }), badNumber);
export const optional = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 3 });
/** An options object: undefined, null, or a record of optional keys. */
export const options = (rec: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(undefined, null) },
    { weight: 8, arbitrary: fc.record(Object.fromEntries(Object.entries(rec).map(([k, a]) => [k, optional(a)]))) },
  );

export const pairArb = (min: number, max: number): fc.Arbitrary<unknown> =>
  mostly(fc.oneof(fc.integer({ min, max }), fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }))), badNumber);
export const padding = mostly(fc.oneof(fc.constantFrom('valid', 'same'), fc.integer({ min: 0, max: 2 }), fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }))), fc.constantFrom('bogus', -1, [1], 0.5));
export const roundMode = mostly(fc.constantFrom('floor', 'ceil', 'exact'), fc.constantFrom('bogus', 1));
