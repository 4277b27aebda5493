import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../gpu/context.ts';
import type { Guidance } from '../kernels/guidance.ts';
import { noiseRef } from '../kernels/noise.ref.ts';
import { previewRef } from '../kernels/preview.ref.ts';
import { expectBytesClose, expectClose, randomF32, readF32, rng } from '../kernels/testing.ts';
import { DdimScheduler } from './ddim.ts';
import { type LoopOptions, type LoopProgress, runLoop, type UnetChannels } from './loop.ts';
import { runLoopRef } from './loop.ref.ts';
import { standinUnet } from './standin-unet.ts';
import { standinUnetRef } from './standin-unet.ref.ts';

interface Case {
  name: string;
  width: number;
  height: number;
  channels: UnetChannels;
  guidance: Guidance;
  blend: boolean;
}

/** Seeded inputs of one loop, on the CPU. */
function inputs(c: Case) {
  const plane = c.width * c.height;
  const random = rng(plane * 7 + c.channels);
  // A soft mask with hard 0s and 1s in it: repaint, preserve and feathered cells all occur.
  const mask = Float32Array.from({ length: plane }, () => Math.min(1, Math.max(0, 1.5 * random() - 0.25)));
  return { noise: noiseRef(4 * plane, plane), mask, cond: randomF32(4 * plane, random), source: randomF32(4 * plane, random) };
}

