// The VAE of the SD test model — SD1.5's encoder and decoder at tiny width, built in the browser
// from the official-layout fixture folder — run in onnxruntime-web on WebGPU in the default (NHWC)
// layout and agree with the wasm CPU provider; each output depends on its input (row 1 of the batch
// is row 0 changed).
import * as ort from 'onnxruntime-web/webgpu';
import { describe, expect, it } from 'vitest';
import { randomFloats } from './build/numeric.ts';
import { maxAbsDiff } from './build/inputs.ts';
import { sdFixtureGraph } from '../workers/runtime/test-models.ts';

/** Two rows: x, and x with every seventh value moved by 0.5. */
function twoRows(values: Float32Array): Float32Array {
  const out = new Float32Array(2 * values.length);
  out.set(values);
  out.set(values.map((v, i) => (i % 7 === 3 ? v + 0.5 : v)), values.length);
  return out;
}

async function compare(part: 'vae_encoder' | 'vae_decoder', input: string, dims: number[], output: string, outDims: number[]) {
  const { model, externalData } = await sdFixtureGraph('fp32', part);
  ort.env.wasm.numThreads = 1;
  const feeds = { [input]: new ort.Tensor('float32', twoRows(randomFloats(dims.reduce((a, b) => a * b, 1), 61, 2)), [2, ...dims]) };
  const gpu = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'], externalData });
  const cpu = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], externalData });
  const a = (await gpu.run(feeds))[output];
  const b = (await cpu.run(feeds))[output].data as Float32Array;
  await Promise.all([gpu.release(), cpu.release()]);
  expect(a.dims).toEqual([2, ...outDims]);
  const values = a.data as Float32Array;
  expect(values.every(Number.isFinite)).toBe(true);
  expect(maxAbsDiff(values, b)).toBeLessThan(1e-4);
  const half = values.length / 2;
  expect(maxAbsDiff(values.subarray(0, half), values.subarray(half))).toBeGreaterThan(1e-3);
}

describe('VAE fixtures on onnxruntime-web WebGPU', () => {
  it('decoder: latent [4,3,5] → image [3,24,40], as the CPU provider computes, dependent on the latent', async () => {
    await compare('vae_decoder', 'latent_sample', [4, 3, 5], 'sample', [3, 24, 40]);
  });

  it('encoder: image [3,24,40] → latent mean and log-variance [8,3,5], as the CPU provider computes, dependent on the image', async () => {
    await compare('vae_encoder', 'sample', [3, 24, 40], 'latent_parameters', [8, 3, 5]);
  });
});
