// TensorFlow.js on its plain-JavaScript cpu backend: an independent oracle for the
// convolution and pooling ops and their gradients.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';

await tf.setBackend('cpu');

export { tf };

export function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length}, want ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    const e = Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i]));
    if (!(e <= tol)) throw new Error(`${what}: element ${i} is ${got[i]}, want ${want[i]} (error ${e.toExponential(2)})`);
  }
}
