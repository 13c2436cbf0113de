// Batched matmul on the built package: finite differences with broadcast batches, and bad
// arguments as clear Errors. (PyTorch comparisons: tests/torch/matmul.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sn from 'simdnet';

await sn.init();

test('batched matmul gradients pass finite differences (broadcast a or b, transposes)', () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[2, 3, 4], [2, 4, 5], false, false],
    [[3, 4], [2, 4, 5], false, false], // a shared by the batch
    [[2, 1, 3, 4], [3, 4, 2], false, false], // both broadcast
    [[2, 4, 3], [5, 4], true, true], // b shared, transposed
    [[2, 3, 4], [4, 5], false, false], // folded into one GEMM
  ];
  for (const [sa, sb, tA, tB] of cases) {
    const a = sn.randn(sa, { seed: 1, requiresGrad: true });
    const b = sn.randn(sb, { seed: 2, requiresGrad: true });
    const r = sn.gradcheck((x, y) => sn.matmul(x, y, { transposeA: tA, transposeB: tB }), [a, b], { maxChecks: 30 });
    assert.ok(r.ok, `${sa} ${sb}: ${JSON.stringify(r)}`);
    sn.dispose([a, b]);
  }
});

test('matmul shapes and errors', () => {
  sn.tidy(() => {
    assert.deepEqual(sn.matmul(sn.zeros([2, 1, 3, 4]), sn.zeros([5, 4, 6])).shape, [2, 5, 3, 6]);
    assert.deepEqual(Array.from(sn.matmul(sn.ones([2, 3, 0]), sn.ones([0, 2])).dataSync()), new Array(12).fill(0));
    assert.throws(() => sn.matmul(sn.zeros([2, 3, 4]), sn.zeros([3, 4, 5])), /simdnet\.matmul: batch dimensions of 'a' \[2, 3, 4\] and 'b' \[3, 4, 5\] do not broadcast \(2 and 3\)/);
    assert.throws(() => sn.matmul(sn.zeros([4]), sn.zeros([4, 5])), /simdnet\.matmul: arguments 'a' \[4\] and 'b' \[4, 5\] must both have rank 2 or more/);
    assert.throws(() => sn.matmul(sn.zeros([2, 3]), sn.zeros([2, 3]), { transpose: true } as never), /simdnet\.matmul: unknown option 'transpose'/);
  });
});
