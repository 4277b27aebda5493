import { describe, expect, it } from 'vitest';
import { EXTEND_PRESETS, NO_EXTEND, clampExtend, describeExtend, extendFromPlan, extendedSize, isExtended, presetExtend, type ExtendPresetId } from './extend.ts';

const PHOTO = { width: 1024, height: 683 };

describe('extendedSize', () => {
  it('adds each side to its axis', () => {
    expect(extendedSize(PHOTO, { left: 8, top: 16, right: 24, bottom: 32 })).toEqual({ width: 1056, height: 731 });
    expect(extendedSize(PHOTO, NO_EXTEND)).toEqual(PHOTO);
  });
});

describe('clampExtend', () => {
  it('keeps sides whole, non-negative and multiples of 8; missing or non-finite sides are 0', () => {
    expect(clampExtend(PHOTO, { left: 3.7, right: -5, top: 13, bottom: Number.NaN })).toEqual({ left: 0, top: 16, right: 0, bottom: 0 });
    expect(clampExtend(PHOTO, { right: 100 })).toEqual({ left: 0, top: 0, right: 104, bottom: 0 });
    expect(clampExtend(PHOTO, { top: Number.POSITIVE_INFINITY })).toEqual(NO_EXTEND);
  });

  it('caps each axis at maxFactor × the image side', () => {
    expect(clampExtend(PHOTO, { right: 2000 })).toEqual({ left: 0, top: 0, right: 1024, bottom: 0 });
    // 683 more would be 1366; the gain is floored to a multiple of 8.
    expect(clampExtend(PHOTO, { bottom: 5000 })).toEqual({ left: 0, top: 0, right: 0, bottom: 680 });
    expect(clampExtend(PHOTO, { right: 2000 }, { maxFactor: 1.5 }).right).toBe(512);
  });

  it('caps each axis at maxSide', () => {
    expect(clampExtend({ width: 3000, height: 1000 }, { left: 5000 })).toEqual({ left: 1096, top: 0, right: 0, bottom: 0 });
    expect(clampExtend(PHOTO, { right: 2000 }, { maxSide: 1500 }).right).toBe(472);
    // An image already past the limit gains nothing on that axis.
    expect(clampExtend({ width: 5000, height: 1000 }, { left: 100, top: 100 })).toEqual({ left: 0, top: 104, right: 0, bottom: 0 });
  });

  it('shrinks both sides in proportion past the limit, or only the side not fixed', () => {
    const square = { width: 1000, height: 1000 };
    expect(clampExtend(square, { left: 600, right: 600 })).toEqual({ left: 496, top: 0, right: 496, bottom: 0 });
    expect(clampExtend(square, { left: 600, right: 600 }, { fixed: ['left'] })).toEqual({ left: 600, top: 0, right: 400, bottom: 0 });
    expect(clampExtend(square, { top: 1200, bottom: 40 }, { fixed: ['bottom'] })).toEqual({ left: 0, top: 960, right: 0, bottom: 40 });
  });
});

describe('EXTEND_PRESETS', () => {
  const at = (id: ExtendPresetId, image = PHOTO) => presetExtend(id, image);

  it('lists the presets with their labels', () => {
    expect(EXTEND_PRESETS.map((p) => p.label)).toEqual(['Left 25 %', 'Right 25 %', 'Top 25 %', 'Bottom 25 %', 'All sides 12.5 %', 'To 16:9', 'To 1:1', 'To 9:16', 'To 4:3']);
    expect(new Set(EXTEND_PRESETS.map((p) => p.id)).size).toBe(EXTEND_PRESETS.length);
  });

  it('extends one side by a quarter, or all sides by an eighth', () => {
    expect(at('left-25')).toEqual({ left: 256, top: 0, right: 0, bottom: 0 });
    expect(at('right-25')).toEqual({ left: 0, top: 0, right: 256, bottom: 0 });
    expect(at('top-25')).toEqual({ left: 0, top: 168, right: 0, bottom: 0 });
    expect(at('bottom-25')).toEqual({ left: 0, top: 0, right: 0, bottom: 168 });
    expect(at('all-12.5')).toEqual({ left: 128, top: 88, right: 128, bottom: 88 });
  });

  it('reaches an aspect ratio by growing the short dimension symmetrically', () => {
    expect(at('to-16:9')).toEqual({ left: 96, top: 0, right: 96, bottom: 0 });
    expect(extendedSize(PHOTO, at('to-16:9'))).toEqual({ width: 1216, height: 683 });
    expect(at('to-1:1')).toEqual({ left: 0, top: 168, right: 0, bottom: 168 });
    expect(at('to-4:3')).toEqual({ left: 0, top: 40, right: 0, bottom: 40 });
    // 9:16 would need 1820 px of height; the 2× cap stops it at 683 + 672.
    expect(at('to-9:16')).toEqual({ left: 0, top: 336, right: 0, bottom: 336 });
    expect(at('to-16:9', { width: 683, height: 1024 })).toEqual({ left: 336, top: 0, right: 336, bottom: 0 });
  });

  it('gives zeros when the image already has the aspect', () => {
    expect(at('to-1:1', { width: 512, height: 512 })).toEqual(NO_EXTEND);
    expect(at('to-16:9', { width: 1920, height: 1080 })).toEqual(NO_EXTEND);
  });

  it('throws on an unknown id', () => {
    expect(() => presetExtend('nope' as ExtendPresetId, PHOTO)).toThrow(RangeError);
  });
});

describe('extendFromPlan', () => {
  it('reads fractions of the width (left/right) and of the height (top/bottom)', () => {
    expect(extendFromPlan(PHOTO, { left: 0.5, right: 0, top: 0.25, bottom: 0, unit: 'fraction' })).toEqual({ left: 512, top: 168, right: 0, bottom: 0 });
  });

  it('reads pixels, snapped and clamped', () => {
    expect(extendFromPlan(PHOTO, { left: 0, right: 3000, top: 100, bottom: 0, unit: 'px' })).toEqual({ left: 0, top: 104, right: 1024, bottom: 0 });
  });

  it('treats no extents, negative and non-finite values as nothing added', () => {
    expect(extendFromPlan(PHOTO, null)).toEqual(NO_EXTEND);
    expect(extendFromPlan(PHOTO, undefined)).toEqual(NO_EXTEND);
    expect(extendFromPlan(PHOTO, { left: -0.3, right: Number.NaN, top: 0, bottom: 0, unit: 'fraction' })).toEqual(NO_EXTEND);
  });
});

describe('describeExtend', () => {
  it('names the sizes and the sides that grow', () => {
    expect(describeExtend(PHOTO, { left: 512, top: 0, right: 0, bottom: 0 })).toBe('1024 × 683 → 1536 × 683 (+512 left)');
    expect(describeExtend(PHOTO, { left: 128, top: 88, right: 128, bottom: 88 })).toBe('1024 × 683 → 1280 × 859 (+128 left, +88 top, +128 right, +88 bottom)');
    expect(describeExtend(PHOTO, NO_EXTEND)).toBe('1024 × 683 (not extended)');
    expect(isExtended(NO_EXTEND)).toBe(false);
    expect(isExtended({ ...NO_EXTEND, bottom: 8 })).toBe(true);
  });
});
