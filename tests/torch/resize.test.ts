// resize compared with PyTorch's interpolate on random sizes and scales: nearest,
// nearest-exact (half_pixel, round_prefer_ceil), bilinear with align_corners false
// (pytorch_half_pixel) and true.
import * as sn from 'simdnet';
import { torchTest, rng, uniform, pick, choose, NHWC_TO_NCHW, NCHW_TO_NHWC, type Case } from './harness';

await sn.init();

torchTest('resize: nearest, nearest-exact, bilinear (align_corners both ways), by size and by scale', async (torch) => {
  const r = rng(601);
  const cases: Case[] = [];
  const kinds = [
    ['nearest', { mode: 'nearest' }, { mode: 'nearest' }],
    ['nearest-exact', { mode: 'nearest', coordinate: 'half_pixel', nearestMode: 'round_prefer_ceil' }, { mode: 'nearest-exact' }],
    ['bilinear', { mode: 'bilinear' }, { mode: 'bilinear', align_corners: false }],
    ['bilinear align_corners', { mode: 'bilinear', coordinate: 'align_corners' }, { mode: 'bilinear', align_corners: true }],
  ] as const;
  for (let i = 0; i < 100; i++) {
    const [name, mine, theirs] = kinds[i % kinds.length];
    const [N, H, W, C] = [pick(r, 1, 2), pick(r, 1, 7), pick(r, 1, 7), pick(r, 1, 9)];
    // align_corners ignores a scale in PyTorch's formulas: compare it by size only
    const bySize = name === 'bilinear align_corners' || r() < 0.5;
    const size: [number, number] = [pick(r, 1, 12), pick(r, 1, 12)];
    const scale: [number, number] = [choose(r, [0.5, 1.5, 2, 2.5, 3]), choose(r, [0.75, 1, 2, 1.25, 3])];
    const out = [Math.floor(H * scale[0]), Math.floor(W * scale[1])];
    if (!bySize && (out[0] < 1 || out[1] < 1)) continue;
    // PyTorch copies an axis whose size a scale ≠ 1 leaves unchanged (simdnet applies the scale, as ONNX)
    if (!bySize && ((out[0] === H && scale[0] !== 1) || (out[1] === W && scale[1] !== 1))) continue;
    cases.push({
      name: `resize ${name} x[${N},${H},${W},${C}] ${bySize ? `size ${size}` : `scale ${scale}`}`,
      inputs: [uniform([N, H, W, C], r, -1, 1, { perm: NHWC_TO_NCHW })],
      run: (x) => sn.resize(x, { ...mine, ...(bySize ? { size } : { scale }) } as sn.ResizeOptions),
      torch: { fn: 'F.interpolate', kwargs: { ...theirs, ...(bySize ? { size } : { scale_factor: scale }) }, outPerm: NCHW_TO_NHWC },
    });
  }
  await torch.checkAll(cases);
});
