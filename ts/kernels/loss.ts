// Launchers of assembly/loss.ts, one call each on the calling thread (a thread split for this
// family would go here, nowhere else). Named as their kernels in camelCase, without the
// layout and the type: softmax_fwd_f32 → softmaxFwd.
import { getBackend, type Kernels } from '../backend/index';

const table = (): Kernels => getBackend().k;

export const softmaxFwd = (x: number, y: number, rows: number, cols: number): void => table().softmax_fwd_f32(x, y, rows, cols);
export const logSoftmaxFwd = (x: number, y: number, rows: number, cols: number): void => table().log_softmax_fwd_f32(x, y, rows, cols);
export const softmaxBwd = (y: number, dy: number, dx: number, rows: number, cols: number): void => table().softmax_bwd_f32(y, dy, dx, rows, cols);
export const logSoftmaxBwd = (y: number, dy: number, dx: number, rows: number, cols: number): void => table().log_softmax_bwd_f32(y, dy, dx, rows, cols);
export const crossEntropyLabelsFwd = (logits: number, labels: number, losses: number, probs: number, rows: number, cols: number): number => table().cross_entropy_labels_fwd_f32(logits, labels, losses, probs, rows, cols);
export const crossEntropyLabelsBwd = (probs: number, labels: number, dlogits: number, rows: number, cols: number, scale: number): void => table().cross_entropy_labels_bwd_f32(probs, labels, dlogits, rows, cols, scale);
export const crossEntropyProbsFwd = (logits: number, targets: number, losses: number, probs: number, rows: number, cols: number): number => table().cross_entropy_probs_fwd_f32(logits, targets, losses, probs, rows, cols);
export const crossEntropyProbsBwd = (probs: number, targets: number, dlogits: number, rows: number, cols: number, scale: number): void => table().cross_entropy_probs_bwd_f32(probs, targets, dlogits, rows, cols, scale);
export const mseFwd = (a: number, b: number, n: number): number => table().mse_fwd_f32(a, b, n);
export const mseBwd = (a: number, b: number, da: number, n: number, scale: number): void => table().mse_bwd_f32(a, b, da, n, scale);
export const hingeMulticlassFwd = (scores: number, labels: number, losses: number, rows: number, cols: number, margin: number): number => table().hinge_multiclass_fwd_f32(scores, labels, losses, rows, cols, margin);
export const hingeMulticlassBwd = (scores: number, labels: number, dscores: number, rows: number, cols: number, margin: number, scale: number): void => table().hinge_multiclass_bwd_f32(scores, labels, dscores, rows, cols, margin, scale);
