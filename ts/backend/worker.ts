// The worker side of the thread pool, as source text: the pool starts each worker from it
// (Node: `new Worker(src, { eval: true })`; elsewhere a module Worker on a blob: URL), so no
// worker file has to be found next to the bundle, and bundlers and minifiers cannot break
// it (a stringified function would carry their helpers' names).
//
// The worker instantiates the posted kernel module over the posted shared memory, says
// 'ready', then serves calls until the pool stops it (threads.ts has the control block):
//   sleep until SEQ changes (spin briefly first, then Atomics.wait); s = SEQ, b = s & 1;
//   ACTIVE[b] += 1; if OPEN[b] == s: claim parts with NEXT[b] += 1 and run each (its
//   arguments from the block, this thread's scratch patched in), marking STATUS (claimed,
//   then done or threw) and counting DONE[b]; ACTIVE[b] −= 1.
// It blocks its own event loop for good after 'ready': it needs no more messages.

export const WORKER_SOURCE = `
const nodePort = typeof require === 'function' ? require('node:worker_threads').parentPort : null;
const post = (m) => (nodePort ? nodePort.postMessage(m) : self.postMessage(m));
const start = async (d) => {
  const L = d.layout;
  const instance = await WebAssembly.instantiate(d.module, { env: { memory: d.memory } });
  const fns = d.names.map((n) => instance.exports[n]);
  const ctl = new Int32Array(d.control);
  const f64 = new Float64Array(d.control);
  const me = d.thread;
  let pages = d.memory.buffer.byteLength / 65536;
  let seq = Atomics.load(ctl, L.SEQ);
  post({ type: 'ready' });
  for (;;) {
    Atomics.add(ctl, L.BEAT + me, 1);
    let s = Atomics.load(ctl, L.SEQ);
    if (s === seq) {
      const t0 = performance.now();
      const spin = ctl[L.SPIN_US] / 1000;
      while ((s = Atomics.load(ctl, L.SEQ)) === seq && performance.now() - t0 < spin);
      if (s === seq) {
        // With a timeout: a thread asleep in Atomics.wait does not see terminate() (Node
        // would wait for it at exit), one that wakes now and then does.
        Atomics.wait(ctl, L.SEQ, seq, 1000);
        continue;
      }
    }
    seq = s;
    if (Atomics.load(ctl, L.STOP) !== 0) return;
    const h = L.BUF + (s & 1) * L.BUF_INTS;
    Atomics.add(ctl, h + L.ACTIVE, 1);
    if (Atomics.load(ctl, h + L.OPEN) === s) {
      Atomics.store(ctl, L.STARTED + me, s);
      // After memory.grow the Memory is the same object but memory.buffer is a new, longer
      // SharedArrayBuffer: re-read it so JS on this thread sees the grown memory too.
      if (ctl[L.PAGES] !== pages) pages = d.memory.buffer.byteLength / 65536;
      const fn = fns[ctl[h + L.FN]];
      const parts = ctl[h + L.PARTS], nargs = ctl[h + L.NARGS], si = ctl[h + L.SCRATCH_ARG];
      const status = L.STATUS + (s & 1) * L.MAX_PARTS;
      for (;;) {
        const p = Atomics.add(ctl, h + L.NEXT, 1);
        if (p >= parts) break;
        Atomics.store(ctl, status + p, L.CLAIMED + me);
        const a0 = L.ARGS_F64 + ((s & 1) * L.MAX_PARTS + p) * L.MAX_ARGS;
        const a = new Array(nargs);
        for (let i = 0; i < nargs; i++) a[i] = f64[a0 + i];
        if (si >= 0) a[si] = ctl[L.SCRATCH + me];
        let ok = 1;
        try {
          fn(...a);
        } catch (e) {
          ok = 2;
          post({ type: 'kernel-error', message: String((e && e.message) || e) });
        }
        Atomics.store(ctl, status + p, ok);
        Atomics.add(ctl, h + L.DONE, 1);
        Atomics.notify(ctl, h + L.DONE);
      }
    }
    Atomics.sub(ctl, h + L.ACTIVE, 1);
    Atomics.notify(ctl, h + L.ACTIVE);
  }
};
const onMessage = (d) => {
  start(d).catch((e) => post({ type: 'error', message: String((e && e.message) || e) }));
};
if (nodePort) nodePort.once('message', onMessage);
else self.onmessage = (e) => { self.onmessage = null; onMessage(e.data); };
`;
