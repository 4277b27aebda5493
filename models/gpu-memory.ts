// GPU memory estimates for the residency manager (workers/runtime/residency.ts), from the file
// sizes in manifest.ts. WebGPU reports neither a GPU's memory nor what a session holds, so these
// are estimates: weights are uploaded as stored, plus a workspace share for activations and ORT's
// buffer pools. Replace WORKSPACE_FACTOR with measurements once the real models run on real GPUs.
import { type Caps, type Dtype, MANIFEST, type Role, variantFor } from './manifest.ts';

/** GPU bytes per byte of weights (weights + ≈ 25 % activations and pools). Unmeasured. */
export const WORKSPACE_FACTOR = 1.25;

/**
 * Whole-variant sizes where the manifest lists files without a size. Unverified; each says where
 * its number comes from. Files with a known size count as listed; the rest share what remains.
 */
const ASSUMED_TOTAL: Partial<Record<`${Role}:${Dtype}`, number>> = {
  // shared/REFERENCE.md: ≈ 2.7 GB in all.
  'vlm:q4f16': 2.7e9,
  // Same 4-bit matrices as q4f16; the float32 remainder is unknown, so the q4f16 total stands in.
  'vlm:q4': 2.7e9,
  // shared/REFERENCE.md: ≈ 190 MB in all.
  'vlm-small:q4f16': 190e6,
  // The q4f16 total plus the verified difference of the decoders (86.9 − 77.4 MB).
  'vlm-small:q4': 200e6,
  // ≈ 4.9 M float32 parameters (scripts/fixtures/specs/region-head.ts, REGION_HEAD_FULL).
  'region-head:fp32': 20e6,
};

export interface Estimate {
  /** The residency key: the role, or role/session for a single session. */
  key: string;
  role: Role;
  dtype: Dtype;
  session?: string;
  weightBytes: number;
  gpuBytes: number;
  /** True when any part of the size is an assumption rather than a listed size. */
  assumed: boolean;
}

/** Weights and estimated GPU bytes of a role's variant, or of one of its sessions. */
export function estimate(role: Role, dtype: Dtype, session?: string): Estimate {
  const variant = MANIFEST[role].variants[dtype];
  if (!variant) throw new Error(`No ${dtype} variant for ${role}`);
  const names = Object.keys(variant.files);
  if (session && !names.includes(session)) throw new Error(`${role} ${dtype} has no session ${session}`);
  const known = names.filter((n) => variant.files[n].bytes !== null);
  const unknown = names.filter((n) => variant.files[n].bytes === null);
  const knownBytes = known.reduce((s, n) => s + (variant.files[n].bytes ?? 0), 0);
  let perUnknown = 0;
  if (unknown.length) {
    const total = ASSUMED_TOTAL[`${role}:${dtype}`];
    if (total === undefined) throw new Error(`No size is known for ${role} ${dtype} (${unknown.join(', ')}): add one to the manifest or to ASSUMED_TOTAL`);
    perUnknown = Math.max(0, total - knownBytes) / unknown.length;
  }
  const sizeOf = (n: string) => variant.files[n].bytes ?? perUnknown;
  // Sessions that read one file (the VAE's encoder and decoder) count it once for the role.
  const parts = session ? [session] : names.filter((n, i) => names.findIndex((m) => variant.files[m].path === variant.files[n].path) === i);
  const weightBytes = parts.reduce((s, n) => s + sizeOf(n), 0);
  return {
    key: session ? `${role}/${session}` : role,
    role,
    dtype,
    session,
    weightBytes,
    gpuBytes: Math.ceil(weightBytes * WORKSPACE_FACTOR),
    assumed: parts.some((n) => variant.files[n].bytes === null || !variant.files[n].sizeVerified),
  };
}

export type Stage = 'understand' | 'locate' | 'locate-clipseg' | 'generate';

/** What each stage of an edit loads (the default real model set). */
export const STAGE_ROLES: Readonly<Record<Stage, readonly Role[]>> = {
  understand: ['vlm'],
  locate: ['clip-vision', 't5-encoder', 'region-head'],
  // Text-prompted masks while the region head has no trained weights.
  'locate-clipseg': ['clipseg'],
  generate: ['sd-inpaint'],
};

/** Estimates of a stage's models at the dtypes `variantFor` picks on a device with `caps`. */
export function stageEstimate(stage: Stage, caps: Caps): { stage: Stage; models: Estimate[]; gpuBytes: number } {
  const models = STAGE_ROLES[stage].map((role) => estimate(role, variantFor(role, caps)));
  return { stage, models, gpuBytes: models.reduce((s, m) => s + m.gpuBytes, 0) };
}

/**
 * The locate stage the vision worker's automatic method runs: the region head once its trained
 * weights are published (the manifest then gives their verified size, as workers/vision/region-head.ts
 * checks), else CLIPSeg.
 */
export function locateStage(): Stage {
  const file = MANIFEST['region-head'].variants.fp32?.files.region_head;
  return file && file.bytes !== null && file.sizeVerified ? 'locate' : 'locate-clipseg';
}
