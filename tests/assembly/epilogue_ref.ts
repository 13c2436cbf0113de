// The fused epilogue's references the specs share (conv_common.spec.ts, dwconv.spec.ts): the
// parameters of each act code, the unfused activation pass, the f64 scalar activation, and
// the check of a fused output against both.
import {
  relu_fwd_f32, clip_fwd_f32, hard_swish_fwd_f32, hard_sigmoid_fwd_f32, sigmoid_fwd_f32, leaky_relu_fwd_f32,
} from '../../assembly/activation';
import { randBuf, at } from './helpers';

export const P0: f32[] = [0, 0, -0.75, 0, 0.2, 0, 0.1];
export const P1: f32[] = [0, 0, 0.5, 0, 0.5, 0, 0];

// The unfused activation pass for act code `act`, in place.
export function activate(act: i32, y: usize, n: i32): void {
  const p = P0[act], q = P1[act];
  if (act == 1) relu_fwd_f32(y, y, n);
  else if (act == 2) clip_fwd_f32(y, y, n, p, q);
  else if (act == 3) hard_swish_fwd_f32(y, y, n);
  else if (act == 4) hard_sigmoid_fwd_f32(y, y, n, p, q);
  else if (act == 5) sigmoid_fwd_f32(y, y, n);
  else if (act == 6) leaky_relu_fwd_f32(y, y, n, p);
}

// The scalar reference of act code `act` in f64.
export function act64(act: i32, v: f64): f64 {
  const p = <f64>P0[act], q = <f64>P1[act];
  if (act == 1) return v > 0 ? v : 0;
  if (act == 2) return Math.min(Math.max(v, p), q);
  if (act == 3) return v * Math.min(Math.max(v / 6 + 0.5, 0), 1);
  if (act == 4) return Math.min(Math.max(p * v + q, 0), 1);
  if (act == 5) return 1 / (1 + Math.exp(-v));
  if (act == 6) return v > 0 ? v : p * v;
  return v;
}

// Fused output `got` against the unfused `raw` (the kernel's act-0 result, residual res
// already added or not) bit for bit, and against act64(raw) within rounding.
export function checkBoth(act: i32, got: usize, raw: usize, n: i32, what: string): void {
  const ref = heap.alloc(<usize>n << 2);
  memory.copy(ref, raw, <usize>n << 2);
  activate(act, ref, n);
  let bits = 0, far = 0;
  for (let i = 0; i < n; i++) {
    if (reinterpret<u32>(at(got, i)) != reinterpret<u32>(at(ref, i))) bits++;
    const w = act64(act, <f64>at(raw, i));
    if (!(Math.abs(<f64>at(got, i) - w) <= 3e-7 * (1 + Math.abs(w)))) far++;
  }
  expect(bits).toBe(0, what + ' act ' + act.toString() + ': differs from the unfused pass');
  expect(far).toBe(0, what + ' act ' + act.toString() + ': differs from the scalar reference');
  heap.free(ref);
}

// Rounded to a multiple of 1/8 so sums of few terms stay exact in any order (the residual
// then gives the same bits added inside the epilogue or after it).
export function eighths(n: i32): usize {
  const p = randBuf(n);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), Mathf.round(at(p, i) * 32) / 8);
  return p;
}
