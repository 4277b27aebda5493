// One GPUDevice per worker: ORT's own, adopted into a GpuContext. ORT output buffers bind in our WGSL
// kernels and our buffers feed ORT without a copy; a buffer of another device fails validation;
// the device outlives every model session; transformers.js uses the same ORT module and device.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext, GpuError } from '../gpu/context.ts';
import { encodeGuidance } from '../kernels/guidance.ts';
import { guidanceRef } from '../kernels/guidance.ref.ts';
import { STORAGE } from '../kernels/kernel.ts';
import { runChecked } from '../kernels/testing.ts';
import { ortDevice, runtimeGpu } from './device.ts';
import { readFloat32 } from './feeds.ts';
import { ORT_WASM_PATHS, ort } from './ort.ts';
import { ModelSession } from './session.ts';
import { maxDiff, sdFixtureGraph, timestepModel } from './test-models.ts';

const cfg = { kind: 'cfg', scale: 2.5 } as const;
const [h, w] = [2, 2]; // latent size; images are 8× larger
const count = 8 * h * w; // one row of the encoder's latent_parameters [1,8,h,w]: the mean (what the decoder reads), then the log-variance
const image = new ort.Tensor('float32', Float32Array.from({ length: 2 * 3 * 64 * h * w }, (_, i) => Math.sin(i * 0.37)), [2, 3, 8 * h, 8 * w]);

/** Resolves true when `device` is lost within a few frames. */
const isLost = (device: GPUDevice) => Promise.race([device.lost.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 50))]);

describe('ORT and our kernels on one device', () => {
  let gpu: GpuContext;
  let encoder: ModelSession;
  let decoder: ModelSession;
  let cpuEncoder: ModelSession;
  let cpuDecoder: ModelSession;

  beforeAll(async () => {
    gpu = await runtimeGpu();
    const [enc, dec] = await Promise.all([sdFixtureGraph('fp32', 'vae_encoder'), sdFixtureGraph('fp32', 'vae_decoder')]);
    encoder = await ModelSession.create(enc.model, { name: 'vae_encoder', externalData: enc.externalData });
    decoder = await ModelSession.create(dec.model, { name: 'vae_decoder', externalData: dec.externalData });
    cpuEncoder = await ModelSession.create(enc.model, { ep: 'wasm', externalData: enc.externalData });
    cpuDecoder = await ModelSession.create(dec.model, { ep: 'wasm', externalData: dec.externalData });
  });

  afterAll(async () => {
    await Promise.all([encoder, decoder, cpuEncoder, cpuDecoder].map((s) => s?.dispose()));
  });

  it("adopts ORT's device, once", async () => {
    expect(gpu.adopted).toBe(true);
    expect(gpu.device).toBe(await ortDevice());
    expect(await runtimeGpu()).toBe(gpu);
    expect(encoder.placement.ep).toBe('webgpu');
  });

  it('ORT output → guidance kernel → ORT input, bound in place, matching the CPU pipeline', async () => {
    const readbacks = gpu.readbacks;
    const latents = (await encoder.run({ sample: image })).latent_parameters; // [2,8,h,w]: the "uncond, cond" pair
    expect(latents.location).toBe('gpu-buffer');
    const guided = gpu.acquire(count * 4, STORAGE(), 'guided latents');
    await runChecked(gpu, 'guide ORT output', (b) => encodeGuidance(b, { eps: latents.gpuBuffer, out: guided, count, guidance: cfg }));
    const decoded = (await decoder.run({ latent_sample: ort.Tensor.fromGpuBuffer(guided, { dataType: 'float32', dims: [1, 4, h, w] }) })).sample;
    expect(decoded.location).toBe('gpu-buffer');
    expect(gpu.readbacks).toBe(readbacks); // nothing came back to the CPU on the way

    const cpuLatents = (await cpuEncoder.run({ sample: image })).latent_parameters.data as Float32Array;
    const cpuGuided = guidanceRef(cpuLatents, count, cfg);
    const cpuDecoded = (await cpuDecoder.run({ latent_sample: { data: cpuGuided.subarray(0, 4 * h * w), dims: [1, 4, h, w] } })).sample.data as Float32Array;
    expect(maxDiff(new Float32Array(await gpu.read(guided, count * 4)), cpuGuided)).toBeLessThan(1e-4);
    const values = await readFloat32(decoded);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(1e-2);
    expect(maxDiff(values, cpuDecoded)).toBeLessThan(1e-4);
    latents.dispose();
    decoded.dispose();
    gpu.release(guided);
  });

  it("fails validation when the same ORT buffer is bound on another device's context", async () => {
    const other = await GpuContext.create({ label: 'another device' });
    const latents = (await encoder.run({ sample: image })).latent_parameters;
    const out = other.acquire(count * 4, STORAGE());
    const error = await runChecked(other, 'foreign buffer', (b) => encodeGuidance(b, { eps: latents.gpuBuffer, out, count, guidance: cfg })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GpuError);
    expect((error as GpuError).kind).toBe('validation');
    expect((error as GpuError).message).toMatch(/associated with .*Device.*cannot be used with .*Device "another device"/s);
    latents.dispose();
    other.destroy();
  });

  it('runs a session on a context passed in: its outputs bind there and not on the runtime device', async () => {
    const own = await GpuContext.create({ label: 'own device' });
    const session = await ModelSession.create(timestepModel('float32'), { gpu: own });
    const { y } = await session.run({ sample: { data: [0, 1, 2, 3, 4, 5, 6, 7], dims: [8] }, timestep: 0.5 });
    const copy = own.acquire(32, STORAGE());
    await runChecked(own, 'copy', (b) => encodeGuidance(b, { eps: y.gpuBuffer, out: copy, count: 8, guidance: { kind: 'none' } }));
    expect(Array.from(new Float32Array(await own.read(copy, 32)))).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5]);
    const onRuntime = gpu.acquire(32, STORAGE());
    await expect(runChecked(gpu, 'copy', (b) => encodeGuidance(b, { eps: y.gpuBuffer, out: onRuntime, count: 8, guidance: { kind: 'none' } }))).rejects.toThrow(GpuError);
    y.dispose();
    await session.dispose();
    expect(await isLost(own.device)).toBe(false); // ORT leaves a device it was given alone
    own.destroy();
  });

  it('keeps the device when every model session is disposed', async () => {
    const [dec, enc] = await Promise.all([sdFixtureGraph('fp32', 'vae_decoder'), sdFixtureGraph('fp32', 'vae_encoder')]);
    const session = await ModelSession.create(dec.model, { externalData: dec.externalData });
    await session.dispose();
    await Promise.all([encoder.dispose(), decoder.dispose()]);
    expect(await isLost(gpu.device)).toBe(false);
    const again = await ModelSession.create(enc.model, { externalData: enc.externalData });
    const latents = (await again.run({ sample: image })).latent_parameters;
    const out = gpu.acquire(count * 4, STORAGE());
    await runChecked(gpu, 'after re-creation', (b) => encodeGuidance(b, { eps: latents.gpuBuffer, out, count, guidance: { kind: 'none' } }));
    expect(maxDiff(new Float32Array(await gpu.read(out, count * 4)), (await readFloat32(latents)).subarray(0, count))).toBe(0);
    latents.dispose();
    await again.dispose();
  });
});

