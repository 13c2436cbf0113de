// Browser check of threads: init({ threads: 2 }) on the built browser bundle, then a GEMM and
// a convolution (forward and both gradients) with 1 and 2 threads, compared bit for bit.
// Served cross-origin isolated (COOP + COEP) the page must run 2 threads; served without
// those headers, 1 thread with the reason and no error. The result goes to window.__threads.
import * as sn from '../../dist/browser.js';

const out = document.getElementById('out');
const bits = (t) => new Uint32Array(t.dataSync().buffer);
const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

async function main() {
  const be = await sn.init({ threads: 2 });
  const info = sn.backendInfo();
  const run = () =>
    sn.tidy(() => {
      const a = sn.randn([300, 257], { seed: 1 });
      const b = sn.randn([257, 260], { seed: 2 });
      const x = sn.randn([2, 20, 20, 16], { seed: 3, requiresGrad: true });
      const w = sn.randn([3, 3, 16, 32], { seed: 4, requiresGrad: true });
      const y = sn.conv2d(x, w, { padding: 'same' });
      y.backward(sn.randn(y.shape, { seed: 5 }));
      return [bits(sn.matmul(a, b)), bits(y), bits(x.grad), bits(w.grad)];
    });
  be.setThreads(1);
  const one = run();
  be.setThreads(2);
  const calls = be.pool ? be.pool.parallelCalls : 0;
  const two = run();
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated,
    threads: info.threads,
    reason: info.threadsReason,
    parallelCalls: be.pool ? be.pool.parallelCalls - calls : 0,
    identical: one.every((v, i) => same(v, two[i])),
  };
}

main().then(
  (r) => {
    window.__threads = r;
    out.textContent = JSON.stringify(r, null, 2);
  },
  (e) => {
    window.__threads = { error: String(e && e.stack ? e.stack : e) };
    out.textContent = window.__threads.error;
  },
);
