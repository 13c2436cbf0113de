// Winograd convolution for inference: 3×3, stride 1, no dilation, one group. The weights are
// transformed once (WinogradWeights) and reused; the kernels and the rule that picks them
// are in ts/kernels/winograd.ts.
import { opError, fmtShape } from '../backend/index';
import { winogradFwd, winogradWeights, winogradWeightsSize, type WinogradTile } from '../kernels/winograd';
import { gemmWeights, gemmWeightsSize } from '../kernels/gemm';
import { Tensor, empty, keep } from '../tensor/tensor';
import { checkTensor, checkRank, optionsOf } from './check';
import { windowGeometry, type Padding } from './window';

export { winogradChoice, type WinogradTile } from '../kernels/winograd';

/**
 * Transformed 3×3 weights [KH=3, KW=3, C, K] for one tile size; owns its block.
 *
 * @example
 * ```ts
 * const w = sn.randn([3, 3, 16, 32], { seed: 1 }); // HWIO
 * const wt = new sn.WinogradWeights(w, 'f4x4');    // transformed once
 * const x = sn.randn([1, 32, 32, 16], { seed: 2 });
 * console.log(sn.winogradConv2d(x, wt, { padding: 'same' }).shape); // [1, 32, 32, 32]
 * wt.dispose();
 * ```
 */
export class WinogradWeights {
  /** The transformed weights (flat). */
  readonly t: Tensor;
  constructor(
    w: Tensor,
    /** The tile these weights were transformed for. */
    readonly tile: WinogradTile,
  ) {
    checkTensor('winograd', 'w', w);
    if (tile !== 'f4x4' && tile !== 'f2x2') throw opError('winograd', `argument 'tile' must be 'f4x4' or 'f2x2', got ${JSON.stringify(tile)}`);
    if (w.rank !== 4 || w.shape[0] !== 3 || w.shape[1] !== 3) throw opError('winograd', `argument 'w' must be [3, 3, C, K], got ${fmtShape(w.shape)}`);
    const [, , C, K] = w.shape;
    if (C === 0 || K === 0) throw opError('winograd', `argument 'w' ${fmtShape(w.shape)} has no input or output channels`);
    this.t = keep(empty([winogradWeightsSize(tile, C, K)]));
    winogradWeights(tile, w.ptr, this.t.ptr, C, K);
    this.C = C;
    this.K = K;
  }
  /** Input channels. */
  readonly C: number;
  /** Output channels. */
  readonly K: number;
  /**
   * Frees the transformed weights.
   *
   * @example
   * ```ts
   * const wt = new sn.WinogradWeights(sn.randn([3, 3, 4, 4], { seed: 1 }), 'f2x2');
   * wt.dispose();
   * ```
   */
  dispose(): void {
    this.t.dispose();
  }
}

/**
 * The transformed weights of one convolution, per Winograd tile, and for a 1×1 convolution
 * its weights packed for the GEMM, each made on first use (see conv2dInference). Valid while the weights' values stay the same: dispose it after changing them.
 *
 * @example
 * ```ts
 * const w = sn.randn([3, 3, 8, 16], { seed: 1 });
 * const cache = new sn.WinogradCache();
 * const x = sn.randn([1, 28, 28, 8], { seed: 2 });
 * const y = sn.noGrad(() => sn.conv2dInference(x, w, cache, { padding: 'same' })); // transforms w once
 * console.log(y.shape); // [1, 28, 28, 16]
 * cache.dispose();
 * ```
 */
