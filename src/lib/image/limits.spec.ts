import { describe, expect, it } from 'vitest';
import { MAX_PIXELS, MAX_SIDE, fitWithinCap, megapixels, withinCap } from './limits.ts';

describe('size caps', () => {
  it.each([
    [{ width: 1, height: 1 }, true],
    [{ width: MAX_SIDE, height: 4096 }, true],
    [{ width: MAX_SIDE + 1, height: 1 }, false],
    [{ width: 8192, height: 8192 }, true],
    [{ width: 8192, height: 8193 }, false],
    [{ width: 9248, height: 6936 }, true], // a 64 MP phone photo
  ])('withinCap(%o) is %s', (size, expected) => {
    expect(withinCap(size)).toBe(expected);
  });

  it.each([
    [{ width: 20000, height: 10 }, { width: 16384, height: 8 }],
    [{ width: 9000, height: 9000 }, { width: 8192, height: 8192 }],
    [{ width: 100000, height: 3 }, { width: 16384, height: 1 }],
    [{ width: 12000, height: 9000 }, { width: 9459, height: 7094 }],
    [{ width: 640, height: 480 }, { width: 640, height: 480 }],
  ])('fitWithinCap(%o) = %o', (size, expected) => {
    const fitted = fitWithinCap(size);
    expect(fitted).toEqual(expected);
    expect(withinCap(fitted)).toBe(true);
  });

  it('keeps the aspect ratio within a pixel when shrinking by area', () => {
    const { width, height } = fitWithinCap({ width: 30000, height: 20000 });
    expect(width * height).toBeLessThanOrEqual(MAX_PIXELS);
    expect(width * height).toBeGreaterThan(MAX_PIXELS * 0.999);
    expect(Math.abs(width / height - 1.5)).toBeLessThan(0.001);
  });

  it('words megapixels for messages', () => {
    expect(megapixels(200_000)).toBe('0.2 megapixels');
    expect(megapixels(MAX_PIXELS)).toBe('67 megapixels');
  });
});
