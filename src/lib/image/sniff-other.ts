import { ascii, i32le, startsWith, u16le, u24le, u32le } from './bytes.ts';
import { blankSniff, type SniffResult } from './sniff-types.ts';

/** GIF: frames are counted by walking blocks, so the count is exact only over the whole file. */
export function sniffGif(head: Uint8Array, tail: Uint8Array, whole: boolean): SniffResult | null {
  const signature = ascii(head, 0, 6);
  if (signature !== 'GIF87a' && signature !== 'GIF89a') return null;
  const r = blankSniff('gif');
  r.bitDepth = 8;
  if (head.length < 13) {
    if (whole) r.complete = false;
    return r;
  }
  r.width = u16le(head, 6);
  r.height = u16le(head, 8);
  if (r.width === 0 || r.height === 0) {
    r.corrupt = 'zero width or height in the screen descriptor';
    return r;
  }
  let i = 13 + colourTableBytes(head[10]);
  let frames = 0;
  let ranOut = false;
  while (i < head.length) {
    const block = head[i];
    if (block === 0x2c) {
      // Image descriptor (10 bytes), optional local colour table, LZW code size, then data sub-blocks.
      if (i + 10 > head.length) {
        ranOut = true;
        break;
      }
      i = skipSubBlocks(head, i + 10 + colourTableBytes(head[i + 9]) + 1);
      if (i < 0) {
        ranOut = true;
        break;
      }
      frames++;
    } else if (block === 0x21) {
      i = skipSubBlocks(head, i + 2);
      if (i < 0) {
        ranOut = true;
        break;
      }
    } else break; // 0x3B trailer, or bytes after the last frame that decoders ignore
  }
  // A walk that stopped at the end of a partial head has only a lower bound: don't report it as the count.
  r.frames = whole || !ranOut ? frames : undefined;
  r.animated = frames > 1;
  if (whole) r.complete = frames > 0 && !ranOut;
  else r.complete = tail[tail.length - 1] === 0x3b ? true : null;
  return r;
}

function colourTableBytes(packed: number): number {
  return packed & 0x80 ? 3 * (2 << (packed & 7)) : 0;
}

/** Index after the terminating empty sub-block, or -1 when the data ends first. */
function skipSubBlocks(b: Uint8Array, i: number): number {
  while (i < b.length) {
    const n = b[i];
    if (n === 0) return i + 1;
    i += n + 1;
  }
  return -1;
}

export function sniffWebp(head: Uint8Array, size: number): SniffResult | null {
  if (ascii(head, 0, 4) !== 'RIFF' || ascii(head, 8, 4) !== 'WEBP') return null;
  const r = blankSniff('webp');
  r.bitDepth = 8;
  r.complete = size >= u32le(head, 4) + 8;
  if (head.length < 30) return r;
  const chunk = ascii(head, 12, 4);
  if (chunk === 'VP8 ') {
    if (!startsWith(head, [0x9d, 0x01, 0x2a], 23)) r.corrupt = 'missing VP8 start code';
    r.width = u16le(head, 26) & 0x3fff;
    r.height = u16le(head, 28) & 0x3fff;
  } else if (chunk === 'VP8L') {
    if (head[20] !== 0x2f) r.corrupt = 'missing VP8L signature';
    const bits = u32le(head, 21);
    r.width = (bits & 0x3fff) + 1;
    r.height = ((bits >>> 14) & 0x3fff) + 1;
    r.hasAlpha = ((bits >>> 28) & 1) === 1;
  } else if (chunk === 'VP8X') {
    r.animated = (head[20] & 0x02) !== 0;
    r.hasAlpha = (head[20] & 0x10) !== 0;
    r.width = u24le(head, 24) + 1;
    r.height = u24le(head, 27) + 1;
  } else r.corrupt = `unknown first chunk "${chunk}"`;
  return r;
}

const BMP_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

export function sniffBmp(head: Uint8Array, size: number): SniffResult | null {
  if (ascii(head, 0, 2) !== 'BM' || !BMP_HEADER_SIZES.has(u32le(head, 14))) return null;
  const r = blankSniff('bmp');
  const core = u32le(head, 14) === 12;
  const width = core ? u16le(head, 18) : i32le(head, 18);
  const height = Math.abs(core ? u16le(head, 20) : i32le(head, 22)); // negative height = rows top-down
  const bitsPerPixel = u16le(head, core ? 24 : 28);
  const compression = core ? 0 : u32le(head, 30);
  if (width <= 0 || height === 0 || bitsPerPixel <= 0) {
    r.corrupt = `invalid size ${width} × ${height} or ${bitsPerPixel} bits per pixel`;
    return r;
  }
  r.width = width;
  r.height = height;
  // Uncompressed rows have a known length; the last row's padding may be missing in some writers' files.
  if (compression === 0 || compression === 3 || compression === 6) {
    const stride = Math.ceil((width * bitsPerPixel) / 32) * 4;
    r.complete = size >= u32le(head, 10) + stride * (height - 1) + Math.ceil((width * bitsPerPixel) / 8);
  }
  return r;
}

export function sniffTiff(head: Uint8Array): SniffResult | null {
  const le = startsWith(head, [0x49, 0x49, 0x2a, 0x00]);
  const be = startsWith(head, [0x4d, 0x4d, 0x00, 0x2a]);
  return le || be ? blankSniff('tiff') : null;
}

/** Not a known image signature: SVG markup, other text (a renamed .txt), or unknown binary. */
export function sniffTextLike(head: Uint8Array): SniffResult {
  const sample = head.subarray(0, 4096);
  if (sample.length === 0 || sample.includes(0)) return blankSniff('unknown');
  const text = new TextDecoder('utf-8').decode(sample);
  let odd = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) || c === 0xfffd) odd++;
  }
  if (odd > Math.max(1, text.length * 0.02)) return blankSniff('unknown');
  const start = text.replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (start.startsWith('<') && /<svg[\s>]/.test(start)) return blankSniff('svg');
  return blankSniff('text');
}
