// Axis reductions, argmax/argmin, topk and softmax/logSoftmax along any axis, compared with
// PyTorch on random configurations: ranks 1–4, odd sizes, random axis lists (negative too),
// keepDims both ways.
import * as sn from 'simdnet';
import { torchTest, rng, uniform, pick, choose, $, type Case } from './harness';

await sn.init();

// A random shape of rank 1–4 with sizes 1–7.
const randShape = (r: () => number): number[] => Array.from({ length: pick(r, 1, 4) }, () => pick(r, 1, 7));

// A random non-empty subset of the axes, each written positive or negative at random.
function randAxes(r: () => number, rank: number): number[] {
  const axes = Array.from({ length: rank }, (_, i) => i).filter(() => r() < 0.5);
  if (axes.length === 0) axes.push(pick(r, 0, rank - 1));
  return axes.map((a) => (r() < 0.4 ? a - rank : a));
}

torchTest('sum, mean, max, min, logSumExp over random axis lists, keepDims both ways', async (torch) => {
  const r = rng(201);
  const cases: Case[] = [];
  const kinds = [
    ['sum', 'torch.sum'], ['mean', 'torch.mean'], ['max', 'torch.amax'], ['min', 'torch.amin'], ['logSumExp', 'torch.logsumexp'],
  ] as const;
  for (const [kind, fn] of kinds)
    for (let i = 0; i < 36; i++) {
      const shape = randShape(r);
      const all = r() < 0.15;
      const axes = all ? null : randAxes(r, shape.length);
      const keepDims = r() < 0.5;
      cases.push({
        name: `${kind} x[${shape}] axis ${all ? 'all' : axes} keepDims ${keepDims}`,
        inputs: [uniform(shape, r, -3, 3)],
        run: (x) => sn[kind](x, { axis: axes, keepDims }),
        torch: { fn, kwargs: { dim: axes ?? shape.map((_, j) => j), keepdim: keepDims } },
      });
    }
  await torch.checkAll(cases);
});

torchTest('argmax, argmin (an axis or flattened) and topk (k, axis, largest)', async (torch) => {
  const r = rng(202);
  const cases: Case[] = [];
  for (let i = 0; i < 50; i++) {
    const shape = randShape(r);
    const kind = i % 2 === 0 ? 'argmax' : 'argmin';
    const flat = r() < 0.2;
    const axis = flat ? undefined : pick(r, -shape.length, shape.length - 1);
    const keepDims = !flat && r() < 0.5;
    cases.push({
      name: `${kind} x[${shape}] axis ${flat ? 'none' : axis} keepDims ${keepDims}`,
      inputs: [uniform(shape, r, -3, 3)],
      run: (x) => sn[kind](x, axis, { keepDims }),
      torch: { fn: `torch.${kind}`, kwargs: flat ? {} : { dim: axis, keepdim: keepDims } },
      backward: false,
    });
  }
  for (let i = 0; i < 50; i++) {
    const shape = randShape(r);
    const axis = pick(r, -shape.length, shape.length - 1);
    const n = shape[axis < 0 ? axis + shape.length : axis];
    const k = pick(r, 1, n);
    const largest = r() < 0.6;
    cases.push({
      name: `topk x[${shape}] k ${k} axis ${axis} largest ${largest}`,
      inputs: [uniform(shape, r, -3, 3)],
      run: (x) => {
        const { values, indices } = sn.topk(x, k, { axis, largest });
        return [values, indices];
      },
      torch: { fn: 'torch.topk', args: [$(0), k], kwargs: { dim: axis, largest } },
    });
  }
  await torch.checkAll(cases);
});

torchTest('softmax and logSoftmax along every axis', async (torch) => {
  const r = rng(203);
  const cases: Case[] = [];
  for (let i = 0; i < 70; i++) {
    const shape = randShape(r);
    const axis = pick(r, -shape.length, shape.length - 1);
    const log = i % 2 === 1;
    cases.push({
      name: `${log ? 'logSoftmax' : 'softmax'} x[${shape}] axis ${axis}`,
      inputs: [uniform(shape, r, -5, 5)],
      run: (x) => (log ? sn.logSoftmax(x, { axis }) : sn.softmax(x, { axis })),
      torch: { fn: log ? 'F.log_softmax' : 'F.softmax', kwargs: { dim: axis } },
    });
  }
  await torch.checkAll(cases);
});
