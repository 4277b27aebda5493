/** CPU reference of runLoop: the same steps through the kernels' CPU references, f32 storage throughout. */
import { blendRef } from '../kernels/blend.ref.ts';
import { ddimStepRef } from '../kernels/ddim-step.ref.ts';
import type { Guidance } from '../kernels/guidance.ts';
import { guidanceRef } from '../kernels/guidance.ref.ts';
import { packRef } from '../kernels/pack.ref.ts';
import { DdimScheduler } from './ddim.ts';
import type { UnetChannels } from './loop.ts';

export interface LoopRefOptions {
  scheduler?: DdimScheduler;
  steps: number;
  width: number;
  height: number;
  guidance: Guidance;
  unet: (input: Float32Array, t: number) => Float32Array;
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

export function runLoopRef(o: LoopRefOptions): Float32Array {
  const scheduler = o.scheduler ?? new DdimScheduler();
  const timesteps = scheduler.timesteps(o.steps);
  const plane = o.width * o.height;
  const count = 4 * plane;
  const batch = o.guidance.kind === 'cfg' ? 2 : o.guidance.kind === 'ip2p' ? 3 : 1;
  const latents = (o.init ?? o.noise).slice(0, count);
  const predicted = new Float32Array(count);
  const first = o.startIndex ?? 0;
  for (let k = first; k < o.steps; k++) {
    const t = timesteps[k];
    const packed = packRef(latents, o.unetChannels === 9 ? o.mask : undefined, o.unetChannels === 4 ? undefined : o.cond, plane, batch, o.guidance.kind === 'ip2p' ? [2] : []);
    const eps = o.unet(packed, t);
    const guided = guidanceRef(eps, count, o.guidance);
    ddimStepRef(guided, latents, predicted, scheduler.stepCoefficients(t, o.steps));
    if (o.blendSource && o.mask) {
      const c = scheduler.noiseCoefficients(k + 1 < o.steps ? timesteps[k + 1] : -1);
      blendRef(o.mask, o.blendSource, o.noise, latents, c.sqrtAlpha, c.sqrtOneMinusAlpha);
    }
    o.onStep?.(k - first + 1, latents, predicted);
  }
  return latents;
}
