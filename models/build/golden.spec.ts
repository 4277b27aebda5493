// Graphs built from the official-layout folders in ../shared/golden/ reproduce the outputs that
// diffusers' UNet2DConditionModel / AutoencoderKL and openai/CLIP's model code computed from the same
// weights (fp32 compute, tolerance 1e-4 of each output's scale). Every folder there is run, so a
// configuration the builder has not seen is checked the same way. onnxruntime-web's wasm provider
// runs them here; golden.browser.spec.ts runs them on WebGPU.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { GOLDEN_FILES, GOLDEN_ROOT, goldenCases, scaledError, type GoldenCase } from './golden.ts';
import { nodeFolder } from './node-folder.ts';
import { buildFromFolder } from './official.ts';
import { parseHeader, writeSafetensors } from './safetensors.ts';

const folders = existsSync(GOLDEN_ROOT) ? readdirSync(GOLDEN_ROOT).filter((d) => GOLDEN_FILES.some((f) => existsSync(join(GOLDEN_ROOT, d, f)))) : [];

function casesOf(dir: string): GoldenCase[] {
  return GOLDEN_FILES.filter((f) => existsSync(join(dir, f))).flatMap((f) => goldenCases(JSON.parse(readFileSync(join(dir, f), 'utf8'))));
}

function feeds(c: GoldenCase, batch: number): Record<string, ort.Tensor> {
  return Object.fromEntries(
    Object.entries(c.inputs).map(([name, v]) => {
      if (typeof v === 'number') return [name, new ort.Tensor('float32', new Float32Array(batch).fill(v), [batch])];
      if (name === 'input_ids') return [name, new ort.Tensor('int32', Int32Array.from(v.data), v.shape)];
      return [name, new ort.Tensor('float32', Float32Array.from(v.data), v.shape)];
    }),
  );
}

describe('graphs built from the official folders match the reference code', () => {
  it('finds the golden folders beside the repository (../shared/golden)', () => {
    expect(folders.length, `no golden folder under ${GOLDEN_ROOT}`).toBeGreaterThan(0);
  });

  for (const name of folders) {
    const dir = join(GOLDEN_ROOT, name);
    for (const c of casesOf(dir)) {
      it(`${name}: ${c.name}`, async () => {
        ort.env.wasm.numThreads = 1;
        const built = await buildFromFolder(nodeFolder(dir), c.part, 'fp32');
        expect(built.unused).toEqual([]);
        const externalData = built.data.map((d) => ({ path: d.location, data: new Uint8Array(readFileSync(join(dir, d.path))) }));
        const session = await ort.InferenceSession.create(built.model, { executionProviders: ['wasm'], externalData });
        try {
          const firstFloat = Object.values(c.inputs).find((v) => typeof v !== 'number');
          const out = await session.run(feeds(c, firstFloat ? firstFloat.shape[0] : 1));
          for (const [key, want] of Object.entries(c.outputs)) {
            const got = out[key];
            expect(got, `${key} is an output`).toBeDefined();
            expect([...got.dims]).toEqual(want.shape);
            expect(scaledError(got.data as Float32Array, want.data), key).toBeLessThan(1e-4);
          }
        } finally {
          await session.release();
        }
      });
    }
  }
});

describe('the VAE under its pre-2023 attention names', () => {
  it('query/key/value/proj_attn build the same graphs: both VAE golden cases still match', async () => {
    const dir = join(GOLDEN_ROOT, folders[0] ?? 'sd-tiny-a');
    const file = readFileSync(join(dir, 'vae/diffusion_pytorch_model.fp16.safetensors'));
    const header = parseHeader(new Uint8Array(file.buffer, file.byteOffset, file.length));
    const old = (name: string) => name.replace('.to_q.', '.query.').replace('.to_k.', '.key.').replace('.to_v.', '.value.').replace('.to_out.0.', '.proj_attn.');
    const tensors = [...header.tensors.values()].map((t) => ({ name: old(t.name), dtype: t.dtype as 'F16', shape: t.shape, data: new Uint8Array(file.subarray(t.offset, t.offset + t.length)) }));
    expect(tensors.some((t) => t.name.endsWith('attentions.0.proj_attn.weight'))).toBe(true);
    const tmp = mkdtempSync(join(tmpdir(), 'vae-old-names-'));
    try {
      mkdirSync(join(tmp, 'vae'));
      writeFileSync(join(tmp, 'vae/config.json'), readFileSync(join(dir, 'vae/config.json')));
      writeFileSync(join(tmp, 'vae/diffusion_pytorch_model.fp16.safetensors'), writeSafetensors(tensors));
      for (const c of casesOf(dir).filter((x) => x.part.startsWith('vae'))) {
        const built = await buildFromFolder(nodeFolder(tmp), c.part, 'fp32');
        expect(built.unused).toEqual([]);
        const externalData = built.data.map((d) => ({ path: d.location, data: new Uint8Array(readFileSync(join(tmp, d.path))) }));
        const session = await ort.InferenceSession.create(built.model, { executionProviders: ['wasm'], externalData });
        const out = await session.run(feeds(c, 1));
        for (const [key, want] of Object.entries(c.outputs)) expect(scaledError(out[key].data as Float32Array, want.data), key).toBeLessThan(1e-4);
        await session.release();
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('refusals with reasons', () => {
  it('names a tensor whose shape does not match the config', async () => {
    const dir = join(GOLDEN_ROOT, folders[0] ?? 'sd-tiny-a');
    const tmp = mkdtempSync(join(tmpdir(), 'unet-wrong-config-'));
    try {
      mkdirSync(join(tmp, 'unet'));
      const config = JSON.parse(readFileSync(join(dir, 'unet/config.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(tmp, 'unet/config.json'), JSON.stringify({ ...config, cross_attention_dim: 32 }));
      writeFileSync(join(tmp, 'unet/diffusion_pytorch_model.fp16.safetensors'), readFileSync(join(dir, 'unet/diffusion_pytorch_model.fp16.safetensors')));
      await expect(buildFromFolder(nodeFolder(tmp), 'unet', 'fp32')).rejects.toThrow(/attn2.to_k.weight' is \[16, 24\] in diffusion_pytorch_model.fp16.safetensors; the config implies \[16, 32\]/);
      writeFileSync(join(tmp, 'unet/config.json'), JSON.stringify({ ...config, down_block_types: ['CrossAttnDownBlock2D', 'SimpleCrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'] }));
      await expect(buildFromFolder(nodeFolder(tmp), 'unet', 'fp32')).rejects.toThrow('unet: down block SimpleCrossAttnDownBlock2D is not supported (CrossAttnDownBlock2D, DownBlock2D)');
      await expect(buildFromFolder(nodeFolder(tmp), 'vae_decoder', 'fp32')).rejects.toThrow(/vae\/config.json is missing/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
