import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crc32 } from './bytes.ts';
import { findJpegEnd } from './sniff-jpeg.ts';
import { displaySize, sniffImage, type SniffResult } from './sniff.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../tests/fixtures/images/${name}`, import.meta.url)));

/** Sniffs as decode.ts does: a head slice (the whole file when small) and the last KiB. */
function sniffBytes(bytes: Uint8Array, headBytes = 256 * 1024): SniffResult {
  return sniffImage(bytes.subarray(0, headBytes), bytes.subarray(Math.max(0, bytes.length - 1024)), bytes.length);
}

describe('sniffImage on the committed fixtures (whole file as head)', () => {
  it.each([
    ['halves.png', { format: 'png', width: 24, height: 16, bitDepth: 8, hasAlpha: false, complete: true }],
    ['halves.jpg', { format: 'jpeg', width: 24, height: 16, bitDepth: 8, orientation: 1, cmyk: false, complete: true }],
    ['halves.webp', { format: 'webp', width: 24, height: 16, animated: false, complete: true }],
    ['halves.bmp', { format: 'bmp', width: 24, height: 16, complete: true }],
    ['halves.avif', { format: 'avif', width: 24, height: 16, bitDepth: 8, complete: null }],
    ['halves.heic', { format: 'heic', width: 24, height: 16, bitDepth: 8, complete: null }],
    ['cmyk.jpg', { format: 'jpeg', width: 24, height: 16, cmyk: true, complete: true }],
    ['alpha.png', { format: 'png', width: 8, height: 8, hasAlpha: true }],
    ['rgb16.png', { format: 'png', bitDepth: 16, hasAlpha: false, complete: true }],
    ['animated.gif', { format: 'gif', width: 8, height: 8, frames: 3, animated: true, complete: true }],
    ['animated.webp', { format: 'webp', width: 8, height: 8, animated: true }],
    ['animated.png', { format: 'png', frames: 3, animated: true, complete: true }],
    ['orient6.jpg', { format: 'jpeg', width: 32, height: 16, orientation: 6, complete: true }],
    ['trailing.jpg', { format: 'jpeg', width: 24, height: 16, complete: true }],
    ['truncated.jpg', { format: 'jpeg', width: 64, height: 64, complete: false }],
    ['truncated.png', { format: 'png', width: 64, height: 64, complete: false }],
    ['bad-crc.png', { format: 'png', corrupt: 'the IHDR checksum does not match' }],
    ['text.png', { format: 'text' }],
    ['script.svg', { format: 'svg' }],
    ['too-wide.png', { format: 'png', width: 20000, height: 10, complete: true }],
    ['pixel.png', { format: 'png', width: 1, height: 1, complete: true }],
  ] as const)('%s', (name, expected) => {
    const result = sniffBytes(fixture(name));
    expect(result).toMatchObject(expected);
    expect(result.needsWholeFile).toBe(false);
  });

  it('swaps the displayed sides for EXIF orientation 6', () => {
    expect(displaySize(sniffBytes(fixture('orient6.jpg')))).toEqual({ width: 16, height: 32 });
    expect(displaySize(sniffBytes(fixture('halves.jpg')))).toEqual({ width: 24, height: 16 });
  });
});

describe('sniffImage on slices of a larger file', () => {
  it.each([
    ['truncated.jpg', false],
    ['truncated.png', false],
    ['trailing.jpg', true],
  ])('%s: the tail alone cannot tell, the whole-file walk says complete=%s', (name, complete) => {
    const bytes = fixture(name);
    const sliced = sniffBytes(bytes, 512);
    expect(sliced.complete).toBeNull();
    expect(sliced.needsWholeFile).toBe(true);
    expect(sniffBytes(bytes).complete).toBe(complete);
  });

  it('knows a complete JPEG or PNG from its tail without the whole file', () => {
    for (const name of ['halves.jpg', 'halves.png']) {
      const r = sniffBytes(fixture(name), 300);
      expect(r).toMatchObject({ complete: true, width: 24, height: 16, needsWholeFile: false });
    }
  });

  it('asks for the whole file when the JPEG frame header lies beyond the head', () => {
    const big = jpeg([app(0xe2, new Uint8Array(3000)), sof(640, 480, 3)], true);
    const head = sniffImage(big.subarray(0, 2048), big.subarray(-1024), big.length);
    expect(head).toMatchObject({ complete: true, needsWholeFile: true });
    expect(head.width).toBeUndefined();
    expect(sniffBytes(big)).toMatchObject({ width: 640, height: 480, needsWholeFile: false });
  });

  it('always walks a GIF whole to count frames', () => {
    const gif = fixture('animated.gif');
    const partial = sniffBytes(gif, 130); // two of its three frames
    expect(partial).toMatchObject({ needsWholeFile: true, complete: true, animated: true });
    expect(partial.frames).toBeUndefined();
  });
});

