/**
 * A minimal ONNX protobuf writer for graphs of a few nodes without weights. The runtime uses it to
 * initialise ORT's WebGPU backend (and so its GPUDevice) before any real model is loaded; tests
 * use it for small contract models (an int64 timestep, say) that the fixture set does not hold.
 * Field numbers are those of onnx.proto.
 */

export type TinyType = 'float32' | 'float16' | 'int32' | 'int64';
export interface TinyValue {
  name: string;
  type: TinyType;
  dims: (number | string)[];
}
export interface TinyNode {
  op: string;
  inputs: string[];
  outputs: string[];
  /** Integer attributes (e.g. Cast's `to`). */
  ints?: Record<string, number>;
}

/** onnx.TensorProto.DataType */
export const ELEM_TYPE: Readonly<Record<TinyType, number>> = { float32: 1, int32: 6, int64: 7, float16: 10 };

const utf8 = new TextEncoder();

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

// Wire types: 0 varint, 2 length-delimited.
const int = (field: number, value: number) => [...varint(field * 8), ...varint(value)];
const bytes = (field: number, data: ArrayLike<number>) => [...varint(field * 8 + 2), ...varint(data.length), ...Array.from(data)];
const str = (field: number, s: string) => bytes(field, utf8.encode(s));

function valueInfo(v: TinyValue): number[] {
  const dims = v.dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  const tensorType = [...int(1, ELEM_TYPE[v.type]), ...bytes(2, dims)];
  return [...str(1, v.name), ...bytes(2, bytes(1, tensorType))];
}

function node(n: TinyNode, index: number): number[] {
  const attrs = Object.entries(n.ints ?? {}).flatMap(([name, value]) => bytes(5, [...str(1, name), ...int(3, value), ...int(20, 2)]));
  return [...n.inputs.flatMap((i) => str(1, i)), ...n.outputs.flatMap((o) => str(2, o)), ...str(3, `n${index}`), ...str(4, n.op), ...attrs];
}

/** An ONNX model (IR 8, opset 17) holding `nodes` between `inputs` and `outputs`. */
export function tinyModel(inputs: TinyValue[], outputs: TinyValue[], nodes: TinyNode[]): Uint8Array {
  const graph = [
    ...nodes.flatMap((n, i) => bytes(1, node(n, i))),
    ...str(2, 'tiny'),
    ...inputs.flatMap((v) => bytes(11, valueInfo(v))),
    ...outputs.flatMap((v) => bytes(12, valueInfo(v))),
  ];
  return Uint8Array.from([...int(1, 8), ...str(2, 'instruct-edit'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...int(2, 17)])]);
}

/** y = x for one float: the cheapest session that makes ORT set up its WebGPU device. */
export const identityModel = () =>
  tinyModel([{ name: 'x', type: 'float32', dims: [1] }], [{ name: 'y', type: 'float32', dims: [1] }], [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }]);
