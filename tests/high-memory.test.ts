// Memory above 2 GiB: the same work (creation, arithmetic, reductions, a conv forward and
// backward on the direct and im2col paths, losses, optimizer steps, gradcheck, fit, predict,
// evaluate) run with every tensor placed low, straddling 2 GiB, above 2 GiB and above 3 GiB
// of linear memory gives bit-identical values. Pointers are byte offsets up to 4 GiB; a
// signed `ptr >> 2` read and wrote at negative indices there (issue 11, item 1).
//
// Each placement runs in a child process (a fresh allocator, so no hole left below lets a
// tensor slip under the mark): the child reserves an uninitialised padding block of the
// right size (`sn.empty`, never written, so the pages below stay untouched and cost no
// resident memory), runs the work, checks every result tensor lies above the mark and
// prints the values. Node only: the children are Node processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

const g = globalThis as { process?: { env?: Record<string, string | undefined>; versions?: Record<string, string> }; Deno?: unknown; Bun?: unknown };
const isNode = !!g.process?.versions?.node && !g.Deno && !g.Bun;
const CHILD = g.process?.env?.SIMDNET_HIGH_MEMORY_CHILD;
const GiB = 2 ** 30;

type Values = Record<string, number[]>;

// Everything the work produced, and the lowest byte offset of any tensor it checked.
async function work(): Promise<{ values: Values; lowest: number; highest: number; across2GiB: number }> {
  const values: Values = {};
  let lowest = Infinity;
  let highest = 0;
  let across2GiB = 0;
  const put = (name: string, v: sn.Tensor | number | ArrayLike<number>): void => {
    if (v instanceof sn.Tensor) {
      lowest = Math.min(lowest, v.ptr);
      highest = Math.max(highest, v.ptr + v.size * 4);
      if (v.ptr < 2 * GiB && v.ptr + v.size * 4 > 2 * GiB) across2GiB++;
      values[name] = Array.from(v.dataSync());
    } else values[name] = typeof v === 'number' ? [v] : Array.from(v);
  };
  sn.seed(5);
  sn.tidy(() => {
    // Creation, reading and writing.
    const t = sn.tensor([1, 2, 3, 4.5, -6]);
    put('tensor', t);
    put('full', sn.full([7], 5));
    put('zeros', sn.zeros([3, 3]));
    put('ones', sn.ones([9]));
    put('scalar.item', sn.scalar(2.5).item());
    put('rand', sn.rand([33], { seed: 1 }));
    put('randn', sn.randn([17], { seed: 2 }));
    put('assign', sn.zeros([4]).assign([9, 8, 7, 6]));
    put('toArray', (sn.tensor([1, 2, 3, 4], [2, 2]).toArray() as number[][]).flat());
    // Arithmetic: scalars on either side, same shapes, rows, neg; reductions.
    const a = sn.randn([6, 35], { seed: 3 });
    const b = sn.randn([6, 35], { seed: 4 });
    const row = sn.randn([35], { seed: 5 });
    put('add scalar', sn.add(a, 2));
    put('sub scalar', sn.sub(3, a));
    put('mul tensor scalar', sn.mul(a, sn.scalar(-1.5)));
    put('div', sn.div(a, sn.add(b, 10)));
    put('add rows', sn.add(a, row));
    put('neg', sn.neg(a));
    put('sum', sn.sum(a));
    put('mean axis 0', sn.mean(a, { axis: 0 }));
    put('matmul', sn.matmul(a, b, { transposeB: true }));

    // A conv net step: direct path (3 → 8 channels), im2col path (8 → 16), pooling, dense,
    // cross-entropy with integer labels (an i32 label block), backward, an Adam and an SGD step.
    const x = sn.randn([2, 11, 11, 3], { seed: 6, requiresGrad: true });
    const w1 = sn.randn([3, 3, 3, 8], { seed: 7, requiresGrad: true });
    const w2 = sn.randn([3, 3, 8, 16], { seed: 8, requiresGrad: true });
    const bias = sn.randn([16], { seed: 9, requiresGrad: true });
    const wd = sn.randn([16 * 3 * 3, 5], { seed: 10, requiresGrad: true });
    const h1 = sn.relu(sn.conv2d(x, w1, { padding: 'same' }));
    const h2 = sn.conv2d(h1, w2, { stride: 2, padding: 1, bias, roundMode: 'floor' });
    const p = sn.maxPool2d(h2, { kernel: 2, roundMode: 'floor' });
    const logits = sn.linear(sn.flatten(p), wd);
    put('conv direct', h1);
    put('conv im2col', h2);
    put('logits', logits);
    const loss = sn.crossEntropy(logits, [1, 4]);
    put('crossEntropy', loss.item());
    loss.backward();
    for (const [n, v] of Object.entries({ x, w1, w2, bias, wd })) put(`grad ${n}`, v.grad!);
    const mse = sn.mseLoss(logits, sn.full(logits.shape, 0.25));
    put('mseLoss', mse);
    const params = [w1, w2, bias, wd];
    const adam = new sn.optim.Adam(params, { lr: 0.01 });
    adam.step();
    adam.step();
    const sgd = new sn.optim.SGD(params, { lr: 0.1, momentum: 0.9, form: 'classical' });
    sgd.step();
    sgd.step();
    for (const [i, v] of params.entries()) put(`param ${i} after steps`, v);
    adam.dispose();
    sgd.dispose();
    const q = sn.randn([3, 4], { seed: 11, requiresGrad: true });
    put('gradcheck', [sn.gradcheck((u) => sn.sum(sn.mul(u, u)), [q]).ok ? 1 : 0]);
  });

  // fit with an MSE loss (its one-hot targets), then evaluate and predict.
  const net = new sn.nn.Sequential(new sn.nn.Conv2d(1, 4, 3), new sn.nn.ReLU(), new sn.nn.Flatten(), new sn.nn.Linear(4 * 4 * 4, 3));
  const data = { x: sn.randn([10, 6, 6, 1], { seed: 12 }), y: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0] };
  const opt = new sn.optim.SGD(net.parameters(), { lr: 0.05 });
  const h = await sn.fit(net, data, { epochs: 2, batchSize: 4, optimizer: opt, loss: 'mse', progress: false, seed: 1 });
  put('fit loss', h.epochs.map((e) => e.loss));
  for (const [n, v] of net.namedParameters()) put(`fit ${n}`, v);
  put('evaluate', [sn.evaluate(net, data, { batchSize: 3 }).loss]);
  const pr = sn.predict(net, data.x, { batchSize: 4 });
  put('predict', pr);
  pr.dispose();
  opt.dispose();
  net.dispose();
  data.x.dispose();
  return { values, lowest, highest, across2GiB };
}

