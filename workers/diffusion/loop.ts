/**
 * The denoising loop: N DDIM steps around a UNet callback, entirely on the GPU.
 *
 * Per step: pack the UNet input (CFG batch duplication, mask and conditioning channels) → UNet →
 * guidance → DDIM step (also writing x̂₀) → optional Eq. 23 blend. Nothing is read back to the
 * CPU inside the loop; a preview readback happens only when asked for, at most every k steps, and
 * is counted separately. After each step the loop waits for the queue to drain (a sync, not a
 * readback) so progress times are real and cancellation takes effect between steps.
 */
import type { GpuContext } from '../gpu/context.ts';
import { encodeBlend } from '../kernels/blend.ts';
import { encodeDdimStep } from '../kernels/ddim-step.ts';
import { encodeGuidance, type Guidance, guidanceBatch } from '../kernels/guidance.ts';
import { Batch } from '../kernels/kernel.ts';
import { encodePack } from '../kernels/pack.ts';
import { encodePreview } from '../kernels/preview.ts';
import { DdimScheduler } from './ddim.ts';

export interface LoopProgress {
  /** 1-based index of the finished step. */
  step: number;
  total: number;
  /** Timestep of the finished step. */
  t: number;
  /** Milliseconds since the loop started. */
  elapsed: number;
  /** Estimated milliseconds left, from the mean step time so far. */
  eta: number;
}

export interface LoopPreview {
  step: number;
  width: number;
  height: number;
  /** RGBA8 of x̂₀ through the cheap linear latent → RGB map. */
  rgba: Uint8ClampedArray<ArrayBuffer>;
}

/** Layout of the UNet input channels: 4 latents [+ 1 mask] [+ 4 conditioning latents]. */
export type UnetChannels = 4 | 8 | 9;

export interface LoopOptions {
  gpu: GpuContext;
  scheduler?: DdimScheduler;
  steps: number;
  /** Latent grid size (image size / 8). */
  width: number;
  height: number;
  guidance: Guidance;
  /** Gets the packed input [B, C, h, w] and the timestep; returns ε as [B, 4, h, w] f32 (the callback owns it). */
  unet: (input: GPUBuffer, t: number) => GPUBuffer | Promise<GPUBuffer>;
  unetChannels: UnetChannels;
  /**
   * The initial noise tensor [1, 4, h, w]: the starting latents (init sigma 1) and, as in diffusers,
   * the noise reused by every blend step.
   */
  noise: GPUBuffer;
  /**
   * Index of the first timestep to run (img2img strength: diffusers' `t_start`); 0 by default. The
   * schedule stays that of `steps`, so step k still uses timesteps(steps)[k].
   */
  startIndex?: number;
  /** Starting latents [1, 4, h, w] instead of the noise (e.g. the source noised to the first timestep); read, not written. */
  init?: GPUBuffer;
  /** Latent mask [1, 1, h, w], 1 = repaint: a UNet channel when unetChannels is 9, and the blend mask. */
  mask?: GPUBuffer;
  /** Masked-image latents (9 channels) or image latents (8 channels, InstructPix2Pix), [1, 4, h, w]. */
  cond?: GPUBuffer;
  /** Clean source latents [1, 4, h, w]: when set (with `mask`), the Eq. 22–23 blend runs after every step. */
  blendSource?: GPUBuffer;
  signal?: AbortSignal;
  onProgress?: (progress: LoopProgress) => void;
  preview?: { every: number; onPreview: (preview: LoopPreview) => void };
}

export interface LoopResult {
  /** Final latents [1, 4, h, w] f32, from the context's pool: give it back with `gpu.release`. */
  latents: GPUBuffer;
  /** Readbacks that happened inside the loop other than previews (0 unless the UNet callback synced). */
  readbacks: number;
  previewReadbacks: number;
}

