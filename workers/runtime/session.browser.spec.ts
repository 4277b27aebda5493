// ModelSession on the SD VAE decoder fixture: WebGPU against the wasm CPU provider, introspected I/O,
// feeds that adapt (a timestep number for float32, int64 and float16 inputs), serialised runs,
// fp16 refused on WebGPU without shader-f16, the announced wasm fallback, clear I/O errors,
// disposal, and the residency manager over real sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimate } from '../../models/gpu-memory.ts';
import { MANIFEST, ioNames } from '../../models/manifest.ts';
import type { GpuContext } from '../gpu/context.ts';
import { probeCapabilities } from './capabilities.ts';
import { ModelRuntimeError } from './errors.ts';
import { readFloat32 } from './feeds.ts';
import { ort } from './ort.ts';
import { Residency } from './residency.ts';
import { openRoleSession } from './roles.ts';
import { ModelSession } from './session.ts';
import { halfModel, hiddenF16Model, maxDiff, sdFixtureGraph, timestepModel } from './test-models.ts';

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
}

// The VAE decoder fixture (SD1.5's topology at tiny width): latents [B,4,h,w] → image [B,3,8h,8w].
const latentDims = [2, 4, 2, 2];
const latents = () => new ort.Tensor('float32', random(2 * 4 * 2 * 2, 1), latentDims);
const vaeIo = ioNames(MANIFEST['sd-inpaint'].sessions.vae_decoder);

async function decode(session: ModelSession, latent: ort.Tensor): Promise<Float32Array> {
  const out = (await session.run({ latent_sample: latent })).sample;
  expect(out.dims).toEqual([2, 3, 8 * latent.dims[2], 8 * latent.dims[3]]);
  const values = await readFloat32(out);
  out.dispose();
  return values;
}

