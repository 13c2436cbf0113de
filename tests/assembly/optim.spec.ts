// Optimizer updates against f64 scalar references over three steps (state carried), on
// sizes that hit the partial-vector tail, with weight decay on and off; a guard after w and
// after every state buffer.
import {
  sgd_f32, sgd_momentum_f32, sgd_momentum_ema_f32, sgd_nesterov_f32, adam_f32, rmsprop_f32,
} from '../../assembly/optim';
import { seed, randBuf, zeroBuf, at, close, guarded, GUARD } from './helpers';

const SIZES: i32[] = [1, 3, 4, 7, 17, 33, 100];
const SGD = 0;
const MOM = 1;
const EMA = 2;
const NAG = 3;
const ADAM = 4;
const RMS = 5;
const NOPS = 6;

const LR: f32 = 0.05;
const MU: f32 = 0.9;
const B1: f32 = 0.9;
const B2: f32 = 0.999;
const EPS: f32 = 1e-8;
const RHO: f32 = 0.95;


function near(got: f64, want: f64): bool {
  return close(got, want, 1e-7, 1e-5);
}

function run(op: i32, w: usize, g: usize, s1: usize, s2: usize, n: i32, wd: f32, t: i32): void {
  if (op == SGD) sgd_f32(w, g, n, LR, wd);
  else if (op == MOM) sgd_momentum_f32(w, g, s1, n, LR, MU, wd);
  else if (op == EMA) sgd_momentum_ema_f32(w, g, s1, n, LR, MU, wd);
  else if (op == NAG) sgd_nesterov_f32(w, g, s1, n, LR, MU, wd);
  else if (op == ADAM) {
    const c1 = <f32>(1.0 / (1.0 - Math.pow(<f64>B1, <f64>t)));
    const c2 = <f32>(1.0 / (1.0 - Math.pow(<f64>B2, <f64>t)));
    adam_f32(w, g, s1, s2, n, LR, B1, B2, EPS, wd, c1, c2);
  } else rmsprop_f32(w, g, s1, n, LR, RHO, EPS, wd);
}

// f64 reference for one element: w, s1, s2 updated in place in the f64 arrays (index i).
function refStep(op: i32, w: StaticArray<f64>, s1: StaticArray<f64>, s2: StaticArray<f64>, i: i32, g0: f64, wd: f64, t: i32): void {
  const lr = <f64>LR;
  const g = g0 + wd * w[i];
  if (op == SGD) { w[i] -= lr * g; return; }
  if (op == MOM) { s1[i] = <f64>MU * s1[i] + g; w[i] -= lr * s1[i]; return; }
  if (op == EMA) { s1[i] = <f64>MU * s1[i] + (1 - <f64>MU) * g; w[i] -= lr * s1[i]; return; }
  if (op == NAG) { s1[i] = <f64>MU * s1[i] + g; w[i] -= lr * (g + <f64>MU * s1[i]); return; }
  if (op == ADAM) {
    s1[i] = <f64>B1 * s1[i] + (1 - <f64>B1) * g;
    s2[i] = <f64>B2 * s2[i] + (1 - <f64>B2) * g * g;
    const mh = s1[i] / (1 - Math.pow(<f64>B1, <f64>t));
    const vh = s2[i] / (1 - Math.pow(<f64>B2, <f64>t));
    w[i] -= lr * mh / (Math.sqrt(vh) + <f64>EPS);
    return;
  }
  s1[i] = <f64>RHO * s1[i] + (1 - <f64>RHO) * g * g;
  w[i] -= lr * g / (Math.sqrt(s1[i]) + <f64>EPS);
}

describe('optim', () => {
  it('every optimizer matches its f64 reference over three steps, guards untouched', () => {
    seed(41);
    for (let op = 0; op < NOPS; op++) {
      for (let k = 0; k < 2; k++) {
        const wd: f32 = k == 0 ? 0 : 0.01;
        for (let s = 0; s < SIZES.length; s++) {
          const n = SIZES[s];
          const w = guarded(n);
          const w0 = randBuf(n);
          memory.copy(w, w0, <usize>n << 2);
          const s1 = guarded(n);
          const s2 = guarded(n);
          const rw = new StaticArray<f64>(n);
          const r1 = new StaticArray<f64>(n);
          const r2 = new StaticArray<f64>(n);
          for (let i = 0; i < n; i++) rw[i] = <f64>at(w, i);
          let bad = 0;
          for (let t = 1; t <= 3; t++) {
            const g = randBuf(n);
            run(op, w, g, s1, s2, n, wd, t);
            for (let i = 0; i < n; i++) {
              refStep(op, rw, r1, r2, i, <f64>at(g, i), <f64>wd, t);
              if (!near(<f64>at(w, i), rw[i])) { bad++; trace('w', 4, <f64>op, <f64>i, <f64>at(w, i), rw[i]); }
              if (op != SGD && !near(<f64>at(s1, i), r1[i])) bad++;
              if (op == ADAM && !near(<f64>at(s2, i), r2[i])) bad++;
            }
            heap.free(g);
          }
          expect(bad).toBe(0);
          expect(at(w, n)).toBe(GUARD);
          expect(at(s1, n)).toBe(GUARD);
          expect(at(s2, n)).toBe(GUARD);
          // the step actually moved every parameter
          for (let i = 0; i < n; i++) if (at(w, i) == at(w0, i)) bad++;
          expect(bad).toBe(0);
          heap.free(w); heap.free(w0); heap.free(s1); heap.free(s2);
        }
      }
    }
  });

  it('the two momentum forms differ by the (1 − μ) factor on the gradient', () => {
    seed(42);
    const n = 7;
    const g = randBuf(n);
    const w1 = zeroBuf(n);
    const w2 = zeroBuf(n);
    const v1 = zeroBuf(n);
    const v2 = zeroBuf(n);
    sgd_momentum_f32(w1, g, v1, n, 1, MU, 0);
    sgd_momentum_ema_f32(w2, g, v2, n, 1, MU, 0);
    // from zero state: classical v = g, lecture v = (1 − μ)·g
    for (let i = 0; i < n; i++) {
      expect(at(v1, i)).toBe(at(g, i));
      expect(near(<f64>at(v2, i), (1 - <f64>MU) * <f64>at(g, i))).toBe(true);
      expect(at(w1, i)).toBe(-at(g, i));
    }
    heap.free(g); heap.free(w1); heap.free(w2); heap.free(v1); heap.free(v2);
  });
});
