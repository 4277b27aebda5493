// The 9-channel UNet fixture runs in onnxruntime-web on WebGPU (SwiftShader here) and agrees with
// the same model on ORT's wasm CPU provider; every channel group and the text states reach the output.
// The fixture is served from models/fixtures/ (scripts/fixtures/global-setup.ts generates it).
import * as ort from 'onnxruntime-web/webgpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomFloats } from '../scripts/fixtures/numeric.ts';
import { MANIFEST } from './manifest.ts';

const variant = MANIFEST['sd-inpaint'].variants.fp32!; // no shader-f16 on SwiftShader
const url = `/models/fixtures/${variant.id}/${variant.files.unet.path}`;
const B = 2;
const h = 8;
const w = 8;

function feeds(sample: Float32Array, text = randomFloats(B * 77 * 768, 52)): Record<string, ort.Tensor> {
  return {
    sample: new ort.Tensor('float32', sample, [B, 9, h, w]),
    timestep: new ort.Tensor('float32', Float32Array.of(981, 501), [B]),
    encoder_hidden_states: new ort.Tensor('float32', text, [B, 77, 768]),
  };
}

async function outSample(session: ort.InferenceSession, f: Record<string, ort.Tensor>): Promise<Float32Array> {
  const out = (await session.run(f)).out_sample;
  expect(out.dims).toEqual([B, 4, h, w]);
  return (out.location === 'gpu-buffer' ? await out.getData(true) : out.data) as Float32Array;
}

function withChannels(base: Float32Array, channels: number[]): Float32Array {
  return base.map((x, i) => (channels.includes(Math.floor(i / (h * w)) % 9) ? x + 1 : x));
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('UNet fixture on onnxruntime-web', () => {
  let gpu: ort.InferenceSession;
  let cpu: ort.InferenceSession;
  const base = randomFloats(B * 9 * h * w, 51);

  beforeAll(async () => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status}. Generate fixtures first: node scripts/fixtures/generate.mjs`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    ort.env.wasm.numThreads = 1;
    gpu = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' });
    cpu = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  });

  afterAll(async () => {
    await gpu?.release();
    await cpu?.release();
  });

  it('declares the manifest names', () => {
    expect([...gpu.inputNames].sort()).toEqual(['encoder_hidden_states', 'sample', 'timestep']);
    expect(gpu.outputNames).toEqual(['out_sample']);
  });

  it('computes on the GPU what the CPU provider computes', async () => {
    const result = (await gpu.run(feeds(base))).out_sample;
    expect(result.location).toBe('gpu-buffer');
    const [a, b] = [(await result.getData(true)) as Float32Array, await outSample(cpu, feeds(base))];
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(1e-3);
    expect(maxDiff(a, b)).toBeLessThan(1e-4);
  });

  it.each([
    ['noisy latents', [0, 1, 2, 3]],
    ['mask', [4]],
    ['masked-image latents', [5, 6, 7, 8]],
  ])('output changes on WebGPU with the %s channels alone', async (_label, channels) => {
    const [a, b] = [await outSample(gpu, feeds(base)), await outSample(gpu, feeds(withChannels(base, channels)))];
    expect(maxDiff(a, b)).toBeGreaterThan(1e-3);
  });

  it('output changes with the text states and with the timestep', async () => {
    const a = await outSample(gpu, feeds(base));
    const otherText = await outSample(gpu, feeds(base, randomFloats(B * 77 * 768, 53)));
    const f = feeds(base);
    f.timestep = new ort.Tensor('float32', Float32Array.of(961, 501), [B]);
    expect(maxDiff(a, otherText)).toBeGreaterThan(1e-4);
    expect(maxDiff(a, await outSample(gpu, f))).toBeGreaterThan(1e-4);
  });
});
