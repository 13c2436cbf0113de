// Optimizer updates (assembly/optim.ts, ts/optim/optimizer.ts): one step of each optimizer
// over ResNet-18's 11,689,512 parameters as one tensor (47 MB, far beyond the caches), in
// GB/s against the memory-copy bandwidth measured in the same rounds. GB/s counts compulsory
// traffic: the weights, the gradient and each state tensor read once, the weights and each
// state tensor written once (plain SGD 12 bytes per parameter, one state 20, Adam 28).
//
// Adding an optimizer is one entry in OPTIMIZERS: how to make it, and its state count.

import { optim, type Tensor } from '../../ts/index';
import { type Job, loadSimdnet, type Options, runJobs, type SuiteResult } from '../common';
import { input } from './ops';

const OPTIMIZERS: { name: string; make: (p: Tensor[]) => optim.Optimizer; states: number }[] = [
  { name: 'SGD', make: (p) => new optim.SGD(p, { lr: 1e-3 }), states: 0 },
  { name: 'SGD momentum (lecture form)', make: (p) => new optim.SGD(p, { lr: 1e-3, momentum: 0.9 }), states: 1 },
  { name: 'SGD momentum (classical)', make: (p) => new optim.SGD(p, { lr: 1e-3, momentum: 0.9, form: 'classical' }), states: 1 },
  { name: 'SGD Nesterov', make: (p) => new optim.SGD(p, { lr: 1e-3, momentum: 0.9, nesterov: true }), states: 1 },
  { name: 'Adam', make: (p) => new optim.Adam(p, { lr: 1e-3 }), states: 2 },
  { name: 'RMSProp', make: (p) => new optim.RMSProp(p, { lr: 1e-3 }), states: 1 },
  { name: 'Adam + weight decay', make: (p) => new optim.Adam(p, { lr: 1e-3, weightDecay: 1e-4 }), states: 2 },
];

export async function run(opts: Options): Promise<SuiteResult> {
  await loadSimdnet();
  const n = opts.sizes?.[0] ?? 11_689_512;
  const owned: (() => void)[] = [];
  const jobs: Job[] = OPTIMIZERS.map((o, i) => {
    const w = input([n], 40 + i, 0.05);
    w.grad = input([n], 60 + i, 1e-3);
    const opt = o.make([w]);
    owned.push(() => (opt.dispose(), w.grad!.dispose(), w.dispose()));
    return { case: `${o.name} [${n}]`, lib: 'simdnet', bytes: 4 * n * (3 + 2 * o.states), run: () => opt.step() };
  });
  const rows = await runJobs('optim', jobs, opts);
  for (const free of owned) free();
  return { rows, notes: ['one step() per call on one parameter tensor with a fixed gradient (the first call allocates the state, in warm-up); --sizes=N sets the parameter count'] };
}
