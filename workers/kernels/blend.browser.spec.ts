import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DdimScheduler } from '../diffusion/ddim.ts';
import { GpuContext } from '../gpu/context.ts';
import { encodeBlend } from './blend.ts';
import { blendRef } from './blend.ref.ts';
import { expectClose, randomF32, readF32, rng, runChecked } from './testing.ts';

describe('Eq. 22–23 blend kernel', () => {
  let gpu: GpuContext;
  const scheduler = new DdimScheduler();
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  async function blend(mask: Float32Array, source: Float32Array, noise: Float32Array, x: Float32Array, tNext: number): Promise<Float32Array> {
    const bufs = [mask, source, noise, x].map((a) => gpu.upload(a));
    const { sqrtAlpha, sqrtOneMinusAlpha } = scheduler.noiseCoefficients(tNext);
    await runChecked(gpu, 'blend test', (b) =>
      encodeBlend(b, { mask: bufs[0], source: bufs[1], noise: bufs[2], latents: bufs[3], count: x.length, plane: mask.length, sqrtAlpha, sqrtOneMinusAlpha }),
    );
    const out = await readF32(gpu, bufs[3], x.length);
    bufs.forEach((b) => gpu.release(b));
    return out;
  }

  it('keeps the model inside the mask and add_noise(source, initial noise, t) outside', async () => {
    // Two latent pixels: m = 1 (repaint) and m = 0 (preserve), four channels each.
    const mask = new Float32Array([1, 0]);
    const source = new Float32Array(8).fill(1);
    const noise = new Float32Array(8).fill(0.5);
    const x = new Float32Array([9, 9, 9, 9, 9, 9, 9, 9]);
    const out = await blend(mask, source, noise, x, 981);
    for (let c = 0; c < 4; c++) {
      expect(out[2 * c]).toBe(9);
      expect(out[2 * c + 1]).toBeCloseTo(0.57455075, 6); // add_noise(1, 0.5, 981) from REFERENCE.md
    }
    expect((await blend(mask, source, noise, x, 501))[1]).toBeCloseTo(0.95013847, 6);
  });

  it('pastes the clean source after the last step (t < 0)', async () => {
    const random = rng(3);
    const source = randomF32(4 * 6, random);
    const out = await blend(new Float32Array(6), source, randomF32(24, random), randomF32(24, random), -1);
    expect(Array.from(out)).toEqual(Array.from(source));
  });

  it.each([
    [1, 1, 951],
    [9, 5, 501],
    [31, 17, 1],
  ])('matches the CPU reference with soft random masks (%i×%i, t=%i)', async (w, h, t) => {
    const random = rng(w + 100 * h);
    const plane = w * h;
    const mask = randomF32(plane, random, 0, 1);
    const [source, noise, x] = [0, 1, 2].map(() => randomF32(4 * plane, random, -2, 2));
    const out = await blend(mask, source, noise, x, t);
    const expected = x.slice();
    const c = scheduler.noiseCoefficients(t);
    blendRef(mask, source, noise, expected, c.sqrtAlpha, c.sqrtOneMinusAlpha);
    expectClose(out, expected, 1e-5, 1e-6);
  });
});
