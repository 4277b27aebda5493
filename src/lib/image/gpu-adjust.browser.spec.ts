import { afterEach, describe, expect, it } from 'vitest';
import { GpuContext } from '../../../workers/gpu/context.ts';
import { adjustRef } from '../../../workers/kernels/adjust.ref.ts';
import { GpuAdjuster, type Adjustments } from './gpu-adjust.ts';
import { downscale } from './ops.ts';
import { pixelAt, readPixels, type Rgba } from './testing.ts';
import { PREVIEW_SIDE } from './working-image.ts';

/** Four flat quadrants, so the reduced preview keeps the same colours away from the seams. */
const QUADRANTS: Rgba[] = [
  [60, 100, 150, 255],
  [20, 40, 160, 255],
  [120, 30, 70, 255],
  [90, 90, 90, 255],
];
const quadrantOf = (fx: number, fy: number) => (fy < 0.5 ? 0 : 2) + (fx < 0.5 ? 0 : 1);
/** Points well inside each quadrant, as fractions of the image. */
const PROBES: [number, number][] = [
  [0.25, 0.25],
  [0.75, 0.25],
  [0.25, 0.75],
  [0.75, 0.75],
  [0.02, 0.03],
  [0.98, 0.97],
];

async function quadrants(width: number, height: number): Promise<ImageBitmap> {
  const data = new ImageData(width, height);
  const words = new Uint32Array(data.data.buffer);
  const packed = QUADRANTS.map(pack);
  const half = Math.floor(width / 2);
  for (let y = 0; y < height; y++) {
    const top = y < height / 2 ? 0 : 2;
    words.fill(packed[top], y * width, y * width + half);
    words.fill(packed[top + 1], y * width + half, (y + 1) * width);
  }
  return createImageBitmap(data);
}

function pack([r, g, b, a]: Rgba): number {
  return (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;
}

/** The kernel's CPU reference on one pixel (no blur or sharpen, so pixels are independent). */
function expected(colour: Rgba, adjustments: Partial<Adjustments>, times = 1): Rgba {
  let word = pack(colour);
  for (let i = 0; i < times; i++) word = adjustRef(Uint32Array.of(word), 1, 1, adjustments)[0];
  return [word & 255, (word >>> 8) & 255, (word >>> 16) & 255, word >>> 24];
}

function expectQuadrants(bitmap: ImageBitmap, adjustments: Partial<Adjustments>, times: number): void {
  const pixels = readPixels(bitmap);
  for (const [fx, fy] of PROBES) {
    const x = Math.min(bitmap.width - 1, Math.floor(fx * bitmap.width));
    const y = Math.min(bitmap.height - 1, Math.floor(fy * bitmap.height));
    expect(pixelAt(pixels, x, y), `pixel (${x}, ${y}) of ${bitmap.width}×${bitmap.height}`).toEqual(expected(QUADRANTS[quadrantOf(fx, fy)], adjustments, times));
  }
}

/** An adjuster whose GPU context the test can inspect: buffers out of its pool, errors outside any scope. */
function tracked(): { adjuster: GpuAdjuster; outstanding: () => number; uncaptured: string[] } {
  let gpu: GpuContext | undefined;
  const uncaptured: string[] = [];
  const adjuster = new GpuAdjuster(async () => {
    const created = await GpuContext.create({ label: 'adjust spec' });
    created.device.addEventListener('uncapturederror', (e) => uncaptured.push((e as GPUUncapturedErrorEvent).error.message));
    gpu = created;
    return created;
  });
  return { adjuster, outstanding: () => gpu?.outstanding ?? -1, uncaptured };
}

describe('GpuAdjuster: preview on the reduced copy, then Apply at full resolution', () => {
  let adjuster: GpuAdjuster | null = null;
  afterEach(() => {
    adjuster?.dispose();
    adjuster = null;
  });

  // Above PREVIEW_SIDE the preview runs on a reduced copy and Apply on the full image: two
  // different sources in a row, the sequence that handed one buffer out as both source and output.
  it.each([
    [2600, 1500],
    [6000, 4000],
  ])('applies exposure at %i×%i after previewing, and again after reopening', async (width, height) => {
    const t = tracked();
    adjuster = t.adjuster;
    const exposure = { exposure: 0.5 };
    expect(expected(QUADRANTS[0], exposure)).toEqual([85, 141, 212, 255]); // ×√2: the test can see a change

    const full = await quadrants(width, height);
    const preview = downscale(full, PREVIEW_SIDE);
    expect(Math.max(preview.width, preview.height)).toBe(PREVIEW_SIDE);

    // Adjust opened: live previews on the reduced copy (the source is uploaded once and reused).
    expectQuadrants(await adjuster.adjust(preview, { exposure: 0.2 }), { exposure: 0.2 }, 1);
    expectQuadrants(await adjuster.adjust(preview, exposure), exposure, 1);
    expect(t.outstanding()).toBe(1); // the preview source, and nothing else

    // Apply: the full-resolution image replaces the preview source.
    const applied = await adjuster.adjust(full, exposure);
    expect([applied.width, applied.height]).toEqual([width, height]);
    expectQuadrants(applied, exposure, 1);
    expect(t.outstanding()).toBe(1); // the old source went back to the pool, not the new one

    // The applied image becomes the working image; reopening Adjust previews and applies on it.
    adjuster.invalidate();
    expect(t.outstanding()).toBe(0);
    expectQuadrants(await adjuster.adjust(downscale(applied, PREVIEW_SIDE), exposure), exposure, 2);
    const again = await adjuster.adjust(applied, exposure);
    expectQuadrants(again, exposure, 2);
    adjuster.invalidate();
    expect(t.outstanding()).toBe(0);
    expect(t.uncaptured).toEqual([]);
  });

  it('does not leak or double-release when the source changes between same-size images', async () => {
    const t = tracked();
    adjuster = t.adjuster;
    const a = await quadrants(301, 17);
    const b = await quadrants(301, 17);
    // Concurrent calls on two sources of one size: each kernel reads its own pixels.
    const [outA, outB] = await Promise.all([adjuster.adjust(a, { exposure: 0.5 }), adjuster.adjust(b, { exposure: -0.5 })]);
    expectQuadrants(outA, { exposure: 0.5 }, 1);
    expectQuadrants(outB, { exposure: -0.5 }, 1);
    expect(t.outstanding()).toBe(1);
    adjuster.invalidate();
    adjuster.invalidate(); // a second invalidate has nothing left to give back
    expect(t.outstanding()).toBe(0);
    expect(t.uncaptured).toEqual([]);
  });
});
