// Launchers of assembly/loss.ts. The row-wise kernels (softmax, log-softmax and the
// cross-entropy gradients) split a large batch into ranges of rows, the same kernel on offset
// pointers (bit-identical for any split); the forward losses return a sum and stay one call.
// Named as their kernels in camelCase, without the layout and the type: softmax_fwd_f32 → softmaxFwd.
import { getBackend, type Kernels } from '../backend/index';
import { byOuter } from './reduce';

const table = (): Kernels => getBackend().k;

export const softmaxFwd = (x: number, y: number, rows: number, cols: number): void => byOuter('softmax_fwd_f32', rows, cols, [], [x, y], [cols, cols], [cols]);
export const logSoftmaxFwd = (x: number, y: number, rows: number, cols: number): void => byOuter('log_softmax_fwd_f32', rows, cols, [], [x, y], [cols, cols], [cols]);
export const softmaxBwd = (y: number, dy: number, dx: number, rows: number, cols: number): void =>
  byOuter('softmax_bwd_f32', rows, cols, [], [y, dy, dx], [cols, cols, cols], [cols]);
export const logSoftmaxBwd = (y: number, dy: number, dx: number, rows: number, cols: number): void =>
  byOuter('log_softmax_bwd_f32', rows, cols, [], [y, dy, dx], [cols, cols, cols], [cols]);
export const crossEntropyLabelsFwd = (logits: number, labels: number, losses: number, probs: number, rows: number, cols: number): number => table().cross_entropy_labels_fwd_f32(logits, labels, losses, probs, rows, cols);
// labels: one i32 per row.
export const crossEntropyLabelsBwd = (probs: number, labels: number, dlogits: number, rows: number, cols: number, scale: number): void =>
  byOuter('cross_entropy_labels_bwd_f32', rows, cols, [], [probs, labels, dlogits], [cols, 1, cols], [cols, scale]);
export const crossEntropyProbsFwd = (logits: number, targets: number, losses: number, probs: number, rows: number, cols: number): number => table().cross_entropy_probs_fwd_f32(logits, targets, losses, probs, rows, cols);
export const crossEntropyProbsBwd = (probs: number, targets: number, dlogits: number, rows: number, cols: number, scale: number): void =>
  byOuter('cross_entropy_probs_bwd_f32', rows, cols, [], [probs, targets, dlogits], [cols, cols, cols], [cols, scale]);
export const mseFwd = (a: number, b: number, n: number): number => table().mse_fwd_f32(a, b, n);
export const mseBwd = (a: number, b: number, da: number, n: number, scale: number): void => table().mse_bwd_f32(a, b, da, n, scale);
export const hingeMulticlassFwd = (scores: number, labels: number, losses: number, rows: number, cols: number, margin: number): number => table().hinge_multiclass_fwd_f32(scores, labels, losses, rows, cols, margin);
export const hingeMulticlassBwd = (scores: number, labels: number, dscores: number, rows: number, cols: number, margin: number, scale: number): void => table().hinge_multiclass_bwd_f32(scores, labels, dscores, rows, cols, margin, scale);