describe('transformers.js on the same ORT', () => {
  it('shares the module, the self-hosted wasm and the device', async () => {
    const gpu = await runtimeGpu();
    const t = await import('@huggingface/transformers');
    const onnx = t.env.backends.onnx as unknown as typeof ort.env;
    expect(onnx.wasm).toBe(ort.env.wasm);
    expect(onnx.webgpu).toBe(ort.env.webgpu);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('onnxruntime')]).toBeUndefined(); // injecting it leaves transformers.js no devices
    expect(ort.env.wasm.wasmPaths).toMatchObject({ wasm: ORT_WASM_PATHS.wasm }); // not transformers' CDN default
    t.env.allowRemoteModels = false;
    t.env.allowLocalModels = true;
    t.env.localModelPath = '/models/fixtures/';
    const model = await t.CLIPTextModelWithProjection.from_pretrained('Xenova/clip-vit-large-patch14', {
      device: 'webgpu',
      dtype: 'fp32',
      session_options: { preferredOutputLocation: 'gpu-buffer' },
    });
    const ids = new t.Tensor('int64', BigInt64Array.from([49406n, 320n, 49407n]), [1, 3]);
    const embeds = (await model({ input_ids: ids })).text_embeds as { ort_tensor: ort.Tensor };
    const tensor = embeds.ort_tensor;
    expect(tensor.location).toBe('gpu-buffer');
    const out = gpu.acquire(768 * 4, STORAGE());
    await runChecked(gpu, 'transformers.js output', (b) => encodeGuidance(b, { eps: tensor.gpuBuffer, out, count: 768, guidance: { kind: 'none' } }));
    const copied = new Float32Array(await gpu.read(out, 768 * 4));
    expect(Math.max(...copied.map(Math.abs))).toBeGreaterThan(1e-3);
    expect(maxDiff(copied, await readFloat32(tensor))).toBe(0);
    tensor.dispose();
    await model.dispose();
    // transformers.js tensors are onnxruntime-common's class, not ORT-web's: our sessions take them too.
    const session = await ModelSession.create(timestepModel('int64'));
    const sample = (new t.Tensor('float32', Float32Array.of(1, 2), [2]) as unknown as { ort_tensor: ort.Tensor }).ort_tensor;
    expect(sample).not.toBeInstanceOf(ort.Tensor);
    expect(Array.from(await readFloat32((await session.run({ sample, timestep: 10 })).y))).toEqual([11, 12]);
    await session.dispose();
    expect(await isLost(gpu.device)).toBe(false);
  });
});
