// Layer, group, instance and local response normalisation, and batch norm with eps = 0,
// compared with PyTorch on random configurations (NHWC permuted to NCHW for PyTorch).
import * as sn from 'simdnet';
import { torchTest, rng, uniform, pick, choose, $, NHWC_TO_NCHW, NCHW_TO_NHWC, type Case } from './harness';

await sn.init();

torchTest('layerNorm (trailing shapes, affine or not, eps)', async (torch) => {
  const r = rng(401);
  const cases: Case[] = [];
  for (let i = 0; i < 50; i++) {
    const shape = Array.from({ length: pick(r, 1, 4) }, () => pick(r, 1, 9));
    const D = pick(r, 1, shape.length);
    const ns = shape.slice(shape.length - D);
    // With 1 or 2 values per group the normalised values are 0 or ±1 whatever x is, and the
    // gradient is rounding noise.
    if (ns.reduce((a, b) => a * b, 1) < 3) continue;
    const affine = r() < 0.7;
    const eps = choose(r, [1e-5, 1e-3, 0.1]);
    const inputs = [uniform(shape, r, -2, 2)];
    if (affine) inputs.push(uniform(ns, r, 0.5, 1.5), uniform(ns, r));
    cases.push({
      name: `layerNorm x[${shape}] normalizedShape [${ns}] affine ${affine} eps ${eps}`,
      inputs,
      run: (x, w, b) => sn.layerNorm(x, ns, { weight: w ?? null, bias: b ?? null, eps }),
      torch: { fn: 'F.layer_norm', args: [$(0), ns, affine ? $(1) : null, affine ? $(2) : null, eps] },
    });
  }
  await torch.checkAll(cases);
});

torchTest('groupNorm and instance norm on NHWC images and [N, C] rows', async (torch) => {
  const r = rng(402);
  const cases: Case[] = [];
  for (let i = 0; i < 60; i++) {
    const G = pick(r, 1, 4);
    const C = G * pick(r, 1, 4);
    const image = r() < 0.8;
    const shape = image ? [pick(r, 1, 3), pick(r, 1, 6), pick(r, 1, 6), C] : [pick(r, 1, 4), C];
    const groups = r() < 0.25 ? C : G; // groups = C: instance norm
    if (shape.reduce((a, b) => a * b, 1) / shape[0] / groups < 3) continue; // see layerNorm
    const affine = r() < 0.7;
    const eps = choose(r, [1e-5, 1e-3]);
    const inputs = [uniform(shape, r, -2, 2, image ? { perm: NHWC_TO_NCHW } : {})];
    if (affine) inputs.push(uniform([C], r, 0.5, 1.5), uniform([C], r));
    cases.push({
      name: `groupNorm x[${shape}] groups ${groups} affine ${affine} eps ${eps}`,
      inputs,
      run: (x, w, b) => sn.groupNorm(x, groups, { weight: w ?? null, bias: b ?? null, eps }),
      torch: { fn: 'F.group_norm', args: [$(0), groups, affine ? $(1) : null, affine ? $(2) : null, eps], outPerm: image ? NCHW_TO_NHWC : undefined },
    });
  }
  await torch.checkAll(cases);
});

torchTest('localResponseNorm (odd and even sizes, alpha, beta, k) and batchNorm with eps = 0', async (torch) => {
  const r = rng(403);
  const cases: Case[] = [];
  for (let i = 0; i < 40; i++) {
    const shape = [pick(r, 1, 2), pick(r, 1, 5), pick(r, 1, 5), pick(r, 1, 12)];
    const size = pick(r, 1, 7);
    const alpha = choose(r, [1e-4, 0.01, 0.5]);
    const beta = choose(r, [0.5, 0.75, 1]);
    const k = choose(r, [1, 2]);
    cases.push({
      name: `localResponseNorm x[${shape}] size ${size} alpha ${alpha} beta ${beta} k ${k}`,
      inputs: [uniform(shape, r, -2, 2, { perm: NHWC_TO_NCHW })],
      run: (x) => sn.localResponseNorm(x, size, { alpha, beta, k }),
      torch: { fn: 'F.local_response_norm', kwargs: { size, alpha, beta, k }, outPerm: NCHW_TO_NHWC },
    });
  }
  for (let i = 0; i < 10; i++) {
    const shape = [pick(r, 2, 3), pick(r, 2, 4), pick(r, 2, 4), pick(r, 1, 9)];
    const C = shape[3];
    cases.push({
      name: `batchNorm training x[${shape}] eps 0`,
      inputs: [uniform(shape, r, -2, 2, { perm: NHWC_TO_NCHW }), uniform([C], r, 0.5, 1.5), uniform([C], r)],
      run: (x, g, b) => sn.batchNorm(x, g, b, sn.zeros([C]), sn.ones([C]), { training: true, eps: 0 }),
      torch: { fn: 'batch_norm_train', args: [$(0), $(1), $(2), 0], outPerm: NCHW_TO_NHWC },
    });
  }
  await torch.checkAll(cases);
});
