// A minimal ONNX protobuf writer: enough to build small graphs (one MatMul, one Conv with
// its attributes, a few chained nodes) as model bytes for onnxruntime-web. Field numbers
// follow onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
// ValueInfoProto, TypeProto, TensorShapeProto, TensorProto).

export type AttrValue =
  | { int: number }
  | { ints: number[] }
  | { float: number }
  | { floats: number[] }
  | { string: string };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attrs?: Record<string, AttrValue>;
  domain?: string;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  /** float32 only: the benchmarks need nothing else. */
  data: Float32Array;
}

export interface OnnxValue {
  name: string;
  /** Dimensions; a string is a symbolic dimension (e.g. 'N'). */
  dims: (number | string)[];
}

export interface OnnxGraph {
  name?: string;
  nodes: OnnxNode[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  initializers?: OnnxTensor[];
  /** Default opset 13. */
  opset?: number;
}

// TensorProto.DataType and AttributeProto.AttributeType values used here.
const FLOAT = 1;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

// ---------------------------------------------------------------------------------------
// Protobuf wire format

class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Varint of a non-negative or negative integer (negatives as 64-bit two's complement). */
  varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) b |= 0x80;
      this.byte(b);
    } while (x !== 0n);
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  // Field writers: wire type 0 = varint, 2 = length-delimited, 5 = 32-bit.
  int(field: number, v: number): void {
    this.tag(field, 0);
    this.varint(v);
  }

  float(field: number, v: number): void {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.bytes(b);
  }

  blob(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.bytes(b);
  }

  string(field: number, s: string): void {
    this.blob(field, new TextEncoder().encode(s));
  }

  message(field: number, build: (w: Writer) => void): void {
    const w = new Writer();
    build(w);
    this.blob(field, w.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

// ---------------------------------------------------------------------------------------
// ONNX messages

function attribute(w: Writer, name: string, a: AttrValue): void {
  w.string(1, name);
  if ('int' in a) {
    w.int(3, a.int);
    w.int(20, ATTR.INT);
  } else if ('ints' in a) {
    for (const v of a.ints) w.int(8, v);
    w.int(20, ATTR.INTS);
  } else if ('float' in a) {
    w.float(2, a.float);
    w.int(20, ATTR.FLOAT);
  } else if ('floats' in a) {
    for (const v of a.floats) w.float(7, v);
    w.int(20, ATTR.FLOATS);
  } else {
    w.string(4, a.string);
    w.int(20, ATTR.STRING);
  }
}

function node(w: Writer, n: OnnxNode, index: number): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name ?? `${n.op}_${index}`);
  w.string(4, n.op);
  for (const [k, v] of Object.entries(n.attrs ?? {})) w.message(5, (a) => attribute(a, k, v));
  if (n.domain) w.string(7, n.domain);
}

function valueInfo(w: Writer, v: OnnxValue): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT);
      tensor.message(2, (shape) => {
        for (const d of v.dims) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function tensor(w: Writer, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, FLOAT);
  w.string(8, t.name);
  // raw_data is little-endian, which typed arrays are on every platform we run on.
  w.blob(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

/** Serialises a graph into ModelProto bytes (ir_version 8, default opset 13). */
export function onnxModel(g: OnnxGraph): Uint8Array {
  const w = new Writer();
  w.int(1, 8); // ir_version
  w.string(2, 'simdnet-bench'); // producer_name
  w.message(7, (graph) => {
    g.nodes.forEach((n, i) => graph.message(1, (nw) => node(nw, n, i)));
    graph.string(2, g.name ?? 'bench');
    for (const t of g.initializers ?? []) graph.message(5, (tw) => tensor(tw, t));
    for (const v of g.inputs) graph.message(11, (vw) => valueInfo(vw, v));
    for (const v of g.outputs) graph.message(12, (vw) => valueInfo(vw, v));
  });
  w.message(8, (op) => {
    op.string(1, ''); // the default ai.onnx domain
    op.int(2, g.opset ?? 13);
  });
  return w.finish();
}
