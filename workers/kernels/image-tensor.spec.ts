import { describe, expect, it } from 'vitest';
import { centreCrop } from './image-tensor.ts';

describe('centreCrop (resize shortest side, then centre crop, as one source rectangle)', () => {
  it('matches torchvision for a landscape image', () => {
    // 640×480 → shortest side 224 gives 298×224 (int truncation); crop left = round(74 / 2) = 37.
    const r = centreCrop(640, 480, 224);
    expect(r.x).toBeCloseTo((37 * 640) / 298, 10);
    expect(r.width).toBeCloseTo((224 * 640) / 298, 10);
    expect(r.y).toBe(0);
    expect(r.height).toBeCloseTo(480, 10);
  });

  it('crops the middle of a portrait image and leaves squares whole', () => {
    const r = centreCrop(100, 300, 50);
    expect(r).toEqual({ x: 0, y: 100, width: 100, height: 100 });
    expect(centreCrop(512, 512, 224)).toEqual({ x: 0, y: 0, width: 512, height: 512 });
  });
});
