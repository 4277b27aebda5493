/**
 * Builds the SD UNet graph in the browser from an official-layout folder (models/build over Range
 * requests, as the diffusion worker does), creates its WebGPU session with the safetensors file as
 * external data, and reports: build time and graph size, session-creation time, memory before and
 * after (the page's whole footprint, wasm heap included, from measureUserAgentSpecificMemory), ORT's
 * node placement, and one evaluation at a small latent. With `single=<url>` it does the same for a
 * single-file graph of the same size (weights inside the protobuf) for comparison.
 * Query: models=<folder URL> &dtype=fp32|fp16 &single=<model URL> &latent=8 (0: no evaluation)
 */
import { buildFromFolder } from '../models/build/official.ts';
import { BuildSource, folderFiles } from '../workers/diffusion/files.ts';
import { describeGpu, probeCapabilities } from '../workers/runtime/capabilities.ts';
import { ort } from '../workers/runtime/ort.ts';
import { createWithPlacement } from '../workers/runtime/placement.ts';
import { report, runBench } from './harness.ts';

const mb = (b: number) => (b / 1e6).toFixed(0);

async function footprint(): Promise<number | null> {
  const measure = (performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory;
  if (!crossOriginIsolated || !measure) return null;
  return (await measure.call(performance)).bytes;
}

async function session(label: string, model: Uint8Array | string, externalData: { path: string; data: string }[] | undefined, cross: number, latent: number): Promise<void> {
  const before = await footprint();
  const t0 = performance.now();
  const ep = { name: 'webgpu', preferredLayout: 'NCHW' } as ort.InferenceSession.ExecutionProviderConfig;
  const bytes = typeof model === 'string' ? new Uint8Array(await (await fetch(model)).arrayBuffer()) : model;
  const { session: s, placement } = await createWithPlacement(bytes, { executionProviders: [ep], externalData });
  const created = performance.now() - t0;
  const after = await footprint();
  const where = placement ? Object.entries(placement.counts).map(([k, n]) => `${k} ${n}`).join(', ') : 'no placement log';
  await report(`${label}: session created in ${created.toFixed(0)} ms; page memory ${before === null ? '?' : mb(before)} → ${after === null ? '?' : mb(after)} MB; nodes: ${where}${placement?.cpuNodes.length ? ` (CPU: ${placement.cpuNodes.slice(0, 5).join(', ')})` : ''}`);
  const f32 = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed));
  const half = s.inputMetadata.find((m) => m.name === 'sample' && m.isTensor && m.type === 'float16');
  const t = (data: Float32Array, dims: number[]) => (half ? new ort.Tensor('float16', Uint16Array.from(data, () => 0), dims) : new ort.Tensor('float32', data, dims));
  const feeds = {
    sample: t(f32(2 * 9 * latent * latent, 1), [2, 9, latent, latent]),
    timestep: new ort.Tensor('float32', Float32Array.of(981, 981), [2]),
    encoder_hidden_states: t(f32(2 * 77 * cross, 2), [2, 77, cross]),
  };
  if (latent === 0) {
    await s.release();
    await report(`${label}: page memory after release ${mb((await footprint()) ?? 0)} MB (no evaluation: latent=0)`);
    return;
  }
  const r0 = performance.now();
  const out = (await s.run(feeds)).out_sample;
  const values = (await out.getData()) as Float32Array;
  await report(`${label}: one evaluation at batch 2, latent ${latent}² in ${(performance.now() - r0).toFixed(0)} ms; output finite: ${Array.from(values).every(Number.isFinite)}`);
  await s.release();
  const released = await footprint();
  await report(`${label}: page memory after release ${released === null ? '?' : mb(released)} MB`);
}

await runBench(async () => {
  const q = new URLSearchParams(location.search);
  const models = q.get('models');
  if (!models) throw new Error('models=<official folder URL> is required');
  const dtype = (q.get('dtype') ?? 'fp32') as 'fp32' | 'fp16';
  const latent = Number(q.get('latent') ?? 8);
  const caps = await probeCapabilities();
  await report(`onnxruntime-web ${ort.env.versions.web}; ${describeGpu(caps)}; shader-f16 ${caps.shaderF16 ? 'yes' : 'no'}; cross-origin isolated ${crossOriginIsolated}`);
  if (dtype === 'fp16' && !caps.shaderF16) {
    await report('fp16 graphs need shader-f16: skipped on this adapter');
    return;
  }
  const source = new BuildSource(folderFiles(models));
  const m0 = await footprint();
  const t0 = performance.now();
  const built = await buildFromFolder(source, 'unet', dtype);
  const buildMs = performance.now() - t0;
  const m1 = await footprint();
  const file = built.data[0];
  await report(`build (${dtype} graph over ${file.path}, ${mb(file.bytes)} MB): ${buildMs.toFixed(0)} ms, graph ${(built.model.length / 1e3).toFixed(0)} kB, page memory ${m0 === null ? '?' : mb(m0)} → ${m1 === null ? '?' : mb(m1)} MB`);
  const config = (await (await fetch(`${models}unet/config.json`)).json()) as { cross_attention_dim: number };
  await session('external data', built.model, [{ path: file.location, data: `${models}${file.path}` }], config.cross_attention_dim, latent);
  const single = q.get('single');
  if (single) await session('single file', single, undefined, config.cross_attention_dim, latent);
});
