// The wasm module's exports: every kernel family, re-exported. Kernels take byte offsets
// into linear memory and sizes; none allocates or keeps mutable globals.
export * from './elementwise';
export * from './gemm';

// End of the static data: the TypeScript allocator hands out memory above this.
export function heap_base(): usize { return __heap_base; }
export * from './conv';
export * from './upsample';
export * from './activation';
export * from './pool';
export * from './loss';
export * from './norm';
export * from './optim';
export * from './winograd';
export * from './conv_direct';
export * from './transpose';
export * from './reduce';
export * from './dwconv';
