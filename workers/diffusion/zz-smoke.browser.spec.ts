import { expect, it } from 'vitest';
import { DiffusionEngine } from './engine.ts';
import { contractUnet } from './testing/contract-unet.ts';

it('smoke', async () => {
  const engine = new DiffusionEngine({ localModelPath: '/models/fixtures/', dtype: 'fp32', working: { short: 64, maxLong: 96 }, overrides: { unet: contractUnet() } });
  const t0 = performance.now();
  await engine.load();
  console.log('load', performance.now() - t0);
  const width = 96, height = 80;
  const data = new Uint8ClampedArray(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 13) % 256));
  const mask = new Float32Array(width * height).map((_, i) => ((i % width) - 48) ** 2 + (Math.floor(i / width) - 40) ** 2 < 200 ? 1 : 0);
  const events: string[] = [];
  const { result, capture } = await engine.inpaint({ image: { data, width, height }, mask: { data: mask, width, height }, prompt: 'a red dog', steps: 4, seed: 1, previewEvery: 2 }, { capture: true, onEvent: (e) => events.push(JSON.stringify(e).slice(0, 100)) });
  console.log(JSON.stringify(result.meta, null, 1));
  console.log(events.join('\n'));
  console.log(capture!.latents.slice(0, 8));
  expect(result.image.width).toBe(96);
  await engine.release();
}, 300000);
