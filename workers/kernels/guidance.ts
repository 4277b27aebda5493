import code from './guidance.wgsl?raw';
import { type Batch, defineKernel, grid1d } from './kernel.ts';

const WG = 64;
const kernel = defineKernel({ name: 'guidance', code, workgroup: { WG } });

/** Two-way CFG ([uncond, cond]), three-way InstructPix2Pix ([text+image, image, neither]) or none. */
export type Guidance = { kind: 'none' } | { kind: 'cfg'; scale: number } | { kind: 'ip2p'; text: number; image: number };

export const guidanceBatch = (g: Guidance): 1 | 2 | 3 => (g.kind === 'cfg' ? 2 : g.kind === 'ip2p' ? 3 : 1);

export interface GuidanceArgs {
  /** UNet output, [B, 4, h, w] f32 with B = guidanceBatch(guidance). */
  eps: GPUBuffer;
  /** Guided noise prediction, [1, 4, h, w] f32. */
  out: GPUBuffer;
  /** Elements per batch item (4·h·w). */
  count: number;
  guidance: Guidance;
}

export function encodeGuidance(batch: Batch, a: GuidanceArgs): void {
  const g = a.guidance;
  batch.dispatch(kernel, {
    params: {
      count: a.count,
      batch: guidanceBatch(g),
      textScale: g.kind === 'cfg' ? g.scale : g.kind === 'ip2p' ? g.text : 1,
      imageScale: g.kind === 'ip2p' ? g.image : 1,
    },
    bind: { 1: a.eps, 2: a.out },
    grid: grid1d(a.count, WG),
  });
}
