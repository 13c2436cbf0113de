// The inference path: batch norm folded into the convolution before it, and a ReLU that
// follows a convolution or dense layer fused into its epilogue.
import type { Tensor } from '../tensor/tensor';
import { noGrad } from '../tensor/autograd';
import { conv2dInference } from '../ops/conv';
import { foldBatchNorm } from '../ops/fold';
import { linear } from '../ops/linalg';
import { WinogradCache } from '../ops/winograd';
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
    const bnParams = bn && { gamma: bn.weight, beta: bn.bias, runningMean: bn.runningMean, runningVar: bn.runningVar, eps: bn.options.eps ?? 1e-5 };
    const { weight, bias } = foldBatchNorm(conv.weight, conv.bias ?? null, bnParams);
    this.weight = this.param('weight', weight);
    this.bias = this.param('bias', bias);
    this.weight.requiresGrad = false;
    this.bias.requiresGrad = false;
  }
  // Transformed weights for the Winograd tiles the convolution launcher picks (3×3 stride 1).
  private readonly winograd = new WinogradCache();

  forward(x: Tensor): Tensor {
    const o = this.conv.options;
    const relu = this.relu || o.activation === 'relu';
    return conv2dInference(x, this.weight, this.winograd, {
      stride: o.stride, padding: o.padding, dilation: o.dilation, groups: o.groups, roundMode: o.roundMode,
      bias: this.bias, activation: relu ? 'relu' : null,
    });
  }

  override dispose(): void {
    super.dispose();
    this.winograd.dispose();
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
  override flops(i: readonly number[]): number {
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