describe('diffusion loop driver', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  /** Uploads a case's inputs and runs the GPU loop with the stand-in UNet (inside error scopes). */
  async function gpuLoop(c: Case, extra: Partial<LoopOptions> = {}) {
    const cpu = inputs(c);
    const bufs = { noise: gpu.upload(cpu.noise), mask: gpu.upload(cpu.mask), cond: gpu.upload(cpu.cond), source: gpu.upload(cpu.source) };
    const batch = c.guidance.kind === 'cfg' ? 2 : c.guidance.kind === 'ip2p' ? 3 : 1;
    const standin = standinUnet(gpu, c.width, c.height, c.channels, batch);
    let calls = 0;
    const readbacksBefore = gpu.readbacks;
    try {
      const result = await gpu.checked(() =>
        runLoop({
          gpu,
          steps: 20,
          width: c.width,
          height: c.height,
          guidance: c.guidance,
          unetChannels: c.channels,
          unet: (input, t) => (calls++, standin.unet(input, t)),
          noise: bufs.noise,
          mask: c.channels === 9 || c.blend ? bufs.mask : undefined,
          cond: c.channels === 4 ? undefined : bufs.cond,
          blendSource: c.blend ? bufs.source : undefined,
          ...extra,
        }),
      );
      const readbacksInLoop = gpu.readbacks - readbacksBefore;
      const latents = await readF32(gpu, result.latents, 4 * c.width * c.height);
      gpu.release(result.latents);
      return { result, latents, readbacksInLoop, calls, cpu };
    } finally {
      standin.dispose();
      Object.values(bufs).forEach((b) => gpu.release(b));
    }
  }

  function cpuLoop(c: Case, cpu: ReturnType<typeof inputs>, onStep?: (step: number, latents: Float32Array, predicted: Float32Array) => void) {
    const batch = c.guidance.kind === 'cfg' ? 2 : c.guidance.kind === 'ip2p' ? 3 : 1;
    return runLoopRef({
      steps: 20,
      width: c.width,
      height: c.height,
      guidance: c.guidance,
      unetChannels: c.channels,
      unet: standinUnetRef(c.width, c.height, c.channels, batch),
      noise: cpu.noise,
      mask: c.channels === 9 || c.blend ? cpu.mask : undefined,
      cond: c.channels === 4 ? undefined : cpu.cond,
      blendSource: c.blend ? cpu.source : undefined,
      onStep,
    });
  }

  const cases: Case[] = [
    { name: '9-channel inpainting, CFG 7.5, Eq. 23 blend, 13×9', width: 13, height: 9, channels: 9, guidance: { kind: 'cfg', scale: 7.5 }, blend: true },
    { name: '8-channel InstructPix2Pix, αX 7.5 αV 1.5, 7×5', width: 7, height: 5, channels: 8, guidance: { kind: 'ip2p', text: 7.5, image: 1.5 }, blend: false },
    { name: '4-channel UNet with blend (diffusers 4-channel inpainting path), 1×1', width: 1, height: 1, channels: 4, guidance: { kind: 'cfg', scale: 5 }, blend: true },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('matches a pure-CPU run of 20 steps to 1e-4 with zero readbacks (%s)', async (_name, c) => {
    const { result, latents, readbacksInLoop, calls, cpu } = await gpuLoop(c);
    expect(calls).toBe(20);
    expect(result.readbacks).toBe(0);
    expect(result.previewReadbacks).toBe(0);
    expect(readbacksInLoop).toBe(0);
    const expected = cpuLoop(c, cpu);
    expectClose(latents, expected, 1e-4);
    // The loop must have moved the latents far from their starting noise (the comparison means something).
    let moved = 0;
    for (let i = 0; i < latents.length; i++) moved = Math.max(moved, Math.abs(latents[i] - cpu.noise[i]));
    expect(moved).toBeGreaterThan(0.5);
    if (c.blend) {
      // Preserved cells (m = 0) hold the clean source after the last step, bit for bit.
      const plane = c.width * c.height;
      for (let i = 0; i < latents.length; i++) if (cpu.mask[i % plane] === 0) expect(latents[i]).toBe(cpu.source[i]);
    }
  });

  it('previews x̂₀ at most every k steps, counted apart from loop readbacks', async () => {
    const c = cases[0];
    const previews: { step: number; rgba: Uint8ClampedArray }[] = [];
    const { result, readbacksInLoop, cpu } = await gpuLoop(c, { preview: { every: 6, onPreview: (p) => previews.push(p) } });
    expect(previews.map((p) => p.step)).toEqual([6, 12, 18]);
    expect(result.previewReadbacks).toBe(3);
    expect(result.readbacks).toBe(0);
    expect(readbacksInLoop).toBe(3);
    const plane = c.width * c.height;
    const expected = new Map<number, Uint32Array>();
    cpuLoop(c, cpu, (step, _latents, predicted) => expected.set(step, previewRef(predicted, plane)));
    for (const p of previews) expectBytesClose(new Uint32Array(p.rgba.buffer), expected.get(p.step)!, 1);
  });

  it('emits one progress event per step and stops between steps when aborted', async () => {
    const c = cases[1];
    const events: LoopProgress[] = [];
    await gpuLoop(c, { onProgress: (e) => events.push(e) });
    expect(events.map((e) => e.step)).toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
    expect(events.map((e) => e.t)).toEqual(new DdimScheduler().timesteps(20));
    expect(events.every((e) => e.total === 20)).toBe(true);
    for (let k = 1; k < 20; k++) expect(events[k].elapsed).toBeGreaterThanOrEqual(events[k - 1].elapsed);
    expect(events[19].eta).toBe(0);
    expect(events[9].eta).toBeCloseTo(events[9].elapsed, 6);

    const controller = new AbortController();
    let steps = 0;
    const run = gpuLoop(c, {
      signal: controller.signal,
      onProgress: (e) => {
        steps = e.step;
        if (e.step === 3) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(steps).toBe(3);
  });

  it('starts part-way through the schedule from given latents (strength), matching the CPU loop', async () => {
    const c = cases[0];
    const plane = c.width * c.height;
    const init = randomF32(4 * plane, rng(99));
    const initBuffer = gpu.upload(init);
    const events: LoopProgress[] = [];
    const { latents, calls, cpu } = await gpuLoop(c, { startIndex: 14, init: initBuffer, onProgress: (e) => events.push(e) });
    gpu.release(initBuffer);
    expect(calls).toBe(6);
    expect(events.map((e) => `${e.step}/${e.total}`)).toEqual(['1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);
    expect(events.map((e) => e.t)).toEqual(new DdimScheduler().timesteps(20).slice(14));
    const batch = 2;
    const expected = runLoopRef({ steps: 20, startIndex: 14, init, width: c.width, height: c.height, guidance: c.guidance, unetChannels: 9, unet: standinUnetRef(c.width, c.height, 9, batch), noise: cpu.noise, mask: cpu.mask, cond: cpu.cond, blendSource: cpu.source });
    expectClose(latents, expected, 1e-4);
    await expect(gpuLoop(c, { startIndex: 20 })).rejects.toThrow(/startIndex/);
  });

  it('rejects inconsistent inputs before touching the GPU', async () => {
    const noise = gpu.upload(new Float32Array(4));
    const base = { gpu, steps: 2, width: 1, height: 1, guidance: { kind: 'none' } as const, unet: () => noise, noise };
    await expect(runLoop({ ...base, unetChannels: 9 })).rejects.toThrow(/mask/);
    await expect(runLoop({ ...base, unetChannels: 8 })).rejects.toThrow(/image latents/);
    await expect(runLoop({ ...base, unetChannels: 4, blendSource: noise })).rejects.toThrow(/mask/);
    gpu.release(noise);
  });
});
