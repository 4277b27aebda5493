import type { StepCoefficients } from '../diffusion/ddim.ts';
import code from './ddim-step.wgsl?raw';
import { type Batch, defineKernel, grid1d } from './kernel.ts';

const WG = 64;
const kernel = defineKernel({ name: 'ddim-step', code, workgroup: { WG } });

export interface DdimStepArgs {
  /** Guided ε, [1, 4, h, w] f32. */
  eps: GPUBuffer;
  /** xₜ in, x_prev out (in place), [1, 4, h, w] f32. */
  latents: GPUBuffer;
  /** x̂₀ out, [1, 4, h, w] f32 (the preview source). */
  predicted: GPUBuffer;
  count: number;
  coefficients: StepCoefficients;
}

export function encodeDdimStep(batch: Batch, a: DdimStepArgs): void {
  batch.dispatch(kernel, {
    params: { count: a.count, ...a.coefficients },
    bind: { 1: a.eps, 2: a.latents, 3: a.predicted },
    grid: grid1d(a.count, WG),
  });
}
