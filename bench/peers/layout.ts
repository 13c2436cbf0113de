// Layout conversions between simdnet's NHWC/HWIO and ONNX's NCHW/OIHW, for the peers'
// inputs and weights and for checking their outputs against simdnet's.

/** NHWC [N, H, W, C] → NCHW [N, C, H, W]. */
export function nhwcToNchw(x: Float32Array, N: number, H: number, W: number, C: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++)
        for (let c = 0; c < C; c++) y[((n * C + c) * H + h) * W + w] = x[((n * H + h) * W + w) * C + c];
  return y;
}

/** NCHW [N, C, H, W] → NHWC [N, H, W, C]. */
export function nchwToNhwc(x: Float32Array, N: number, C: number, H: number, W: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) y[((n * H + h) * W + w) * C + c] = x[((n * C + c) * H + h) * W + w];
  return y;
}

/** HWIO [KH, KW, C, K] → OIHW [K, C, KH, KW] (ONNX's Conv weight; ConvTranspose reads the same array as [Cin_T = K, Cout_T = C, KH, KW]). */
export function hwioToOihw(w: Float32Array, KH: number, KW: number, C: number, K: number): Float32Array {
  const y = new Float32Array(w.length);
  for (let h = 0; h < KH; h++)
    for (let x = 0; x < KW; x++)
      for (let c = 0; c < C; c++)
        for (let k = 0; k < K; k++) y[((k * C + c) * KH + h) * KW + x] = w[((h * KW + x) * C + c) * K + k];
  return y;
}
