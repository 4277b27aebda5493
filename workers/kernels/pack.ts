import code from './pack.wgsl?raw';
import { type Batch, defineKernel, grid1d } from './kernel.ts';

const WG = 64;
const kernel = defineKernel({ name: 'pack', code, workgroup: { WG } });

export interface PackArgs {
  /** Current latents, [1, 4, h, w] f32. */
  latents: GPUBuffer;
  /** Latent-grid mask, [1, 1, h, w] f32; omit for UNets without a mask channel. */
  mask?: GPUBuffer;
  /** Masked-image (inpainting) or image (IP2P) latents, [1, 4, h, w] f32; omit for a 4-channel UNet. */
  cond?: GPUBuffer;
  /** UNet input, [batch, 4 + M + K, h, w] f32. */
  out: GPUBuffer;
  plane: number;
  batch: number;
  /** Batch items whose conditioning channels are zero (IP2P's "neither" item is 2). */
  zeroCondItems?: number[];
}

export const packedChannels = (a: { mask?: unknown; cond?: unknown }) => 4 + (a.mask ? 1 : 0) + (a.cond ? 4 : 0);

export function encodePack(batch: Batch, a: PackArgs): void {
  const channels = packedChannels(a);
  batch.dispatch(kernel, {
    params: {
      plane: a.plane,
      batch: a.batch,
      maskChannels: a.mask ? 1 : 0,
      condChannels: a.cond ? 4 : 0,
      zeroCond: (a.zeroCondItems ?? []).reduce((bits, b) => bits | (1 << b), 0),
    },
    // Absent inputs are never read (the channel counts skip them); the latents stand in for the binding.
    bind: { 1: a.latents, 2: a.mask ?? a.latents, 3: a.cond ?? a.latents, 4: a.out },
    grid: grid1d(a.batch * channels * a.plane, WG),
  });
}
