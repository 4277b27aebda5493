import { type Batch, defineKernel, grid1d } from './kernel.ts';
import code from './preview.wgsl?raw';

const WG = 64;
const kernel = defineKernel({ name: 'preview', code, workgroup: { WG } });

/** SD1.5 latent → RGB factors from shared/REFERENCE.md; rows are latent channels, columns R, G, B. */
export const SD15_PREVIEW_FACTORS: readonly (readonly [number, number, number])[] = Object.freeze([
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
]);

export interface PreviewArgs {
  /** Scaled latents (as the UNet sees them), [1, 4, h, w] f32. */
  latents: GPUBuffer;
  /** RGBA8, one u32 per pixel, [h, w]. */
  out: GPUBuffer;
  plane: number;
  factors?: readonly (readonly [number, number, number])[];
}

export function encodePreview(batch: Batch, a: PreviewArgs): void {
  const factors = (a.factors ?? SD15_PREVIEW_FACTORS).flatMap((row) => [...row, 0]);
  batch.dispatch(kernel, { params: { plane: a.plane, factors }, bind: { 1: a.latents, 2: a.out }, grid: grid1d(a.plane, WG) });
}