describe('ModelSession on the VAE decoder fixture', () => {
  let gpu: ModelSession;
  let cpu: ModelSession;
  let liveBefore: number;

  beforeAll(async () => {
    liveBefore = ModelSession.live;
    const { model, externalData } = await sdFixtureGraph('fp32', 'vae_decoder');
    gpu = await ModelSession.create(model, { name: 'sd-inpaint/vae_decoder fp32', expect: vaeIo, externalData });
    cpu = await ModelSession.create(model, { name: 'sd-inpaint/vae_decoder fp32 (cpu)', ep: 'wasm', externalData });
  });

  afterAll(async () => {
    await gpu?.dispose();
    await cpu?.dispose();
  });

  it('runs on WebGPU and says so; the CPU session says it was asked for', () => {
    expect(gpu.placement).toEqual({ ep: 'webgpu', reason: 'running on WebGPU (google / swiftshader (fallback adapter))', fallback: false });
    expect(cpu.placement).toEqual({ ep: 'wasm', reason: 'asked to run on the CPU (wasm)', fallback: false });
    expect(ModelSession.live).toBe(liveBefore + 2);
  });

  it('reads names, types and shapes from the file', () => {
    expect(gpu.inputs).toEqual([{ name: 'latent_sample', type: 'float32', shape: ['batch_size', 4, 'latent_height', 'latent_width'] }]);
    expect(gpu.outputs).toEqual([{ name: 'sample', type: 'float32', shape: ['batch_size', 3, 'height', 'width'] }]);
  });

  it('computes on WebGPU what the wasm provider computes (1e-4), with the output left on the GPU', async () => {
    const out = (await gpu.run({ latent_sample: latents() })).sample;
    expect(out.location).toBe('gpu-buffer');
    expect(out.gpuBuffer).toBeInstanceOf(GPUBuffer);
    const a = await readFloat32(out);
    out.dispose();
    const b = await decode(cpu, latents());
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(1e-2);
    expect(maxDiff(a, b)).toBeLessThan(1e-4);
  });

  it('serialises concurrent runs on one session (unserialised, they hang this ORT build)', async () => {
    const inputs = [1, 2, 3].map((seed) => new ort.Tensor('float32', random(2 * 4 * 2 * 2, seed), [2, 4, 2, 2]));
    const sequential: Float32Array[] = [];
    for (const x of inputs) sequential.push(await decode(gpu, x));
    const concurrent = await Promise.all(inputs.map((x) => decode(gpu, x)));
    concurrent.forEach((c, i) => expect(maxDiff(c, sequential[i])).toBe(0));
    expect(maxDiff(sequential[0], sequential[1])).toBeGreaterThan(1e-3);
  });

  it('names missing, unknown and ill-fitting feeds with the declared inputs', async () => {
    await expect(gpu.run({})).rejects.toThrow("sd-inpaint/vae_decoder fp32: missing input 'latent_sample'; it declares latent_sample");
    await expect(gpu.run({ latent_sample: latents(), latents: 1 })).rejects.toThrow("no input named 'latents'; it declares latent_sample");
    await expect(gpu.run({ latent_sample: 0 })).rejects.toThrow("input 'latent_sample' has the symbolic dim 'batch_size', which no other feed fixes");
    await expect(gpu.run({ latent_sample: { data: [1, 2, 3], dims: [1, 4, 1, 1] } })).rejects.toThrow("input 'latent_sample': 3 values for dims [1, 4, 1, 1]");
  });

  it('refuses a file that lacks a name the caller needs, and releases it', async () => {
    const live = ModelSession.live;
    const { model, externalData } = await sdFixtureGraph('fp32', 'vae_decoder');
    const error = await ModelSession.create(model, {
      externalData,
      name: 'vae_decoder',
      expect: { inputs: ['latent_sample'], outputs: ['sample', 'latent_parameters'] },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRuntimeError);
    expect((error as ModelRuntimeError).message).toBe("vae_decoder: the model file lacks output 'latent_parameters' (it has sample), so it cannot be used here");
    expect(ModelSession.live).toBe(live);
  });
});

describe('feeds adapt to the declared timestep type', () => {
  it.each([
    ['int64', 'webgpu'],
    ['float32', 'webgpu'],
    ['float16', 'wasm'], // float16 needs shader-f16 on WebGPU; the CPU runs it
  ] as const)('a number fed to a %s timestep (%s)', async (type, ep) => {
    const session = await ModelSession.create(timestepModel(type), { name: `timestep ${type}`, ep });
    expect(session.inputs[1]).toEqual({ name: 'timestep', type, shape: ['batch_size'] });
    const { y } = await session.run({ sample: { data: [0.25, -0.5, 1], dims: [3] }, timestep: 981 });
    expect(Array.from(await readFloat32(y))).toEqual([981.25, 980.5, 982]);
    // A float32 tensor is converted too, on the way in.
    const { y: y2 } = await session.run({ sample: { data: [0, 0], dims: [2] }, timestep: new ort.Tensor('float32', Float32Array.of(1, 999), [2]) });
    expect(Array.from(await readFloat32(y2))).toEqual([1, 999]);
    if (type === 'int64') await expect(session.run({ sample: { data: [0], dims: [1] }, timestep: 500.5 })).rejects.toThrow("input 'timestep' is int64, and 500.5 is not a whole number");
    await session.dispose();
  });
});

describe('fp16 files on a device without shader-f16', () => {
  it('refuses an fp16 file that was not declared fp16, and releases it', async () => {
    const live = ModelSession.live;
    const { model, externalData } = await sdFixtureGraph('fp16', 'vae_decoder');
    const e = await ModelSession.create(model, { name: 'vae_decoder fp16', externalData }).catch((error: unknown) => error);
    expect(e).toMatchObject({ name: 'ModelRuntimeError', code: 'shader-f16' });
    // ORT meets an f16 program while creating this session already; the error names model and cause either way.
    expect((e as Error).message).toMatch(/^vae_decoder fp16 needs the WebGPU feature "shader-f16" for .*float16.* cannot run here/);
    expect(ModelSession.live).toBe(live);
  });

  it('turns a float16 operation met at run time into the same error, with no output', async () => {
    const session = await ModelSession.create(hiddenF16Model(), { name: 'hidden f16' });
    expect(session.placement.ep).toBe('webgpu');
    const e = await session.run({ x: { data: [1, 2, 3, 4], dims: [4] } }).catch((error: unknown) => error);
    expect(e).toMatchObject({ code: 'shader-f16' });
    expect((e as Error).message).toMatch(/^hidden f16 needs the WebGPU feature "shader-f16" for a float16 operation inside the graph/);
    await session.dispose();
  });

  it('runs float16 on the CPU when asked: float32 in, float16 inside and out, float32 back', async () => {
    const session = await ModelSession.create(halfModel(), { ep: 'wasm' });
    expect(session.outputs).toEqual([{ name: 'y', type: 'float16', shape: [4] }]);
    const x = { data: [0.5, -1.25, 1000, 3.3], dims: [4] };
    const { y } = await session.run({ x });
    expect(y.type).toBe('float32');
    expect(Array.from(y.data as Float32Array)).toEqual([1, -2.5, 2000, 6.6015625]); // 2x in float16: 3.3 → 3.30078125
    expect((await session.run({ x }, { float32: false })).y.type).toBe('float16');
    await session.dispose();
  });
});

describe('placement and disposal', () => {
  it('falls back to wasm and says why when WebGPU is missing; refuses when WebGPU is required', async () => {
    const caps = { ...(await probeCapabilities()), webgpu: false, reason: 'no WebGPU adapter is available (test)' };
    const session = await ModelSession.create(timestepModel('float32'), { caps });
    expect(session.placement).toEqual({ ep: 'wasm', reason: 'running on the CPU (wasm): no WebGPU adapter is available (test)', fallback: true });
    await session.dispose();
    await expect(ModelSession.create(timestepModel('float32'), { caps, ep: 'webgpu', name: 'unet' })).rejects.toThrow(
      'unet must run on WebGPU, which is not available: no WebGPU adapter is available (test)',
    );
  });

  it('falls back to wasm when the WebGPU session fails, and says why', async () => {
    const broken = { device: {} } as unknown as GpuContext; // ORT refuses a device that is no GPUDevice
    const session = await ModelSession.create(timestepModel('float32'), { gpu: broken });
    expect(session.placement).toEqual({
      ep: 'wasm',
      reason: 'running on the CPU (wasm): the WebGPU session failed (Invalid GPU device set in WebGPU EP options.)',
      fallback: true,
    });
    expect(Array.from(await readFloat32((await session.run({ sample: { data: [1], dims: [1] }, timestep: 2 })).y))).toEqual([3]);
    await session.dispose();
    await expect(ModelSession.create(timestepModel('float32'), { gpu: broken, ep: 'webgpu' })).rejects.toThrow('Invalid GPU device');
  });

  it('finishes queued runs, then releases; later runs reject; dispose is idempotent', async () => {
    const live = ModelSession.live;
    const session = await ModelSession.create(timestepModel('float32'));
    expect(ModelSession.live).toBe(live + 1);
    const queued = session.run({ sample: { data: [1], dims: [1] }, timestep: 2 });
    const disposed = session.dispose();
    const { y } = await queued; // ran before the release
    await disposed;
    // An output belongs to the caller: it outlives its session until it is disposed.
    expect(y.location).toBe('gpu-buffer');
    expect(Array.from(await readFloat32(y))).toEqual([3]);
    y.dispose();
    await session.dispose();
    expect(ModelSession.live).toBe(live);
    await expect(session.run({ sample: { data: [1], dims: [1] }, timestep: 2 })).rejects.toMatchObject({ code: 'disposed' });
  });

  it('reports a missing file, also when the server answers with its HTML page', async () => {
    await expect(ModelSession.create('/models/fixtures/nowhere/model.onnx', { name: 'sd-inpaint/unet' })).rejects.toThrow(
      /^sd-inpaint\/unet: (the model file could not be fetched \(404|\/models\/fixtures\/nowhere\/model.onnx answered with an HTML page, not a model file)/,
    );
  });
});

describe('residency over real sessions', () => {
  it('evicts the least recently used session by disposing it; the accounting and the session count follow', async () => {
    const live = ModelSession.live;
    const evicted: string[] = [];
    const residency = new Residency({ budget: 2.5e6, onEvict: (key) => evicted.push(key) });
    const open = (key: string) => residency.acquire(key, 1e6, () => ModelSession.create(timestepModel('float32'), { name: key }));
    const run = async (s: ModelSession) => Array.from(await readFloat32((await s.run({ sample: { data: [1], dims: [1] }, timestep: 1 })).y));
    await open('clip-vision');
    const t5 = await open('t5-encoder');
    expect(ModelSession.live).toBe(live + 2);
    const clip = await open('clip-vision'); // a hit, now the most recent
    await open('region-head'); // 3 MB > 2.5 MB: t5-encoder goes
    expect(evicted).toEqual(['t5-encoder']);
    expect(residency.keys).toEqual(['clip-vision', 'region-head']);
    expect(residency.used).toBe(2e6);
    expect(residency.peak).toBeLessThanOrEqual(residency.budget);
    expect(ModelSession.live).toBe(live + 2);
    await expect(t5.run({ sample: 1, timestep: 1 })).rejects.toMatchObject({ code: 'disposed' });
    expect(await run(clip)).toEqual([2]);
    await residency.clear();
    expect(ModelSession.live).toBe(live);
    expect(residency.used).toBe(0);
  });
});

describe('role sessions from the manifest', () => {
  it('opens region-head/region_head at the variant picked for this device, under the budget by its estimate', async () => {
    const residency = new Residency();
    const session = await openRoleSession('region-head', 'region_head', { baseUrl: '/models/fixtures/', residency });
    expect(session.name).toBe('region-head/region_head fp32');
    expect(session.placement.ep).toBe('webgpu');
    expect(residency.keys).toEqual(['region-head/region_head']);
    expect(residency.used).toBe(estimate('region-head', 'fp32', 'region_head').gpuBytes);
    expect(await openRoleSession('region-head', 'region_head', { baseUrl: '/models/fixtures/', residency })).toBe(session);
    await residency.clear();
    expect(residency.used).toBe(0);
  });

  it('sends SD inpainting, whose graphs are built from the official files, to its own loader', async () => {
    await expect(openRoleSession('sd-inpaint', 'vae_decoder', { baseUrl: '/models/fixtures/' })).rejects.toThrow(/built from its official files as they load/);
  });
});
