// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes
// of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}`, then the tensor bytes,
// offsets relative to the end of the header. Reading the header alone tells every tensor's byte
// range in the file, so a graph can point at those bytes (ONNX external data) or fetch one tower by
// Range requests, without reading the rest.
import { fromHalfBits } from '../../workers/runtime/convert.ts';

export type SafeDtype = 'F16' | 'F32' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const BYTES: Record<SafeDtype, number> = { F16: 2, BF16: 2, F32: 4, F64: 8, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

export interface SafeTensor {
  name: string;
  dtype: SafeDtype;
  shape: number[];
  /** Absolute byte offset in the file. */
  offset: number;
  length: number;
}

export interface SafeHeader {
  /** Where the tensor bytes start (8 + header length). */
  dataStart: number;
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

/** Files over this many header bytes are not safetensors (the format caps the header at 100 MB). */
const MAX_HEADER = 100_000_000;

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** The header length from the file's first 8 bytes. */
export function headerLength(first8: Uint8Array, file = 'file'): number {
  if (first8.length < 8) throw new SafetensorsError(`${file} is shorter than a safetensors header`);
  const n = Number(new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true));
  if (n < 2 || n > MAX_HEADER) throw new SafetensorsError(`${file} is not a safetensors file (header length ${n})`);
  return n;
}

/**
 * Parses the header from the file's first bytes (at least 8 + N of them), checking every tensor's
 * dtype, shape and byte range against the file size when it is known.
 */
export function parseHeader(head: Uint8Array, file = 'file', fileSize?: number): SafeHeader {
  const n = headerLength(head, file);
  if (head.length < 8 + n) throw new SafetensorsError(`${file}: header needs ${8 + n} bytes, got ${head.length}`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(head.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch (e) {
    throw new SafetensorsError(`${file}: the safetensors header is not JSON (${(e as Error).message})`, { cause: e });
  }
  const dataStart = 8 + n;
  const tensors = new Map<string, SafeTensor>();
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') continue;
    const t = value as { dtype?: string; shape?: unknown; data_offsets?: unknown };
    const dtype = t.dtype as SafeDtype;
    const shape = t.shape;
    const offsets = t.data_offsets;
    if (!(dtype in BYTES) || !Array.isArray(shape) || !Array.isArray(offsets) || offsets.length !== 2) {
      throw new SafetensorsError(`${file}: tensor '${name}' has a malformed entry`);
    }
    const [begin, end] = offsets as number[];
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== elements * BYTES[dtype]) throw new SafetensorsError(`${file}: tensor '${name}' spans ${end - begin} bytes, its shape needs ${elements * BYTES[dtype]}`);
    if (fileSize !== undefined && dataStart + end > fileSize) throw new SafetensorsError(`${file}: tensor '${name}' ends past the end of the file (truncated?)`);
    tensors.set(name, { name, dtype, shape: shape as number[], offset: dataStart + begin, length: end - begin });
  }
  return { dataStart, tensors, metadata: (json.__metadata__ as Record<string, string> | undefined) ?? {} };
}

/** A tensor's values as float32 (F16, BF16, F32 and F64 files). */
export function toFloat32(t: SafeTensor, bytes: Uint8Array): Float32Array {
  if (bytes.length !== t.length) throw new SafetensorsError(`${t.name}: expected ${t.length} bytes, got ${bytes.length}`);
  const copy = bytes.slice(); // aligned
  switch (t.dtype) {
    case 'F32':
      return new Float32Array(copy.buffer);
    case 'F64':
      return Float32Array.from(new Float64Array(copy.buffer));
    case 'F16': {
      const half = new Uint16Array(copy.buffer);
      const out = new Float32Array(half.length);
      for (let i = 0; i < half.length; i++) out[i] = fromHalfBits(half[i]);
      return out;
    }
    case 'BF16': {
      const bits = new Uint16Array(copy.buffer);
      const out = new Uint32Array(bits.length);
      for (let i = 0; i < bits.length; i++) out[i] = bits[i] << 16;
      return new Float32Array(out.buffer);
    }
    default:
      throw new SafetensorsError(`${t.name} is ${t.dtype}, not a float tensor`);
  }
}

/** Writes a safetensors file (fixtures; the official files are never rewritten). Tensors keep their insertion order. */
export function writeSafetensors(tensors: { name: string; dtype: 'F16' | 'F32'; shape: number[]; data: Uint8Array }[], metadata: Record<string, string> = { format: 'pt' }): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.length] };
    offset += t.data.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // tensor data 8-byte aligned, as the reference writer pads
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors) {
    out.set(t.data, at);
    at += t.data.length;
  }
  return out;
}
