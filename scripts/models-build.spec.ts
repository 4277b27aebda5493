// `npm run models:build` writes graphs that load from disk on their own: each model.onnx finds its
// weights beside it (ONNX external data by file name), and the VAE decoder built from the golden
// folder computes what diffusers computed, in onnxruntime-node (the native loader, not ORT-web's).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { GOLDEN_ROOT, goldenCases, scaledError } from '../models/build/golden.ts';
import { buildAll, main, parseArgs } from './models-build.ts';

const golden = join(GOLDEN_ROOT, 'sd-tiny-a');
const out = mkdtempSync(join(tmpdir(), 'models-build-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('models:build', () => {
  it('reads the options and finds the parts the folder has', () => {
    expect(parseArgs([golden, out])).toMatchObject({ dtype: 'fp16', parts: ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder', 'clip_vision'] });
    expect(parseArgs([golden, out, '--dtype', 'fp32', '--parts', 'unet'])).toMatchObject({ dtype: 'fp32', parts: ['unet'] });
    expect(() => parseArgs([golden, out, '--dtype', 'int8'])).toThrow('--dtype takes fp16 or fp32, not int8');
    expect(() => parseArgs([golden])).toThrow(/^usage: models:build/);
  });

  it('writes <part>/model.onnx beside its weights; the decoder loads from disk and matches diffusers', async () => {
    const lines: string[] = [];
    await buildAll({ ...parseArgs([golden, out, '--dtype', 'fp32']), parts: ['vae_decoder', 'unet'] }, (l) => lines.push(l));
    expect(lines[0]).toMatch(/^vae_decoder: model.onnx \d+ kB in \d+ ms, weights (linked|copied) diffusion_pytorch_model.fp16.safetensors/);
    expect(readdirSync(join(out, 'vae_decoder')).sort()).toEqual(['diffusion_pytorch_model.fp16.safetensors', 'model.onnx']);
    const session = await ort.InferenceSession.create(join(out, 'vae_decoder', 'model.onnx'));
    const c = goldenCases(JSON.parse(readFileSync(join(golden, 'golden.json'), 'utf8'))).find((x) => x.part === 'vae_decoder')!;
    const input = c.inputs.latent_sample as { shape: number[]; data: number[] };
    const result = await session.run({ latent_sample: new ort.Tensor('float32', Float32Array.from(input.data), input.shape) });
    expect(scaledError(result.sample.data as Float32Array, c.outputs.sample.data)).toBeLessThan(1e-4);
    await session.release();
  });

  it('says what is wrong with a folder without models, and exits 1', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'models-build-empty-'));
    const errors: string[] = [];
    const original = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      expect(await main([empty, out])).toBe(1);
    } finally {
      console.error = original;
      rmSync(empty, { recursive: true, force: true });
    }
    expect(errors[0]).toMatch(/^models:build: .* has no part folder with a config.json/);
  });
});
