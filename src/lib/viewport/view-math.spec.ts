import { describe, expect, it } from 'vitest';
import { fitView, pan, toImage, toScreen, wheelFactor, zoomAt, zoomTo, MAX_ZOOM } from './view-math.ts';

describe('view math', () => {
  it.each([
    { image: [6000, 4000], vp: [1000, 800], zoom: (1000 - 32) / 6000 },
    { image: [4000, 6000], vp: [1000, 800], zoom: (800 - 32) / 6000 },
    { image: [1, 1], vp: [1000, 800], zoom: 1 },
    { image: [200, 100], vp: [1000, 800], zoom: 1 },
  ])('fits $image in $vp at zoom ≤ 1 and centres it', ({ image, vp, zoom }) => {
    const v = fitView({ width: image[0], height: image[1] }, { width: vp[0], height: vp[1] });
    expect(v.zoom).toBeCloseTo(zoom, 10);
    const left = v.x;
    const right = vp[0] - (v.x + image[0] * v.zoom);
    expect(Math.abs(left - right)).toBeLessThanOrEqual(1);
  });

  it('keeps the image point under the cursor fixed while zooming', () => {
    const v = { zoom: 0.37, x: 13.5, y: -40 };
    const before = toImage(v, 420, 310);
    const z = zoomAt(v, 1.7, 420, 310);
    const after = toImage(z, 420, 310);
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
  });

  it('snaps 100 % to whole device pixels', () => {
    const v = zoomTo({ zoom: 0.5, x: 10.3, y: 7.9 }, 1, 333.3, 222.2);
    expect(v.zoom).toBe(1);
    expect(Number.isInteger(v.x) && Number.isInteger(v.y)).toBe(true);
  });

  it('clamps zoom and round-trips coordinates', () => {
    expect(zoomAt({ zoom: 32, x: 0, y: 0 }, 100, 0, 0).zoom).toBe(MAX_ZOOM);
    const v = pan({ zoom: 2, x: 5, y: 6 }, 10, -3);
    const s = toScreen(v, 7, 9);
    expect(toImage(v, s.x, s.y)).toEqual({ x: 7, y: 9 });
  });

  it('turns wheel deltas into symmetric zoom factors', () => {
    expect(wheelFactor(100, 0) * wheelFactor(-100, 0)).toBeCloseTo(1, 12);
    expect(wheelFactor(-3, 1)).toBeGreaterThan(1);
  });
});
