import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../gpu/context.ts';
import { encodeNoise, encodeNoiseBits } from './noise.ts';
import { noiseBitsRef, noiseRef } from './noise.ref.ts';
import { expectClose, outBuffer, readF32, readU32, runChecked } from './testing.ts';

describe('Philox + Box–Muller noise kernel', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  async function normals(count: number, seed: number, stream = 0): Promise<Float32Array> {
    const out = outBuffer(gpu, count);
    await runChecked(gpu, 'noise test', (b) => encodeNoise(b, { out, count, seed, stream }));
    const result = await readF32(gpu, out, count);
    gpu.release(out);
    return result;
  }

  it.each([
    [1, 0],
    [7, 42],
    [4099, 2 ** 40 + 7],
  ])('produces the same Philox words as the CPU reference, bit for bit (%i words, seed %d)', async (count, seed) => {
    const out = outBuffer(gpu, count);
    await runChecked(gpu, 'noise bits test', (b) => encodeNoiseBits(b, { out, count, seed, stream: 5 }));
    expect(Array.from(await readU32(gpu, out, count))).toEqual(Array.from(noiseBitsRef(count, seed, 5)));
    gpu.release(out);
  });

  it.each([1, 3, 16_387])('normals match the CPU reference within float tolerance (%i values)', async (count) => {
    expectClose(await normals(count, 1234), noiseRef(count, 1234), 1e-6, 1e-6);
  });

  it('is bit-identical across runs for a seed, and differs across seeds and streams', async () => {
    const a = await normals(4096, 99);
    const b = await normals(4096, 99);
    expect(new Uint32Array(a.buffer)).toEqual(new Uint32Array(b.buffer));
    expect(Array.from((await normals(4096, 100)).subarray(0, 8))).not.toEqual(Array.from(a.subarray(0, 8)));
    expect(Array.from((await normals(4096, 99, 1)).subarray(0, 8))).not.toEqual(Array.from(a.subarray(0, 8)));
  });

  it('has mean ≈ 0 and std ≈ 1 over 1M samples', async () => {
    const n = 1 << 20;
    const z = await normals(n, 7);
    let sum = 0;
    let sq = 0;
    let tail = 0;
    for (let i = 0; i < n; i++) {
      sum += z[i];
      sq += z[i] * z[i];
      if (Math.abs(z[i]) > 1.959964) tail++;
    }
    const mean = sum / n;
    const std = Math.sqrt(sq / n - mean * mean);
    // Standard errors: 1e-3 for the mean, 7e-4 for the std; 5σ bounds.
    expect(Math.abs(mean)).toBeLessThan(5e-3);
    expect(Math.abs(std - 1)).toBeLessThan(4e-3);
    // Shape, not only moments: 5 % of a normal lies beyond ±1.96 (binomial σ ≈ 2.1e-4).
    expect(Math.abs(tail / n - 0.05)).toBeLessThan(1.5e-3);
  });
});
