// ONNX bytes → a plain graph: nodes with decoded attributes, initializers as constants,
// inputs and outputs with their declared shapes. Everything a file can get wrong at this
// level (not protobuf, truncated, no graph, external data, a dtype we do not read, a node
// from another domain) is an Error here, before anything runs.
import { onnx } from './proto.js';
import { Const, onnxError } from './values';
import { halfToFloat, bfloat16ToFloat } from '../float16';

export interface OnnxNode {
  op: string;
  name: string;
  /** '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attrs: Map<string, Attr>;
}

export type Attr = number | number[] | string | string[] | Const;

export interface OnnxValueInfo {
  name: string;
  /** Declared dimensions; a string is a symbolic dimension, null an unknown one. */
  shape: (number | string | null)[] | null;
  dtype: string;
}

export interface OnnxGraph {
  name: string;
  opset: number;
  producer: string;
  nodes: OnnxNode[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: Map<string, Const>;
}

export const MIN_OPSET = 7;
export const MAX_OPSET = 21;

// TensorProto.DataType
const DTYPES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
  10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
};

/** int64 fields arrive as numbers or Long objects, depending on whether `long` is present. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return Number(v);
}

/** A TensorProto as a constant: floats as float32, integers and booleans as numbers. */
export function decodeTensor(t: onnx.ITensorProto, where: string): Const {
  const name = t.name || where;
  const dims = (t.dims ?? []).map(num);
  const size = dims.reduce((a, b) => a * b, 1);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData && t.externalData.length))
    throw onnxError(`tensor '${name}' keeps its data in an external file; loadOnnx reads self-contained models only (save with onnx.save_model(..., save_as_external_data=False))`);
  const dtype = DTYPES[t.dataType ?? 0] ?? `type ${t.dataType}`;
  const raw = t.rawData && t.rawData.length ? t.rawData : null;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  const need = (bytes: number) => {
    if (raw && raw.length !== size * bytes)
      throw onnxError(`tensor '${name}' ${JSON.stringify(dims)} of ${dtype} has ${raw.length} bytes of data, expected ${size * bytes}`);
  };
  const fromList = (list: ArrayLike<unknown> | null | undefined, conv: (v: unknown) => number = num) => {
    const n = list?.length ?? 0;
    if (n !== size) throw onnxError(`tensor '${name}' ${JSON.stringify(dims)} of ${dtype} has ${n} values, expected ${size}`);
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = conv(list![i]);
    return out;
  };
  let data: Float32Array | Float64Array;
  let kind: 'float' | 'int' = 'int';
  switch (dtype) {
    case 'float32':
      kind = 'float';
      need(4);
      if (view) {
        data = new Float32Array(size);
        for (let i = 0; i < size; i++) data[i] = view.getFloat32(i * 4, true);
      } else data = Float32Array.from(fromList(t.floatData));
      break;
    case 'float64':
      kind = 'float';
      need(8);
      data = view ? Float32Array.from({ length: size }, (_, i) => view.getFloat64(i * 8, true)) : Float32Array.from(fromList(t.doubleData));
      break;
    case 'float16':
    case 'bfloat16': {
      kind = 'float';
      need(2);
      // Without raw data the 16-bit patterns sit in int32_data.
      const bits = view ? Array.from({ length: size }, (_, i) => view.getUint16(i * 2, true)) : Array.from(fromList(t.int32Data));
      data = Float32Array.from(bits, dtype === 'float16' ? halfToFloat : bfloat16ToFloat);
      break;
    }
    case 'int64':
      need(8);
      data = view ? Float64Array.from({ length: size }, (_, i) => Number(view.getBigInt64(i * 8, true))) : fromList(t.int64Data);
      break;
    case 'int32': case 'int16': case 'int8': case 'uint8': case 'uint16': case 'bool': {
      const bytes = { int32: 4, int16: 2, int8: 1, uint8: 1, uint16: 2, bool: 1 }[dtype];
      need(bytes);
      if (view) {
        const get = { int32: (i: number) => view.getInt32(i * 4, true), int16: (i: number) => view.getInt16(i * 2, true), int8: (i: number) => view.getInt8(i),
          uint8: (i: number) => view.getUint8(i), uint16: (i: number) => view.getUint16(i * 2, true), bool: (i: number) => view.getUint8(i) }[dtype];
        data = Float64Array.from({ length: size }, (_, i) => get(i));
      } else data = fromList(t.int32Data);
      break;
    }
    default:
      throw onnxError(`tensor '${name}' has data type ${dtype}; loadOnnx reads float32, float16, bfloat16, float64 and integer/boolean tensors`);
  }
  return new Const(kind, dims, data, dtype === 'bool' ? 'bool' : undefined);
}

