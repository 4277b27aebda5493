/**
 * One full inpainting edit through the diffusion engine (the code the diffusion worker runs), timed
 * per stage from a single measured run after a one-step warm-up edit (shader compilation), with the
 * loop's split: UNet time per step (run to queue drained) against everything else in the step, and
 * the GPU→CPU readbacks inside the denoising loop — from the GPU context's counter and from a spy on
 * every MAP_READ of any buffer, ORT's included.
 *
 * Query: ?models=<official diffusers folder URL: unet/config.json + safetensors, tokenizer/vocab.json, …> (default: the fixture
 * models; run `npm run fixtures` first) &dtype=fp16|fp32 &steps=N &short=512&long=768 &image=WxH &seed=S
 * Without `models` it runs the fixtures at a 64-pixel working size; with it, SD's 512 / 768.
 */
import { describeGpu, probeCapabilities } from '../workers/runtime/capabilities.ts';
import { DiffusionEngine } from '../workers/diffusion/engine.ts';
import type { DiffusionEvent } from '../workers/diffusion/types.ts';
import { discMask, testPicture } from '../workers/diffusion/testing/images.ts';
import { SD_FIXTURE_FOLDER } from '../workers/runtime/test-models.ts';
import { report, runBench } from './harness.ts';

const FIXTURE = SD_FIXTURE_FOLDER;
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
const pad = (s: string, n: number) => s.padEnd(n);

await runBench(async () => {
  const q = new URLSearchParams(location.search);
  const real = q.has('models');
  const models = q.get('models') ?? FIXTURE;
  const dtype = (q.get('dtype') ?? (real ? undefined : 'fp32')) as 'fp16' | 'fp32' | undefined;
  const steps = Number(q.get('steps') ?? (real ? 20 : 8));
  const working = { short: Number(q.get('short') ?? (real ? 512 : 64)), maxLong: Number(q.get('long') ?? (real ? 768 : 128)) };
  const [width, height] = (q.get('image') ?? (real ? '1024x768' : '192x128')).split('x').map(Number);
  const seed = Number(q.get('seed') ?? 1234);

  const caps = await probeCapabilities();
  await report(`Diffusion benchmark — ${describeGpu(caps)}; shader-f16 ${caps.shaderF16 ? 'yes' : 'no'}`);
  await report(`models ${models}${real ? '' : ' (fixtures: SD1.5 topology at tiny width)'}; dtype ${dtype ?? 'by device'}; ${steps} steps; working ${working.short} / ${working.maxLong}`);

  const engine = new DiffusionEngine({ modelUrl: models, dtype, working });
  const t0 = performance.now();
  await engine.load();
  const load = performance.now() - t0;
  const status = await engine.status();
  await report(`load (device, ${status.dtype} sessions, tokenizer): ${ms(load)} ms`);
  for (const [part, where] of Object.entries(status.placements ?? {})) await report(`  ${pad(part, 13)} ${where}`);

  const picture = testPicture(width, height);
  const mask = { data: discMask(width, height, width * 0.5, height * 0.5, Math.min(width, height) * 0.2), width, height };
  const request = { image: picture, mask, prompt: 'a red dog sitting on a blue sofa, photo', negativePrompt: 'blurry', seed };
  const w0 = performance.now();
  await engine.inpaint({ ...request, steps: 1 });
  await report(`warm-up edit (1 step; compiles the shaders): ${ms(performance.now() - w0)} ms\n`);

  // The measured run; the spy is on from the end of 'encode' to the end of 'denoise'.
  const original = GPUBuffer.prototype.mapAsync;
  let inLoop = false;
  let maps = 0;
  GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, mode: GPUMapModeFlags, ...rest: [number?, number?]) {
    if (inLoop && mode & GPUMapMode.READ) maps++;
    return original.call(this, mode, ...rest);
  };
  const onEvent = (e: DiffusionEvent) => {
    if (e.type === 'stage') inLoop = e.stage === 'encode';
  };
  let result;
  try {
    ({ result } = await engine.inpaint({ ...request, steps, profile: true }, { onEvent }));
  } finally {
    GPUBuffer.prototype.mapAsync = original;
  }
  const m = result.meta;
  const t = m.times;
  await report(`image ${width}×${height}; edit box ${m.box.width}×${m.box.height} at (${m.box.x}, ${m.box.y}); working ${m.working.width}×${m.working.height}; latents ${m.latent.width}×${m.latent.height}; prompt ${m.prompt.chunks} chunk(s)`);
  await report(`${pad('stage', 12)}ms`);
  for (const stage of ['tokenize', 'text', 'encode', 'denoise', 'decode', 'composite', 'readback'] as const) await report(`${pad(stage, 12)}${ms(t[stage])}`);
  await report(`${pad('total', 12)}${ms(t.total)}`);
  const unet = sum(t.unet ?? []);
  const overhead = sum(t.overhead ?? []);
  await report(`\nper step (mean of ${t.steps.length}): ${ms(sum(t.steps) / t.steps.length)} ms = UNet ${ms(unet / t.steps.length)} ms + rest ${ms(overhead / t.steps.length)} ms`);
  await report(`loop overhead (all non-UNet time per step) / UNet time: ${(overhead / unet).toFixed(3)} (${((100 * overhead) / unet).toFixed(1)} %)`);
  await report(`GPU→CPU readbacks inside the denoising loop: ${m.readbacksInLoop} (GPU context counter), ${maps} (MAP_READ maps of any buffer, ORT's included); readbacks of the whole edit: ${m.readbacks} (the result image)`);
  await engine.release();
});
