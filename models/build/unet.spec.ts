// The generated UNet runs in ORT's CPU providers at tiny and medium width, in fp32 and in fp16,
// with every block's activations finite and far from fp16's range limit; fp16 agrees with fp32.
// onnxruntime-web's wasm provider (the browser's CPU fallback) stands in for the fp16 comparison
// that needs shader-f16 on WebGPU (models/sd-unet-fixture.browser.spec.ts skips it without).
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { type Dtype, TINY_UNET, TINY_VAE, unetConfig, vaeConfig } from './sd-config.ts';
import { type FloatTensor, relError, unetFeeds, values } from './inputs.ts';
import { buildModel, fastWeights } from './model.ts';

type Ort = typeof ortNode | typeof ortWeb;
const FP16_MAX = 65504;

async function runUnet(ort: Ort, model: Uint8Array, feeds: Record<string, FloatTensor>, options = {}) {
  const session = await ort.InferenceSession.create(model, options);
  const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)])));
  await session.release();
  const probes = Object.fromEntries(Object.entries(out).filter(([k]) => k.startsWith('probe.')).map(([k, t]) => [k.slice(6), values(t)[0]]));
  return { out: out.out_sample, sample: values(out.out_sample), probes };
}

function expectHealthy(r: Awaited<ReturnType<typeof runUnet>>, limit: number) {
  expect(r.sample.every(Number.isFinite)).toBe(true);
  const std = Math.sqrt(r.sample.reduce((s, v) => s + v * v, 0) / r.sample.length);
  expect(std).toBeGreaterThan(0.05);
  const blocks = Object.entries(r.probes);
  expect(blocks.length).toBeGreaterThan(40);
  for (const [name, max] of blocks) {
    expect(Number.isFinite(max), name).toBe(true);
    expect(max, name).toBeLessThan(limit);
    expect(max, name).toBeGreaterThan(1e-3);
  }
}

describe('tiny UNet (the fixture configuration)', () => {
  const build = (dtype: Dtype) => buildModel('unet', { dtype, unet: TINY_UNET, vae: TINY_VAE, weights: fastWeights(7), probes: true });

  it('fp16 and fp32 agree on the wasm provider, every block finite and < 1 % of the fp16 range', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const [f32, f16] = [await runUnet(ortWeb, build('fp32'), unetFeeds('fp32', 2, 8, 8)), await runUnet(ortWeb, build('fp16'), unetFeeds('fp16', 2, 8, 8))];
    expect(f16.out.type).toBe('float16');
    expect(f16.out.dims).toEqual([2, 4, 8, 8]);
    expectHealthy(f32, FP16_MAX / 100);
    expectHealthy(f16, FP16_MAX / 100);
    expect(relError(f16.sample, f32.sample)).toBeLessThan(0.01);
    expect(relError(f16.sample, f32.sample)).toBeGreaterThan(0); // fp16 really rounds somewhere
  }, 60_000);
});

describe('medium UNet (width 64, ≈ 37.5 M parameters) at 16² latents', () => {
  const unet = unetConfig(64);
  const build = (dtype: Dtype) => buildModel('unet', { dtype, unet, vae: vaeConfig(24), weights: fastWeights(11), probes: true });

  it('fp32 and fp16 stay finite through every block and agree', async () => {
    const f32 = await runUnet(ortNode, build('fp32'), unetFeeds('fp32', 1, 16, 16));
    const f16 = await runUnet(ortNode, build('fp16'), unetFeeds('fp16', 1, 16, 16));
    expectHealthy(f32, FP16_MAX / 100);
    expectHealthy(f16, FP16_MAX / 100);
    expect(relError(f16.sample, f32.sample)).toBeLessThan(0.02);
  }, 120_000);
});
