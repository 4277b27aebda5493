// External data: a model written as `<part>.onnx` + `<part>.onnx_data` computes what the inline
// model computes, and the full-width UNet's graph stays a small protobuf beside its weights.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { type WeightSource, size } from '../../models/build/onnx-builder.ts';
import { TINY_UNET, TINY_VAE, unetConfig, vaeConfig } from '../../models/build/sd-config.ts';
import { unetCounts } from '../../models/build/count.ts';
import { unetFeeds, values } from '../../models/build/inputs.ts';
import { buildModel, fastWeights } from '../../models/build/model.ts';
import { writeModel } from './write.ts';

const dir = mkdtempSync(join(tmpdir(), 'sd-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function outSample(model: string | Uint8Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model as string);
  const feeds = Object.fromEntries(Object.entries(unetFeeds('fp32', 1, 8, 8)).map(([k, t]) => [k, new ort.Tensor(t.type, t.data, t.dims)]));
  const out = await session.run(feeds);
  await session.release();
  return values(out.out_sample);
}

describe('models with external data', () => {
  it('a tiny UNet written with external data computes exactly what the inline model computes', async () => {
    const options = { dtype: 'fp32', unet: { ...TINY_UNET, tieWeights: false }, vae: TINY_VAE } as const;
    const written = writeModel(dir, 'unet', { ...options, weights: fastWeights(3) });
    const inline = buildModel('unet', { ...options, weights: fastWeights(3) });
    expect(written.dataFile).toBe('unet.onnx_data');
    expect(statSync(join(dir, 'unet.onnx_data')).size).toBe(written.dataBytes);
    expect(written.dataBytes).toBeGreaterThan(0.9 * unetCounts(options.unet, { height: 8, width: 8 }).params * 4);
    expect(written.modelBytes).toBeLessThan(inline.length / 3);
    expect(readFileSync(written.path).includes(Buffer.from('unet.onnx_data'))).toBe(true);
    expect(Array.from(await outSample(written.path))).toEqual(Array.from(await outSample(inline)));
  }, 60_000);

  it('the full-width UNet (859.5 M parameters) builds as a protobuf of < 1 MB with 3.4 GB beside it', () => {
    let zeros = new Float32Array(0); // as large as the largest tensor so far; weights are views of it
    let requested = 0;
    let external = 0;
    const weights: WeightSource = {
      weight(_name, dims) {
        requested += size(dims);
        if (zeros.length < size(dims)) zeros = new Float32Array(size(dims));
        return zeros.subarray(0, size(dims));
      },
    };
    const model = buildModel('unet', {
      dtype: 'fp32',
      unet: unetConfig(320),
      vae: vaeConfig(128),
      weights,
      external: { location: 'unet.onnx_data', append: (bytes) => (external += bytes.length) - bytes.length },
    });
    const params = unetCounts(unetConfig(320), { height: 64, width: 64 }).params;
    expect(requested).toBe(params);
    expect(model.length).toBeLessThan(1e6);
    expect(external).toBeLessThanOrEqual(4 * params);
    expect(external).toBeGreaterThan(4 * params - 4096); // only tiny tensors (conv_out's bias) stay inline
  }, 60_000);
});
