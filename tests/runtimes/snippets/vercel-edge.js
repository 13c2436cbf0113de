// Vercel Edge Function. The `edge-light` condition picks simdnet/edge: its
// `import wasm from './simdnet.wasm'` becomes a WebAssembly.Module injected by the runtime,
// which refuses to compile wasm from bytes. The weights are a static file of the deployment.
import * as sn from 'simdnet';

export const config = { runtime: 'edge' };

let ready;
const model = async (origin) => {
  await sn.init();
  const net = sn.nn.models.lenet5();
  const weights = await fetch(new URL('/lenet5.safetensors', origin)).then((r) => r.arrayBuffer());
  sn.io.loadSafetensors(net, new Uint8Array(weights));
  return net;
};

export default async function handler(request) {
  const net = await (ready ??= model(request.url));
  const { pixels } = await request.json(); // 28×28 bytes per digit
  const x = sn.tensor(Float32Array.from(pixels, (v) => v / 255), [pixels.length / 784, 28, 28, 1]);
  const logits = sn.predict(net, x);
  const body = { logits: Array.from(logits.dataSync()) };
  x.dispose();
  logits.dispose();
  return Response.json(body);
}
