// Content checks for downloaded files. A wrong file must never be stored as complete: servers and
// mirrors answer errors with HTML pages (often with status 200), S3-style XML, or Git LFS pointers.
import { ModelContentError } from './errors.ts';

export type FileKind = 'onnx' | 'onnx_data' | 'json' | 'safetensors' | 'wasm' | 'other';

/** How many leading bytes `checkStart` wants (fewer only when the file is shorter). */
export const HEAD_BYTES = 64;
/** JSON files larger than this are checked at their ends only (a model's JSON is a few MB at most). */
const MAX_JSON_PARSE = 256 * 1024 * 1024;

export function fileKind(path: string): FileKind {
  const name = path.toLowerCase();
  if (name.endsWith('.onnx')) return 'onnx';
  // External weights: `model.onnx_data`, `model.onnx.data`, `model.onnx_data_1`.
  if (/\.onnx(_data(_\d+)?|\.data)$/.test(name)) return 'onnx_data';
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.safetensors')) return 'safetensors';
  if (name.endsWith('.wasm')) return 'wasm';
  return 'other';
}

/** Refuses a response declared as a web page before any byte is stored. */
export function checkContentType(path: string, contentType: string | null): void {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if (type === 'text/html' || type === 'application/xhtml+xml') throw new ModelContentError(path, 'html', `Content-Type ${type}`);
}

const ascii = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/** The first bytes as text, after whitespace and a UTF-8 byte-order mark. */
function leadingText(head: Uint8Array): string {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return ascii(head.subarray(i, i + 48));
}

/** Reads a protobuf varint at `at`; null when it runs past `bytes` or over 5 bytes. */
function varint(bytes: Uint8Array, at: number): { value: number; next: number } | null {
  let value = 0;
  for (let i = 0; i < 5 && at + i < bytes.length; i++) {
    value += (bytes[at + i] & 0x7f) * 2 ** (7 * i);
    if (!(bytes[at + i] & 0x80)) return { value, next: at + i + 1 };
  }
  return null;
}

/**
 * ModelProto fields that can follow `ir_version` (field 1), with their wire types: producer_name 2,
 * producer_version 3, domain 4, model_version 5 (varint), doc_string 6, graph 7, opset_import 8,
 * metadata_props 14, training_info 20, functions 25, configuration 26.
 */
const MODEL_FIELDS: ReadonlyMap<number, number> = new Map([
  [2, 2], [3, 2], [4, 2], [5, 0], [6, 2], [7, 2], [8, 2], [14, 2], [20, 2], [25, 2], [26, 2],
]);

/** A plausible start of a serialized ONNX ModelProto: field 1 (ir_version, 1–20), then a known field. */
export function looksLikeOnnx(head: Uint8Array): boolean {
  if (head[0] !== 0x08) return false;
  const ir = varint(head, 1);
  if (!ir || ir.value < 1 || ir.value > 20) return false;
  if (ir.next >= head.length) return true; // a file that is only its version: let the size check decide
  const tag = varint(head, ir.next);
  return !!tag && MODEL_FIELDS.get(Math.floor(tag.value / 8)) === tag.value % 8;
}

/** The header length a safetensors file declares in its first 8 bytes (little-endian u64). */
function safetensorsHeaderLength(head: Uint8Array): number {
  return new DataView(head.buffer, head.byteOffset, 8).getUint32(0, true) + new DataView(head.buffer, head.byteOffset, 8).getUint32(4, true) * 2 ** 32;
}

/**
 * Checks the first bytes of a file (all of it when it is shorter than HEAD_BYTES) as soon as they
 * arrive, so a wrong download stops at once. `total` is the full size when known.
 */
export function checkStart(path: string, head: Uint8Array, total: number | null): void {
  const kind = fileKind(path);
  const text = leadingText(head);
  if (/^<(!doctype|html|head|body|\?xml|error)/i.test(text)) throw new ModelContentError(path, 'html');
  if (text.startsWith('version https://git-lfs')) throw new ModelContentError(path, 'lfs-pointer');
  switch (kind) {
    case 'onnx':
      if (!looksLikeOnnx(head)) throw new ModelContentError(path, 'not-onnx', `starts with ${hex(head.subarray(0, 4))}`);
      break;
    case 'json':
      if (!/^[[{]/.test(text)) throw new ModelContentError(path, 'not-json');
      break;
    case 'safetensors': {
      if (head.length < 9) throw new ModelContentError(path, 'not-safetensors', 'too short');
      const n = safetensorsHeaderLength(head);
      if (head[8] !== 0x7b || n < 2 || (total !== null && 8 + n > total)) throw new ModelContentError(path, 'not-safetensors');
      break;
    }
    case 'wasm':
      if (ascii(head.subarray(0, 4)) !== '\0asm') throw new ModelContentError(path, 'not-wasm');
      break;
    case 'onnx_data': // raw tensor bytes: only the size can be checked
    case 'other':
      break;
  }
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

export function checkSize(path: string, actual: number, expected: number | null | undefined): void {
  if (expected !== null && expected !== undefined && actual !== expected) {
    throw new ModelContentError(path, 'size', `${actual} bytes instead of ${expected}`);
  }
}

/** Reads bytes [start, end) of the file being checked. */
export type RangeReader = (start: number, end: number) => Promise<Uint8Array>;

/**
 * The checks on a whole file before it is marked complete: its start again (a resumed file's start
 * was written in an earlier session), JSON that parses, a safetensors header that parses and fits.
 */
export async function checkComplete(path: string, size: number, read: RangeReader): Promise<void> {
  const head = await read(0, Math.min(size, HEAD_BYTES));
  checkStart(path, head, size);
  const kind = fileKind(path);
  if (kind === 'json') {
    if (size > MAX_JSON_PARSE) {
      const tail = leadingText((await read(size - 16, size)).reverse());
      if (!/^[\]}]/.test(tail)) throw new ModelContentError(path, 'not-json', 'truncated');
      return;
    }
    try {
      JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await read(0, size)));
    } catch (error) {
      throw new ModelContentError(path, 'not-json', (error as Error).message);
    }
  } else if (kind === 'safetensors') {
    const n = safetensorsHeaderLength(head);
    let header: Record<string, { data_offsets?: [number, number] }>;
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await read(8, 8 + n)));
    } catch (error) {
      throw new ModelContentError(path, 'not-safetensors', (error as Error).message);
    }
    const end = Math.max(0, ...Object.values(header).map((t) => t?.data_offsets?.[1] ?? 0));
    if (8 + n + end !== size) throw new ModelContentError(path, 'size', `tensors end at ${8 + n + end}, file has ${size} bytes`);
  }
}