function decodeAttr(a: onnx.IAttributeProto, node: string): Attr {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.FLOAT: return a.f ?? 0;
    case T.INT: return num(a.i);
    case T.STRING: return new TextDecoder().decode(a.s ?? new Uint8Array());
    case T.TENSOR: return decodeTensor(a.t ?? {}, `${node}.${a.name}`);
    case T.FLOATS: return Array.from(a.floats ?? []);
    case T.INTS: return (a.ints ?? []).map(num);
    case T.STRINGS: return (a.strings ?? []).map((s) => new TextDecoder().decode(s));
    default:
      throw onnxError(`node '${node}': attribute '${a.name}' has type ${a.type} (graphs, sparse tensors and type protos are not supported)`);
  }
}

function valueInfo(v: onnx.IValueInfoProto): OnnxValueInfo {
  const tt = v.type?.tensorType;
  const shape = tt?.shape ? (tt.shape.dim ?? []).map((d) => (d.dimValue != null && d.value === 'dimValue' ? num(d.dimValue) : d.dimParam ? d.dimParam : null)) : null;
  return { name: v.name ?? '', shape, dtype: DTYPES[tt?.elemType ?? 0] ?? `type ${tt?.elemType}` };
}

/** Parses ModelProto bytes. */
export function decodeModel(bytes: Uint8Array): OnnxGraph {
  if (!(bytes instanceof Uint8Array) && !(Object.prototype.toString.call(bytes) === '[object Uint8Array]'))
    throw onnxError(`argument 'bytes' must be a Uint8Array of an .onnx file, got ${Object.prototype.toString.call(bytes)}`);
  if (bytes.length === 0) throw onnxError(`argument 'bytes' is empty`);
  let m: onnx.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw onnxError(`the bytes are not an ONNX model (protobuf decoding failed: ${(e as Error).message}); is the file truncated?`);
  }
  const g = m.graph;
  if (!g || !g.node) throw onnxError(`the model has no graph; is this an ONNX model file?`);
  let opset = -1;
  for (const o of m.opsetImport ?? []) {
    const d = o.domain ?? '';
    if (d === '' || d === 'ai.onnx') opset = num(o.version);
  }
  if (opset < 0) opset = m.opsetImport?.length ? -1 : 1;
  if (opset < MIN_OPSET || opset > MAX_OPSET)
    throw onnxError(`the model uses opset ${opset} of the default domain; loadOnnx reads opsets ${MIN_OPSET} to ${MAX_OPSET}`);
  const initializers = new Map<string, Const>();
  for (const t of g.initializer ?? []) initializers.set(t.name ?? '', decodeTensor(t, 'initializer'));
  const nodes: OnnxNode[] = g.node.map((n, i) => {
    const name = n.name || `${n.opType}_${i}`;
    if (n.domain && n.domain !== 'ai.onnx')
      throw onnxError(`node '${name}' (${n.opType}) is from domain '${n.domain}'; loadOnnx runs the default ONNX domain only`);
    const attrs = new Map<string, Attr>();
    for (const a of n.attribute ?? []) attrs.set(a.name ?? '', decodeAttr(a, name));
    return { op: n.opType ?? '', name, inputs: n.input ?? [], outputs: n.output ?? [], attrs };
  });
  const inputs = (g.input ?? []).map(valueInfo).filter((v) => !initializers.has(v.name));
  const outputs = (g.output ?? []).map(valueInfo);
  for (const v of [...inputs, ...outputs])
    if (v.dtype !== 'float32') throw onnxError(`graph ${inputs.includes(v) ? 'input' : 'output'} '${v.name}' has type ${v.dtype}; loadOnnx runs float32 models`);
  if (inputs.length === 0) throw onnxError(`the graph has no inputs`);
  return { name: g.name ?? '', opset, producer: m.producerName ?? '', nodes, inputs, outputs, initializers };
}

/** ModelProto bytes as a plain Uint8Array (protobufjs gives a Node Buffer in Node, whose slice() is a view). */
export function encodeModel(m: onnx.IModelProto): Uint8Array {
  const b = onnx.ModelProto.encode(m).finish();
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
