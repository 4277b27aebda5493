import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../gpu/context.ts';
import { encodePreview } from './preview.ts';
import { previewRef } from './preview.ref.ts';
import { expectBytesClose, outBuffer, randomF32, readU32, rng, runChecked } from './testing.ts';

describe('latent preview kernel', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  async function preview(latents: Float32Array, plane: number): Promise<Uint32Array> {
    const input = gpu.upload(latents);
    const out = outBuffer(gpu, plane);
    await runChecked(gpu, 'preview test', (b) => encodePreview(b, { latents: input, out, plane }));
    const result = await readU32(gpu, out, plane);
    gpu.release(input);
    gpu.release(out);
    return result;
  }

  it('maps z = [0.5, −0.5, 0.25, −1] to u8 [147, 149, 233] (REFERENCE.md check)', async () => {
    const px = await preview(new Float32Array([0.5, -0.5, 0.25, -1]), 1);
    expect(Array.from(new Uint8Array(px.buffer))).toEqual([147, 149, 233, 255]);
  });

  it.each([
    [1, 1],
    [13, 7],
    [64, 64],
  ])('matches the CPU reference on random %i×%i latents, within one level', async (w, h) => {
    const plane = w * h;
    const latents = randomF32(4 * plane, rng(plane), -3, 3);
    // Rounding at exact .5 boundaries may differ by one level between f32 and f64 sums.
    expectBytesClose(await preview(latents, plane), previewRef(latents, plane), 1);
  });
});
