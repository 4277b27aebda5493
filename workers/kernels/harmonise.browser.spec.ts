import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../gpu/context.ts';
import { encodeHarmonise, HARMONISE_STATS_BYTES } from './harmonise.ts';
import { harmoniseRef, harmoniseStatsRef } from './harmonise.ref.ts';
import { expectBytesClose, expectClose, outBuffer, randomRgba, readF32, readU32, rng, runChecked } from './testing.ts';

/** A disc region (feathered edge) with a ring of preserved pixels around it. */
function masks(w: number, h: number) {
  const region = new Float32Array(w * h);
  const ring = new Float32Array(w * h);
  const r = Math.min(w, h) / 4;
  for (let p = 0; p < w * h; p++) {
    const d = Math.hypot((p % w) - w / 2, Math.floor(p / w) - h / 2);
    region[p] = Math.min(1, Math.max(0, r + 1 - d));
    ring[p] = region[p] === 0 && d < 2 * r ? 1 : 0;
  }
  return { region, ring };
}

describe('harmonise kernel (YCbCr mean/spread matching via GPU reductions)', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  async function harmonise(img: Uint32Array, region: Float32Array, ring: Float32Array, strength: number) {
    const bufs = { image: gpu.upload(img), region: gpu.upload(region), ring: gpu.upload(ring), stats: outBuffer(gpu, HARMONISE_STATS_BYTES / 4) };
    await runChecked(gpu, 'harmonise test', (b) => encodeHarmonise(b, { ...bufs, count: img.length, strength }));
    const out = await readU32(gpu, bufs.image, img.length);
    const stats = await readF32(gpu, bufs.stats, 16);
    Object.values(bufs).forEach((b) => gpu.release(b));
    return { out, stats };
  }

  it.each([
    [1, 1, 1],
    [13, 11, 0.5],
    [181, 97, 1], // 17 557 pixels: 256 workgroups × 64 threads, some threads sum two pixels; `finish` loops
  ])('%i×%i, strength %d: reductions and output match the CPU reference', async (w, h, strength) => {
    const img = randomRgba(w * h, rng(w * h));
    const { region, ring } = w === 1 ? { region: new Float32Array([1]), ring: new Float32Array([1]) } : masks(w, h);
    const { out, stats } = await harmonise(img, region, ring, strength);
    expectClose(stats, harmoniseStatsRef(img, region, ring), 1e-3, 1e-5);
    expectBytesClose(out, harmoniseRef(img, region, ring, strength), 1);
    for (let p = 0; p < w * h; p++) if (region[p] === 0) expect(out[p]).toBe(img[p]);
  });

  it('moves a dark, flat region to the mean and spread of a bright, textured ring', async () => {
    const w = 40;
    const h = 40;
    const { region, ring } = masks(w, h);
    const random = rng(77);
    const grey = (v: number) => (v | (v << 8) | (v << 16) | 0xff000000) >>> 0;
    const img = Uint32Array.from({ length: w * h }, (_, p) => grey(region[p] > 0 ? 40 + Math.floor(random() * 10) : 150 + Math.floor(random() * 60)));
    const { out } = await harmonise(img, region, ring, 1);
    const stat = (pixels: Uint32Array, where: (p: number) => boolean) => {
      const v = Array.from(pixels.keys()).filter(where).map((p) => pixels[p] & 255);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return { mean, sd: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
    };
    const before = stat(img, (p) => region[p] === 1);
    const after = stat(out, (p) => region[p] === 1);
    const target = stat(img, (p) => ring[p] === 1);
    expect(before.mean).toBeLessThan(50);
    expect(Math.abs(after.mean - target.mean)).toBeLessThan(3);
    // Spread grows toward the ring's, capped by maxGain 4.
    expect(after.sd).toBeGreaterThan(2.5 * before.sd);
  });
});
