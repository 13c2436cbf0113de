// Batched matmul compared with PyTorch: ranks 2–4 on either side, numpy broadcasting of the
// batch dimensions (missing, size 1, equal), every transpose option.
import * as sn from 'simdnet';
import { torchTest, rng, uniform, pick, type Case } from './harness';

await sn.init();

// The permutation swapping the last two axes of a rank-r tensor (simdnet's transposed
// operand → the matrix PyTorch multiplies).
const swapLast = (r: number): number[] => [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];

torchTest('matmul with broadcast batch dimensions and transposes', async (torch) => {
  const r = rng(501);
  const cases: Case[] = [];
  for (let i = 0; i < 90; i++) {
    const [M, N, K] = [pick(r, 1, 9), pick(r, 1, 9), pick(r, 1, 9)];
    const rank = pick(r, 0, 2);
    const batch = Array.from({ length: rank }, () => pick(r, 1, 4));
    // each operand keeps a suffix of the batch, some dimensions set to 1
    const side = () => batch.slice(pick(r, 0, rank)).map((d) => (r() < 0.3 ? 1 : d));
    const [ba, bb] = [side(), side()];
    const [tA, tB] = [r() < 0.4, r() < 0.4];
    const sa = [...ba, ...(tA ? [K, M] : [M, K])];
    const sb = [...bb, ...(tB ? [N, K] : [K, N])];
    cases.push({
      name: `matmul a[${sa}]${tA ? 'ᵀ' : ''} · b[${sb}]${tB ? 'ᵀ' : ''}`,
      inputs: [uniform(sa, r, -1, 1, tA ? { perm: swapLast(sa.length) } : {}), uniform(sb, r, -1, 1, tB ? { perm: swapLast(sb.length) } : {})],
      run: (a, b) => sn.matmul(a, b, { transposeA: tA, transposeB: tB }),
      torch: { fn: 'torch.matmul' },
    });
  }
  await torch.checkAll(cases);
});
