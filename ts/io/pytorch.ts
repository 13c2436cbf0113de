// PyTorch weights into simdnet models built like torchvision's: names (conv1, layer1.0.bn1,
// features.3, classifier.6, …; for models that are not a Sequential, such as the MobileNets,
// the module paths themselves) and layouts (OIHW → HWIO, [out, in] → [in, out], running_mean
// → runningMean, num_batches_tracked dropped, and the first dense layer's rows from the C, H, W
// order of a flattened NCHW map to simdnet's H, W, C).
import { opError, fmtShape } from '../backend/index';
import { Tensor } from '../tensor/tensor';
import { Module, Sequential } from '../nn/module';
import { Conv2d, ConvTranspose2d, Linear, BatchNorm2d } from '../nn/layers';
import { Residual } from '../nn/blocks';

type Entry = Tensor | { shape: readonly number[]; data: ArrayLike<number> };

/** Options of fromPytorch. */
export interface FromPytorchOptions {
  /** NHWC input shape the model is used with (default [1, 224, 224, 3]); fixes the flatten order. */
  inputShape?: readonly number[];
}

const fail = (m: string): never => {
  throw opError('fromPytorch', m);
};

const holdsWeights = (m: Module): boolean => m instanceof Conv2d || m instanceof ConvTranspose2d || m instanceof Linear || m instanceof BatchNorm2d;

// Torch names of the leaf layers that hold weights, keyed by simdnet module.
function torchNames(model: Module): Map<Module, string> {
  const names = new Map<Module, string>();
  if (!(model instanceof Sequential)) {
    // Models whose module paths are torchvision's (the MobileNets: features.3.conv.1.0, …).
    const walk = (m: Module, path: string): void => {
      if (holdsWeights(m)) names.set(m, path);
      for (const [n, c] of m.children()) walk(c, path ? `${path}.${n}` : n);
    };
    walk(model, '');
    if (names.size === 0) fail(`the model ${model.constructor.name} has no convolution, dense or batch-norm layer`);
    return names;
  }
  const layers = (model as Sequential).layers;
  if (layers.some((l) => l instanceof Residual)) {
    // torchvision ResNet: conv1, bn1, relu, maxpool, layer1…layer4 of blocks, avgpool, fc.
    const [conv, bn] = layers;
    names.set(conv, 'conv1').set(bn, 'bn1');
    let stage = 0;
    let block = 0;
    let width = -1;
    for (const l of layers) {
      if (l instanceof Residual) {
        const body = (l.body as Sequential).layers.filter((m) => m instanceof Conv2d || m instanceof BatchNorm2d);
        const w = (body[0] as Conv2d).outChannels;
        if (w !== width) {
          stage++;
          block = 0;
          width = w;
        }
        const p = `layer${stage}.${block++}`;
        ['conv1', 'bn1', 'conv2', 'bn2'].forEach((n, i) => body[i] && names.set(body[i], `${p}.${n}`));
        if (l.shortcut) (l.shortcut as Sequential).layers.forEach((m, i) => names.set(m, `${p}.downsample.${i}`));
      } else if (l instanceof Linear) names.set(l, 'fc');
    }
    return names;
  }
  // torchvision VGG/AlexNet: features (convolutions, ReLUs, pools) and classifier (dense,
  // ReLUs, dropout), each an nn.Sequential; a ReLU fused into a layer is the next index there.
  let part = 'features';
  let i = 0;
  for (const l of layers) {
    if (l.constructor.name === 'Flatten') {
      part = 'classifier';
      i = 0;
      continue;
    }
    names.set(l, `${part}.${i}`);
    const o = (l as { options?: { activation?: string } }).options;
    i += o?.activation === 'relu' ? 2 : 1;
  }
  return names;
}

const values = (e: Entry): ArrayLike<number> => (e instanceof Tensor ? e.dataSync() : e.data);

function permute(src: ArrayLike<number>, shape: number[], perm: number[]): Float32Array {
  const out = new Float32Array(src.length);
  const outShape = perm.map((p) => shape[p]);
  const st = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const ost = outShape.map((_, i) => outShape.slice(i + 1).reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let d = 0; d < perm.length; d++) s += (Math.floor(i / ost[d]) % outShape[d]) * st[perm[d]];
    out[i] = src[s];
  }
  return out;
}

