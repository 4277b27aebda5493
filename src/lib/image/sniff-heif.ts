/**
 * AVIF and HEIC (HEIF containers): brands from `ftyp`; size, bit depth and rotation from the properties
 * the `ipma` box associates with the primary item. A grid image's tiles carry their own `ispe`, often
 * larger than the picture, so only the primary item's properties count.
 */
import { ascii, u16be, u32be, u8 } from './bytes.ts';
import { blankSniff, type SniffResult } from './sniff-types.ts';

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'msf1']);
const SEQUENCE_BRANDS = new Set(['avis', 'msf1', 'hevc', 'hevx', 'hevs']);

interface Box {
  type: string;
  /** Content start (after the size/type header) and end, clamped to the bytes at hand. */
  start: number;
  end: number;
}

export function sniffHeif(head: Uint8Array): SniffResult | null {
  if (ascii(head, 4, 4) !== 'ftyp') return null;
  const ftypEnd = Math.min(u32be(head, 0), head.length);
  const brands = [ascii(head, 8, 4)];
  for (let o = 16; o + 4 <= ftypEnd; o += 4) brands.push(ascii(head, o, 4));
  const avif = brands.some((b) => AVIF_BRANDS.has(b));
  if (!avif && !brands.some((b) => HEIF_BRANDS.has(b))) return null; // MP4, MOV and other ISO files
  const r = blankSniff(avif ? 'avif' : 'heic');
  r.animated = SEQUENCE_BRANDS.has(brands[0]);

  const meta = child(head, { type: '', start: 0, end: head.length }, 'meta');
  if (!meta) return r;
  const body = { type: 'meta', start: meta.start + 4, end: meta.end }; // meta is a FullBox
  const pitm = child(head, body, 'pitm');
  const iprp = child(head, body, 'iprp');
  const ipco = iprp && child(head, iprp, 'ipco');
  const ipma = iprp && child(head, iprp, 'ipma');
  if (!pitm || !ipco || !ipma) return r;
  const primary = head[pitm.start] === 0 ? u16be(head, pitm.start + 4) : u32be(head, pitm.start + 4);
  const properties = [...boxes(head, ipco.start, ipco.end)];
  for (const index of associations(head, ipma, primary)) {
    const p = properties[index - 1];
    if (p?.type === 'ispe') {
      r.width = u32be(head, p.start + 4);
      r.height = u32be(head, p.start + 8);
    } else if (p?.type === 'pixi') {
      r.bitDepth = u8(head, p.start + 5);
    } else if (p?.type === 'irot') {
      // Anticlockwise quarter turns; as EXIF orientations so displaySize swaps the sides alike.
      r.orientation = [1, 8, 3, 6][head[p.start] & 3];
    }
  }
  if (r.width === 0 || r.height === 0) r.corrupt = 'zero width or height for the primary image';
  return r;
}

function* boxes(b: Uint8Array, start: number, end: number): Generator<Box> {
  for (let i = start; i + 8 <= end; ) {
    let size = u32be(b, i);
    let header = 8;
    if (size === 1) {
      size = u32be(b, i + 8) * 2 ** 32 + u32be(b, i + 12);
      header = 16;
    } else if (size === 0) size = end - i;
    if (size < header) return;
    yield { type: ascii(b, i + 4, 4), start: i + header, end: Math.min(end, i + size) };
    i += size;
  }
}

function child(b: Uint8Array, parent: Box, type: string): Box | undefined {
  for (const box of boxes(b, parent.start, parent.end)) if (box.type === type) return box;
  return undefined;
}

/** 1-based `ipco` indices that `ipma` associates with `item`. */
function associations(b: Uint8Array, ipma: Box, item: number): number[] {
  const version = b[ipma.start];
  const wideIndices = (b[ipma.start + 3] & 1) === 1;
  let i = ipma.start + 4;
  const count = u32be(b, i);
  i += 4;
  for (let e = 0; e < count && i < ipma.end; e++) {
    const id = version < 1 ? u16be(b, i) : u32be(b, i);
    i += version < 1 ? 2 : 4;
    const n = u8(b, i);
    i += 1;
    const indices: number[] = [];
    for (let k = 0; k < n; k++) {
      indices.push(wideIndices ? u16be(b, i) & 0x7fff : u8(b, i) & 0x7f);
      i += wideIndices ? 2 : 1;
    }
    if (id === item) return indices;
  }
  return [];
}
