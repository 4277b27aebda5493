import { describe, expect, it } from 'vitest';
import { blankMask, brushFalloff, clearMask, copyRect, invertMask, maskBounds, maskCoverage, paintStroke, pasteRect, tintRect, type Plane } from './mask-plane.ts';

const at = (p: Plane, x: number, y: number) => p.data[y * p.width + x];
/** Distance from pixel (x, y)'s centre to the segment a→b. */
function distance(x: number, y: number, a: { x: number; y: number }, b: { x: number; y: number }): number {
  const [px, py, dx, dy] = [x + 0.5 - a.x, y + 0.5 - a.y, b.x - a.x, b.y - a.y];
  const len2 = dx * dx + dy * dy;
  const t = len2 ? Math.min(1, Math.max(0, (px * dx + py * dy) / len2)) : 0;
  return Math.hypot(px - t * dx, py - t * dy);
}

describe('blankMask', () => {
  it.each([
    { w: 4000, h: 3000, out: [1024, 768] },
    { w: 3000, h: 4000, out: [768, 1024] },
    { w: 600, h: 400, out: [600, 400] },
    { w: 6000, h: 10, out: [1024, 2] },
  ])('fits $w×$h within 1024 at its aspect', ({ w, h, out }) => {
    const m = blankMask(w, h);
    expect([m.width, m.height]).toEqual(out);
    expect(m.data.length).toBe(out[0] * out[1]);
    expect(maskCoverage(m)).toBe(0);
  });
  it('honours maxSide', () => {
    const m = blankMask(2000, 1000, 256);
    expect([m.width, m.height]).toEqual([256, 128]);
  });
});

describe('paintStroke', () => {
  it('a hard stroke sets every pixel within the radius to 1 and none outside', () => {
    const m = blankMask(64, 48);
    const [a, b] = [{ x: 10, y: 12 }, { x: 50, y: 30 }];
    paintStroke(m, a, b, { radius: 6, hardness: 1, mode: 'paint' });
    let inside = 0;
    for (let y = 0; y < m.height; y++) {
      for (let x = 0; x < m.width; x++) {
        const d = distance(x, y, a, b);
        if (d <= 6) {
          inside++;
          expect(at(m, x, y)).toBe(1);
        } else expect(at(m, x, y)).toBe(0);
      }
    }
    expect(inside).toBeGreaterThan(400);
  });

  it('a soft brush falls off monotonically from the centre to 0 at the radius', () => {
    const m = blankMask(64, 64);
    paintStroke(m, { x: 32.5, y: 32.5 }, { x: 32.5, y: 32.5 }, { radius: 20, hardness: 0, mode: 'paint' });
    expect(at(m, 32, 32)).toBe(1);
    let prev = 1;
    for (let x = 33; x < 64; x++) {
      const v = at(m, x, 32);
      expect(v).toBeLessThanOrEqual(prev);
      prev = v;
    }
    expect(at(m, 42, 32)).toBeGreaterThan(0.3);
    expect(at(m, 42, 32)).toBeLessThan(0.7);
    expect(at(m, 53, 32)).toBe(0);
    expect(at(m, 32 + 19, 32)).toBeGreaterThan(0);
  });

  it('hardness sets where the falloff begins', () => {
    expect(brushFalloff(5, 10, 0.5)).toBe(1);
    expect(brushFalloff(7.5, 10, 0.5)).toBeCloseTo(0.5);
    expect(brushFalloff(10, 10, 0.5)).toBe(0);
    expect(brushFalloff(10.01, 10, 1)).toBe(0);
    expect(brushFalloff(10, 10, 1)).toBe(1);
  });

  it('painting keeps the larger value, so overlapping strokes never lighten', () => {
    const m = blankMask(32, 32);
    paintStroke(m, { x: 16, y: 16 }, { x: 16, y: 16 }, { radius: 10, hardness: 1, mode: 'paint' });
    paintStroke(m, { x: 16, y: 16 }, { x: 16, y: 16 }, { radius: 10, hardness: 0, mode: 'paint' });
    expect(at(m, 16 + 8, 16)).toBe(1);
  });

  it('erase takes min(old, 1 − brush)', () => {
    const m = blankMask(40, 40);
    m.data.fill(1);
    paintStroke(m, { x: 5, y: 20 }, { x: 35, y: 20 }, { radius: 4, hardness: 1, mode: 'erase' });
    expect(at(m, 20, 20)).toBe(0);
    expect(at(m, 20, 17)).toBe(0);
    expect(at(m, 20, 10)).toBe(1);
    m.data.fill(0.3);
    paintStroke(m, { x: 20.5, y: 20.5 }, { x: 20.5, y: 20.5 }, { radius: 8, hardness: 0, mode: 'erase' });
    expect(at(m, 20, 20)).toBe(0);
    expect(at(m, 27, 20)).toBeCloseTo(0.3, 6); // brush ≈ 0.02 there: 1 − 0.02 > 0.3 keeps the old value
    expect(at(m, 0, 0)).toBeCloseTo(0.3, 6);
  });

  it('from == to paints a round dot', () => {
    const m = blankMask(21, 21);
    const rect = paintStroke(m, { x: 10.5, y: 10.5 }, { x: 10.5, y: 10.5 }, { radius: 3, hardness: 1, mode: 'paint' });
    expect(rect).toEqual({ x: 7, y: 7, width: 7, height: 7 });
    expect(at(m, 10, 10)).toBe(1);
    expect(at(m, 13, 10)).toBe(1);
    expect(at(m, 13, 13)).toBe(0); // the corner of the box, √18 > 3 away
    expect(maskCoverage(m) * 21 * 21).toBe(29); // pixel centres within radius 3 of a centre
  });

  it('the dirty rect covers every changed pixel and nothing is changed outside it', () => {
    const m = blankMask(80, 60);
    for (let i = 0; i < m.data.length; i++) m.data[i] = (i % 7) / 7;
    const before = m.data.slice();
    const rect = paintStroke(m, { x: 70, y: -5 }, { x: 20, y: 40 }, { radius: 7, hardness: 0.4, mode: 'paint' });
    expect(rect).not.toBeNull();
    if (!rect) return;
    let changed = 0;
    for (let y = 0; y < m.height; y++) {
      for (let x = 0; x < m.width; x++) {
        if (at(m, x, y) === before[y * m.width + x]) continue;
        changed++;
        expect(x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height).toBe(true);
      }
    }
    expect(changed).toBeGreaterThan(0);
    // Tight: every edge of the rect holds a changed pixel.
    const changedAt = (x: number, y: number) => at(m, x, y) !== before[y * m.width + x];
    const row = (y: number) => Array.from({ length: rect.width }, (_, i) => changedAt(rect.x + i, y)).some(Boolean);
    const col = (x: number) => Array.from({ length: rect.height }, (_, i) => changedAt(x, rect.y + i)).some(Boolean);
    expect([row(rect.y), row(rect.y + rect.height - 1), col(rect.x), col(rect.x + rect.width - 1)]).toEqual([true, true, true, true]);
  });

  it('returns null when nothing changes (off the plane, or erasing an empty mask)', () => {
    const m = blankMask(20, 20);
    expect(paintStroke(m, { x: -50, y: -50 }, { x: -40, y: -30 }, { radius: 5, hardness: 1, mode: 'paint' })).toBeNull();
    expect(paintStroke(m, { x: 10, y: 10 }, { x: 15, y: 10 }, { radius: 5, hardness: 1, mode: 'erase' })).toBeNull();
  });
});

