import code from './blend.wgsl?raw';
import { type Batch, defineKernel, grid1d } from './kernel.ts';

const WG = 64;
const kernel = defineKernel({ name: 'blend', code, workgroup: { WG } });

export interface BlendArgs {
  /** Latent-grid mask, [1, 1, h, w] f32 in [0, 1]; 1 = repaint, soft values allowed. */
  mask: GPUBuffer;
  /** Clean source latents x_src, [1, 4, h, w] f32. */
  source: GPUBuffer;
  /** The initial noise tensor, [1, 4, h, w] f32 (reused every step, as diffusers does). */
  noise: GPUBuffer;
  /** Latents after the DDIM step, blended in place. */
  latents: GPUBuffer;
  count: number;
  plane: number;
  /** add_noise coefficients at the timestep the latents now sit at; (1, 0) after the last step. */
  sqrtAlpha: number;
  sqrtOneMinusAlpha: number;
}

export function encodeBlend(batch: Batch, a: BlendArgs): void {
  batch.dispatch(kernel, {
    params: { count: a.count, plane: a.plane, sqrtAlpha: a.sqrtAlpha, sqrtOneMinusAlpha: a.sqrtOneMinusAlpha },
    bind: { 1: a.mask, 2: a.source, 3: a.noise, 4: a.latents },
    grid: grid1d(a.count, WG),
  });
}
