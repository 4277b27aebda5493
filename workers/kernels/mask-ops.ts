import { type Batch, defineKernel, grid2d } from './kernel.ts';
import code from './mask-ops.wgsl?raw';

const WG = 8;
const workgroup = { WG_X: WG, WG_Y: WG };
const pointwise = defineKernel({ name: 'mask-ops', code, entryPoint: 'pointwise', workgroup });
const morph = defineKernel({ name: 'mask-ops', code, entryPoint: 'morph', workgroup });
const blur = defineKernel({ name: 'mask-ops', code, entryPoint: 'blur', workgroup });

/** One mask operation; planes are f32 [height, width]. */
export type MaskOp =
  | { op: 'threshold'; level: number }
  | { op: 'invert' }
  | { op: 'union' | 'intersect' | 'subtract'; other: GPUBuffer }
  | { op: 'dilate' | 'erode'; radius: number }
  | { op: 'feather'; sigma: number };

const POINTWISE = { threshold: 0, invert: 1, union: 2, intersect: 3, subtract: 4 } as const;

export interface MaskOpArgs {
  src: GPUBuffer;
  /** Must not alias `src` for dilate/erode/feather (they read neighbours). */
  dst: GPUBuffer;
  width: number;
  height: number;
}

export function encodeMaskOp(batch: Batch, a: MaskOpArgs, m: MaskOp): void {
  const grid = grid2d(a.width, a.height, WG, WG);
  const base = { width: a.width, height: a.height, op: 0, level: 0, radius: 0, sigma: 1, axis: 0 };
  switch (m.op) {
    case 'dilate':
    case 'erode':
      batch.dispatch(morph, { params: { ...base, op: m.op === 'erode' ? 1 : 0, radius: m.radius }, bind: { 1: a.src, 3: a.dst }, grid });
      return;
    case 'feather': {
      if (!(m.sigma > 0)) {
        batch.copy(a.src, a.dst, a.width * a.height * 4);
        return;
      }
      const mid = batch.temp(a.width * a.height * 4, undefined, 'mask feather');
      batch.dispatch(blur, { params: { ...base, sigma: m.sigma, axis: 0 }, bind: { 1: a.src, 3: mid }, grid });
      batch.dispatch(blur, { params: { ...base, sigma: m.sigma, axis: 1 }, bind: { 1: mid, 3: a.dst }, grid });
      return;
    }
    default: {
      const other = 'other' in m ? m.other : a.src;
      const level = m.op === 'threshold' ? m.level : 0;
      batch.dispatch(pointwise, { params: { ...base, op: POINTWISE[m.op], level }, bind: { 1: a.src, 2: other, 3: a.dst }, grid });
    }
  }
}

/**
 * The ring of preserved pixels around a region, for harmonise: dilate(region > 0, width) minus
 * (region > 0), where "> 0" means ≥ 1e-6. Uses `dst` and two temporaries.
 */
export function encodeRing(batch: Batch, a: MaskOpArgs, width: number): void {
  const hard = batch.temp(a.width * a.height * 4, undefined, 'ring hard mask');
  const grown = batch.temp(a.width * a.height * 4, undefined, 'ring grown mask');
  const size = { width: a.width, height: a.height };
  encodeMaskOp(batch, { src: a.src, dst: hard, ...size }, { op: 'threshold', level: 1e-6 });
  encodeMaskOp(batch, { src: hard, dst: grown, ...size }, { op: 'dilate', radius: width });
  encodeMaskOp(batch, { src: grown, dst: a.dst, ...size }, { op: 'subtract', other: hard });
}
