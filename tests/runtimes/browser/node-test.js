// node:test for the page: test() registers, the page's runner takes and runs them in order.
const registered = [];

// node:test's { skip } option is honoured: a truthy skip (true or the reason) skips the test.
export function test(name, options, fn) {
  const skip = typeof options === 'object' && options !== null && options.skip ? options.skip : undefined;
  registered.push({ name, fn: typeof options === 'function' ? options : fn, skip: skip === true ? 'skipped' : skip });
}
export default test;

/** The tests registered since the last call (one test file's worth). */
export function takeRegistered() {
  return registered.splice(0, registered.length);
}
