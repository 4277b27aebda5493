import { describe, expect, it } from 'vitest';
import { DEFAULT_GPU_BUDGET } from '../workers/runtime/residency.ts';
import { STAGE_ROLES, type Stage, WORKSPACE_FACTOR, estimate, stageEstimate } from './gpu-memory.ts';
import { MANIFEST, type Role } from './manifest.ts';

const noF16 = { shaderF16: false };
const f16 = { shaderF16: true };

describe('GPU memory estimates', () => {
  it('sums the manifest file sizes with the workspace share', () => {
    const unet = estimate('sd-inpaint', 'fp32', 'unet');
    expect(unet.weightBytes).toBe(3.44e9);
    expect(unet.gpuBytes).toBe(Math.ceil(3.44e9 * WORKSPACE_FACTOR));
    expect(unet.key).toBe('sd-inpaint/unet');
    const sd = estimate('sd-inpaint', 'fp32');
    expect(sd.weightBytes).toBeCloseTo((492 + 3440 + 335) * 1e6, -3); // the VAE's two graphs read one file
    expect(estimate('clip-vision', 'q8').assumed).toBe(false);
  });

  it('fills unlisted sizes from stated assumptions and marks them', () => {
    const vlm = estimate('vlm', 'q4');
    expect(vlm.weightBytes).toBe(2.7e9);
    expect(vlm.assumed).toBe(true);
    const small = estimate('vlm-small', 'q4f16');
    expect(small.weightBytes).toBeCloseTo(190e6, -3); // 55 + 77.4 listed, the rest shared by embed_tokens
    expect(estimate('vlm-small', 'q4f16', 'embed_tokens').weightBytes).toBeCloseTo(190e6 - 132.4e6, -3);
  });

  it.each([
    ['without shader-f16', noF16],
    ['with shader-f16', f16],
  ])('every stage of the default set fits the default budget %s', (_label, caps) => {
    for (const stage of Object.keys(STAGE_ROLES) as Stage[]) {
      expect(stageEstimate(stage, caps).gpuBytes).toBeLessThanOrEqual(DEFAULT_GPU_BUDGET);
    }
  });

  it('the VLM and the fp32 UNet together would not fit: the budget relies on keeping them apart', () => {
    expect(estimate('vlm', 'q4').gpuBytes + estimate('sd-inpaint', 'fp32', 'unet').gpuBytes).toBeGreaterThan(DEFAULT_GPU_BUDGET);
  });

  it('has a size for every variant of every role', () => {
    for (const role of Object.keys(MANIFEST) as Role[]) {
      for (const dtype of Object.keys(MANIFEST[role].variants) as (keyof typeof MANIFEST[Role]['variants'])[]) {
        expect(estimate(role, dtype).gpuBytes).toBeGreaterThan(0);
      }
    }
  });
});
