// 16-bit floats (IEEE half and bfloat16) to numbers, for weights stored at reduced precision
// (safetensors F16/BF16, ONNX float16/bfloat16 initializers). Stateless: the simdnet/onnx
// bundle includes its own copy.

/** An IEEE 754 binary16 bit pattern as a number. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const bf = new DataView(new ArrayBuffer(4));
/** A bfloat16 bit pattern (the top half of a float32) as a number. */
export function bfloat16ToFloat(b: number): number {
  bf.setUint32(0, b << 16);
  return bf.getFloat32(0);
}
