import { ascii, crc32, startsWith, u32be } from './bytes.ts';
import { blankSniff, type SniffResult } from './sniff-types.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** A whole IEND chunk: zero length, type, and its fixed CRC. */
const IEND = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
/** Bit depths allowed for each colour type (PNG spec, table 11.1). */
const DEPTHS: Readonly<Record<number, readonly number[]>> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const MAX_DIMENSION = 2 ** 31 - 1;

export function sniffPng(head: Uint8Array, tail: Uint8Array, whole: boolean): SniffResult | null {
  if (!startsWith(head, SIGNATURE)) return null;
  const r = blankSniff('png');
  // Signature (8) + IHDR length and type (8) + IHDR data (13) + CRC (4).
  if (head.length < 33) {
    if (whole) r.complete = false;
    return r;
  }
  if (u32be(head, 8) !== 13 || ascii(head, 12, 4) !== 'IHDR') {
    r.corrupt = 'the first chunk is not a 13-byte IHDR';
    return r;
  }
  if (crc32(head, 12, 29) !== u32be(head, 29)) {
    r.corrupt = 'the IHDR checksum does not match';
    return r;
  }
  r.width = u32be(head, 16);
  r.height = u32be(head, 20);
  r.bitDepth = head[24];
  const colourType = head[25];
  if (!DEPTHS[colourType]?.includes(r.bitDepth)) {
    r.corrupt = `colour type ${colourType} with bit depth ${r.bitDepth} is not valid PNG`;
    return r;
  }
  if (r.width === 0 || r.height === 0 || r.width > MAX_DIMENSION || r.height > MAX_DIMENSION) {
    r.corrupt = `invalid size ${r.width} × ${r.height}`;
    return r;
  }
  r.hasAlpha = colourType === 4 || colourType === 6;
  // Chunks before the first IDAT: acTL makes it an animated PNG, tRNS adds transparency.
  for (let i = 33; i + 8 <= head.length; ) {
    const length = u32be(head, i);
    const type = ascii(head, i + 4, 4);
    if (type === 'IDAT') break;
    if (type === 'acTL' && i + 12 <= head.length) {
      r.frames = u32be(head, i + 8);
      r.animated = r.frames > 1;
    } else if (type === 'tRNS') r.hasAlpha = true;
    i += 12 + length;
  }
  r.complete = startsWith(tail, IEND, tail.length - IEND.length) ? true : whole ? walksToIend(head) : null;
  return r;
}

/** Follows chunk lengths from the signature; true when an IEND chunk is reached inside the data. */
function walksToIend(b: Uint8Array): boolean {
  for (let i = 8; i + 12 <= b.length; ) {
    const length = u32be(b, i);
    if (length > MAX_DIMENSION) return false;
    if (ascii(b, i + 4, 4) === 'IEND') return true;
    i += 12 + length;
  }
  return false;
}
