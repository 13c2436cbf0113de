// Branching networks: a functional Graph (named children + a forward function), the
// residual block and the Inception module.
import { Tensor } from '../tensor/tensor';
import { add } from '../ops/arith';
import { relu } from '../ops/activation';
import { concat } from '../ops/shape';
import { maxPool2d } from '../ops/pool';
import { Module, Sequential, callChild } from './module';
import { Conv2d, BatchNorm2d, ReLU } from './layers';

/**
 * A network written as a function of named sub-modules, for graphs that are not a chain
 * (skip connections, several branches): forward(x) = fn(call, x), where call(name, t) runs
 * the child `name` on t.
 *
 * @example
 * ```ts
 * const net = new sn.nn.Graph(
 *   { stem: new sn.nn.Conv2d(3, 8, 3, { padding: 'same' }), left: new sn.nn.Conv2d(8, 8, 1), right: new sn.nn.Conv2d(8, 8, 3, { padding: 'same' }) },
 *   (call, x) => {
 *     const h = sn.relu(call('stem', x));
 *     return sn.concat([call('left', h), call('right', h)]); // two branches joined on channels
 *   },
 * );
 * console.log(net.call(sn.zeros([1, 16, 16, 3])).shape); // [1, 16, 16, 16]
 * ```
 */
export class Graph<C extends Record<string, Module>> extends Module {
  /** The named sub-modules fn calls. */
  readonly blocks: C;
  constructor(
    blocks: C,
    /** The computation: fn(call, x), where call(name, t) runs the block `name` on t. */
    readonly fn: (call: (name: keyof C & string, t: Tensor) => Tensor, x: Tensor) => Tensor,
  ) {
    super();
    this.blocks = blocks;
    for (const [n, m] of Object.entries(blocks)) this.child(n, m);
  }
  forward(x: Tensor): Tensor {
    return this.fn((name, t) => callChild(name, this.blocks[name], t), x);
  }
}

/**
 * y = act(body(x) + shortcut(x)); the shortcut is the identity when omitted.
 *
 * @example
 * ```ts
 * const body = new sn.nn.Sequential(new sn.nn.Conv2d(16, 16, 3, { padding: 1 }), new sn.nn.ReLU(), new sn.nn.Conv2d(16, 16, 3, { padding: 1 }));
 * const block = new sn.nn.Residual(body); // relu(body(x) + x)
 * console.log(block.call(sn.zeros([1, 8, 8, 16])).shape); // [1, 8, 8, 16]
 * ```
 */
export class Residual extends Module {
  constructor(
    /** The residual branch. */
    readonly body: Module,
    /** The shortcut branch (a projection), or null for the identity. */
    readonly shortcut: Module | null = null,
    /** Applied to the sum: 'relu' (default) or null. */
    readonly activation: 'relu' | null = 'relu',
  ) {
    super();
    this.child('body', body);
    if (shortcut) this.child('shortcut', shortcut);
  }
  forward(x: Tensor): Tensor {
    const y = callChild('body', this.body, x);
    const s = this.shortcut ? callChild('shortcut', this.shortcut, x) : x;
    const z = add(y, s);
    return this.activation === 'relu' ? relu(z) : z;
  }
}

/**
 * ResNet's basic block: two 3×3 conv + batch norm, with a 1×1 projection when the shape changes.
 *
 * @example
 * ```ts
 * const down = sn.nn.basicBlock(64, 128, 2); // stride 2 with a 1×1 projection shortcut
 * console.log(down.call(sn.zeros([1, 56, 56, 64])).shape); // [1, 28, 28, 128]
 * ```
 */
export function basicBlock(inC: number, outC: number, stride = 1): Residual {
  const body = new Sequential(
    new Conv2d(inC, outC, 3, { stride, padding: 1, bias: false, roundMode: 'floor' }), new BatchNorm2d(outC), new ReLU(),
    new Conv2d(outC, outC, 3, { padding: 1, bias: false }), new BatchNorm2d(outC),
  );
  const shortcut = stride !== 1 || inC !== outC
    ? new Sequential(new Conv2d(inC, outC, 1, { stride, bias: false, roundMode: 'floor' }), new BatchNorm2d(outC))
    : null;
  return new Residual(body, shortcut);
}

/** The channels of an Inception module's four branches. */
export interface InceptionChannels {
  /** 1×1 branch */
  c1: number;
  /** 3×3 branch: 1×1 reduction (0 = none) then 3×3 */
  r3: number;
  /** 3×3 branch output channels */
  c3: number;
  /** 5×5 branch: 1×1 reduction (0 = none) then 5×5 */
  r5: number;
  /** 5×5 branch output channels */
  c5: number;
  /** pool branch: 3×3 max pool then 1×1 projection (0 = pool only) */
  pp: number;
}

/**
 * GoogLeNet's Inception module: four branches (1×1; 1×1→3×3; 1×1→5×5; 3×3 max pool→1×1)
 * concatenated along channels. Reductions of 0 give the naive module without 1×1
 * bottlenecks. Each convolution is followed by ReLU (fused into the convolution).
 *
 * @example
 * ```ts
 * const inc = new sn.nn.Inception(192, { c1: 64, r3: 96, c3: 128, r5: 16, c5: 32, pp: 32 }); // GoogLeNet's 3a
 * console.log(inc.outChannels, inc.call(sn.zeros([1, 28, 28, 192])).shape); // 256 [1, 28, 28, 256]
 * ```
 */
export class Inception extends Module {
  /** c1 + c3 + c5 + (pp or the input channels). */
  readonly outChannels: number;
  private readonly b1: Conv2d;
  private readonly b3: Sequential;
  private readonly b5: Sequential;
  private readonly bp: Conv2d | null;
  /**
   * @param inChannels Input channels.
   * @param ch The branches' channels.
   */
  constructor(readonly inChannels: number, readonly ch: InceptionChannels) {
    super();
    const conv = (i: number, o: number, k: number) => new Conv2d(i, o, k, { padding: 'same', activation: 'relu' });
    this.b1 = this.child('b1', conv(inChannels, ch.c1, 1));
    this.b3 = this.child('b3', ch.r3 ? new Sequential(conv(inChannels, ch.r3, 1), conv(ch.r3, ch.c3, 3)) : new Sequential(conv(inChannels, ch.c3, 3)));
    this.b5 = this.child('b5', ch.r5 ? new Sequential(conv(inChannels, ch.r5, 1), conv(ch.r5, ch.c5, 5)) : new Sequential(conv(inChannels, ch.c5, 5)));
    this.bp = ch.pp ? this.child('bp', conv(inChannels, ch.pp, 1)) : null;
    this.outChannels = ch.c1 + ch.c3 + ch.c5 + (ch.pp || inChannels);
  }
  forward(x: Tensor): Tensor {
    const p = maxPool2d(x, { kernel: 3, stride: 1, padding: 'same' });
    return concat([
      callChild('b1', this.b1, x),
      callChild('b3', this.b3, x),
      callChild('b5', this.b5, x),
      this.bp ? callChild('bp', this.bp, p) : p,
    ]);
  }
}
