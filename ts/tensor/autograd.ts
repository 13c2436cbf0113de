// Define-by-run tape (the shape of micrograd and PyTorch): every op that sees an input
// with requiresGrad records its inputs and a backward closure on its output; backward()
// walks the graph in reverse topological order and accumulates gradients.
import { opError, fmtShape } from '../backend/index';
import * as E from '../kernels/elementwise';
import { Tensor, empty, untracked, keep, checkTensorArg } from './tensor';

export interface GradNode {
  op: string;
  inputs: readonly Tensor[];
  /** Tensors only the backward pass needs (e.g. max-pool argmax); freed with the output. */
  saved?: Tensor[];
  /** The inputs' versions when the op ran: an in-place write since makes backward() raise. */
  versions?: number[];
  /** Given dL/d(output), returns dL/d(input) for each input (null where not needed). */
  backward(dy: Tensor): (Tensor | null)[];
}

let gradEnabled = true;

/**
 * False inside noGrad().
 *
 * @example
 * ```ts
 * console.log(sn.isGradEnabled(), sn.noGrad(() => sn.isGradEnabled())); // true false
 * ```
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs fn without recording operations (inference, parameter updates).
 *
 * @example
 * ```ts
 * const w = sn.randn([4, 2], { seed: 1, requiresGrad: true });
 * const y = sn.noGrad(() => sn.matmul(sn.ones([1, 4]), w));
 * console.log(y.requiresGrad); // false: nothing recorded for backward
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** True when an op on these inputs must record itself. */
export function needsGrad(inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!gradEnabled) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

/**
 * Attaches the backward closure to `out` if any input requires a gradient. `saved` tensors
 * then belong to `out` (freed with it); otherwise they are freed at once.
 */
export function record(op: string, inputs: readonly Tensor[], out: Tensor, backward: GradNode['backward'], saved?: Tensor[]): Tensor {
  if (needsGrad(inputs)) {
    out.requiresGrad = true;
    out._node = { op, inputs, backward, saved, versions: inputs.map((t) => t._version) };
    if (saved) for (const t of saved) keep(t);
  } else if (saved) {
    for (const t of saved) t.dispose();
  }
  return out;
}

export function runBackward(root: Tensor, dy?: Tensor): void {
  checkTensorArg('backward', 'this', root);
  if (dy !== undefined) checkTensorArg('backward', 'dy', dy);
  if (!root.requiresGrad) throw opError('backward', `tensor ${fmtShape(root.shape)} does not require grad: no input of its graph has requiresGrad`);
  if (dy) {
    if (dy.size !== root.size || dy.shape.length !== root.shape.length || dy.shape.some((d, i) => d !== root.shape[i]))
      throw opError('backward', `argument 'dy' has shape ${fmtShape(dy.shape)}, the tensor has ${fmtShape(root.shape)}`);
  } else if (root.size !== 1) {
    throw opError('backward', `tensor ${fmtShape(root.shape)} is not a scalar: pass dy of the same shape`);
  }

  // Reverse topological order by iterative DFS (deep networks would overflow recursion).
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top[0].isDisposed)
      throw opError('backward', `a tensor of the graph (shape ${fmtShape(top[0].shape)}) was disposed before backward(): keep intermediates alive until backward() has run`);
    const node = top[0]._node;
    if (node && top[1] === 0 && node.versions) {
      // Version counters (as PyTorch's): an input changed in place after the op read it
      // would give silently wrong gradients.
      node.inputs.forEach((x, j) => {
        if (!x.isDisposed && x._version !== node.versions![j])
          throw opError('backward', `input ${j} of ${node.op} (shape ${fmtShape(x.shape)}) was modified in place (assign() or an optimizer step) after ${node.op} used it: run the forward pass again after changing it`);
      });
    }
    if (node && top[1] < node.inputs.length) {
      const next = node.inputs[top[1]++];
      if (next.requiresGrad && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(top[0]);
    }
  }
  untracked(() => {
    const grads = new Map<Tensor, Tensor>();
    const seed = dy ? dy.detach() : empty(root.shape);
    if (!dy) E.fillValue(seed.ptr, 1, 1);
    grads.set(root, seed);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      if (!g) continue;
      const node = t._node;
      if (!node) {
        // A leaf: accumulate into .grad.
        if (t.grad) {
          E.axpy(1, g.ptr, t.grad.ptr, g.size);
          g.dispose();
        } else {
          t.grad = g;
        }
        continue;
      }
      grads.delete(t);
      const inGrads = node.backward(g);
      // A closure may hand back dy itself or one tensor for two inputs (add): own a copy.
      const fresh = new Set<Tensor>();
      for (let j = 0; j < inGrads.length; j++) {
        const gx = inGrads[j];
        if (!gx) continue;
        if (gx === g || fresh.has(gx)) inGrads[j] = gx.detach();
        fresh.add(inGrads[j]!);
      }
      g.dispose();
      node.inputs.forEach((x, j) => {
        const gx = inGrads[j];
        if (!gx) return;
        if (gx.size !== x.size)
          throw new Error(`simdnet.backward: internal error: ${node.op} returned a gradient of shape ${fmtShape(gx.shape)} for an input of shape ${fmtShape(x.shape)}`);
        if (!x.requiresGrad) {
          gx.dispose();
          return;
        }
        const prev = grads.get(x);
        if (prev) {
          E.axpy(1, gx.ptr, prev.ptr, gx.size);
          gx.dispose();
        } else {
          grads.set(x, gx);
        }
      });
    }
  });
}