/**
 * Converts a PyTorch state dict (e.g. from safetensors) of a torchvision-structured model
 * into `model`'s state dict, ready for `model.loadStateDict(...)`. Every weight the model
 * has must be present; PyTorch's extra entries (num_batches_tracked) are ignored.
 *
 * @example
 * ```ts reads a file
 * import { readFileSync } from 'node:fs';
 * const net = sn.nn.models.resnet18();
 * const { tensors } = sn.io.decodeSafetensors(readFileSync('resnet18.safetensors')); // torchvision's weights
 * net.loadStateDict(sn.io.fromPytorch(net, tensors));
 * ```
 */
export function fromPytorch(model: Module, dict: Record<string, Entry>, options: FromPytorchOptions = {}): Record<string, {
  /** The dimensions in simdnet's layout. */
  shape: number[];
  /** The values, converted to that layout. */
  data: Float32Array;
}> {
  if (!(model instanceof Module)) fail(`argument 'model' must be an nn.Module`);
  if (!dict || typeof dict !== 'object') fail(`argument 'dict' must be an object of tensors by PyTorch name`);
  const names = torchNames(model);
  // The flattened map before the first dense layer: its [H, W, C] from a forward pass.
  let flat: number[] | null = null;
  const rows = model.profile(options.inputShape ?? [1, 224, 224, 3]);
  const fi = rows.findIndex((r) => r.type === 'Flatten');
  if (fi > 0 && rows[fi - 1].outShape.length === 4) flat = rows[fi - 1].outShape.slice(1);
  let firstDense = true;
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  const get = (name: string, shape: number[]): ArrayLike<number> => {
    const e = Object.prototype.hasOwnProperty.call(dict, name) ? dict[name] : undefined;
    if (!e) return fail(`missing '${name}' (PyTorch shape ${fmtShape(shape)})`);
    if (e.shape.length !== shape.length || e.shape.some((d, i) => d !== shape[i])) fail(`'${name}' has shape ${fmtShape(e.shape)}, the model expects ${fmtShape(shape)} (PyTorch layout)`);
    return values(e);
  };
  const prefixOf = new Map<Module, string>();
  const walk = (m: Module, prefix: string) => {
    prefixOf.set(m, prefix);
    for (const [n, c] of m.children()) walk(c, `${prefix}${n}.`);
  };
  walk(model, '');
  for (const [m, t] of names) {
    const p = prefixOf.get(m)!;
    if (m instanceof Conv2d || m instanceof ConvTranspose2d) {
      const [kh, kw, a, b] = m.weight.shape;
      // Conv2d: OIHW → HWIO. ConvTranspose2d: PyTorch [Cin, Cout/g, KH, KW] → [KH, KW, Cout/g, Cin].
      const torch = [b, a, kh, kw];
      out[`${p}weight`] = { shape: [kh, kw, a, b], data: permute(get(`${t}.weight`, torch), torch, [2, 3, 1, 0]) };
      if (m.bias) out[`${p}bias`] = { shape: [m.bias.size], data: Float32Array.from(get(`${t}.bias`, [m.bias.size])) };
    } else if (m instanceof Linear) {
      const [In, Out] = [m.inFeatures, m.outFeatures];
      let w = permute(get(`${t}.weight`, [Out, In]), [Out, In], [1, 0]);
      if (firstDense && flat && flat[0] * flat[1] > 1 && flat[2] > 1) {
        const [H, W, C] = flat;
        if (H * W * C !== In) fail(`'${t}.weight' takes ${In} features, the flattened map before it is [${H}, ${W}, ${C}]; pass the inputShape the weights were trained at`);
        w = permute(w, [C, H, W, Out], [1, 2, 0, 3]);
      }
      firstDense = false;
      out[`${p}weight`] = { shape: [In, Out], data: w };
      if (m.bias) out[`${p}bias`] = { shape: [Out], data: Float32Array.from(get(`${t}.bias`, [Out])) };
    } else if (m instanceof BatchNorm2d) {
      const C = m.channels;
      for (const [mine, theirs] of [['weight', 'weight'], ['bias', 'bias'], ['runningMean', 'running_mean'], ['runningVar', 'running_var']])
        out[`${p}${mine}`] = { shape: [C], data: Float32Array.from(get(`${t}.${theirs}`, [C])) };
    }
  }
  return out;
}
