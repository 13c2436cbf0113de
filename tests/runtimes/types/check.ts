// Compiled by tsc in the consumer project (moduleResolution nodenext): the declarations of
// every entry resolve, so the types are real, not any.
import * as sn from 'simdnet';
import * as edge from 'simdnet/edge';
import * as inline from 'simdnet/inline';

await sn.init();
await edge.init({ maxMemoryMB: 64 });
await inline.init({ wasm: new Uint8Array(0) });
const y: sn.Tensor = sn.conv2d(sn.ones([1, 4, 4, 1]), sn.ones([3, 3, 1, 1]), { padding: 'same' });
const net: sn.nn.Module = sn.nn.models.lenet5();
const bytes: Uint8Array = sn.io.saveSafetensors(net);
// @ts-expect-error conv2d takes tensors: fails to compile if the types were lost (any)
sn.conv2d(1, 2);
// @ts-expect-error no such option
edge.init({ wasmm: 1 });
export { y, bytes };
