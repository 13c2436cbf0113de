// Cloudflare Worker (wrangler or workerd). The `workerd` condition picks simdnet/edge, whose
// `import wasm from './simdnet.wasm'` the runtime turns into a compiled module: Workers refuse
// to compile wasm from bytes. lenet5.bin is a Data module (wrangler's default rule for *.bin).
import * as sn from 'simdnet';
import weights from './lenet5.bin';

let ready;
const model = async () => {
  await sn.init();
  const net = sn.nn.models.lenet5();
  sn.io.loadSafetensors(net, new Uint8Array(weights));
  return net;
};

export default {
  async fetch(request) {
    const net = await (ready ??= model());
    const { pixels } = await request.json(); // 28×28 bytes per digit
    const x = sn.tensor(Float32Array.from(pixels, (v) => v / 255), [pixels.length / 784, 28, 28, 1]);
    const logits = sn.predict(net, x);
    const body = { logits: Array.from(logits.dataSync()) };
    x.dispose();
    logits.dispose();
    return Response.json(body);
  },
};
