import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DdimScheduler } from '../diffusion/ddim.ts';
import { GpuContext } from '../gpu/context.ts';
import { encodeDdimStep } from './ddim-step.ts';
import { ddimStepRef } from './ddim-step.ref.ts';
import { expectClose, outBuffer, randomF32, readF32, rng, runChecked } from './testing.ts';

describe('DDIM step kernel', () => {
  let gpu: GpuContext;
  const scheduler = new DdimScheduler();
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  async function step(x: Float32Array, e: Float32Array, t: number, n: number): Promise<{ prev: Float32Array; x0: Float32Array }> {
    const count = x.length;
    const latents = gpu.upload(x);
    const eps = gpu.upload(e);
    const predicted = outBuffer(gpu, count);
    const coefficients = scheduler.stepCoefficients(t, n);
    await runChecked(gpu, 'ddim test', (b) => encodeDdimStep(b, { eps, latents, predicted, count, coefficients }));
    const result = { prev: await readF32(gpu, latents, count), x0: await readF32(gpu, predicted, count) };
    [latents, eps, predicted].forEach((buf) => gpu.release(buf));
    return result;
  }

  it.each([
    [951, 20, 5.55941055, 1.15439981],
    [981, 50, 6.59825875, 1.0612257],
    [1, 20, 0.98019587, 0.99435658],
  ])('reproduces the reference step check at t=%i, N=%i (x=1, ε=0.5)', async (t, n, x0, prev) => {
    const out = await step(new Float32Array([1]), new Float32Array([0.5]), t, n);
    // f32 coefficients and arithmetic: about 1e-6 relative of the float64 table.
    expect(out.x0[0]).toBeCloseTo(x0, 5);
    expect(out.prev[0]).toBeCloseTo(prev, 5);
  });

  it.each([
    [1, 1, 951],
    [7, 3, 501],
    [65, 33, 1],
  ])('matches the CPU reference on random %i×%i latents at t=%i', async (w, h, t) => {
    const count = 4 * w * h;
    const random = rng(w * 1000 + h);
    const x = randomF32(count, random, -3, 3);
    const e = randomF32(count, random, -2, 2);
    const out = await step(x, e, t, 20);
    const prev = x.slice();
    const x0 = new Float32Array(count);
    ddimStepRef(e, prev, x0, scheduler.stepCoefficients(t, 20));
    expectClose(out.x0, x0, 1e-5, 1e-5);
    expectClose(out.prev, prev, 1e-5, 1e-5);
  });
});
