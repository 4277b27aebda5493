import code from './mask-latent.wgsl?raw';
import { type Batch, defineKernel, grid2d } from './kernel.ts';

const WG = 8;
const kernel = defineKernel({ name: 'mask-latent', code, workgroup: { WG_X: WG, WG_Y: WG } });

export const MASK_RESIZE = Object.freeze({ nearest: 0, area: 1, max: 2 } as const);
export type MaskResize = keyof typeof MASK_RESIZE;

export interface MaskLatentArgs {
  /** Full-resolution mask, [srcHeight, srcWidth] f32 in [0, 1]. */
  src: GPUBuffer;
  /** Latent mask, [dstHeight, dstWidth] f32. */
  dst: GPUBuffer;
  srcWidth: number;
  srcHeight: number;
  dstWidth: number;
  dstHeight: number;
  mode: MaskResize;
}

export function encodeMaskLatent(batch: Batch, a: MaskLatentArgs): void {
  batch.dispatch(kernel, {
    params: { srcWidth: a.srcWidth, srcHeight: a.srcHeight, dstWidth: a.dstWidth, dstHeight: a.dstHeight, mode: MASK_RESIZE[a.mode] },
    bind: { 1: a.src, 2: a.dst },
    grid: grid2d(a.dstWidth, a.dstHeight, WG, WG),
  });
}
