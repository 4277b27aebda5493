// ops.wgsl against ops.ref.ts on random data and odd sizes, plus golden values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../gpu/context.ts';
import { STORAGE } from '../kernels/kernel.ts';
import { expectClose, outBuffer, randomF32, readF32, readU32, rng, runChecked } from '../kernels/testing.ts';
import { toHalfBits } from '../runtime/convert.ts';
import { encodeAxpby, encodeFromHalf, encodeMaskImage, encodeResample, encodeToHalf, halfBytes } from './ops.ts';
import { axpbyRef, halfRoundTripRef, maskImageRef, resampleRef } from './ops.ref.ts';

describe('diffusion ops', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  it('axpby reads and writes at element offsets (add_noise, scaling one batch item)', async () => {
    const random = rng(1);
    const n = 1037;
    const x = randomF32(3 * n, random);
    const y = randomF32(n, random);
    const [bx, by, out] = [gpu.upload(x), gpu.upload(y), outBuffer(gpu, 2 * n)];
    await runChecked(gpu, 'axpby', (b) => encodeAxpby(b, { x: bx, y: by, out, count: n, a: 0.7, b: -1.3, xOffset: 2 * n, outOffset: n }));
    const got = await readF32(gpu, out, 2 * n);
    expect(got.subarray(0, n).every(Number.isNaN)).toBe(true); // before outOffset: untouched
    expectClose(got.subarray(n), axpbyRef(x.subarray(2 * n), y, 0.7, -1.3), 1e-6);
    // Golden: add_noise(1.0, 0.5, t = 981) = 0.57455075 (shared/REFERENCE.md).
    const [one, half, o2] = [gpu.upload(new Float32Array([1])), gpu.upload(new Float32Array([0.5])), outBuffer(gpu, 1)];
    await runChecked(gpu, 'add_noise', (b) => encodeAxpby(b, { x: one, y: half, out: o2, count: 1, a: 0.07599671, b: 0.99710807 }));
    expect((await readF32(gpu, o2, 1))[0]).toBeCloseTo(0.57455075, 6);
  });

  it.each([
    ['downscale 37×23 → 8×5', 37, 23, 8, 5],
    ['upscale 5×3 → 17×11', 5, 3, 17, 11],
    ['1×1 → 3×2', 1, 1, 3, 2],
    ['same size 9×7', 9, 7, 9, 7],
  ])('resample matches the reference (%s), with and without threshold', async (_name, sw, sh, dw, dh) => {
    const src = randomF32(sw * sh, rng(sw * 31 + dh), 0, 1);
    const b = gpu.upload(src);
    for (const threshold of [0, 0.5]) {
      const out = outBuffer(gpu, dw * dh);
      await runChecked(gpu, 'resample', (batch) => encodeResample(batch, { src: b, srcWidth: sw, srcHeight: sh, out, dstWidth: dw, dstHeight: dh, threshold }));
      const got = await readF32(gpu, out, dw * dh);
      const want = resampleRef(src, sw, sh, dw, dh, threshold);
      if (threshold === 0) expectClose(got, want, 1e-5);
      else {
        // Binary values; a value within float error of the level may land either side.
        const smooth = resampleRef(src, sw, sh, dw, dh);
        got.forEach((v, i) => expect(Math.abs(smooth[i] - 0.5) < 1e-5 || v === want[i]).toBe(true));
      }
    }
    // A constant plane stays constant (weights are normalised).
    const ones = gpu.upload(new Float32Array(sw * sh).fill(1));
    const out = outBuffer(gpu, dw * dh);
    await runChecked(gpu, 'resample ones', (batch) => encodeResample(batch, { src: ones, srcWidth: sw, srcHeight: sh, out, dstWidth: dw, dstHeight: dh }));
    expectClose(await readF32(gpu, out, dw * dh), new Float32Array(dw * dh).fill(1), 1e-6);
  });

  it('mask_image zeroes the hole (mask ≥ 0.5) in all three channels, at offsets', async () => {
    const plane = 13 * 7;
    const random = rng(5);
    const image = randomF32(3 * plane, random);
    const mask = Float32Array.from({ length: plane }, (_, i) => [0, 0.49, 0.5, 1][i % 4]);
    const out = outBuffer(gpu, 6 * plane);
    await runChecked(gpu, 'mask_image', (b) => encodeMaskImage(b, { image: gpu.upload(image), mask: gpu.upload(mask), out, plane, outOffset: 3 * plane }));
    const got = (await readF32(gpu, out, 6 * plane)).subarray(3 * plane);
    expect(Array.from(got)).toEqual(Array.from(maskImageRef(image, mask)));
    expect(got[2]).toBe(0); // mask 0.5 is a hole
    expect(got[1]).toBe(image[1]);
  });

  it('f32 → f16 → f32 round-trips like round-half-to-even, odd counts included', async () => {
    const n = 101;
    const values = Float32Array.from(randomF32(n, rng(9), -300, 300), (v, i) => (i === 0 ? 1 / 3 : i === 1 ? 65504 : i === 2 ? -0 : v));
    const half = gpu.acquire(halfBytes(n), STORAGE());
    const back = outBuffer(gpu, n + 1);
    await runChecked(gpu, 'to f16', (b) => encodeToHalf(b, { src: gpu.upload(values), out: half, count: n }));
    const words = await readU32(gpu, half, Math.ceil(n / 2));
    expect(words[0] & 0xffff).toBe(toHalfBits(1 / 3));
    expect(words[0] >>> 16).toBe(0x7bff); // 65504, the largest half
    expect(words[50] >>> 16).toBe(0); // odd tail padded with 0
    await runChecked(gpu, 'from f16', (b) => encodeFromHalf(b, { src: half, out: back, count: n }));
    const got = await readF32(gpu, back, n + 1);
    expectClose(got.subarray(0, n), halfRoundTripRef(values), 0, 1e-3); // at most one half ulp apart
    expect(Number.isNaN(got[n])).toBe(true); // nothing written past count
  });
});
