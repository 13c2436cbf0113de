// Launcher of assembly/winograd.ts: F(4×4, 3×3) and F(2×2, 3×3) for inference, and the rule
// that picks them (conv.ts asks winogradTileFor when the caller has transformed weights).
// Measured here against im2col + GEMM (`npm run bench -- winograd --extra`, batch 1): F(4×4)
// is 2.3–3.4× faster from 56×56×64 down to 7×7×512 and 8×8×64 (4 tiles of 4×4); F(2×2) wins
// below that (4×4×256: 0.22 ms against F(4×4)'s 0.52). F(4×4) loses about 4 bits of precision
// (max error 1e-5 of the output's scale), F(2×2) matches im2col. F(4×4)'s transformed
// weights are 4× the 3×3 ones (F(2×2)'s 1.8×): ResNet-18's inference copy holds 150 MB of them.
import { getBackend } from '../backend/index';
import type { ConvGeometry } from './conv';
import { epilogueOf, type EpilogueArg } from './epilogue';

/** The Winograd tile: F(4×4, 3×3) (36 transformed taps, fewer multiplies) or F(2×2, 3×3) (16, smaller rounding error). */
export type WinogradTile = 'f4x4' | 'f2x2';

/**
 * Which algorithm a 3×3 stride-1 convolution of this size should use (measured rule).
 *
 * @example
 * ```ts
 * console.log(sn.winogradChoice(1, 56, 56, 64)); // 'f4x4', 'f2x2' or null (im2col), by the measured rule
 * ```
 */
export function winogradChoice(N: number, OH: number, OW: number, C: number): WinogradTile | null {
  const tiles4 = N * Math.ceil(OH / 4) * Math.ceil(OW / 4);
  // From 4 tiles (7×7×512 at batch 1: 2.1 ms against F(2×2)'s 3.9, once the GEMM read each
  // streamed weight panel in one run).
  if (tiles4 >= 4 && C >= 4) return 'f4x4';
  if (N * OH * OW >= 16 && C > 3) return 'f2x2';
  return null;
}

/**
 * The tile for a convolution, or null when it is not 3×3, stride 1, undilated, one group,
 * padded by at most 2 along each axis (OH ≤ H, OW ≤ W), or the rule prefers im2col.
 */
export function winogradTileFor(g: ConvGeometry): WinogradTile | null {
  if (g.KH !== 3 || g.KW !== 3 || g.sh !== 1 || g.sw !== 1 || g.dh !== 1 || g.dw !== 1 || g.groups !== 1) return null;
  // At stride 1 the padding of an axis in all is out − in + 2.
  if (g.OH > g.H || g.OW > g.W) return null;
  return winogradChoice(g.N, g.OH, g.OW, g.C);
}

/** Floats of the transformed weights of a tile: 36 (16) C×K matrices, packed for the GEMM (K rounded up to 8). */
export function winogradWeightsSize(tile: WinogradTile, C: number, K: number): number {
  const k = getBackend().k;
  return (tile === 'f4x4' ? k.conv2d_winograd_f4x4_3x3_weights_f32_bytes(C, K) : k.conv2d_winograd_f2x2_3x3_weights_f32_bytes(C, K)) / 4;
}

/** wt = the tile's transform of 3×3 weights w [3, 3, C, K], packed. */
export function winogradWeights(tile: WinogradTile, w: number, wt: number, C: number, K: number): void {
  const be = getBackend();
  const k = be.k;
  if (tile === 'f4x4') k.conv2d_winograd_f4x4_3x3_weights_f32(w, wt, C, K, be.scratch(k.conv2d_winograd_f4x4_3x3_weights_f32_scratch_bytes(C, K)));
  else k.conv2d_winograd_f2x2_3x3_weights_f32(w, wt, C, K, be.scratch(k.conv2d_winograd_f2x2_3x3_weights_f32_scratch_bytes(C, K)));
}

/**
 * Parts of a Winograd call: ranges of tiles while each keeps at least MIN_BLOCK_TILES (64,
 * the kernel's smallest block: fewer tiles per part would pack fewer rows of V per
 * pass over U), the rest of the parts as ranges of output channels (each part repeats the
 * input transform of its tiles and reads only its columns of U). ResNet-18's 56² layers
 * split 2 × 2, its 28², 14² and 7² layers by channels alone.
 */
export function winogradSplit(tiles: number, K: number, parts: number): { parts: number; kparts: number } {
  let kparts = 1;
  while (kparts < parts && parts % (kparts * 2) === 0 && tiles / (parts / kparts) < 64 && K / (kparts * 2) >= 8) kparts *= 2;
  return { parts, kparts };
}

/** y = act(conv3×3(x) + bias + residual) through transformed weights wt; geometry as conv2d's (K = wt's). */
export function winogradFwd(tile: WinogradTile, x: number, wt: number, bias: number, y: number, g: ConvGeometry, epi: EpilogueArg): void {
  const { act, p0, p1, res } = epilogueOf(epi);
  const be = getBackend();
  const k = be.k;
  const { N, H, W, C, OH, OW, K } = g;
  const m = tile === 'f4x4' ? 4 : 2;
  const tiles = N * Math.ceil(OH / m) * Math.ceil(OW / m);
  // Work as the GEMMs count it: (m + 2)² products of [tiles × C]·[C × K].
  const parts = be.parts(2 * tiles * (m + 2) ** 2 * C * K, Math.ceil(tiles / 4) * Math.max(1, Math.floor(K / 8)));
  if (parts <= 1) {
    if (tile === 'f4x4') {
      const scratch = be.scratch(k.conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_scratch_bytes(N, H, W, C, OH, OW, K));
      k.conv2d_nhwc_winograd_f4x4_3x3_fwd_f32(x, wt, bias, y, N, H, W, C, OH, OW, K, g.padTop, g.padLeft, act, p0, p1, res, scratch);
    } else {
      const scratch = be.scratch(k.conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_scratch_bytes(N, H, W, C, OH, OW, K));
      k.conv2d_nhwc_winograd_f2x2_3x3_fwd_f32(x, wt, bias, y, N, H, W, C, OH, OW, K, g.padTop, g.padLeft, act, p0, p1, res, scratch);
    }
    return;
  }
  const args = [x, wt, bias, y, N, H, W, C, OH, OW, K, g.padTop, g.padLeft, act, p0, p1, res];
  const { kparts } = winogradSplit(tiles, K, parts);
  const bytes = tile === 'f4x4'
    ? k.conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_max_scratch_bytes(N, H, W, C, OH, OW, K)
    : k.conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_max_scratch_bytes(N, H, W, C, OH, OW, K);
  const name = tile === 'f4x4' ? 'conv2d_nhwc_winograd_f4x4_3x3_fwd_f32_part' : 'conv2d_nhwc_winograd_f2x2_3x3_fwd_f32_part';
  be.runParts(name, parts, (p) => [...args, 0, kparts, p, parts], { arg: args.length, bytes });
}
