import code from './harmonise.wgsl?raw';
import { type Batch, defineKernel, grid1d } from './kernel.ts';

const WG = 64;
const partials = defineKernel({ name: 'harmonise', code, entryPoint: 'partials_pass', workgroup: { WG } });
const finish = defineKernel({ name: 'harmonise', code, entryPoint: 'finish', workgroup: { WG } });
const apply = defineKernel({ name: 'harmonise', code, entryPoint: 'apply', workgroup: { WG } });

/** Bytes of the reduced statistics: four vec4f (see harmonise.wgsl for the layout). */
export const HARMONISE_STATS_BYTES = 64;

export interface HarmoniseArgs {
  /** RGBA8 [height, width], adjusted in place. */
  image: GPUBuffer;
  /** Generated-region weight, f32 [height, width]. */
  region: GPUBuffer;
  /** Preserved ring weight, f32 [height, width] (e.g. dilate(region) minus region, from mask-ops). */
  ring: GPUBuffer;
  count: number;
  /** 0…1. */
  strength: number;
  /** Bound on the spread ratio; 4 by default. */
  maxGain?: number;
  /** Where to leave the reduced sums (for inspection); a batch temporary otherwise. */
  stats?: GPUBuffer;
}

/** Enough workgroups to fill a GPU; each thread then sums count / (groups·WG) pixels. */
const MAX_PARTIAL_GROUPS = 256;

export function encodeHarmonise(batch: Batch, a: HarmoniseArgs): void {
  const grid = grid1d(a.count, WG);
  const groups = Math.min(MAX_PARTIAL_GROUPS, Math.ceil(a.count / WG));
  const partialsBuffer = batch.temp(groups * HARMONISE_STATS_BYTES, undefined, 'harmonise partials');
  const stats = a.stats ?? batch.temp(HARMONISE_STATS_BYTES, undefined, 'harmonise stats');
  const params = { count: a.count, groups, strength: a.strength, maxGain: a.maxGain ?? 4 };
  batch.dispatch(partials, { params, bind: { 1: a.image, 2: a.region, 3: a.ring, 4: partialsBuffer }, grid: [groups, 1, 1] });
  batch.dispatch(finish, { params, bind: { 4: partialsBuffer, 5: stats }, grid: [1, 1, 1] });
  batch.dispatch(apply, { params, bind: { 1: a.image, 2: a.region, 5: stats }, grid });
}
