/**
 * Feeds that adapt to what the session declares: a number fills a tensor of the declared shape
 * (a timestep, whatever its type), CPU data is converted to the declared element type (float32 ↔
 * float16, numbers → int64 / int32), symbolic dims are taken from the other feeds.
 */
import { type NumericType, fromNumbers, isNumericType, toNumbers } from './convert.ts';
import { ModelRuntimeError } from './errors.ts';
import { ort } from './ort.ts';

export interface IoInfo {
  name: string;
  /** Element type, or 'non-tensor' for sequences and maps. */
  type: string;
  /** Declared dims: numbers fixed, strings symbolic; empty when the file leaves the shape undefined. */
  shape: readonly (number | string)[];
}

/** One input: a tensor (CPU or GPU), a number to fill the declared shape with, or data with dims. */
export type Feed = ort.Tensor | number | { data: ArrayLike<number> | BigInt64Array; dims: readonly number[] };

export function ioInfo(meta: readonly ort.InferenceSession.ValueMetadata[]): IoInfo[] {
  return meta.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m.name, type: 'non-tensor', shape: [] }));
}

/**
 * By shape, not class: transformers.js builds its tensors with onnxruntime-common's own Tensor
 * class (a second copy of that class; ORT-web's bundle has its own), and ORT accepts either.
 */
const isTensor = (f: Feed): f is ort.Tensor => f instanceof ort.Tensor || (typeof f === 'object' && 'location' in f && 'type' in f && 'dims' in f);

/** Symbolic dim → size, from every feed whose shape is known. */
function symbolSizes(inputs: readonly IoInfo[], feeds: Readonly<Record<string, Feed>>): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const input of inputs) {
    const feed = feeds[input.name];
    if (feed === undefined || typeof feed === 'number') continue;
    input.shape.forEach((d, i) => {
      if (typeof d === 'string' && i < feed.dims.length && !sizes.has(d)) sizes.set(d, feed.dims[i]);
    });
  }
  return sizes;
}

function fail(model: string, message: string): never {
  throw new ModelRuntimeError('io-mismatch', `${model}: ${message}`);
}

function adaptOne(model: string, input: IoInfo, feed: Feed, sizes: Map<string, number>): ort.Tensor {
  const what = `input '${input.name}'`;
  if (!isNumericType(input.type)) {
    if (isTensor(feed)) return feed;
    fail(model, `${what} is ${input.type}; pass an ort.Tensor`);
  }
  const type: NumericType = input.type;
  if (isTensor(feed)) {
    if (feed.type === type) return feed;
    if (feed.location !== 'cpu') {
      fail(model, `${what} is ${type} but a ${feed.type} tensor on the GPU (${feed.location}) was given; it cannot be converted without a download`);
    }
    if (!isNumericType(feed.type)) fail(model, `${what} is ${type}; a ${feed.type} tensor cannot be converted`);
    return new ort.Tensor(type, fromNumbers(toNumbers(feed.data as ArrayLike<number>, feed.type), type, what), feed.dims);
  }
  if (typeof feed === 'number') {
    const dims = input.shape.map((d) => {
      if (typeof d === 'number') return d;
      const size = sizes.get(d);
      if (size === undefined) fail(model, `${what} has the symbolic dim '${d}', which no other feed fixes; pass a tensor or { data, dims }`);
      return size;
    });
    const count = dims.reduce((a, b) => a * b, 1);
    return new ort.Tensor(type, fromNumbers(new Array<number>(count).fill(feed), type, what), dims);
  }
  const count = feed.dims.reduce((a, b) => a * b, 1);
  if (feed.data.length !== count) fail(model, `${what}: ${feed.data.length} values for dims [${feed.dims.join(', ')}]`);
  if (feed.data instanceof BigInt64Array) {
    return new ort.Tensor(type, type === 'int64' ? feed.data : fromNumbers(toNumbers(feed.data, 'int64'), type, what), [...feed.dims]);
  }
  return new ort.Tensor(type, fromNumbers(feed.data, type, what), [...feed.dims]);
}

/** ORT feeds for `inputs` from the caller's feeds. Missing or unknown names fail with the declared list. */
export function adaptFeeds(model: string, inputs: readonly IoInfo[], feeds: Readonly<Record<string, Feed>>): Record<string, ort.Tensor> {
  const declared = inputs.map((i) => i.name);
  const unknown = Object.keys(feeds).filter((k) => !declared.includes(k));
  if (unknown.length) fail(model, `no input named ${unknown.map((n) => `'${n}'`).join(', ')}; it declares ${declared.join(', ')}`);
  const missing = declared.filter((n) => feeds[n] === undefined);
  if (missing.length) fail(model, `missing input ${missing.map((n) => `'${n}'`).join(', ')}; it declares ${declared.join(', ')}`);
  const sizes = symbolSizes(inputs, feeds);
  return Object.fromEntries(inputs.map((input) => [input.name, adaptOne(model, input, feeds[input.name], sizes)]));
}

/** A float16 CPU tensor as float32; any other tensor unchanged. */
export function toFloat32(tensor: ort.Tensor): ort.Tensor {
  if (tensor.type !== 'float16' || tensor.location !== 'cpu') return tensor;
  return new ort.Tensor('float32', Float32Array.from(toNumbers(tensor.data as Uint16Array, 'float16')), tensor.dims);
}

/** A tensor's values as float32, downloading it when it lives on the GPU (one readback). */
export async function readFloat32(tensor: ort.Tensor): Promise<Float32Array> {
  const data = tensor.location === 'cpu' ? tensor.data : await tensor.getData();
  if (!isNumericType(tensor.type)) throw new TypeError(`a ${tensor.type} tensor has no float values`);
  return tensor.type === 'float32' ? (data as Float32Array) : Float32Array.from(toNumbers(data as ArrayLike<number>, tensor.type));
}