export class WinogradCache {
  private readonly tiles = new Map<WinogradTile, WinogradWeights>();
  /**
   * Pointer to w's weights for `tile` (w must stay the same tensor for this cache's life).
   *
   * @example
   * ```ts
   * const cache = new sn.WinogradCache();
   * const p = cache.weights(sn.randn([3, 3, 4, 4], { seed: 1 }), 'f2x2'); // a wasm address
   * console.log(p > 0); // true
   * cache.dispose();
   * ```
   */
  weights(w: Tensor, tile: WinogradTile): number {
    let wt = this.tiles.get(tile);
    if (!wt) this.tiles.set(tile, (wt = new WinogradWeights(w, tile)));
    return wt.t.ptr;
  }
  private panels: Tensor | null = null;
  /**
   * Pointer to 1×1 weights w [1, 1, C, K] packed into the GEMM's 8-column panels, made on
   * first use (conv2dInference runs 1×1 stride-1 layers on them without re-packing).
   *
   * @example
   * ```ts
   * const cache = new sn.WinogradCache();
   * const p = cache.packed(sn.randn([1, 1, 16, 24], { seed: 1 })); // a wasm address
   * console.log(p > 0); // true
   * cache.dispose();
   * ```
   */
  packed(w: Tensor): number {
    if (!this.panels) {
      checkTensor('conv2dInference', 'w', w);
      if (w.rank !== 4 || w.shape[0] !== 1 || w.shape[1] !== 1) throw opError('conv2dInference', `packed weights need a 1×1 kernel [1, 1, C, K], got ${fmtShape(w.shape)}`);
      const [, , C, K] = w.shape;
      const t = keep(empty([Math.max(1, gemmWeightsSize(C, K))]));
      gemmWeights(w.ptr, C, K, t.ptr);
      this.panels = t;
    }
    return this.panels.ptr;
  }
  /**
   * Frees every tile's transformed weights.
   *
   * @example
   * ```ts
   * const cache = new sn.WinogradCache();
   * cache.weights(sn.randn([3, 3, 4, 4], { seed: 1 }), 'f2x2');
   * cache.dispose();
   * ```
   */
  dispose(): void {
    for (const w of this.tiles.values()) w.dispose();
    this.tiles.clear();
    this.panels?.dispose();
    this.panels = null;
  }
}

/**
 * y = act(conv3×3(x, w) + bias) through the transformed weights; no autograd.
 *
 * @example
 * ```ts
 * const w = sn.randn([3, 3, 8, 8], { seed: 1 });
 * const wt = new sn.WinogradWeights(w, 'f2x2');
 * const x = sn.randn([1, 16, 16, 8], { seed: 2 });
 * const y = sn.winogradConv2d(x, wt, { padding: 'same', bias: sn.zeros([8]), activation: 'relu' });
 * console.log(y.shape); // [1, 16, 16, 8], as sn.relu(sn.conv2d(x, w, { padding: 'same' })) up to rounding
 * ```
 */
export function winogradConv2d(x: Tensor, wt: WinogradWeights, options: { padding?: Padding; bias?: Tensor | null; activation?: 'relu' | null } = {}): Tensor {
  const op = 'winogradConv2d';
  checkTensor(op, 'x', x);
  checkRank(op, 'x', x, 4);
  if (!(wt instanceof WinogradWeights) || wt.t.isDisposed)
    throw opError(op, `argument 'wt' must be live WinogradWeights, got ${wt instanceof WinogradWeights ? 'disposed ones' : typeof wt}`);
  options = optionsOf(op, options);
  const [N, H, W, C] = x.shape;
  if (C !== wt.C) throw opError(op, `argument 'x' ${fmtShape(x.shape)} has ${C} channels, the weights expect ${wt.C}`);
  if (x.requiresGrad) throw opError(op, 'Winograd convolution is for inference: its input must not require a gradient');
  const bias = options.bias ?? null;
  if (bias) checkTensor(op, 'bias', bias);
  if (options.activation !== undefined && options.activation !== null && options.activation !== 'relu')
    throw opError(op, `argument 'activation' must be 'relu' or null, got ${JSON.stringify(options.activation)}`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== wt.K)) throw opError(op, `argument 'bias' must have shape [${wt.K}], got ${fmtShape(bias.shape)}`);
  const g = windowGeometry(op, H, W, { kernel: [3, 3], padding: options.padding, roundMode: 'floor' });
  const y = empty([N, g.OH, g.OW, wt.K]);
  if (y.size === 0) return y;
  const geometry = { N, H, W, C, OH: g.OH, OW: g.OW, KH: 3, KW: 3, K: wt.K, sh: 1, sw: 1, padTop: g.padTop, padLeft: g.padLeft, dh: 1, dw: 1, groups: 1 };
  winogradFwd(wt.tile, x.ptr, wt.t.ptr, bias ? bias.ptr : 0, y.ptr, geometry, options.activation === 'relu');
  return y;
}
