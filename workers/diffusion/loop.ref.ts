/** CPU reference of runLoop: the same steps through the kernels' CPU references, f32 storage throughout. */
import { blendRef } from '../kernels/blend.ref.ts';
import { ddimStepRef } from '../kernels/ddim-step.ref.ts';
import type { Guidance } from '../kernels/guidance.ts';
import { guidanceRef } from '../kernels/guidance.ref.ts';
import { packRef } from '../kernels/pack.ref.ts';
import { DdimScheduler } from './ddim.ts';
import type { UnetChannels } from './loop.ts';

export interface LoopRefOptions<U = Float32Array> {
  scheduler?: DdimScheduler;
  steps: number;
  width: number;
  height: number;
  guidance: Guidance;
  unet: (input: Float32Array, t: number) => U;
  unetChannels: UnetChannels;
  noise: Float32Array;
  mask?: Float32Array;
  cond?: Float32Array;
  blendSource?: Float32Array;
  /** As LoopOptions.startIndex / init. */
  startIndex?: number;
  init?: Float32Array;
  /** Called after each step with the latents and x̂₀ (1-based step). */
  onStep?: (step: number, latents: Float32Array, predicted: Float32Array) => void;
}

/** The loop as a sequence of UNet calls: `pack` gives each step's UNet input, `finish` consumes its output. */
function refSteps<U>(o: LoopRefOptions<U>) {
  const scheduler = o.scheduler ?? new DdimScheduler();
  const timesteps = scheduler.timesteps(o.steps);
  const plane = o.width * o.height;
  const count = 4 * plane;
  const batch = o.guidance.kind === 'cfg' ? 2 : o.guidance.kind === 'ip2p' ? 3 : 1;
  const latents = (o.init ?? o.noise).slice(0, count);
  const predicted = new Float32Array(count);
  const first = o.startIndex ?? 0;
  return {
    latents,
    ks: Array.from({ length: o.steps - first }, (_, i) => first + i),
    t: (k: number) => timesteps[k],
    pack: () => packRef(latents, o.unetChannels === 9 ? o.mask : undefined, o.unetChannels === 4 ? undefined : o.cond, plane, batch, o.guidance.kind === 'ip2p' ? [2] : []),
    finish(k: number, eps: Float32Array) {
      const guided = guidanceRef(eps, count, o.guidance);
      ddimStepRef(guided, latents, predicted, scheduler.stepCoefficients(timesteps[k], o.steps));
      if (o.blendSource && o.mask) {
        const c = scheduler.noiseCoefficients(k + 1 < o.steps ? timesteps[k + 1] : -1);
        blendRef(o.mask, o.blendSource, o.noise, latents, c.sqrtAlpha, c.sqrtOneMinusAlpha);
      }
      o.onStep?.(k - first + 1, latents, predicted);
    },
  };
}

export function runLoopRef(o: LoopRefOptions): Float32Array {
  const s = refSteps(o);
  for (const k of s.ks) s.finish(k, o.unet(s.pack(), s.t(k)));
  return s.latents;
}

/** The same with an asynchronous UNet (e.g. an ORT session on the wasm CPU provider). */
export async function runLoopRefAsync(o: LoopRefOptions<Promise<Float32Array>>): Promise<Float32Array> {
  const s = refSteps(o);
  for (const k of s.ks) s.finish(k, await o.unet(s.pack(), s.t(k)));
  return s.latents;
}
