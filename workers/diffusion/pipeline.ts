/**
 * One edit from plan to pixels, every stage on the GPU, each stage timed to a drained queue:
 * tokenize → text encoder → box, masks and VAE encoding → denoising loop → VAE decoding →
 * composite (+ harmonise) → one readback of the box → paste into a copy of the canvas.
 * Buffers come from a per-edit scope and all go back to the pool at the end.
 */
import type { GpuContext } from '../gpu/context.ts';
import type { ort } from '../runtime/ort.ts';
import { type Denoised, denoise } from './denoise.ts';
import { DiffusionError } from './errors.ts';
import { composite, decode } from './finish.ts';
import { pasteBox } from './images.ts';
import type { SdModels } from './models.ts';
import type { EditPlan } from './plan.ts';
import { type Prepared, prepare } from './prepare.ts';
import { BufferScope } from './scope.ts';
import { type TextStates, encodePrompts, textModel, tokenisePrompts } from './text.ts';
import type { DiffusionEvent, EditResult, Stage, StageTimes } from './types.ts';

export interface RunHooks {
  signal?: AbortSignal;
  onEvent?: (e: DiffusionEvent) => void;
  /** Resolves when the device is lost: every GPU wait races it. */
  lost: Promise<GPUDeviceLostInfo>;
  /** Reads the loop's inputs and final latents back after the edit (tests; extra readbacks). */
  capture?: boolean;
  /** Milliseconds this edit waited for the device and models to load; how the GPU is named in the result. */
  loadMs: number;
  gpuName: string;
}

/** The loop's inputs and output as the GPU had them (for the CPU reference). */
export interface Capture {
  noise: Float32Array;
  latentMask: Float32Array;
  cond: Float32Array;
  source: Float32Array | null;
  /** [2, 77·k, 768] as f32 (float16 states are not captured). */
  states: Float32Array | null;
  latents: Float32Array;
  timesteps: number[];
}

export const deviceLostError = (info: GPUDeviceLostInfo) =>
  new DiffusionError('device-lost', `The GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''}). The diffusion worker starts a fresh device and reloads its models for the next edit.`);

function guardFor(lost: Promise<GPUDeviceLostInfo>) {
  const rejection = lost.then((info) => Promise.reject(deviceLostError(info)));
  rejection.catch(() => undefined);
  return <T>(p: Promise<T>): Promise<T> => {
    p.catch(() => undefined); // settles after the race is lost: not an unhandled rejection
    return Promise.race([p, rejection]);
  };
}

export async function runEdit(gpu: GpuContext, models: SdModels, plan: EditPlan, hooks: RunHooks): Promise<{ result: EditResult; capture?: Capture }> {
  const loadMs = hooks.loadMs;
  const started = performance.now();
  const guard = guardFor(hooks.lost);
  const emit = (e: DiffusionEvent) => hooks.onEvent?.(e);
  const times: StageTimes = { load: loadMs, tokenize: 0, text: 0, encode: 0, denoise: 0, decode: 0, composite: 0, readback: 0, total: 0, steps: [] };
  const stage = async <T>(name: Stage, fn: () => Promise<T> | T): Promise<T> => {
    hooks.signal?.throwIfAborted();
    const t0 = performance.now();
    const value = await guard(gpu.checked(fn));
    await guard(gpu.device.queue.onSubmittedWorkDone());
    times[name] = performance.now() - t0;
    emit({ type: 'stage', stage: name, ms: times[name] });
    return value;
  };

  const scope = new BufferScope(gpu);
  const readbacks = gpu.readbacks;
  let text: TextStates | null = null;
  try {
    const pair = await stage('tokenize', () => tokenisePrompts(models, plan.settings.prompt, plan.settings.negativePrompt, plan.settings.maxChunks));
    text = await stage('text', () => encodePrompts(textModel(models), scope, pair));
    const states = text.states;
    const prepared = await stage('encode', () => prepare(plan, models, scope, (feeds) => guard(models.sessions.vae_encoder.run(feeds))));
    let last = 0;
    const den = await stage('denoise', () =>
      denoise(plan, models, scope, prepared, states, {
        signal: hooks.signal,
        guard,
        onProgress: (p) => {
          times.steps.push(p.elapsed - last);
          last = p.elapsed;
          emit({ type: 'step', step: p.step, total: p.total, t: p.t, elapsed: p.elapsed, eta: p.eta });
        },
        onPreview: (p) => emit({ type: 'preview', step: p.step, width: p.width, height: p.height, rgba: p.rgba, box: plan.box, canvas: { width: plan.canvas.width, height: plan.canvas.height } }),
      }),
    );
    if (plan.settings.profile) {
      times.unet = den.unetTimes;
      times.overhead = times.steps.map((s, i) => s - (den.unetTimes[i] ?? 0));
    }
    const generated = await stage('decode', () => decode(plan, models, scope, den.latents, guard));
    const boxOut = await stage('composite', () => composite(plan, scope, prepared.boxImage, prepared.boxMask, generated));
    const bytes = await stage('readback', () => gpu.read(boxOut, plan.box.width * plan.box.height * 4));
    const data = pasteBox(plan.canvas, new Uint8Array(bytes), plan.box);
    times.total = performance.now() - started + loadMs;
    const s = plan.settings;
    const result: EditResult = {
      image: { data, width: plan.canvas.width, height: plan.canvas.height },
      meta: {
        kind: plan.kind,
        seed: plan.seed,
        settings: s,
        size: { width: plan.canvas.width, height: plan.canvas.height },
        box: plan.box,
        working: plan.working,
        latent: plan.latent,
        feather: plan.feather,
        timesteps: den.timesteps,
        prompt: { chunks: pair.chunks, tokens: pair.tokens, truncated: pair.truncated },
        times,
        readbacksInLoop: den.loop.readbacks,
        previewReadbacks: den.loop.previewReadbacks,
        readbacks: gpu.readbacks - readbacks,
        gpu: hooks.gpuName,
        dtype: models.dtype,
      },
    };
    if (s.output === 'bitmap') result.bitmap = await createImageBitmap(new ImageData(data, plan.canvas.width, plan.canvas.height));
    return { result, capture: hooks.capture ? await capture(gpu, plan, prepared, den, states) : undefined };
  } finally {
    text?.dispose();
    scope.releaseAll();
    gpu.trim();
  }
}

async function capture(gpu: GpuContext, plan: EditPlan, p: Prepared, d: Denoised, states: ort.Tensor): Promise<Capture> {
  const plane = plan.latent.width * plan.latent.height;
  const f32 = async (b: GPUBuffer, n: number) => new Float32Array(await gpu.read(b, n * 4));
  const statesCount = states.dims.reduce((a, b) => a * b, 1);
  return {
    noise: await f32(d.noise, 4 * plane),
    latentMask: await f32(p.latentMask, plane),
    cond: await f32(p.cond, 4 * plane),
    source: p.source ? await f32(p.source, 4 * plane) : null,
    states: states.type === 'float32' ? await f32(states.gpuBuffer, statesCount) : null,
    latents: await f32(d.latents, 4 * plane),
    timesteps: d.timesteps,
  };
}
