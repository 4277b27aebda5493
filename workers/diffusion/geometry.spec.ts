import { describe, expect, it } from 'vitest';
import { editBox, featherFor, outpaintCanvas, strengthStart, workingSize } from './geometry.ts';

describe('edit geometry', () => {
  it('working size: 512 on the short side, long side capped at 768, multiples of 64', () => {
    expect(workingSize({ width: 1000, height: 1000 })).toEqual({ width: 512, height: 512 });
    expect(workingSize({ width: 300, height: 200 })).toEqual({ width: 768, height: 512 });
    expect(workingSize({ width: 3000, height: 1000 })).toEqual({ width: 768, height: 256 });
    expect(workingSize({ width: 101, height: 77 })).toEqual({ width: 640, height: 512 }); // 671.6 → 640
    expect(workingSize({ width: 90, height: 60 }, { short: 64, maxLong: 128 })).toEqual({ width: 128, height: 64 }); // 96 → 128 (round half up)
    expect(workingSize({ width: 96, height: 80 }, { short: 64, maxLong: 128 })).toEqual({ width: 64, height: 64 });
    expect(workingSize({ width: 90, height: 60 }, { short: 16, maxLong: 24, multiple: 8 })).toEqual({ width: 24, height: 16 });
    expect(() => workingSize({ width: 9, height: 9 }, { short: 60, maxLong: 96 })).toThrow(/multiples of 64/);
  });

  it('box: the mask plus context and feather room, clamped to the image', () => {
    const image = { width: 4000, height: 3000 };
    const bounds = { x: 1000, y: 1000, width: 400, height: 300 };
    const box = editBox(image, bounds, { feather: 20 });
    // margin = 0.3 · 400 = 120 on every side.
    expect(box).toEqual({ x: 880, y: 880, width: 640, height: 540 });
    const corner = editBox(image, { x: 0, y: 0, width: 100, height: 100 }, { feather: 5, minSide: 0 });
    expect(corner).toEqual({ x: 0, y: 0, width: 130, height: 130 });
  });

  it('box: at least minSide where the image allows, and never wider than the aspect limit', () => {
    const box = editBox({ width: 1000, height: 800 }, { x: 500, y: 400, width: 10, height: 10 }, { feather: 2 });
    expect([box.width, box.height]).toEqual([256, 256]);
    expect(box.x).toBeLessThanOrEqual(500);
    expect(box.x + box.width).toBeGreaterThanOrEqual(510);
    // A tall strip (outpainting a side) is widened to 1.5 : 1 inside the image.
    const strip = editBox({ width: 600, height: 2000 }, { x: 500, y: 0, width: 100, height: 2000 }, { feather: 4, minSide: 0 });
    expect(strip.height).toBe(2000);
    expect(strip.width).toBe(600); // wants 1334, the image has 600
    const wide = editBox({ width: 3000, height: 3000 }, { x: 0, y: 1000, width: 3000, height: 100 }, { feather: 4, minSide: 0 });
    expect(wide.width).toBe(3000);
    expect(wide.height).toBe(2000);
    expect(wide.y).toBeLessThanOrEqual(1000 - 4);
  });

  it('feather: 5 % of the mask, 2…64 px', () => {
    expect(featherFor({ width: 10, height: 10 })).toBe(2);
    expect(featherFor({ width: 400, height: 100 })).toBe(20);
    expect(featherFor({ width: 4000, height: 100 })).toBe(64);
  });

  it('outpaint canvas', () => {
    expect(outpaintCanvas({ width: 100, height: 80 }, { left: 16, right: 0, top: 8, bottom: 24 })).toEqual({ width: 116, height: 112, offset: { x: 16, y: 8 } });
    expect(() => outpaintCanvas({ width: 1, height: 1 }, { left: 0, right: 0, top: 0, bottom: 0 })).toThrow(/at least one side/);
    expect(() => outpaintCanvas({ width: 1, height: 1 }, { left: -1, right: 0, top: 0, bottom: 0 })).toThrow(/extend.left/);
  });

  it('strength: diffusers’ t_start', () => {
    expect(strengthStart(20, 1)).toBe(0);
    expect(strengthStart(20, 0.3)).toBe(14);
    expect(strengthStart(50, 0.75)).toBe(13);
    expect(() => strengthStart(4, 0.1)).toThrow(/no step/);
    expect(() => strengthStart(4, 0)).toThrow(/strength/);
  });
});
