// node:assert/strict for the page: the functions the test files use, with strict semantics
// (Object.is, deep equality that compares prototypes, RegExp matched against String(error)).
export class AssertionError extends Error {
  name = 'AssertionError';
}

const show = (v) => {
  try {
    return typeof v === 'string' ? JSON.stringify(v) : ArrayBuffer.isView(v) ? `${v.constructor.name}[${Array.from(v)}]` : JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};
const fail = (message, fallback) => {
  throw message instanceof Error ? message : new AssertionError(message ?? fallback);
};

function deepEqualValues(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (a instanceof Map || a instanceof Set) {
    if (a.size !== b.size) return false;
    const ea = [...a.entries()], eb = [...b.entries()];
    return ea.every((e, i) => deepEqualValues(e, eb[i]));
  }
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqualValues(a[k], b[k]));
}

function matches(err, expected) {
  if (expected === undefined) return true;
  if (expected instanceof RegExp) return expected.test(String(err));
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && err instanceof expected) return true;
    if (Error.isPrototypeOf(expected) || expected === Error) return false;
    return expected(err) === true;
  }
  return Object.entries(expected).every(([k, v]) => (v instanceof RegExp && typeof err[k] === 'string' ? v.test(err[k]) : deepEqualValues(err[k], v)));
}

const assert = {
  ok(value, message) {
    if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
  },
  equal(actual, expected, message) {
    if (!Object.is(actual, expected)) fail(message, `${show(actual)} !== ${show(expected)}`);
  },
  notEqual(actual, expected, message) {
    if (Object.is(actual, expected)) fail(message, `both are ${show(actual)}`);
  },
  deepEqual(actual, expected, message) {
    if (!deepEqualValues(actual, expected)) fail(message, `not deep-equal:\n  ${show(actual)}\n  ${show(expected)}`);
  },
  match(string, re, message) {
    if (typeof string !== 'string' || !re.test(string)) fail(message, `${show(string)} does not match ${re}`);
  },
  throws(fn, expected, message) {
    if (typeof expected === 'string') [message, expected] = [expected, undefined];
    try {
      fn();
    } catch (err) {
      if (!matches(err, expected)) fail(message, `the error does not match ${expected}: ${err}`);
      return;
    }
    fail(message, 'missing expected exception');
  },
  async rejects(fnOrPromise, expected, message) {
    if (typeof expected === 'string') [message, expected] = [expected, undefined];
    try {
      await (typeof fnOrPromise === 'function' ? fnOrPromise() : fnOrPromise);
    } catch (err) {
      if (!matches(err, expected)) fail(message, `the rejection does not match ${expected}: ${err}`);
      return;
    }
    fail(message, 'missing expected rejection');
  },
  fail(message) {
    fail(message, 'Failed');
  },
};
assert.strictEqual = assert.equal;
assert.deepStrictEqual = assert.deepEqual;
export default assert;
export const { ok, equal, notEqual, deepEqual, match, throws, rejects, strictEqual, deepStrictEqual } = assert;
