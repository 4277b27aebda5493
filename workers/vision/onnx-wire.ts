// Just enough of the protobuf wire format to read an ONNX model's graph (nodes, initializers,
// inputs, outputs) without decoding its weights, and to write a new model out of pieces of it
// copied byte for byte. Field numbers are onnx.proto's. No dependency: this runs in the worker,
// over a file that may be hundreds of megabytes, and copies nothing it does not keep.

export const enum Wire {
  Varint = 0,
  Fixed64 = 1,
  Bytes = 2,
  Fixed32 = 5,
}

export interface Field {
  no: number;
  wire: Wire;
  /** Varint value (Varint), or the payload's bounds (Bytes, Fixed32, Fixed64). */
  value: number;
  start: number;
  end: number;
}

function varint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= buf.length) throw new Error('ONNX file ends inside a varint');
    const b = buf[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
    scale *= 128;
  }
}

/** The fields of one message, in file order. */
export function* fields(buf: Uint8Array, start = 0, end = buf.length): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const [key, p] = varint(buf, pos);
    const no = Math.floor(key / 8);
    const wire = (key & 7) as Wire;
    pos = p;
    if (wire === Wire.Varint) {
      const [value, q] = varint(buf, pos);
      yield { no, wire, value, start: pos, end: q };
      pos = q;
    } else if (wire === Wire.Bytes) {
      const [len, q] = varint(buf, pos);
      if (q + len > end) throw new Error('ONNX field runs past its message');
      yield { no, wire, value: len, start: q, end: q + len };
      pos = q + len;
    } else if (wire === Wire.Fixed32 || wire === Wire.Fixed64) {
      const n = wire === Wire.Fixed32 ? 4 : 8;
      yield { no, wire, value: 0, start: pos, end: pos + n };
      pos += n;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

const text = new TextDecoder();
const str = (buf: Uint8Array, f: Field) => text.decode(buf.subarray(f.start, f.end));

/** A message's raw bytes: its payload, without key or length. */
export type Raw = Uint8Array;

export interface OnnxAttribute {
  name: string;
  i?: number;
  ints: number[];
}
export interface OnnxNode {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
  raw: Raw;
}
export interface OnnxInitializer {
  name: string;
  dims: number[];
  dataType: number;
  raw: Raw;
  external: boolean;
}
export interface OnnxModel {
  irVersion: number;
  opsets: Raw[];
  functions: Raw[];
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: string[];
  outputs: string[];
}

/** Integers of a repeated int64 field, packed or not. */
function ints(buf: Uint8Array, f: Field, into: number[]): void {
  if (f.wire === Wire.Varint) into.push(f.value > 2 ** 63 ? f.value - 2 ** 64 : f.value);
  else for (let p = f.start; p < f.end; ) {
    const [v, q] = varint(buf, p);
    into.push(v > 2 ** 63 ? v - 2 ** 64 : v);
    p = q;
  }
}

function readAttribute(buf: Uint8Array, start: number, end: number): OnnxAttribute {
  const a: OnnxAttribute = { name: '', ints: [] };
  for (const f of fields(buf, start, end)) {
    if (f.no === 1) a.name = str(buf, f);
    else if (f.no === 3) a.i = f.value > 2 ** 63 ? f.value - 2 ** 64 : f.value;
    else if (f.no === 8) ints(buf, f, a.ints);
  }
  return a;
}

function readNode(buf: Uint8Array, start: number, end: number): OnnxNode {
  const n: OnnxNode = { opType: '', domain: '', inputs: [], outputs: [], attributes: [], raw: buf.subarray(start, end) };
  for (const f of fields(buf, start, end)) {
    if (f.no === 1) n.inputs.push(str(buf, f));
    else if (f.no === 2) n.outputs.push(str(buf, f));
    else if (f.no === 4) n.opType = str(buf, f);
    else if (f.no === 7) n.domain = str(buf, f);
    else if (f.no === 5) n.attributes.push(readAttribute(buf, f.start, f.end));
  }
  return n;
}

function readInitializer(buf: Uint8Array, start: number, end: number): OnnxInitializer {
  const t: OnnxInitializer = { name: '', dims: [], dataType: 0, raw: buf.subarray(start, end), external: false };
  for (const f of fields(buf, start, end)) {
    if (f.no === 1) ints(buf, f, t.dims);
    else if (f.no === 2) t.dataType = f.value;
    else if (f.no === 8) t.name = str(buf, f);
    else if (f.no === 14) t.external = f.value === 1;
  }
  return t;
}

function valueInfoName(buf: Uint8Array, start: number, end: number): string {
  for (const f of fields(buf, start, end)) if (f.no === 1) return str(buf, f);
  return '';
}

export function readModel(buf: Uint8Array): OnnxModel {
  const m: OnnxModel = { irVersion: 0, opsets: [], functions: [], nodes: [], initializers: [], inputs: [], outputs: [] };
  // A message field that occurs more than once is merged (protobuf's rule, which ORT's parser follows):
  // a graph appended after the model (exposeHiddenState) adds its nodes and outputs to the first.
  const graphs: Field[] = [];
  for (const f of fields(buf)) {
    if (f.no === 1) m.irVersion = f.value;
    else if (f.no === 8) m.opsets.push(buf.subarray(f.start, f.end));
    else if (f.no === 25) m.functions.push(buf.subarray(f.start, f.end));
    else if (f.no === 7) graphs.push(f);
  }
  if (!graphs.length) throw new Error('not an ONNX model: no graph');
  for (const graph of graphs) {
    for (const f of fields(buf, graph.start, graph.end)) {
      if (f.no === 1) m.nodes.push(readNode(buf, f.start, f.end));
      else if (f.no === 5) m.initializers.push(readInitializer(buf, f.start, f.end));
      else if (f.no === 11) m.inputs.push(valueInfoName(buf, f.start, f.end));
      else if (f.no === 12) m.outputs.push(valueInfoName(buf, f.start, f.end));
    }
  }
  return m;
}

/** Float values of an fp32 initializer (raw_data or float_data). */
export function floatData(t: OnnxInitializer): Float32Array {
  if (t.dataType !== 1) throw new Error(`${t.name}: not float32 (data type ${t.dataType})`);
  if (t.external) throw new Error(`${t.name}: weights in an external file`);
  const count = t.dims.reduce((a, b) => a * b, 1);
  for (const f of fields(t.raw)) {
    if (f.no === 9) return new Float32Array(t.raw.slice(f.start, f.end).buffer, 0, count);
    if (f.no === 4 && f.wire === Wire.Bytes) return new Float32Array(t.raw.slice(f.start, f.end).buffer, 0, count);
  }
  const out: number[] = [];
  const view = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
  for (const f of fields(t.raw)) if (f.no === 4 && f.wire === Wire.Fixed32) out.push(view.getFloat32(f.start, true));
  return Float32Array.from(out);
}

/** Builds protobuf messages from fields; nested messages are written into their own Writer. */
export class Writer {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.length += b.length;
  }

  private varint(n: number): void {
    const out: number[] = [];
    while (n >= 128) {
      out.push((n % 128) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    this.push(Uint8Array.from(out));
  }

  int(no: number, value: number): this {
    this.varint(no * 8 + Wire.Varint);
    this.varint(value);
    return this;
  }

  bytes(no: number, payload: Uint8Array): this {
    this.varint(no * 8 + Wire.Bytes);
    this.varint(payload.length);
    this.push(payload);
    return this;
  }

  string(no: number, s: string): this {
    return this.bytes(no, new TextEncoder().encode(s));
  }

  message(no: number, build: (w: Writer) => void): this {
    const w = new Writer();
    build(w);
    return this.bytes(no, w.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** A ValueInfoProto for a float32 tensor; dims are numbers or symbolic names, or omitted (no shape). */
export function floatValueInfo(w: Writer, no: number, name: string, dims?: (number | string)[]): void {
  w.message(no, (vi) => {
    vi.string(1, name);
    vi.message(2, (type) =>
      type.message(1, (tensor) => {
        tensor.int(1, 1);
        if (dims) tensor.message(2, (shape) => dims.forEach((d) => shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)))));
      }),
    );
  });
}
