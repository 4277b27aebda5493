import { describe, expect, it } from 'vitest';
import { ImageInputError, type ImageInputErrorCode } from './errors.ts';
import { blankSniff, type SniffResult } from './sniff.ts';
import { expectHumanMessage } from './testing.ts';
import { decodeFailedError, emptyError, fileTooBigError, planDecode, readFailedError } from './validate.ts';

const sniffed = (overrides: Partial<SniffResult>): SniffResult => ({ ...blankSniff('png'), width: 24, height: 16, complete: true, ...overrides });

function refusal(s: SniffResult, name: string): ImageInputError {
  try {
    planDecode(s, name);
  } catch (e) {
    expect(e).toBeInstanceOf(ImageInputError);
    return e as ImageInputError;
  }
  throw new Error('planDecode accepted it');
}

describe('planDecode refusals', () => {
  it.each<[string, Partial<SniffResult>, ImageInputErrorCode, RegExp]>([
    ['drawing.svg', { format: 'svg', width: undefined }, 'svg-refused', /scripts.*PNG/],
    ['notes.png', { format: 'text', width: undefined }, 'not-an-image', /text file.*ends in \.png/],
    ['blob.dat', { format: 'unknown', width: undefined }, 'not-an-image', /not a picture/],
    ['scan.tif', { format: 'tiff', width: undefined }, 'unsupported-format', /TIFF.*JPEG or PNG/],
    ['bad.png', { corrupt: 'the IHDR checksum does not match' }, 'corrupt', /damaged.*IHDR checksum/],
    ['cut.jpg', { format: 'jpeg', complete: false }, 'truncated', /incomplete.*JPEG data stops/],
    ['nohead.jpg', { format: 'jpeg', width: undefined, height: undefined }, 'corrupt', /size is missing/],
    ['wide.png', { width: 20000, height: 10 }, 'too-large', /20000 × 10 pixels.*16384 pixels on a side.*scaled down to 16384 × 8/],
  ])('%s → %s', (name, overrides, code, pattern) => {
    const e = refusal(sniffed(overrides), name);
    expect(e.code).toBe(code);
    expect(e.fileName).toBe(name);
    expect(e.message).toMatch(pattern);
    expectHumanMessage(e, name);
  });

  it('gives too-large the displayed dimensions, EXIF rotation included', () => {
    const e = refusal(sniffed({ format: 'jpeg', width: 20000, height: 10, orientation: 6 }), 'tall.jpg');
    expect(e.dimensions).toEqual({ width: 10, height: 20000 });
    expect(refusal(sniffed({ width: 9000, height: 9000 }), 'big.png').dimensions).toEqual({ width: 9000, height: 9000 });
  });

  it('says other refusals carry no dimensions', () => {
    expect(refusal(sniffed({ complete: false }), 'x.png').dimensions).toBeUndefined();
  });
});

describe('planDecode plans', () => {
  it('plans a full-resolution decode with no notes for a plain image', () => {
    expect(planDecode(sniffed({}), 'a.png')).toEqual({ format: 'png', size: { width: 24, height: 16 }, resize: undefined, notes: [] });
  });

  it('downscales to the cap when asked, and says so', () => {
    const plan = planDecode(sniffed({ width: 20000, height: 10 }), 'wide.png', { downscaleToCap: true });
    expect(plan.size).toEqual({ width: 20000, height: 10 });
    expect(plan.resize).toEqual({ width: 16384, height: 8 });
    expect(plan.notes).toEqual(['“wide.png” was opened scaled down from 20000 × 10 to 16384 × 8 pixels to fit the editor\'s limit.']);
  });

  it('notes first frame only, reduced bit depth and CMYK', () => {
    expect(planDecode(sniffed({ format: 'gif', animated: true, frames: 3 }), 'a.gif').notes).toEqual(['“a.gif” is animated (3 frames); only the first frame was opened.']);
    expect(planDecode(sniffed({ format: 'webp', animated: true }), 'a.webp').notes[0]).toMatch(/is animated; only the first frame/);
    expect(planDecode(sniffed({ bitDepth: 16 }), 'deep.png').notes).toEqual(['“deep.png” has 16 bits per colour channel; it was reduced to 8 bits for editing.']);
    expect(planDecode(sniffed({ format: 'jpeg', cmyk: true, bitDepth: 8 }), 'print.jpg').notes[0]).toMatch(/CMYK.*converted to RGB/);
  });

  it('lets AVIF and HEIC without a size through, to be checked after decoding', () => {
    expect(planDecode(sniffed({ format: 'heic', width: undefined, height: undefined, complete: null }), 'x.heic').size).toBeUndefined();
  });
});

describe('errors raised around decoding', () => {
  it.each([
    ['heic-unsupported', decodeFailedError('heic', 'IMG_0001.HEIC'), /HEIC.*JPEG or PNG/],
    ['decode-failed', decodeFailedError('webp', 'odd.webp'), /could not decode.*WebP/],
    ['empty', emptyError('zero.jpg'), /empty \(0 bytes\)/],
    ['read-failed', readFailedError('gone.png', new DOMException('x', 'NotReadableError')), /could not be read/],
    ['file-too-big', fileTooBigError('huge.bmp', 700 * 1024 * 1024, 512 * 1024 * 1024), /700 MB.*512 MB/],
  ] as const)('%s', (code, error, pattern) => {
    expect(error.code).toBe(code);
    expect(error.message).toMatch(pattern);
    expectHumanMessage(error, error.fileName);
  });
});
