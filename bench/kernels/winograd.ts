// Winograd F(4×4, 3×3) and F(2×2, 3×3) (assembly/winograd.ts, ts/ops/winograd.ts, the
// inference path) against im2col + GEMM (sn.conv2d) on the 3×3 stride-1 'same' layers of a
// ResNet-style network, batch 1, single thread, with the weight transforms (done once per
// model) timed apart. Effective GFLOP/s count the direct convolution's FLOPs, so the
// fraction of the f32x4 peak measured in the same rounds can pass 100 %.
//
// Adding a shape is one entry in SHAPES (or EXTRA, run with --extra: small-channel,
// first-layer and batched shapes, where the choice between algorithms changes).

import { conv2d, tensor } from '../../ts/index';
import { winogradConv2d, WinogradWeights, type WinogradTile } from '../../ts/ops/winograd';
import { check, type Job, loadSimdnet, maxRelErr, type Options, randomArray, runJobs, type SuiteResult } from '../common';

const SHAPES = [
  { N: 1, H: 56, C: 64, K: 64 },
  { N: 1, H: 28, C: 128, K: 128 },
  { N: 1, H: 14, C: 256, K: 256 },
  { N: 1, H: 7, C: 512, K: 512 },
];
const EXTRA = [
  { N: 1, H: 224, C: 3, K: 64 },
  { N: 1, H: 32, C: 8, K: 8 },
  { N: 1, H: 32, C: 16, K: 16 },
  { N: 1, H: 32, C: 32, K: 32 },
  { N: 1, H: 8, C: 64, K: 64 },
  { N: 1, H: 4, C: 256, K: 256 },
  { N: 8, H: 14, C: 256, K: 256 },
  { N: 8, H: 7, C: 512, K: 512 },
];

const TILES: [WinogradTile, string, number][] = [['f4x4', 'F(4×4)', 3e-5], ['f2x2', 'F(2×2)', 1e-5]];

export async function run(opts: Options): Promise<SuiteResult> {
  await loadSimdnet();
  const jobs: Job[] = [];
  let seed = 700;
  for (const { N, H, C, K } of opts.extra ? [...SHAPES, ...EXTRA] : SHAPES) {
    const name = `${N > 1 ? `N${N} ` : ''}${H}²×${C}→${K} 3×3`;
    const x = tensor(randomArray(N * H * H * C, seed++), [N, H, H, C]);
    const w = tensor(randomArray(9 * C * K, seed++).map((v) => v * Math.sqrt(2 / (9 * C))), [3, 3, C, K]);
    const b = tensor(randomArray(K, seed++), [K]);
    const flops = 2 * N * H * H * 9 * C * K;
    const im2col = () => conv2d(x, w, { padding: 'same', bias: b });
    const ref = im2col();
    const want = ref.dataSync().slice();
    ref.dispose();
    jobs.push({ case: name, lib: 'simdnet im2col', flops, run: () => im2col().dispose() });
    for (const [tile, label, tol] of TILES) {
      const wt = new WinogradWeights(w, tile);
      const run = () => winogradConv2d(x, wt, { padding: 'same', bias: b });
      const y = run();
      check('winograd', `${name} ${label} differs from im2col`, maxRelErr(y.dataSync(), want), tol);
      y.dispose();
      jobs.push({ case: name, lib: `simdnet ${label}`, flops, run: () => run().dispose() });
    }
    jobs.push({ case: `${name} weight transform`, lib: 'simdnet F(4×4)', run: () => new WinogradWeights(w, 'f4x4').dispose() });
  }
  const rows = await runJobs('winograd', jobs, opts);
  return { rows, base: 'simdnet im2col', notes: ['effective GFLOP/s = 2·N·OH·OW·9·C·K (the direct convolution\'s FLOPs); the weight transform is done once per model (fuseForInference)'] };
}
