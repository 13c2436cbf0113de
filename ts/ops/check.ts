// Argument checks shared by every op: each failure names the op, the argument and shapes.
import { opError, fmtShape } from '../backend/index';
import { Tensor, checkTensorArg } from '../tensor/tensor';

/** x as a live Tensor of this copy of simdnet (not another copy's, not a look-alike object). */
export function checkTensor(op: string, arg: string, x: unknown): Tensor {
  return checkTensorArg(op, arg, x);
}

export function checkRank(op: string, arg: string, x: Tensor, rank: number): void {
  if (x.rank !== rank) throw opError(op, `argument '${arg}' must have rank ${rank}, got shape ${fmtShape(x.shape)}`);
}

export function checkNumber(op: string, arg: string, v: unknown, opts: { min?: number; max?: number; integer?: boolean; minExclusive?: boolean; maxExclusive?: boolean } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw opError(op, `argument '${arg}' must be a finite number, got ${describe(v)}`);
  if (opts.integer && !Number.isInteger(v)) throw opError(op, `argument '${arg}' must be an integer, got ${v}`);
  if (opts.min !== undefined && (opts.minExclusive ? v <= opts.min : v < opts.min))
    throw opError(op, `argument '${arg}' must be ${opts.minExclusive ? '>' : '>='} ${opts.min}, got ${v}`);
  if (opts.max !== undefined && (opts.maxExclusive ? v >= opts.max : v > opts.max))
    throw opError(op, `argument '${arg}' must be ${opts.maxExclusive ? '<' : '<='} ${opts.max}, got ${v}`);
  return v;
}

/** Options as an object: undefined and null mean the defaults (as None does in PyTorch). */
export function optionsOf<T extends object>(op: string, options: T | null | undefined): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options !== 'object' || Array.isArray(options)) throw opError(op, `argument 'options' must be an object, got ${describe(options)}`);
  return options;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function describe(x: unknown): string {
  if (x instanceof Tensor) return `Tensor${fmtShape(x.shape)}`;
  if (x === null) return 'null';
  if (Array.isArray(x)) return `array(${x.length})`;
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return `${typeof x} ${String(x)}`;
}

/** Rejects option objects that are not objects or carry names the op does not know. */
export function checkOptions<T extends object>(op: string, options: T | null | undefined, known: readonly string[]): Partial<T> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw opError(op, `argument 'options' must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options))
    if (!known.includes(key)) throw opError(op, `unknown option '${key}' (known: ${known.join(', ')})`);
  return options;
}
