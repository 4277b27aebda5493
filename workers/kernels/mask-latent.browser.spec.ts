import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../gpu/context.ts';
import { encodeMaskLatent, type MaskResize } from './mask-latent.ts';
import { maskLatentRef } from './mask-latent.ref.ts';
import { expectClose, outBuffer, randomF32, readF32, rng, runChecked } from './testing.ts';

describe('mask → latent grid kernel', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  async function resize(src: Float32Array, sw: number, sh: number, dw: number, dh: number, mode: MaskResize): Promise<Float32Array> {
    const input = gpu.upload(src);
    const out = outBuffer(gpu, dw * dh);
    await runChecked(gpu, 'mask-latent test', (b) => encodeMaskLatent(b, { src: input, dst: out, srcWidth: sw, srcHeight: sh, dstWidth: dw, dstHeight: dh, mode }));
    const result = await readF32(gpu, out, dw * dh);
    gpu.release(input);
    gpu.release(out);
    return result;
  }

  it('nearest drops a one-pixel stroke that area and max keep', async () => {
    // 16×16 mask, vertical line at x = 5: the nearest sample of each 8×8 cell is its top-left pixel.
    const mask = new Float32Array(256);
    for (let y = 0; y < 16; y++) mask[y * 16 + 5] = 1;
    expect(Array.from(await resize(mask, 16, 16, 2, 2, 'nearest'))).toEqual([0, 0, 0, 0]);
    expect(Array.from(await resize(mask, 16, 16, 2, 2, 'max'))).toEqual([1, 0, 1, 0]);
    expectClose(await resize(mask, 16, 16, 2, 2, 'area'), [1 / 8, 0, 1 / 8, 0], 1e-7);
  });

  it('nearest picks src = floor(dst·in/out) as torch does', async () => {
    const src = Float32Array.from({ length: 24 }, (_, i) => i);
    expect(Array.from(await resize(src, 24, 1, 3, 1, 'nearest'))).toEqual([0, 8, 16]);
  });

  const sizes: [number, number, number, number][] = [
    [1, 1, 1, 1],
    [64, 40, 8, 5],
    [37, 23, 5, 3],
    [7, 9, 3, 4],
  ];
  for (const mode of ['nearest', 'area', 'max'] as const) {
    it.each(sizes)(`${mode} matches the CPU reference (%i×%i → %i×%i)`, async (sw, sh, dw, dh) => {
      const src = randomF32(sw * sh, rng(sw * sh + dw), 0, 1);
      expectClose(await resize(src, sw, sh, dw, dh, mode), maskLatentRef(src, sw, sh, dw, dh, mode), 1e-6, 1e-6);
    });
  }
});
