/**
 * The denoising loop around the 9-channel UNet: seeded noise, optional img2img start, and the UNet
 * callback for loop.ts — the packed [2, 9, h, w] buffer goes to ORT as a GPU tensor, ORT's GPU
 * output comes back as the ε buffer the guidance kernel reads in place. Nothing is read back.
 */
import { Batch } from '../kernels/kernel.ts';
import { encodeNoise } from '../kernels/noise.ts';
import { ort } from '../runtime/ort.ts';
import { DdimScheduler } from './ddim.ts';
import type { SdModels } from './models.ts';
import { encodeAxpby, encodeFromHalf, encodeToHalf, halfBytes } from './ops.ts';
import type { EditPlan } from './plan.ts';
import type { Prepared } from './prepare.ts';
import { type LoopPreview, type LoopProgress, type LoopResult, runLoop } from './loop.ts';
import type { BufferScope } from './scope.ts';

export interface DenoiseHooks {
  signal?: AbortSignal;
  onProgress?: (p: LoopProgress) => void;
  onPreview?: (p: LoopPreview) => void;
  /** Wraps every UNet run (the pipeline races it against device loss). */
  guard: <T>(p: Promise<T>) => Promise<T>;
}

export interface Denoised {
  latents: GPUBuffer;
  loop: LoopResult;
  /** The initial noise [4, h, w] (also the blend noise). */
  noise: GPUBuffer;
  timesteps: number[];
  /** UNet time per step, with `profile` (run to queue drained). */
  unetTimes: number[];
}

export async function denoise(plan: EditPlan, models: SdModels, scope: BufferScope, prepared: Prepared, states: ort.Tensor, hooks: DenoiseHooks): Promise<Denoised> {
  const gpu = scope.gpu;
  const { width, height } = plan.latent;
  const plane = width * height;
  const { steps, guidanceScale, profile } = plan.settings;
  const scheduler = new DdimScheduler();
  const timesteps = scheduler.timesteps(steps).slice(plan.startIndex);

  const noise = scope.acquire(4 * plane * 4, 'noise');
  const start = new Batch(gpu, 'noise');
  encodeNoise(start, { out: noise, count: 4 * plane, seed: plan.seed });
  let init: GPUBuffer | undefined;
  if (plan.startIndex > 0) {
    if (!prepared.source) throw new Error('strength < 1 needs the source latents');
    // x_t0 = √ᾱ·x_src + √(1−ᾱ)·ε: diffusers' add_noise at the first timestep that runs.
    const c = scheduler.noiseCoefficients(timesteps[0]);
    init = scope.acquire(4 * plane * 4, 'init latents');
    encodeAxpby(start, { x: prepared.source, y: noise, out: init, count: 4 * plane, a: c.sqrtAlpha, b: c.sqrtOneMinusAlpha });
  }
  start.submit();

  const unet = models.sessions.unet;
  const sampleDims = [2, 9, height, width];
  const sampleHalf = models.types.sample === 'float16' ? scope.acquire(halfBytes(2 * 9 * plane), 'unet sample f16') : null;
  const epsF32 = models.types.eps === 'float16' ? scope.acquire(2 * 4 * plane * 4, 'eps f32') : null;
  let previous: ort.Tensor | null = null;
  const unetTimes: number[] = [];

  const runUnet = async (input: GPUBuffer, t: number): Promise<GPUBuffer> => {
    // The previous output was read by the step batch submitted before this call: safe to let go.
    previous?.dispose();
    previous = null;
    if (sampleHalf) {
      const b = new Batch(gpu, 'unet sample f16');
      encodeToHalf(b, { src: input, out: sampleHalf, count: 2 * 9 * plane });
      b.submit();
    }
    const sample = ort.Tensor.fromGpuBuffer(sampleHalf ?? input, { dataType: sampleHalf ? 'float16' : 'float32', dims: sampleDims });
    const t0 = performance.now();
    const out = (await hooks.guard(unet.run({ sample, timestep: t, encoder_hidden_states: states }))).out_sample;
    previous = out;
    if (out.location !== 'gpu-buffer') throw new Error(`${unet.name}: out_sample is on the ${out.location}, not the GPU`);
    if (epsF32) {
      const b = new Batch(gpu, 'eps f32');
      encodeFromHalf(b, { src: out.gpuBuffer, out: epsF32, count: 2 * 4 * plane });
      b.submit();
    }
    if (profile) {
      await hooks.guard(gpu.device.queue.onSubmittedWorkDone());
      unetTimes.push(performance.now() - t0);
    }
    return epsF32 ?? out.gpuBuffer;
  };

  try {
    const loop = await runLoop({
      gpu,
      scheduler,
      steps,
      startIndex: plan.startIndex,
      width,
      height,
      guidance: { kind: 'cfg', scale: guidanceScale },
      unet: runUnet,
      unetChannels: 9,
      noise,
      init,
      mask: prepared.latentMask,
      cond: prepared.cond,
      blendSource: plan.settings.blend ? (prepared.source ?? undefined) : undefined,
      signal: hooks.signal,
      onProgress: hooks.onProgress,
      preview: plan.settings.previewEvery > 0 && hooks.onPreview ? { every: plan.settings.previewEvery, onPreview: hooks.onPreview } : undefined,
    });
    return { latents: scope.adopt(loop.latents), loop, noise, timesteps, unetTimes };
  } finally {
    (previous as ort.Tensor | null)?.dispose();
  }
}