if (CHILD) {
  // Child: put the heap top at the mark, run the work, print the values.
  const mark = Number(CHILD);
  await sn.init();
  const probe = sn.empty([4]);
  const base = probe.ptr;
  probe.dispose();
  const pad = mark > base ? sn.empty([Math.ceil((mark - base) / 4)]) : null;
  const r = await work();
  pad?.dispose();
  console.log(`RESULT ${JSON.stringify({ ...r, memory: sn.backendInfo().memoryBytes })}`);
} else {
  type Run = { values: Values; lowest: number; highest: number; across2GiB: number; memory: number };
  const run = async (mark: number): Promise<Run> => {
    const { spawnSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
      env: { ...process.env, SIMDNET_HIGH_MEMORY_CHILD: String(mark) },
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    assert.ok(line, `child at ${mark} exited ${r.status}: ${r.stderr.slice(-3000)}`);
    return JSON.parse(line.slice(7));
  };
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

  test('the same work placed low, across 2 GiB, above 2 GiB and above 3 GiB gives identical values', { skip: isNode ? false : 'Node only (child processes)' }, async () => {
    await sn.init();
    const low = await run(0);
    assert.ok(low.highest < 64 * 2 ** 20, 'the reference run stays low');
    const cases: [string, number, (r: Run) => boolean][] = [
      ['straddling 2 GiB', 2 * GiB - 16, (r) => r.across2GiB > 0],
      ['above 2 GiB', 2 * GiB + 64 * 2 ** 20, (r) => r.lowest >= 2 * GiB],
      ['above 3 GiB', 3 * GiB + 64 * 2 ** 20, (r) => r.lowest >= 3 * GiB],
    ];
    for (const [name, mark, placed] of cases) {
      const r = await run(mark);
      assert.ok(placed(r), `${name}: tensors at ${r.lowest}..${r.highest}`);
      for (const key of Object.keys(low.values))
        assert.ok(same(r.values[key], low.values[key]), `${name}: ${key} differs: ${r.values[key]?.slice(0, 6)} vs ${low.values[key].slice(0, 6)}`);
      assert.deepEqual(Object.keys(r.values), Object.keys(low.values));
    }
    assert.equal(low.values['gradcheck'][0], 1);
  });
}
