import { ascii, u16be, u16le, u32be, u32le } from './bytes.ts';
import { blankSniff, type SniffResult } from './sniff-types.ts';

/** Start-of-frame markers (C4 DHT, C8 JPG and CC DAC share the range but are not frames). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

const isStandalone = (m: number) => m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7);

export function sniffJpeg(head: Uint8Array, tail: Uint8Array, whole: boolean): SniffResult | null {
  if (!(head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)) return null;
  const r = blankSniff('jpeg');
  let i = 2;
  while (i + 4 <= head.length) {
    if (head[i] !== 0xff) {
      r.corrupt = `expected a JPEG marker at byte ${i}`;
      return r;
    }
    const marker = head[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (isStandalone(marker)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) {
      r.corrupt = 'image data starts before the frame header';
      return r;
    }
    const length = u16be(head, i + 2);
    if (length < 2) {
      r.corrupt = `segment length ${length} at byte ${i}`;
      return r;
    }
    const data = i + 4;
    if (marker === 0xe1 && ascii(head, data, 6) === 'Exif\0\0') {
      r.orientation = exifOrientation(head, data + 6, Math.min(head.length, i + 2 + length));
    } else if (SOF.has(marker)) {
      if (data + 6 > head.length) break;
      r.bitDepth = head[data];
      r.height = u16be(head, data + 1);
      r.width = u16be(head, data + 3);
      r.cmyk = head[data + 5] === 4;
      if (r.width === 0 || r.height === 0) r.corrupt = 'zero width or height in the frame header';
      break;
    }
    i += 2 + length;
  }
  r.complete = endsWithEoi(tail) ? true : whole ? findJpegEnd(head) >= 0 : null;
  return r;
}

/** True when the last bytes, after padding some writers add, are the EOI marker FF D9. */
function endsWithEoi(tail: Uint8Array): boolean {
  let end = tail.length;
  while (end > 0 && (tail[end - 1] === 0x00 || tail[end - 1] === 0xff)) end--;
  return end >= 2 && tail[end - 2] === 0xff && tail[end - 1] === 0xd9;
}

/**
 * Offset just past the EOI marker that ends the primary image, or -1 if the data stops first. Walks
 * segments by their lengths (skipping embedded EXIF thumbnails) and entropy-coded scans up to the next
 * real marker, so bytes a camera appended after EOI do not hide the end.
 */
export function findJpegEnd(b: Uint8Array): number {
  let i = 2;
  while (i + 1 < b.length) {
    if (b[i] !== 0xff) return -1;
    const marker = b[i + 1];
    if (marker === 0xd9) return i + 2;
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    if (isStandalone(marker)) {
      i += 2;
      continue;
    }
    const length = u16be(b, i + 2);
    if (length < 2) return -1;
    i += 2 + length;
    if (marker !== 0xda) continue;
    // Scan data: 0xFF is followed by 0x00 (stuffing), a restart marker, or fill; anything else is a marker.
    for (;;) {
      i = b.indexOf(0xff, i);
      if (i < 0 || i + 1 >= b.length) return -1;
      const next = b[i + 1];
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) i += 2;
      else if (next === 0xff) i += 1;
      else break;
    }
  }
  return -1;
}

/** Orientation tag (0x0112) of IFD0 in the TIFF structure at b[t, end); 1 when absent or unreadable. */
function exifOrientation(b: Uint8Array, t: number, end: number): number {
  const order = ascii(b, t, 2);
  if (order !== 'II' && order !== 'MM') return 1;
  const le = order === 'II';
  const r16 = (o: number) => (t + o + 2 <= end ? (le ? u16le(b, t + o) : u16be(b, t + o)) : -1);
  const r32 = (o: number) => (t + o + 4 <= end ? (le ? u32le(b, t + o) : u32be(b, t + o)) : -1);
  if (r16(2) !== 42) return 1;
  const ifd = r32(4);
  const count = r16(ifd);
  for (let k = 0; k < count; k++) {
    const entry = ifd + 2 + k * 12;
    const tag = r16(entry);
    if (tag < 0) break;
    if (tag === 0x0112) {
      const value = r16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}
