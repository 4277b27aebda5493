// Threshold and cleanup on synthetic probability maps: the masks they must give.
import { describe, expect, it } from 'vitest';
import { maskOpRef } from '../kernels/mask-ops.ref.ts';
import { outpaintCanvas, outpaintMask } from './geometry.ts';
import { components, dilate, dropSmall, erode, feather, hysteresis, type Plane, refineMask, resize } from './mask.ts';

/** A 16 × 16 map: `fill` at every cell inside the given rectangles, `background` elsewhere. */
function grid(cells: [x0: number, y0: number, x1: number, y1: number, value: number][], background = 0.05, size = 16): Plane {
  const data = new Float32Array(size * size).fill(background);
  for (const [x0, y0, x1, y1, v] of cells) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * size + x] = v;
  return { data, width: size, height: size };
}

const hard = (p: Plane) => Uint8Array.from(p.data, (v) => (v >= 0.5 ? 1 : 0));
const count = (b: Uint8Array) => b.reduce((a, v) => a + v, 0);
const at = (p: Plane, x: number, y: number) => p.data[y * p.width + x];

/** Intersection over union of a binary mask with the rectangle [x0, x1) × [y0, y1). */
function iouRect(b: Uint8Array, width: number, [x0, y0, x1, y1]: number[]): number {
  let inter = 0;
  let rect = 0;
  for (let y = 0; y < b.length / width; y++) {
    for (let x = 0; x < width; x++) {
      const r = x >= x0 && x < x1 && y >= y0 && y < y1 ? 1 : 0;
      inter += r & b[y * width + x];
      rect += r;
    }
  }
  return inter / (rect + count(b) - inter);
}

const CLEAN = { close: 0, grow: 0, feather: 0 }; // threshold only

describe('refineMask on synthetic maps', () => {
  it('a block of high probability becomes that block at image resolution', () => {
    const r = refineMask(grid([[4, 4, 8, 12, 0.9]]), 64, 64, CLEAN);
    expect(r.mask.width).toBe(64);
    expect(r.components).toBe(1);
    // Cells 4..8 × 4..12 are pixels 16..32 × 16..48; bilinear edges land within a pixel or two.
    expect(iouRect(hard(r.mask), 64, [16, 16, 32, 48])).toBeGreaterThan(0.9);
    expect(r.coverage).toBeCloseTo((16 * 32) / 4096, 1);
    expect(at(r.mask, 24, 32)).toBe(1);
    expect(at(r.mask, 2, 2)).toBe(0);
  });

  it('keeps the aspect ratio and covers the same part of a non-square image', () => {
    const r = refineMask(grid([[0, 0, 8, 16, 0.9]]), 120, 60, CLEAN); // left half
    expect([r.mask.width, r.mask.height]).toEqual([120, 60]);
    expect(iouRect(hard(r.mask), 120, [0, 0, 60, 60])).toBeGreaterThan(0.95);
  });

  it('several levels: a low region is kept only where it reaches the high level', () => {
    const map = grid([
      [1, 1, 7, 7, 0.45], // halo of region A
      [3, 3, 5, 5, 0.8], // A's core
      [10, 10, 15, 15, 0.45], // region B: no core
    ]);
    const both = refineMask(map, 16, 16, { ...CLEAN, levels: [0.4] });
    expect(both.components).toBe(2);
    const multi = refineMask(map, 16, 16, { ...CLEAN, levels: [0.7, 0.4] });
    expect(multi.components).toBe(1);
    expect(at(multi.mask, 1, 1)).toBe(1); // A's halo kept
    expect(at(multi.mask, 12, 12)).toBe(0); // B dropped
    const strict = refineMask(map, 16, 16, { ...CLEAN, levels: [0.7] });
    expect(count(hard(strict.mask))).toBe(4); // the core alone
  });

  it('drops small specks but never the largest region', () => {
    const speck = grid([[0, 0, 1, 1, 0.95], [8, 8, 14, 14, 0.9]]);
    const r = refineMask(speck, 160, 160, { ...CLEAN, minArea: 0.01 });
    expect(r.components).toBe(1);
    expect(at(r.mask, 2, 2)).toBe(0);
    const alone = refineMask(grid([[0, 0, 1, 1, 0.95]]), 160, 160, { ...CLEAN, minArea: 0.01 });
    expect(alone.components).toBe(1);
    expect(at(alone.mask, 2, 2)).toBe(1);
  });

  it('closing fills a small hole; growing adds a margin; feathering softens only the edge', () => {
    const ring = grid([[4, 4, 12, 12, 0.9], [7, 7, 8, 8, 0.1]]); // 1-cell hole
    const open = refineMask(ring, 64, 64, CLEAN);
    expect(at(open.mask, 30, 30)).toBe(0);
    const closed = refineMask(ring, 64, 64, { ...CLEAN, close: 4 / 64 });
    expect(at(closed.mask, 30, 30)).toBe(1);
    expect(closed.components).toBe(1);
    const grown = refineMask(ring, 64, 64, { ...CLEAN, close: 4 / 64, grow: 3 / 64 });
    expect(at(grown.mask, 14, 32)).toBe(1); // 2 px outside the block's left edge (x = 16)
    expect(at(closed.mask, 14, 32)).toBe(0);
    const soft = refineMask(ring, 64, 64, { ...CLEAN, close: 4 / 64, feather: 2 / 64 });
    const row = Array.from({ length: 64 }, (_, x) => at(soft.mask, x, 32));
    expect(row[32]).toBeCloseTo(1, 5);
    expect(row[2]).toBeCloseTo(0, 5);
    expect(row[16]).toBeGreaterThan(0.2);
    expect(row[16]).toBeLessThan(0.8);
    for (let x = 6; x < 30; x++) expect(row[x + 1]).toBeGreaterThanOrEqual(row[x] - 1e-6); // monotone up to the middle
  });

  it('a flat low map gives an empty mask', () => {
    const r = refineMask(grid([], 0.2), 64, 48);
    expect(r.coverage).toBe(0);
    expect(r.components).toBe(0);
    expect(r.mask.data.every((v) => v === 0)).toBe(true);
  });

  it('works at a capped size for large images and returns the requested size', () => {
    const r = refineMask(grid([[8, 0, 16, 16, 0.9]]), 2000, 1000, { ...CLEAN, maxSide: 200 });
    expect([r.mask.width, r.mask.height]).toEqual([2000, 1000]);
    expect(at(r.mask, 1500, 500)).toBe(1);
    expect(at(r.mask, 500, 500)).toBe(0);
  });
});

