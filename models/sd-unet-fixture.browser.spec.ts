// The 9-channel UNet of the SD test model — SD1.5's topology at tiny width, built in the browser by
// models/build from the official-layout fixture folder, weights as external data — runs in
// onnxruntime-web on WebGPU (SwiftShader here) and agrees with ORT's wasm CPU provider; the output
// depends on every channel group, the timestep and the text states. One batch carries every case
// (row 0 the base, one row per changed input, a repeat of row 0), so the ≈ 1,700-node graph
// compiles and runs once. Fixtures are served from models/fixtures/ (global setup generates them).
//
// The GPU session uses preferredLayout NCHW: in onnxruntime-web 1.31.0-dev's native WebGPU build
// the default NHWC Conv gives wrong results for 9 input channels — SD-inpainting's conv_in (see
// models/ort-webgpu-conv.browser.spec.ts).
import * as ort from 'onnxruntime-web/webgpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomFloats, toHalfArray } from './build/numeric.ts';
import { maxAbsDiff, relError, values } from './build/inputs.ts';
import { SD_FIXTURE_TEXT as TEXT } from '../scripts/fixtures/specs/sd-inpaint.ts';
import { type FixtureGraph, sdFixtureGraph } from '../workers/runtime/test-models.ts';

const h = 8;
const w = 8;
const plane = h * w;
const ROWS = ['base', 'noisy latents', 'mask', 'masked-image latents', 'text states', 'timestep', 'repeat of base'] as const;
const B = ROWS.length;
const CHANNELS: Record<string, number[]> = { 'noisy latents': [0, 1, 2, 3], mask: [4], 'masked-image latents': [5, 6, 7, 8] };

function feeds(): Record<string, ort.Tensor> {
  const base = randomFloats(9 * plane, 51);
  const text = randomFloats(77 * TEXT, 52);
  const otherText = randomFloats(77 * TEXT, 53);
  const sample = new Float32Array(B * 9 * plane);
  const states = new Float32Array(B * 77 * TEXT);
  ROWS.forEach((row, r) => {
    const changed = CHANNELS[row] ?? [];
    for (let i = 0; i < 9 * plane; i++) sample[r * 9 * plane + i] = base[i] + (changed.includes(Math.floor(i / plane)) ? 1 : 0);
    states.set(row === 'text states' ? otherText : text, r * 77 * TEXT);
  });
  const timestep = Float32Array.from(ROWS, (row) => (row === 'timestep' ? 961 : 981));
  return {
    sample: new ort.Tensor('float32', sample, [B, 9, h, w]),
    timestep: new ort.Tensor('float32', timestep, [B]),
    encoder_hidden_states: new ort.Tensor('float32', states, [B, 77, TEXT]),
  };
}

const rowOf = (out: Float32Array, r: number) => out.subarray(r * 4 * plane, (r + 1) * 4 * plane);

const webgpu = { name: 'webgpu', preferredLayout: 'NCHW' } as ort.InferenceSession.ExecutionProviderConfig;

describe('UNet fixture on onnxruntime-web', () => {
  let gpu: ort.InferenceSession;
  let gpuOut: Promise<Float32Array>;
  let unet: FixtureGraph;

  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    unet = await sdFixtureGraph('fp32', 'unet');
    gpu = await ort.InferenceSession.create(unet.model, { executionProviders: [webgpu], preferredOutputLocation: 'gpu-buffer', externalData: unet.externalData });
    gpuOut = gpu.run(feeds()).then(async ({ out_sample }) => {
      expect(out_sample.location).toBe('gpu-buffer');
      expect(out_sample.dims).toEqual([B, 4, h, w]);
      return (await out_sample.getData(true)) as Float32Array;
    });
  });

  afterAll(async () => {
    await gpu?.release();
  });

  it('declares the manifest names', () => {
    expect([...gpu.inputNames].sort()).toEqual(['encoder_hidden_states', 'sample', 'timestep']);
    expect(gpu.outputNames).toEqual(['out_sample']);
  });

  it('computes on the GPU what the CPU provider computes', async () => {
    const cpu = await ort.InferenceSession.create(unet.model, { executionProviders: ['wasm'], externalData: unet.externalData });
    const expected = (await cpu.run(feeds())).out_sample.data as Float32Array;
    await cpu.release();
    const a = await gpuOut;
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.1);
    expect(maxAbsDiff(a, expected)).toBeLessThan(1e-4);
  }, 300_000); // a 7-row UNet on the wasm provider and on SwiftShader: minutes on a busy 2-core machine

  it.each(ROWS.slice(1, -1).map((row, i) => [row, i + 1] as const))('output changes on WebGPU with the %s alone', async (_row, r) => {
    const out = await gpuOut;
    expect(maxAbsDiff(rowOf(out, r), rowOf(out, 0))).toBeGreaterThan(1e-3);
  });

  it('batch rows are independent: a repeated row gives the same output', async () => {
    const out = await gpuOut;
    expect(maxAbsDiff(rowOf(out, B - 1), rowOf(out, 0))).toBeLessThan(1e-6);
  });

  it('fp16 (built over the fp16 file, fp16 compute) agrees with fp32 on WebGPU', async (ctx) => {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter?.features.has('shader-f16')) ctx.skip('this adapter has no shader-f16 (SwiftShader): fp16 vs fp32 runs on the wasm provider in scripts/fixtures/sessions.spec.ts instead');
    const fp16 = await sdFixtureGraph('fp16', 'unet');
    const half = await ort.InferenceSession.create(fp16.model, { executionProviders: [webgpu], externalData: fp16.externalData });
    const toHalf = (t: ort.Tensor) => new ort.Tensor('float16', toHalfArray(t.data as Float32Array), t.dims);
    const out = (await half.run(Object.fromEntries(Object.entries(feeds()).map(([k, t]) => [k, k === 'timestep' ? t : toHalf(t)])))).out_sample; // the timestep stays float32
    await half.release();
    expect(relError(values(out), await gpuOut)).toBeLessThan(0.02);
  });
});
