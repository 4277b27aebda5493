// Export variants the engine reads from the files, on contract models: a text encoder and a VAE
// encoder with a fixed batch of 1 (one run per chunk / item) and optimum's VAE encoder output
// `latent_parameters` [B, 8, h, w] (the mean is its first 4 channels) give the same bytes as the
// batched, 4-channel layout.
import { afterAll, describe, expect, it } from 'vitest';
import { DiffusionEngine } from './engine.ts';
import { contractModels, contractTextEncoder, contractVaeEncoder } from './testing/contract-models.ts';
import { differing, discMask, testPicture } from './testing/images.ts';

const [W, H] = [128, 72];
const request = { image: testPicture(W, H, 90), mask: { data: discMask(W, H, 60, 40, 14), width: W, height: H }, prompt: words(100), negativePrompt: 'blue', steps: 2, seed: 5 };
function words(n: number): string {
  return Array.from({ length: n }, (_, i) => ['red', 'dog', 'sky'][i % 3]).join(' ');
}

describe('export variants', () => {
  const engines: DiffusionEngine[] = [];
  const run = async (overrides: Partial<ReturnType<typeof contractModels>>) => {
    const engine = new DiffusionEngine({ localModelPath: '/models/fixtures/', dtype: 'fp32', working: { short: 64, maxLong: 128 }, overrides: { ...contractModels(), ...overrides } });
    engines.push(engine);
    return (await engine.inpaint(request)).result;
  };
  afterAll(() => Promise.all(engines.map((e) => e.release())));

  it('fixed batch 1 and latent_parameters give the bytes of the batched 4-channel files', async () => {
    const base = await run({});
    expect(base.meta.prompt.chunks).toBe(2); // 4 text-encoder rows: run one by one below
    expect(differing(base.image.data, request.image.data)).toBeGreaterThan(50);
    const single = await run({ text_encoder: contractTextEncoder(12, 1), vae_encoder: contractVaeEncoder(13, { batch: 1 }) });
    expect(differing(single.image.data, base.image.data)).toBe(0);
    // Channels 4–7 hold other (random) weights, so reading them, or item 1 at a 4-channel stride,
    // would change the bytes.
    const parameters = await run({ vae_encoder: contractVaeEncoder(13, { parameters: true }) });
    expect(differing(parameters.image.data, base.image.data)).toBe(0);
  });
});
