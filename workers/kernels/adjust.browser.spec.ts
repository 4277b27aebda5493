import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../gpu/context.ts';
import { type Adjustments, encodeAdjust } from './adjust.ts';
import { adjustRef } from './adjust.ref.ts';
import { expectBytesClose, outBuffer, randomRgba, readU32, rng, runChecked } from './testing.ts';

describe('global adjustments kernel', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  async function adjust(img: Uint32Array, w: number, h: number, adjustments: Partial<Adjustments>) {
    const src = gpu.upload(img);
    const dst = outBuffer(gpu, w * h);
    await runChecked(gpu, 'adjust test', (b) => encodeAdjust(b, { src, dst, width: w, height: h, adjustments }));
    const out = await readU32(gpu, dst, w * h);
    gpu.release(src);
    gpu.release(dst);
    return out;
  }

  it('leaves the image byte-identical with neutral settings', async () => {
    const img = randomRgba(23 * 9, rng(1));
    expect(Array.from(await adjust(img, 23, 9, {}))).toEqual(Array.from(img));
  });

  it('applies +1 stop of exposure as ×2 (golden values)', async () => {
    const img = new Uint32Array([0xff_40_20_10, 0x80_ff_90_01]);
    const out = new Uint8Array((await adjust(img, 2, 1, { exposure: 1 })).buffer);
    expect(Array.from(out)).toEqual([0x20, 0x40, 0x80, 0xff, 0x02, 0xff, 0xff, 0x80]);
  });

  const settings: [string, Partial<Adjustments>][] = [
    ['colour sliders', { exposure: 0.4, brightness: -0.05, contrast: 1.3, saturation: 1.4, warmth: 0.5, tint: -0.3, gamma: 1.2 }],
    ['desaturate + low contrast', { saturation: 0, contrast: 0.6, gamma: 0.8 }],
    ['sharpen σ 1', { sharpen: 1.5, sigma: 1 }],
    ['blur σ 2', { blur: 1, sigma: 2 }],
    ['blur and colour together', { blur: 0.5, sigma: 1.5, exposure: -0.5, saturation: 1.2 }],
  ];
  for (const [w, h] of [
    [1, 1],
    [19, 13],
  ]) {
    it.each(settings)(`matches the CPU reference within one level (${w}×${h}, %s)`, async (_name, adjustments) => {
      const img = randomRgba(w * h, rng(w * h));
      expectBytesClose(await adjust(img, w, h, adjustments), adjustRef(img, w, h, adjustments), 1);
    });
  }

  it('blurs a single bright pixel into its neighbours and sharpening steepens an edge', async () => {
    const grey = (v: number) => (v | (v << 8) | (v << 16) | 0xff000000) >>> 0;
    const dot = Uint32Array.from({ length: 25 }, (_, p) => grey(p === 12 ? 255 : 0));
    const blurred = await adjust(dot, 5, 5, { blur: 1, sigma: 1 });
    expect(blurred[12] & 255).toBeLessThan(255);
    expect(blurred[13] & 255).toBeGreaterThan(0);
    const edge = Uint32Array.from({ length: 8 }, (_, p) => grey(p < 4 ? 100 : 150));
    const sharp = await adjust(edge, 8, 1, { sharpen: 1, sigma: 1 });
    expect(sharp[3] & 255).toBeLessThan(100);
    expect(sharp[4] & 255).toBeGreaterThan(150);
  });
});
