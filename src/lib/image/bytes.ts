/** Bounds-checked readers: they return -1 past the end instead of reading garbage. */

export function u8(b: Uint8Array, i: number): number {
  return i >= 0 && i < b.length ? b[i] : -1;
}

export function u16be(b: Uint8Array, i: number): number {
  return i >= 0 && i + 2 <= b.length ? (b[i] << 8) | b[i + 1] : -1;
}

export function u16le(b: Uint8Array, i: number): number {
  return i >= 0 && i + 2 <= b.length ? b[i] | (b[i + 1] << 8) : -1;
}

export function u24le(b: Uint8Array, i: number): number {
  return i >= 0 && i + 3 <= b.length ? b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) : -1;
}

export function u32be(b: Uint8Array, i: number): number {
  return i >= 0 && i + 4 <= b.length ? ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0 : -1;
}

export function u32le(b: Uint8Array, i: number): number {
  return i >= 0 && i + 4 <= b.length ? (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0 : -1;
}

export function i32le(b: Uint8Array, i: number): number {
  return i >= 0 && i + 4 <= b.length ? b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24) : 0;
}

/** The bytes as Latin-1 text (one char per byte), for four-character codes and magic strings. */
export function ascii(b: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

export function startsWith(b: Uint8Array, magic: readonly number[], at = 0): boolean {
  return magic.every((v, k) => b[at + k] === v);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 as PNG uses it (ISO 3309), over b[start, end). */
export function crc32(b: Uint8Array, start: number, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
