// The reference outputs in ../shared/golden/<model>/golden*.json (computed by diffusers' and
// openai/CLIP's own code from that folder's weights), as cases a spec runs through built graphs.
import type { GraphPart } from './official.ts';

/** Where the golden folders live: ../shared/golden beside the repository (CI lays shared/ there too). */
export const GOLDEN_ROOT = typeof process === 'undefined' ? '' : `${new URL('../../../shared/golden', import.meta.url).pathname}`;

/** The golden files of a folder. */
export const GOLDEN_FILES = ['golden.json', 'golden-clip.json'] as const;

export interface GoldenTensor {
  shape: number[];
  data: number[];
}

export interface GoldenCase {
  name: string;
  part: GraphPart;
  inputs: Record<string, GoldenTensor | number>;
  outputs: Record<string, GoldenTensor>;
}

const PART_OF = (name: string): GraphPart | null => {
  for (const part of ['unet', 'vae_encoder', 'vae_decoder', 'text_encoder', 'clip_vision'] as const) if (name === part || name.startsWith(`${part}_`)) return part;
  return null;
};

/** Cases of one golden file (`{cases: {name: {inputs, outputs}}}`); case names start with the part. */
export function goldenCases(json: unknown): GoldenCase[] {
  const cases = (json as { cases?: Record<string, { inputs: GoldenCase['inputs']; outputs: GoldenCase['outputs'] }> }).cases ?? {};
  return Object.entries(cases).flatMap(([name, c]) => {
    const part = PART_OF(name);
    return part ? [{ name, part, inputs: c.inputs, outputs: c.outputs }] : [];
  });
}

/** Largest |a − b| over the largest |b|: the golden files' tolerance is about 1e-4 of the output scale in fp32. */
export function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / (scale || 1);
}