describe('JPEG details', () => {
  it('reads a big-endian EXIF orientation', () => {
    const exif = new Uint8Array([...ascii('Exif\0\0MM'), 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0]);
    const r = sniffBytes(jpeg([app(0xe1, exif), sof(30, 20, 3)], true));
    expect(r).toMatchObject({ orientation: 8, width: 30, height: 20 });
    expect(displaySize(r)).toEqual({ width: 20, height: 30 });
  });

  it('does not take an EOI inside an EXIF thumbnail for the end of the image', () => {
    const thumbnail = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
    const truncated = jpeg([app(0xe1, thumbnail), sof(8, 8, 3), sos(), new Uint8Array([1, 2, 0xff, 0x00, 3])], false);
    expect(findJpegEnd(truncated)).toBe(-1);
    expect(sniffBytes(truncated).complete).toBe(false);
  });

  it('skips byte stuffing and restart markers in scan data', () => {
    const scan = new Uint8Array([5, 0xff, 0x00, 6, 0xff, 0xd3, 7, 0xff, 0xff, 0xd9, 0xee, 0xee]);
    const bytes = jpeg([sof(8, 8, 1), sos(), scan], false);
    expect(findJpegEnd(bytes)).toBe(bytes.length - 2);
    expect(sniffBytes(bytes)).toMatchObject({ complete: true, bitDepth: 8 });
  });

  it('flags a zero-height frame header and image data before the frame header', () => {
    expect(sniffBytes(jpeg([sof(8, 0, 3)], true)).corrupt).toMatch(/zero/);
    expect(sniffBytes(jpeg([sos(), sof(8, 8, 3)], true)).corrupt).toMatch(/before the frame header/);
  });
});

describe('PNG details', () => {
  it('accepts a valid header for a huge image (the caps are applied later) and rejects invalid depth', () => {
    const huge = sniffBytes(png(9000, 9000, 8, 2));
    expect(huge).toMatchObject({ width: 9000, height: 9000, complete: true });
    expect(huge.corrupt).toBeUndefined();
    expect(sniffBytes(png(4, 4, 16, 3)).corrupt).toMatch(/colour type 3 with bit depth 16/);
    expect(sniffBytes(png(0, 4, 8, 2)).corrupt).toMatch(/invalid size/);
  });

  it('reports a PNG cut inside its header as incomplete', () => {
    expect(sniffBytes(png(4, 4, 8, 6).subarray(0, 20))).toMatchObject({ format: 'png', complete: false });
  });
});

describe('other formats and non-images', () => {
  it('reports a GIF cut inside its first frame as incomplete', () => {
    const gif = fixture('animated.gif');
    expect(sniffBytes(gif.subarray(0, 60))).toMatchObject({ format: 'gif', complete: false, frames: 0 });
  });

  it('reports a BMP shorter than its pixel rows as incomplete', () => {
    const bmp = fixture('halves.bmp');
    expect(sniffBytes(bmp.subarray(0, bmp.length - 200))).toMatchObject({ format: 'bmp', complete: false });
  });

  it('tells SVG with a prolog, plain text and binary apart', () => {
    const svg = '\uFEFF<?xml version="1.0"?>\n<!-- drawn by hand -->\n<svg xmlns="http://www.w3.org/2000/svg"></svg>';
    expect(sniffBytes(utf8(svg)).format).toBe('svg');
    expect(sniffBytes(utf8('Grüße, ceci n’est pas une image.\n')).format).toBe('text');
    expect(sniffBytes(new Uint8Array([7, 0, 200, 13, 255, 1, 2, 3])).format).toBe('unknown');
  });

  it('does not take an MP4 for AVIF or HEIC, and names TIFF', () => {
    const mp4 = new Uint8Array([0, 0, 0, 16, ...ascii('ftypisom'), 0, 0, 2, 0]);
    expect(sniffBytes(mp4).format).toBe('unknown');
    expect(sniffBytes(new Uint8Array([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0])).format).toBe('tiff');
  });
});

// --- byte builders for synthetic files -------------------------------------------------------

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function app(marker: number, data: Uint8Array): Uint8Array {
  const n = data.length + 2;
  return concat([new Uint8Array([0xff, marker, n >> 8, n & 0xff]), data]);
}

function sof(width: number, height: number, components: number): Uint8Array {
  return app(0xc0, new Uint8Array([8, height >> 8, height & 0xff, width >> 8, width & 0xff, components]));
}

function sos(): Uint8Array {
  return app(0xda, new Uint8Array([1, 1, 0, 0, 63, 0]));
}

function jpeg(segments: Uint8Array[], withEoi: boolean): Uint8Array {
  return concat([new Uint8Array([0xff, 0xd8]), ...segments, new Uint8Array(withEoi ? [0xff, 0xd9] : [])]);
}

/** A PNG header with a correct IHDR CRC, no pixel data, and an IEND chunk. */
function png(width: number, height: number, depth: number, colourType: number): Uint8Array {
  const ihdr = new Uint8Array([0, 0, 0, 13, ...ascii('IHDR'), 0, 0, 0, 0, 0, 0, 0, 0, depth, colourType, 0, 0, 0, 0, 0, 0, 0]);
  const view = new DataView(ihdr.buffer);
  view.setUint32(8, width);
  view.setUint32(12, height);
  view.setUint32(21, crc32(ihdr, 4, 21));
  const iend = new Uint8Array([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  return concat([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, iend]);
}
