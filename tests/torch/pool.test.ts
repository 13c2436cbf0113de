// Pooling options added for PyTorch parity, compared with PyTorch on random configurations:
// max pooling with dilation (floor and ceil), average pooling in ceil mode with and without
// countIncludePad (issue 11 item 10), adaptive average pooling, global max pooling.
import * as sn from 'simdnet';
import { torchTest, rng, uniform, pick, choose, NHWC_TO_NCHW, NCHW_TO_NHWC, type Case } from './harness';

await sn.init();

torchTest('maxPool2d with dilation, avgPool2d in ceil mode, floor and ceil', async (torch) => {
  const r = rng(301);
  const cases: Case[] = [];
  for (let i = 0; i < 100; i++) {
    const max = i % 2 === 0;
    const [KH, KW] = [pick(r, 1, 4), pick(r, 1, 4)];
    const [sh, sw] = [pick(r, 1, 3), pick(r, 1, 3)];
    const [dh, dw] = max ? [pick(r, 1, 3), pick(r, 1, 3)] : [1, 1];
    // PyTorch: padding at most half the kernel
    const [ph, pw] = [pick(r, 0, KH >> 1), pick(r, 0, KW >> 1)];
    const N = pick(r, 1, 2);
    // The dilated window fits the input, so every window holds a real cell: PyTorch 1.13's
    // max_pool2d backward writes out of bounds for a window of padding only (simdnet gives 0).
    const H = pick(r, dh * (KH - 1) + 1, 11);
    const W = pick(r, dw * (KW - 1) + 1, 11);
    const C = pick(r, 1, 9);
    const roundMode = choose(r, ['floor', 'ceil'] as const);
    const countIncludePad = r() < 0.5;
    const opts = { kernel: [KH, KW] as [number, number], stride: [sh, sw] as [number, number], padding: [ph, pw] as [number, number], dilation: [dh, dw] as [number, number], roundMode };
    cases.push({
      name: `${max ? 'max' : 'avg'}Pool2d x[${N},${H},${W},${C}] kernel ${KH},${KW} stride ${sh},${sw} padding ${ph},${pw} dilation ${dh},${dw} ${roundMode}${max ? '' : ` countIncludePad ${countIncludePad}`}`,
      inputs: [uniform([N, H, W, C], r, -1, 1, { perm: NHWC_TO_NCHW })],
      run: (x) => (max ? sn.maxPool2d(x, opts) : sn.avgPool2d(x, { ...opts, countIncludePad })),
      torch: {
        fn: max ? 'F.max_pool2d' : 'F.avg_pool2d',
        kwargs: {
          kernel_size: [KH, KW], stride: [sh, sw], padding: [ph, pw], ceil_mode: roundMode === 'ceil',
          ...(max ? { dilation: [dh, dw] } : { count_include_pad: countIncludePad }),
        },
        outPerm: NCHW_TO_NHWC,
      },
    });
  }
  await torch.checkAll(cases);
});

torchTest('adaptiveAvgPool2d (outputs smaller and larger than the input) and globalMaxPool', async (torch) => {
  const r = rng(302);
  const cases: Case[] = [];
  for (let i = 0; i < 40; i++) {
    const [N, H, W, C] = [pick(r, 1, 2), pick(r, 1, 11), pick(r, 1, 11), pick(r, 1, 9)];
    const [OH, OW] = [pick(r, 1, 8), pick(r, 1, 8)];
    cases.push({
      name: `adaptiveAvgPool2d x[${N},${H},${W},${C}] output ${OH},${OW}`,
      inputs: [uniform([N, H, W, C], r, -1, 1, { perm: NHWC_TO_NCHW })],
      run: (x) => sn.adaptiveAvgPool2d(x, [OH, OW]),
      torch: { fn: 'F.adaptive_avg_pool2d', kwargs: { output_size: [OH, OW] }, outPerm: NCHW_TO_NHWC },
    });
  }
  for (let i = 0; i < 15; i++) {
    const [N, H, W, C] = [pick(r, 1, 3), pick(r, 1, 9), pick(r, 1, 9), pick(r, 1, 17)];
    cases.push({
      name: `globalMaxPool x[${N},${H},${W},${C}]`,
      inputs: [uniform([N, H, W, C], r)],
      run: (x) => sn.globalMaxPool(x),
      torch: { fn: 'torch.amax', kwargs: { dim: [1, 2] } },
    });
  }
  await torch.checkAll(cases);
});
