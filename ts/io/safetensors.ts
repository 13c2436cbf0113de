// safetensors, the weight format of PyTorch and Hugging Face: an 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw tensor bytes.
// The reader checks the whole header (sizes, dtypes, shapes, offsets inside the buffer, no
// overlaps or holes) before it trusts a byte.
import { opError } from '../backend/index';
import { Tensor } from '../tensor/tensor';
import type { Module } from '../nn/module';
import { halfToFloat, bfloat16ToFloat } from './float16';

/** One tensor of a decoded safetensors file, converted to float32. */
export interface TensorEntry {
  /** Always 'F32' after decoding. */
  dtype: 'F32';
  /** The dimensions. */
  shape: number[];
  /** The values, row-major. */
  data: Float32Array;
}

const DTYPE_BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const MAX_HEADER = 100 * 1024 * 1024;
// Element i of a little-endian buffer as a number, per dtype that loads (as float32).
const TO_F32: Record<string, (v: DataView, i: number) => number> = {
  F32: (v, i) => v.getFloat32(i * 4, true),
  F16: (v, i) => halfToFloat(v.getUint16(i * 2, true)),
  BF16: (v, i) => bfloat16ToFloat(v.getUint16(i * 2, true)),
  F64: (v, i) => v.getFloat64(i * 8, true),
  I64: (v, i) => Number(v.getBigInt64(i * 8, true)),
  I32: (v, i) => v.getInt32(i * 4, true),
};

function fail(msg: string): never {
  throw opError('loadSafetensors', msg);
}

/**
 * Serialises named tensors (a module's stateDict, or any record) to safetensors bytes.
 *
 * @example
 * ```ts
 * const bytes = sn.io.encodeSafetensors({ w: sn.ones([2, 2]) }, { note: 'demo' });
 * const { tensors, metadata } = sn.io.decodeSafetensors(bytes);
 * console.log(tensors.w.shape, tensors.w.data, metadata.note); // [2, 2] Float32Array [1, 1, 1, 1] demo
 * ```
 */
export function encodeSafetensors(tensors: Record<string, Tensor | { shape: readonly number[]; data: Float32Array }>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = Object.create(null); // a tensor may be named __proto__
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  const datas: Float32Array[] = [];
  for (const name of names) {
    const t = tensors[name];
    const data = t instanceof Tensor ? t.dataSync() : t.data;
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
    datas.push(data);
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // keep the data 8-byte aligned
  const jsonBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + jsonBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(jsonBytes.length), true);
  out.set(jsonBytes, 8);
  let p = 8 + jsonBytes.length;
  for (const d of datas) {
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), p);
    p += d.byteLength;
  }
  return out;
}

/**
 * Parses and validates safetensors bytes. F32 tensors load as they are; F16, BF16 and F64
 * (PyTorch's reduced- and double-precision weights) and I64/I32 (counters such as batch
 * norm's num_batches_tracked) are converted to F32; other dtypes are rejected by name.
 *
 * @example
 * ```ts
 * const net = new sn.nn.Linear(3, 2);
 * const { tensors } = sn.io.decodeSafetensors(sn.io.saveSafetensors(net));
 * console.log(Object.keys(tensors).sort(), tensors.weight.shape); // ['bias', 'weight'] [3, 2]
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array): {
  /** The tensors by name. */
  tensors: Record<string, TensorEntry>;
  /** The header's __metadata__ strings. */
  metadata: Record<string, string>;
} {
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) fail(`header length ${n} exceeds the file (${bytes.length} bytes)`);
  const hlen = Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + hlen)));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON: ${(e as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header must be a JSON object');
  const dataStart = 8 + hlen;
  const dataLen = bytes.length - dataStart;
  // Null-prototype maps: an entry named __proto__ is a tensor like any other, not the
  // object's prototype.
  const metadata: Record<string, string> = Object.create(null);
  const spans: [number, number, string][] = [];
  const tensors: Record<string, TensorEntry> = Object.create(null);
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) fail('__metadata__ must be an object of strings');
      for (const [mk, mv] of Object.entries(v as Record<string, unknown>)) {
        if (typeof mv !== 'string') fail(`__metadata__.${mk} must be a string`);
        metadata[mk] = mv;
      }
      continue;
    }
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e === null || typeof e !== 'object') fail(`entry '${name}' must be an object`);
    if (typeof e.dtype !== 'string' || !(e.dtype in DTYPE_BYTES)) fail(`entry '${name}' has unknown dtype ${JSON.stringify(e.dtype)}`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`entry '${name}' has an invalid shape ${JSON.stringify(e.shape)}`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0) || off[0] > off[1])
      fail(`entry '${name}' has invalid data_offsets ${JSON.stringify(off)}`);
    const [b, end] = off as [number, number];
    if (end > dataLen) fail(`entry '${name}' data_offsets [${b}, ${end}] run past the data (${dataLen} bytes)`);
    const count = (e.shape as number[]).reduce((a, c) => a * c, 1);
    if (end - b !== count * DTYPE_BYTES[e.dtype]) fail(`entry '${name}' holds ${end - b} bytes but ${e.dtype} ${JSON.stringify(e.shape)} needs ${count * DTYPE_BYTES[e.dtype]}`);
    if (!(e.dtype in TO_F32)) fail(`entry '${name}' has dtype ${e.dtype}; simdnet loads F32, F16, BF16, F64, I64 and I32 tensors (as F32)`);
    spans.push([b, end, name]);
    const copy = new Uint8Array(end - b);
    copy.set(bytes.subarray(dataStart + b, dataStart + end));
    const view = new DataView(copy.buffer);
    tensors[name] = { dtype: 'F32', shape: e.shape as number[], data: e.dtype === 'F32' ? new Float32Array(copy.buffer) : Float32Array.from({ length: count }, (_, i) => TO_F32[e.dtype as string](view, i)) };
  }
  // The tensors must tile the data exactly: no overlap, no hole, nothing trailing.
  spans.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let pos = 0;
  for (const [b, end, name] of spans) {
    if (b < pos) fail(`entry '${name}' overlaps the previous tensor's bytes`);
    if (b > pos) fail(`bytes [${pos}, ${b}) before entry '${name}' belong to no tensor`);
    pos = end;
  }
  if (pos !== dataLen) fail(`${dataLen - pos} trailing bytes belong to no tensor`);
  return { tensors, metadata };
}

/**
 * A module's parameters and buffers as safetensors bytes.
 *
 * @example
 * ```ts writes a file
 * import { writeFileSync } from 'node:fs';
 * const net = sn.nn.models.lenet5();
 * writeFileSync('lenet5.safetensors', sn.io.saveSafetensors(net, { epochs: '5' }));
 * ```
 */
export function saveSafetensors(model: Module, metadata?: Record<string, string>): Uint8Array {
  return encodeSafetensors(model.stateDict(), { format: 'simdnet', ...metadata });
}

/**
 * Loads weights saved by saveSafetensors (or any F32 safetensors with matching names).
 *
 * @example
 * ```ts
 * const trained = sn.nn.models.lenet5();
 * const bytes = sn.io.saveSafetensors(trained, { epochs: '5' });
 * const net = sn.nn.models.lenet5();
 * console.log(sn.io.loadSafetensors(net, bytes)); // { format: 'simdnet', epochs: '5' }: the file's metadata
 * ```
 */
export function loadSafetensors(model: Module, bytes: Uint8Array, options: { strict?: boolean } = {}): Record<string, string> {
  const { tensors, metadata } = decodeSafetensors(bytes);
  model.loadStateDict(tensors, options.strict ?? true);
  return metadata;
}
