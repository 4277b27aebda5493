// The generated VAE parts run in ORT's CPU provider at tiny and medium width, fp32 and fp16:
// 8× up / down with the builder's shapes, finite everywhere, fp16 close to fp32.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { type Dtype, TINY_UNET, TINY_VAE, type VaeConfig, vaeConfig } from './sd-config.ts';
import { type FloatTensor, relError, vaeDecoderFeeds, vaeEncoderFeeds, values } from './inputs.ts';
import { type Part, buildModel, fastWeights } from './model.ts';

async function run(part: Part, vae: VaeConfig, dtype: Dtype, feeds: Record<string, FloatTensor>) {
  const model = buildModel(part, { dtype, unet: TINY_UNET, vae, weights: fastWeights(5), probes: true });
  const session = await ort.InferenceSession.create(model);
  const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)])));
  await session.release();
  const main = out[part === 'vae_decoder' ? 'sample' : 'latent_parameters'];
  const probes = Object.entries(out).filter(([k]) => k.startsWith('probe.')).map(([k, t]) => [k, values(t)[0]] as const);
  return { dims: main.dims, type: main.type, values: values(main), probes };
}

const configs = [
  ['tiny', TINY_VAE],
  ['medium (width 32)', vaeConfig(32)],
] as const;

describe.each(configs)('%s VAE', (_label, vae) => {
  it('decoder: latent [1,4,3,5] → image [1,3,24,40], finite through every block, fp16 ≈ fp32', async () => {
    const [a, b] = [await run('vae_decoder', vae, 'fp32', vaeDecoderFeeds('fp32', 1, 3, 5)), await run('vae_decoder', vae, 'fp16', vaeDecoderFeeds('fp16', 1, 3, 5))];
    expect(a.dims).toEqual([1, 3, 24, 40]);
    expect(b.type).toBe('float16');
    for (const r of [a, b]) {
      expect(r.values.every(Number.isFinite)).toBe(true);
      for (const [name, max] of r.probes) expect(max, name).toBeLessThan(655);
    }
    expect(a.probes.length).toBeGreaterThan(15);
    expect(relError(b.values, a.values)).toBeLessThan(0.02);
  }, 60_000);

  it('encoder: image [1,3,24,40] → latent mean and log-variance [1,8,3,5], finite, fp16 ≈ fp32', async () => {
    const [a, b] = [await run('vae_encoder', vae, 'fp32', vaeEncoderFeeds('fp32', 1, 24, 40)), await run('vae_encoder', vae, 'fp16', vaeEncoderFeeds('fp16', 1, 24, 40))];
    expect(a.dims).toEqual([1, 8, 3, 5]);
    for (const r of [a, b]) {
      expect(r.values.every(Number.isFinite)).toBe(true);
      for (const [name, max] of r.probes) expect(max, name).toBeLessThan(655);
    }
    expect(relError(b.values, a.values)).toBeLessThan(0.02);
  }, 60_000);
});
