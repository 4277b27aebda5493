import code from './adjust.wgsl?raw';
import { type Batch, defineKernel, grid2d } from './kernel.ts';
import { NEUTRAL_ADJUSTMENTS, type Adjustments } from './adjust-params.ts';

const WG = 8;
const kernel = defineKernel({ name: 'adjust', code, workgroup: { WG_X: WG, WG_Y: WG } });

export { NEUTRAL_ADJUSTMENTS, type Adjustments } from './adjust-params.ts';

/** Caps the Gaussian at 31×31 taps per pixel (σ ≈ 5): the pass stays one dispatch. */
export const ADJUST_MAX_RADIUS = 15;

export interface AdjustArgs {
  /** RGBA8 [height, width]. */
  src: GPUBuffer;
  /** RGBA8 [height, width]; must not alias `src` (the blur reads neighbours). */
  dst: GPUBuffer;
  width: number;
  height: number;
  adjustments: Partial<Adjustments>;
}

export function encodeAdjust(batch: Batch, a: AdjustArgs): void {
  batch.dispatch(kernel, {
    params: { width: a.width, height: a.height, ...NEUTRAL_ADJUSTMENTS, ...a.adjustments, maxRadius: ADJUST_MAX_RADIUS },
    bind: { 1: a.src, 2: a.dst },
    grid: grid2d(a.width, a.height, WG, WG),
  });
}
