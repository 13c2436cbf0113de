// The inference path: batch norm folded into the convolution before it; the activation that
// follows a convolution or dense layer, and a residual block's addition, fused into its
// epilogue; squeeze-excite blocks run as one step.
import type { Tensor } from '../tensor/tensor';
import { empty } from '../tensor/tensor';
import { noGrad } from '../tensor/autograd';
import { conv2dInference } from '../ops/conv';
import { foldBatchNorm } from '../ops/fold';
import { linear } from '../ops/linalg';
import { fusedEpilogue, type FusedActivation } from '../ops/epilogue';
import { WinogradCache } from '../ops/winograd';
import { squeezeExcite } from '../kernels/squeeze_excite';
import { Module, Sequential } from './module';
import { Conv2d, Linear, BatchNorm2d, ReLU, ReLU6, Hardswish, Hardsigmoid, Sigmoid, LeakyReLU } from './layers';
import { Residual, Graph } from './blocks';
import { InvertedResidual, SqueezeExcitation } from './mobilenet';

/** The fused form of an activation layer, or null when it has none. */
function activationOf(m: Module | undefined): FusedActivation | null {
  if (m instanceof ReLU) return 'relu';
  if (m instanceof ReLU6) return 'relu6';
  if (m instanceof Hardswish) return 'hardswish';
  if (m instanceof Sigmoid) return 'sigmoid';
  if (m instanceof Hardsigmoid) return { hardsigmoid: [m.options.alpha ?? 1 / 6, m.options.beta ?? 0.5] };
  if (m instanceof LeakyReLU) return { leakyRelu: m.slope };
  return null;
}

/**
 * A convolution whose weights and bias carry a folded batch norm (inference only).
 *
 * @example
 * ```ts
 * const net = new sn.nn.Sequential(new sn.nn.Conv2d(3, 8, 3, { padding: 1, bias: false }), new sn.nn.BatchNorm2d(8), new sn.nn.ReLU());
 * const fast = sn.nn.fuseForInference(net.eval());
 * console.log(fast.namedModules().some(([, m]) => m instanceof sn.nn.FusedConv2d)); // true: conv + BN + ReLU in one
 * ```
 */
export class FusedConv2d extends Module {
  /** The convolution's weights with the batch norm folded in (HWIO). */
  readonly weight: Tensor;
  /** The folded bias [Cout]. */
  readonly bias: Tensor;
  /** The activation run in the convolution's epilogue, or null. */
  readonly activation: FusedActivation | null;
  constructor(
    /** The convolution it was made from (its stride, padding, groups). */
    readonly conv: Conv2d,
    bn: BatchNorm2d | null,
    activation: FusedActivation | null,
  ) {
    super();
    const bnParams = bn && { gamma: bn.weight, beta: bn.bias, runningMean: bn.runningMean, runningVar: bn.runningVar, eps: bn.options.eps ?? 1e-5 };
    const { weight, bias } = foldBatchNorm(conv.weight, conv.bias ?? null, bnParams);
    this.weight = this.param('weight', weight);
    this.bias = this.param('bias', bias);
    this.weight.requiresGrad = false;
    this.bias.requiresGrad = false;
    this.activation = activation ?? (conv.options.activation === 'relu' ? 'relu' : null);
  }
  // Transformed weights for the Winograd tiles the convolution launcher picks (3×3 stride 1).
  private readonly winograd = new WinogradCache();

  /**
   * act(conv(x) + bias + residual), `activation` overriding the layer's own (a residual block's).
   *
   * @example
   * ```ts
   * const conv = new sn.nn.Conv2d(4, 4, 3, { padding: 1 });
   * const f = new sn.nn.FusedConv2d(conv, null, null);
   * const x = sn.randn([1, 5, 5, 4], { seed: 1 });
   * const y = sn.noGrad(() => f.run(x, x, 'relu6')); // relu6(conv(x) + bias + x)
   * console.log(y.shape); // [1, 5, 5, 4]
   * ```
   */
  run(x: Tensor, residual: Tensor | null, activation: FusedActivation | null): Tensor {
    const o = this.conv.options;
    return conv2dInference(x, this.weight, this.winograd, {
      stride: o.stride, padding: o.padding, dilation: o.dilation, groups: o.groups, roundMode: o.roundMode,
      bias: this.bias, activation, residual,
    });
  }
  forward(x: Tensor): Tensor {
    return this.run(x, null, this.activation);
  }

  override dispose(): void {
    super.dispose();
    this.winograd.dispose();
  }
  override flops(i: readonly number[], o: readonly number[]): number {
    return this.conv.flops(i, o);
  }
}

/** A dense layer with its following activation fused; shares the layer's parameters. */
class FusedLinear extends Module {
  constructor(
    readonly linear: Linear,
    readonly activation: FusedActivation,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.linear.weight, this.linear.bias, { activation: this.activation });
  }
  override flops(i: readonly number[]): number {
    return this.linear.flops(i);
  }
}

