// as-pect: kernels against plain scalar references, compiled in debug mode (assertions on).
export default {
  entries: ['tests/assembly/**/*.spec.ts'],
  include: [],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
