// The inference path: batch norm folded into the convolution before it, and a ReLU that
// follows a convolution or dense layer fused into its epilogue.
import { getBackend, OP } from '../backend/index';
import { Tensor, empty } from '../tensor/tensor';
import { noGrad } from '../tensor/autograd';
import { conv2d } from '../ops/conv';
import { linear } from '../ops/linalg';
import { windowGeometry } from '../ops/window';
import { winogradChoice, winogradConv2d, WinogradWeights, type WinogradTile } from '../ops/winograd';
import { zeros } from '../ops/creation';
import { Module, Sequential } from './module';
import { Conv2d, Linear, BatchNorm2d, ReLU } from './layers';
import { Residual, Graph } from './blocks';

/** A convolution whose weights and bias carry a folded batch norm (inference only). */
export class FusedConv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(
    readonly conv: Conv2d,
    bn: BatchNorm2d | null,
    readonly relu: boolean,
  ) {
    super();
    const k = getBackend().k;
    const K = conv.outChannels;
    const w = empty(conv.weight.shape);
    const b = zeros([K]);
    if (conv.bias) k.copy_f32(conv.bias.ptr, b.ptr, K);
    if (bn) {
      // w' = w·s, b' = (b − mean)·s + beta with s = gamma / sqrt(var + eps) per output channel.
      const s = empty([K]);
      k.batchnorm_invstd_f32(bn.runningVar.ptr, s.ptr, K, bn.options.eps ?? 1e-5);
      k.binary_f32(OP.MUL, s.ptr, bn.weight.ptr, s.ptr, K);
      k.binary_rows_f32(OP.MUL, conv.weight.ptr, s.ptr, w.ptr, conv.weight.size / K, K);
      k.binary_f32(OP.SUB, b.ptr, bn.runningMean.ptr, b.ptr, K);
      k.binary_f32(OP.MUL, b.ptr, s.ptr, b.ptr, K);
      k.binary_f32(OP.ADD, b.ptr, bn.bias.ptr, b.ptr, K);
      s.dispose();
    } else {
      k.copy_f32(conv.weight.ptr, w.ptr, w.size);
    }
    this.weight = this.param('weight', w);
    this.bias = this.param('bias', b);
    this.weight.requiresGrad = false;
    this.bias.requiresGrad = false;
  }
  private readonly winograd = new Map<WinogradTile, WinogradWeights>();

  forward(x: Tensor): Tensor {
    const o = this.conv.options;
    const relu = this.relu || o.activation === 'relu';
    const [kh, kw] = this.conv.kernel;
    const unit = (v: unknown) => v === undefined || v === 1 || (Array.isArray(v) && v[0] === 1 && v[1] === 1);
    if (kh === 3 && kw === 3 && unit(o.stride) && unit(o.dilation) && (o.groups ?? 1) === 1 && !x.requiresGrad && x.rank === 4) {
      // 3×3 stride 1: Winograd where it measured faster than im2col + GEMM.
      const g = windowGeometry('conv2d', x.shape[1], x.shape[2], { kernel: [3, 3], padding: o.padding, roundMode: o.roundMode });
      const tile = winogradChoice(x.shape[0], g.OH, g.OW, x.shape[3]);
      if (tile && g.padTop + g.padBottom <= 2 && g.padLeft + g.padRight <= 2) {
        let wt = this.winograd.get(tile);
        if (!wt) this.winograd.set(tile, (wt = new WinogradWeights(this.weight, tile)));
        return winogradConv2d(x, wt, { padding: o.padding, bias: this.bias, activation: relu ? 'relu' : null });
      }
    }
    return conv2d(x, this.weight, {
      stride: o.stride, padding: o.padding, dilation: o.dilation, groups: o.groups, roundMode: o.roundMode,
      bias: this.bias, activation: relu ? 'relu' : null,
    });
  }

  override dispose(): void {
    super.dispose();
    for (const w of this.winograd.values()) w.dispose();
    this.winograd.clear();
  }
  override flops(i: readonly number[], o: readonly number[]): number {
    return this.conv.flops(i, o);
  }
}

/** A dense layer with its following ReLU fused; shares the layer's parameters. */
class FusedLinear extends Module {
  constructor(readonly linear: Linear) {
    super();
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.linear.weight, this.linear.bias, { activation: 'relu' });
  }
  override flops(i: readonly number[], o: readonly number[]): number {
    return this.linear.flops(i);
  }
}

/** Runs `inner` with the only-forward semantics of a fused copy; disposes just what it made. */
class Fused extends Module {
  constructor(
    readonly inner: Module,
    private readonly made: FusedConv2d[],
  ) {
    super();
    this.child('model', inner);
  }
  forward(x: Tensor): Tensor {
    return noGrad(() => this.inner.call(x));
  }
  override dispose(): void {
    for (const m of this.made) m.dispose();
  }
}

function fuseModule(m: Module, made: FusedConv2d[]): Module {
  if (m instanceof Sequential) {
    const out: Module[] = [];
    const ls = m.layers;
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i];
      if (l instanceof Conv2d) {
        let j = i + 1;
        const bn = ls[j] instanceof BatchNorm2d ? (ls[j++] as BatchNorm2d) : null;
        const relu = ls[j] instanceof ReLU;
        if (relu) j++;
        const f = new FusedConv2d(l, bn, relu);
        made.push(f);
        out.push(f);
        i = j - 1;
        continue;
      }
      if (l instanceof Linear && ls[i + 1] instanceof ReLU && !l.options.activation) {
        out.push(new FusedLinear(l));
        i++;
        continue;
      }
      out.push(fuseModule(l, made));
    }
    return new Sequential(...out);
  }
  if (m instanceof Residual) return new Residual(fuseModule(m.body, made), m.shortcut ? fuseModule(m.shortcut, made) : null, m.activation);
  if (m instanceof Graph) {
    const blocks = Object.fromEntries(Object.entries(m.blocks as Record<string, Module>).map(([n, b]) => [n, fuseModule(b, made)]));
    return new Graph(blocks, m.fn as never);
  }
  return m;
}

/**
 * An inference copy of `model` (call it after training, in eval mode): every Conv2d followed
 * by BatchNorm2d and/or ReLU becomes one convolution with folded weights and a fused ReLU
 * epilogue (3×3 stride-1 ones through Winograd where that is faster), and Linear + ReLU one
 * GEMM. Layers without a pattern are shared with `model`;
 * disposing the result frees only the folded weights it made.
 */
export function fuseForInference(model: Module): Module {
  const made: FusedConv2d[] = [];
  const inner = noGrad(() => fuseModule(model, made));
  const f = new Fused(inner, made);
  f.eval();
  return f;
}