/**
 * A residual block as head(x), then its last convolution with the shortcut added and the
 * block's activation applied in the epilogue: act(conv(head(x)) + bias + shortcut(x)).
 */
class FusedResidual extends Module {
  constructor(
    readonly head: Sequential,
    readonly last: FusedConv2d,
    readonly shortcut: Module | null,
    readonly activation: FusedActivation | null,
  ) {
    super();
    this.child('head', head);
    this.child('last', last);
    if (shortcut) this.child('shortcut', shortcut);
  }
  forward(x: Tensor): Tensor {
    const h = this.head.call(x);
    const s = this.shortcut ? this.shortcut.call(x) : x;
    return this.last.run(h, s, this.activation);
  }
}

/** Squeeze-excite in one step (ts/kernels/squeeze_excite.ts); shares the block's weights. */
class FusedSqueezeExcite extends Module {
  constructor(readonly se: SqueezeExcitation) {
    super();
  }
  forward(x: Tensor): Tensor {
    const { fc1, fc2, gate } = this.se;
    const [N, H, W, C] = x.shape;
    const S = fc1.weight.shape[3];
    const y = empty(x.shape);
    const hs = fusedEpilogue('squeezeExcite', activationOf(gate), null, [], []);
    squeezeExcite(x.ptr, y.ptr, N, H * W, {
      C, S,
      w1: fc1.weight.ptr, b1: fc1.bias ? fc1.bias.ptr : 0, act1: fusedEpilogue('squeezeExcite', activationOf(this.se.act), null, [], []),
      w2: fc2.weight.ptr, b2: fc2.bias ? fc2.bias.ptr : 0, gate: hs,
    });
    return y;
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

// The leaves of nested Sequentials, in order.
const leaves = (m: Module): Module[] => (m instanceof Sequential ? m.layers.flatMap(leaves) : [m]);

// A fused residual block when its (fused) body ends in a convolution without activation.
function fuseResidual(body: Module, shortcut: Module | null, activation: FusedActivation | null): Module | null {
  const ls = leaves(body);
  const last = ls[ls.length - 1];
  if (!(last instanceof FusedConv2d) || last.activation !== null) return null;
  return new FusedResidual(new Sequential(...ls.slice(0, -1)), last, shortcut, activation);
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
        const act = l.options.activation ? null : activationOf(ls[j]);
        if (act) j++;
        const f = new FusedConv2d(l, bn, act);
        made.push(f);
        out.push(f);
        i = j - 1;
        continue;
      }
      const act = l instanceof Linear && !l.options.activation ? activationOf(ls[i + 1]) : null;
      if (act) {
        out.push(new FusedLinear(l as Linear, act));
        i++;
        continue;
      }
      out.push(fuseModule(l, made));
    }
    return new Sequential(...out);
  }
  if (m instanceof Residual) {
    const body = fuseModule(m.body, made);
    const shortcut = m.shortcut ? fuseModule(m.shortcut, made) : null;
    return fuseResidual(body, shortcut, m.activation) ?? new Residual(body, shortcut, m.activation);
  }
  if (m instanceof InvertedResidual) {
    const body = fuseModule(m.body, made) as Sequential;
    return (m.residual && fuseResidual(body, null, null)) || new InvertedResidual(body, m.residual, m.bodyName);
  }
  if (m instanceof SqueezeExcitation && activationOf(m.act) && activationOf(m.gate)) return new FusedSqueezeExcite(m);
  if (m instanceof Graph) {
    const blocks = Object.fromEntries(Object.entries(m.blocks as Record<string, Module>).map(([n, b]) => [n, fuseModule(b, made)]));
    return new Graph(blocks, m.fn as never);
  }
  return m;
}

/**
 * An inference copy of `model` (call it after training, in eval mode): every Conv2d followed
 * by BatchNorm2d and/or an activation (ReLU, ReLU6, Hardswish, Hardsigmoid, Sigmoid,
 * LeakyReLU) becomes one convolution with folded weights and the activation in its epilogue
 * (3×3 stride-1 ones through Winograd where that is faster); a residual block's addition
 * (and its activation) goes into the epilogue of the body's last convolution; Linear +
 * activation is one GEMM; squeeze-excite blocks run as one step. Layers without a pattern
 * are shared with `model`; disposing the result frees only the folded weights it made.
 *
 * @example
 * ```ts
 * const net = sn.nn.models.resnet18({ classes: 10 }).eval();
 * const fast = sn.nn.fuseForInference(net);
 * const x = sn.rand([1, 64, 64, 3], { seed: 1 });
 * const a = net.call(x), b = fast.call(x);
 * console.log(sn.max(sn.abs(sn.sub(a, b))).item() < 1e-3); // true: the same logits up to rounding
 * fast.dispose(); // frees the folded weights only
 * net.dispose();
 * ```
 */
export function fuseForInference(model: Module): Module {
  const made: FusedConv2d[] = [];
  const inner = noGrad(() => fuseModule(model, made));
  const f = new Fused(inner, made);
  f.eval();
  return f;
}