describe('mask building blocks', () => {
  const random = (n: number, seed: number) => {
    let s = seed;
    return Uint8Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 < 0.08 ? 1 : 0));
  };

  it.each([[1], [2], [4]])('distance-transform dilate/erode by %i equal the kernels\' disc reference', (r) => {
    const [w, h] = [37, 23];
    const bin = random(w * h, r);
    const asF = Float32Array.from(bin);
    expect(Array.from(dilate(bin, w, h, r))).toEqual(Array.from(maskOpRef(asF, w, h, { op: 'dilate', radius: r })));
    const dense = Uint8Array.from(dilate(bin, w, h, 2));
    expect(Array.from(erode(dense, w, h, r))).toEqual(Array.from(maskOpRef(Float32Array.from(dense), w, h, { op: 'erode', radius: r })));
  });

  it.each([[0.7], [2.5]])('feather σ %f equals the kernels\' reference', (sigma) => {
    const [w, h] = [29, 17];
    const a = Float32Array.from(random(w * h, 9));
    const ours = feather(a, w, h, sigma);
    const ref = maskOpRef(a, w, h, { op: 'feather', sigma });
    for (let i = 0; i < a.length; i++) expect(Math.abs(ours[i] - ref[i])).toBeLessThan(1e-6);
    expect(ours.some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('components are 8-connected', () => {
    const b = Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(components(b, 3, 3).sizes).toEqual([3]);
    expect(dropSmall(Uint8Array.from([1, 0, 1, 0, 0, 1, 0, 0, 1]), 3, 3, 2)).toEqual(Uint8Array.from([0, 0, 1, 0, 0, 1, 0, 0, 1]));
  });

  it('hysteresis with one level is a plain threshold', () => {
    const p = { data: Float32Array.from([0.1, 0.5, 0.49, 0.9]), width: 2, height: 2 };
    expect(Array.from(hysteresis(p, [0.5]))).toEqual([0, 1, 0, 1]);
  });

  it('resize keeps a constant map constant and interpolates between centres', () => {
    const r = resize({ data: Float32Array.from([0, 1]), width: 2, height: 1 }, 4, 1);
    expect(Array.from(r.data)).toEqual([0, 0.25, 0.75, 1]);
    expect(resize({ data: new Float32Array(4).fill(0.3), width: 2, height: 2 }, 5, 7).data.every((v) => Math.abs(v - 0.3) < 1e-6)).toBe(true);
  });
});

describe('outpainting canvas and mask', () => {
  it('places the original and marks only the new area (plus the overlap ramp)', () => {
    const c = outpaintCanvas(100, 50, { left: 0.25, right: 0, top: 0, bottom: 10, unit: 'fraction' });
    expect(c).toEqual({ width: 125, height: 550, x: 25, y: 0 }); // bottom 10 × height
    const px = outpaintCanvas(100, 50, { left: 40, right: 0, top: 0, bottom: 8, unit: 'px' });
    expect(px).toEqual({ width: 140, height: 58, x: 40, y: 0 });
    const m = outpaintMask(px, 100, 50, 4);
    const v = (x: number, y: number) => m.data[y * m.width + x];
    expect(v(0, 0)).toBe(1);
    expect(v(139, 57)).toBe(1); // the new bottom strip
    expect(v(139, 20)).toBe(0); // right edge of the original: not extended there
    expect(v(40, 20)).toBeCloseTo(1 - 0.5 / 4); // first original column, on the ramp
    expect(v(45, 20)).toBe(0);
    expect(v(90, 49)).toBeCloseTo(1 - 0.5 / 4); // last original row, before the bottom extension
    expect(outpaintMask(px, 100, 50, 0).data.filter((x) => x === 1).length).toBe(140 * 58 - 100 * 50);
  });
});