export function validateLoop(o: LoopOptions): void {
  if (o.unetChannels === 9 && !(o.mask && o.cond)) throw new Error('A 9-channel UNet needs mask and masked-image latents (cond).');
  if (o.unetChannels === 8 && !o.cond) throw new Error('An 8-channel UNet needs image latents (cond).');
  if (o.blendSource && !o.mask) throw new Error('The blend needs a mask.');
  if (o.preview && !(o.preview.every >= 1)) throw new Error('preview.every must be at least 1.');
  const start = o.startIndex ?? 0;
  if (!Number.isInteger(start) || start < 0 || start >= o.steps) throw new Error(`startIndex must be an integer in 0…${o.steps - 1}, got ${start}.`);
}

export async function runLoop(o: LoopOptions): Promise<LoopResult> {
  validateLoop(o);
  const { gpu, width, height, steps } = o;
  const scheduler = o.scheduler ?? new DdimScheduler();
  const timesteps = scheduler.timesteps(steps);
  const plane = width * height;
  const count = 4 * plane;
  const batchSize = guidanceBatch(o.guidance);
  const packMask = o.unetChannels === 9 ? o.mask : undefined;
  const packCond = o.unetChannels === 4 ? undefined : o.cond;
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

  const latents = gpu.acquire(count * 4, storage, 'loop latents');
  const owned = [
    gpu.acquire(batchSize * o.unetChannels * plane * 4, storage, 'unet input'),
    gpu.acquire(count * 4, storage, 'guided eps'),
    gpu.acquire(count * 4, storage, 'predicted x0'),
    gpu.acquire(plane * 4, storage, 'preview rgba'),
  ];
  const [input, guided, predicted, rgba] = owned;
  const readbacksBefore = gpu.readbacks;
  let previewReadbacks = 0;
  const started = performance.now();

  try {
    const init = new Batch(gpu, 'loop init');
    init.copy(o.init ?? o.noise, latents, count * 4);
    init.submit();

    const first = o.startIndex ?? 0;
    const total = steps - first;
    for (let k = first; k < steps; k++) {
      o.signal?.throwIfAborted();
      const t = timesteps[k];
      const pack = new Batch(gpu, `step ${k + 1} pack`);
      encodePack(pack, { latents, mask: packMask, cond: packCond, out: input, plane, batch: batchSize, zeroCondItems: o.guidance.kind === 'ip2p' ? [2] : [] });
      pack.submit();

      const eps = await o.unet(input, t);

      // Strictly every k-th step (never an extra one at the end): the final latents get decoded anyway.
      const done = k - first + 1;
      const wantPreview = o.preview !== undefined && done % o.preview.every === 0;
      const step = new Batch(gpu, `step ${k + 1}`);
      encodeGuidance(step, { eps, out: guided, count, guidance: o.guidance });
      encodeDdimStep(step, { eps: guided, latents, predicted, count, coefficients: scheduler.stepCoefficients(t, steps) });
      if (o.blendSource && o.mask) {
        // The latents now sit at the next timestep; after the last one the clean source is pasted.
        const next = k + 1 < steps ? timesteps[k + 1] : -1;
        encodeBlend(step, { mask: o.mask, source: o.blendSource, noise: o.noise, latents, count, plane, ...scheduler.noiseCoefficients(next) });
      }
      if (wantPreview) encodePreview(step, { latents: predicted, out: rgba, plane });
      step.submit();
      await gpu.device.queue.onSubmittedWorkDone();

      if (wantPreview && o.preview) {
        const bytes = await gpu.read(rgba, plane * 4);
        previewReadbacks++;
        o.preview.onPreview({ step: done, width, height, rgba: new Uint8ClampedArray(bytes) });
      }
      const elapsed = performance.now() - started;
      o.onProgress?.({ step: done, total, t, elapsed, eta: (elapsed / done) * (total - done) });
    }
  } catch (error) {
    gpu.release(latents);
    throw error;
  } finally {
    for (const b of owned) gpu.release(b);
  }
  return { latents, readbacks: gpu.readbacks - readbacksBefore - previewReadbacks, previewReadbacks };
}
