// The analytic counts give SD1.5's published figures at full width, and exactly what the builders
// ask the weight source for at other widths.
import { describe, expect, it } from 'vitest';
import { type WeightSource, size } from './onnx-builder.ts';
import { TINY_UNET, TINY_VAE, unetConfig, vaeConfig } from './sd-config.ts';
import { unetCounts, vaeCounts } from './count.ts';
import { buildModel } from './model.ts';

/** A weight source that hands out zeros and counts what it was asked for. */
function counting(): { source: WeightSource; count: () => number } {
  let n = 0;
  return {
    count: () => n,
    source: {
      weight(_name, dims) {
        n += size(dims);
        return new Float32Array(size(dims));
      },
    },
  };
}

const full = unetConfig(320);

/** One transformer block's resolution-dependent FLOPs at n positions and width c (77 text tokens). */
const transformerAt = (n: number, c: number) => 2 * n * c * c * 20 + 4 * n * n * c + 4 * n * 77 * c;
const latent512 = { height: 64, width: 64 };

describe('SD1.5 at full width, counted without building weights', () => {
  it('UNet: 859,520,964 parameters with 4 input channels (the published figure), 859,535,364 with 9', () => {
    expect(unetCounts(unetConfig(320, { inChannels: 4 }), latent512).params).toBe(859_520_964);
    expect(unetCounts(full, latent512).params).toBe(859_520_964 + 5 * 320 * 9);
  });

  it('UNet: ≈ 0.8 TFLOP per evaluation at 512² (64² latents), batch 1; twice that for the CFG batch', () => {
    const one = unetCounts(full, latent512).flops;
    expect(one / 1e12).toBeCloseTo(0.803, 3);
    expect(unetCounts(full, { ...latent512, batch: 2 }).flops).toBe(2 * one);
  });

  it('VAE: decoder 49,490,199 parameters, encoder 34,163,664; together AutoencoderKL\'s 83,653,863', () => {
    const vae = vaeConfig(128);
    const dec = vaeCounts(vae, 'decoder', { height: 512, width: 512 });
    const enc = vaeCounts(vae, 'encoder', { height: 512, width: 512 });
    expect(dec.params).toBe(49_490_199);
    expect(enc.params).toBe(34_163_664);
    expect(dec.params + enc.params).toBe(83_653_863);
    expect(dec.flops / 1e12).toBeCloseTo(2.515, 3);
    expect(enc.flops / 1e12).toBeCloseTo(1.117, 3);
  });

  it('scales as the topology says: at twice the side convolutions ×4, attention between ×4 (projections) and ×16 (products)', () => {
    // Without attention levels, convolutions, the mid-block transformer and resolution-free terms remain.
    const convOnly = unetConfig(320, { attention: [false, false, false, false] });
    const fixed = unetCounts(convOnly, { height: 0, width: 0 }).flops;
    const timeMlp = 2 * (320 * 1280 + 1280 * 1280);
    const timeProjections = 2 * 1280 * (5 * 320 + 5 * 640 + 12 * 1280); // one per ResNet
    const midTextKv = 2 * 2 * 77 * 768 * 1280;
    expect(fixed).toBe(timeMlp + timeProjections + midTextKv);
    const mid = (side: number) => transformerAt(side * side / 64, 1280);
    const conv = (side: number) => unetCounts(convOnly, { height: side, width: side }).flops - fixed - mid(side);
    expect(conv(64)).toBe(4 * conv(32));
    const attn = (side: number) => unetCounts(full, { height: side, width: side }).flops - unetCounts(convOnly, { height: side, width: side }).flops;
    const ratio = attn(64) / attn(32);
    expect(ratio).toBeGreaterThan(4);
    expect(ratio).toBeLessThan(16);
  });
});

describe('counts agree with the built graphs', () => {
  const configs = [
    ['tiny (untied)', { ...TINY_UNET, tieWeights: false }, { ...TINY_VAE, tieWeights: false }],
    ['width 16, 8 heads', unetConfig(16), vaeConfig(8)],
  ] as const;

  it.each(configs)('%s: UNet and VAE parameters requested = analytic count', (_label, unet, vae) => {
    for (const part of ['unet', 'vae_encoder', 'vae_decoder'] as const) {
      const c = counting();
      buildModel(part, { dtype: 'fp32', unet, vae, weights: c.source });
      const expected = part === 'unet' ? unetCounts(unet, latent512).params : vaeCounts(vae, part === 'vae_encoder' ? 'encoder' : 'decoder', { height: 64, width: 64 }).params;
      expect(c.count(), part).toBe(expected);
    }
  });

  it('tied fixture weights: the same graph asks for far fewer distinct tensors', () => {
    const tied = counting();
    const untied = counting();
    buildModel('unet', { dtype: 'fp32', unet: TINY_UNET, vae: TINY_VAE, weights: tied.source });
    buildModel('unet', { dtype: 'fp32', unet: { ...TINY_UNET, tieWeights: false }, vae: TINY_VAE, weights: untied.source });
    expect(untied.count()).toBe(unetCounts(TINY_UNET, latent512).params);
    expect(tied.count()).toBeLessThan(untied.count() / 3);
  });
});
