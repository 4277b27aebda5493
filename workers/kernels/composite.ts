import code from './composite.wgsl?raw';
import type { Rect } from './image-tensor.ts';
import { type Batch, defineKernel, grid2d } from './kernel.ts';

const WG = 8;
const kernel = defineKernel({ name: 'composite', code, workgroup: { WG_X: WG, WG_Y: WG } });

export interface CompositeArgs {
  /** Full-resolution original, RGBA8 [height, width]; copied to `out` first, never written. */
  original: GPUBuffer;
  /** Result, RGBA8 [height, width] (may not alias `original`). */
  out: GPUBuffer;
  width: number;
  height: number;
  /** Generated crop, RGBA8 [genHeight, genWidth]. */
  generated: GPUBuffer;
  genWidth: number;
  genHeight: number;
  /** Where the crop lands, in original pixels. */
  rect: Rect;
  /** Feathered paste mask, f32 [height, width] in [0, 1]; 0 keeps the original byte for byte. */
  mask: GPUBuffer;
}

export function encodeComposite(batch: Batch, a: CompositeArgs): void {
  batch.copy(a.original, a.out, a.width * a.height * 4);
  const x0 = Math.max(0, Math.floor(a.rect.x));
  const y0 = Math.max(0, Math.floor(a.rect.y));
  const x1 = Math.min(a.width, Math.ceil(a.rect.x + a.rect.width));
  const y1 = Math.min(a.height, Math.ceil(a.rect.y + a.rect.height));
  if (x1 <= x0 || y1 <= y0) return;
  batch.dispatch(kernel, {
    params: {
      width: a.width,
      height: a.height,
      genWidth: a.genWidth,
      genHeight: a.genHeight,
      rect: [a.rect.x, a.rect.y, a.rect.width, a.rect.height],
      boxX: x0,
      boxY: y0,
      boxWidth: x1 - x0,
      boxHeight: y1 - y0,
    },
    bind: { 1: a.generated, 2: a.mask, 3: a.out },
    grid: grid2d(x1 - x0, y1 - y0, WG, WG),
  });
}
