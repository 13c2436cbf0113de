// node:test for the page: test() registers, the page's runner takes and runs them in order.
const registered = [];

export function test(name, options, fn) {
  registered.push({ name, fn: typeof options === 'function' ? options : fn });
}
export default test;

/** The tests registered since the last call (one test file's worth). */
export function takeRegistered() {
  return registered.splice(0, registered.length);
}
