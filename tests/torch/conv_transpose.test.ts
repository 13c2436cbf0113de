// convTranspose2d with asymmetric padding ([top, bottom, left, right], ONNX's pads) and
// output padding, compared with PyTorch's conv_transpose2d cropped the same way.
import * as sn from 'simdnet';
import { torchTest, rng, uniform, pick, choose, $, NHWC_TO_NCHW, NCHW_TO_NHWC, HWIO_TO_OIHW, type Case } from './harness';

await sn.init();

torchTest('convTranspose2d: asymmetric padding with output padding, stride, dilation, groups', async (torch) => {
  const r = rng(701);
  const cases: Case[] = [];
  for (let i = 0; i < 40; i++) {
    const groups = choose(r, [1, 1, 2]);
    const C = groups * pick(r, 1, 3);
    const K = groups * pick(r, 1, 3);
    const [KH, KW] = [pick(r, 1, 4), pick(r, 1, 4)];
    const [sh, sw] = [pick(r, 1, 3), pick(r, 1, 3)];
    const [dh, dw] = [pick(r, 1, 2), pick(r, 1, 2)];
    const pads: [number, number, number, number] = [pick(r, 0, dh * (KH - 1)), pick(r, 0, dh * (KH - 1)), pick(r, 0, dw * (KW - 1)), pick(r, 0, dw * (KW - 1))];
    const [oph, opw] = [pick(r, 0, Math.max(sh, dh) - 1), pick(r, 0, Math.max(sw, dw) - 1)];
    const [N, H, W] = [pick(r, 1, 2), pick(r, 1, 7), pick(r, 1, 7)];
    const OH = (H - 1) * sh - pads[0] - pads[1] + dh * (KH - 1) + oph + 1;
    const OW = (W - 1) * sw - pads[2] - pads[3] + dw * (KW - 1) + opw + 1;
    if (OH < 1 || OW < 1) continue;
    const bias = r() < 0.5;
    const inputs = [uniform([N, H, W, C], r, -1, 1, { perm: NHWC_TO_NCHW }), uniform([KH, KW, K / groups, C], r, -1, 1, { perm: HWIO_TO_OIHW })];
    if (bias) inputs.push(uniform([K], r));
    cases.push({
      name: `convTranspose2d x[${N},${H},${W},${C}] w[${KH},${KW},${K / groups},${C}] stride ${sh},${sw} pads ${pads} outputPadding ${oph},${opw} dilation ${dh},${dw} groups ${groups}`,
      inputs,
      run: (x, w, b) => sn.convTranspose2d(x, w, { stride: [sh, sw], padding: pads, outputPadding: [oph, opw], dilation: [dh, dw], groups, bias: b ?? null }),
      torch: {
        fn: 'conv_transpose2d_crop',
        args: [$(0), $(1), bias ? $(2) : null, pads],
        kwargs: { stride: [sh, sw], output_padding: [oph, opw], dilation: [dh, dw], groups },
        outPerm: NCHW_TO_NHWC,
      },
    });
  }
  await torch.checkAll(cases);
});