describe('whole-plane operations', () => {
  it('invert twice is the identity; coverage flips', () => {
    const m = blankMask(30, 20);
    paintStroke(m, { x: 3, y: 3 }, { x: 25, y: 15 }, { radius: 4, hardness: 0.3, mode: 'paint' });
    const before = m.data.slice();
    const c = maskCoverage(m);
    invertMask(m);
    expect(maskCoverage(m)).toBeCloseTo(1 - c, 6);
    invertMask(m);
    // Exact up to f32 rounding of 1 − (1 − v).
    expect(Math.max(...m.data.map((v, i) => Math.abs(v - before[i])))).toBeLessThan(1e-6);
  });

  it('clear zeroes; bounds find the painted box', () => {
    const m = blankMask(50, 40);
    expect(maskBounds(m)).toBeNull();
    paintStroke(m, { x: 20.5, y: 10.5 }, { x: 20.5, y: 10.5 }, { radius: 2, hardness: 1, mode: 'paint' });
    expect(maskBounds(m)).toEqual({ x: 18, y: 8, width: 5, height: 5 });
    clearMask(m);
    expect(maskCoverage(m)).toBe(0);
    expect(maskBounds(m)).toBeNull();
  });

  it('coverage is the mean value', () => {
    const m = blankMask(4, 2);
    m.data.set([1, 1, 0, 0, 0.5, 0.5, 0, 0]);
    expect(maskCoverage(m)).toBeCloseTo(3 / 8);
  });

  it('copyRect/pasteRect restore a region', () => {
    const m = blankMask(10, 8);
    for (let i = 0; i < m.data.length; i++) m.data[i] = i / 80;
    const rect = { x: 2, y: 3, width: 4, height: 2 };
    const saved = copyRect(m, rect);
    expect(Array.from(saved)).toEqual([32, 33, 34, 35, 42, 43, 44, 45].map((i) => Math.fround(i / 80)));
    const before = m.data.slice();
    m.data.fill(0);
    pasteRect(m, rect, saved);
    expect(at(m, 3, 4)).toBe(before[43]);
    expect(at(m, 1, 4)).toBe(0);
  });

  it('tintRect writes the overlay colour with alpha = value·opacity', () => {
    const m = blankMask(3, 1);
    m.data.set([0, 0.5, 1]);
    const rgba = new Uint8ClampedArray(12);
    tintRect(m, { x: 1, y: 0, width: 2, height: 1 }, rgba, [143, 108, 240], 0.55);
    expect(Array.from(rgba)).toEqual([0, 0, 0, 0, 143, 108, 240, 70, 143, 108, 240, 140]);
  });
});
