import { describe, expect, it } from 'vitest';
import { clampCrop, normaliseCrop } from './crop.ts';

describe('crop rectangles', () => {
  it('normalises drags in any direction', () => {
    expect(normaliseCrop({ x: 10, y: 20 }, { x: 4, y: 2 })).toEqual({ x: 4, y: 2, width: 6, height: 18 });
  });
  it.each([
    { rect: { x: -5, y: -5, width: 20, height: 20 }, out: { x: 0, y: 0, width: 15, height: 15 } },
    { rect: { x: 90.4, y: 40.6, width: 50, height: 50 }, out: { x: 90, y: 41, width: 10, height: 9 } },
    { rect: { x: 3, y: 3, width: 0.2, height: 10 }, out: null },
    { rect: { x: 200, y: 0, width: 10, height: 10 }, out: null },
  ])('clamps $rect to a 100×50 image', ({ rect, out }) => {
    expect(clampCrop(rect, 100, 50)).toEqual(out);
  });
});
