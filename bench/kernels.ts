/**
 * Per-kernel and per-loop-step times, GPU beside the CPU reference, from the same run.
 * GPU time = record + submit + wait for the queue to drain (wall clock, median), so it includes
 * the submit overhead a real step pays; CPU time = the plain TypeScript reference on the same data.
 */
import { DdimScheduler } from '../workers/diffusion/ddim.ts';
import { runLoop } from '../workers/diffusion/loop.ts';
import { runLoopRef } from '../workers/diffusion/loop.ref.ts';
import { standinUnet } from '../workers/diffusion/standin-unet.ts';
import { standinUnetRef } from '../workers/diffusion/standin-unet.ref.ts';
import { GpuContext } from '../workers/gpu/context.ts';
import { encodeAdjust } from '../workers/kernels/adjust.ts';
import { adjustRef } from '../workers/kernels/adjust.ref.ts';
import { encodeBlend } from '../workers/kernels/blend.ts';
import { blendRef } from '../workers/kernels/blend.ref.ts';
import { encodeComposite } from '../workers/kernels/composite.ts';
import { compositeRef } from '../workers/kernels/composite.ref.ts';
import { encodeDdimStep } from '../workers/kernels/ddim-step.ts';
import { ddimStepRef } from '../workers/kernels/ddim-step.ref.ts';
import { encodeGuidance } from '../workers/kernels/guidance.ts';
import { guidanceRef } from '../workers/kernels/guidance.ref.ts';
import { encodeHarmonise } from '../workers/kernels/harmonise.ts';
import { harmoniseRef } from '../workers/kernels/harmonise.ref.ts';
import { centreCrop, CLIP_NORMALISATION, encodeToImage, encodeToTensor, VAE_DENORMALISATION, VAE_NORMALISATION } from '../workers/kernels/image-tensor.ts';
import { toImageRef, toTensorRef } from '../workers/kernels/image-tensor.ref.ts';
import { type Batch, run } from '../workers/kernels/kernel.ts';
import { encodeMaskLatent } from '../workers/kernels/mask-latent.ts';
import { maskLatentRef } from '../workers/kernels/mask-latent.ref.ts';
import { encodeMaskOp } from '../workers/kernels/mask-ops.ts';
import { maskOpRef } from '../workers/kernels/mask-ops.ref.ts';
import { encodeNoise } from '../workers/kernels/noise.ts';
import { noiseRef } from '../workers/kernels/noise.ref.ts';
import { encodePack } from '../workers/kernels/pack.ts';
import { packRef } from '../workers/kernels/pack.ref.ts';
import { encodePreview } from '../workers/kernels/preview.ts';
import { previewRef } from '../workers/kernels/preview.ref.ts';
import { randomF32, randomRgba, rng } from '../workers/kernels/testing.ts';
import { report, runBench, timeMedian } from './harness.ts';

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const ms = (x: number) => (x < 10 ? x.toFixed(3) : x.toFixed(1));

await runBench(async () => {
  const gpu = await GpuContext.create();
  const info = gpu.device.adapterInfo;
  await report(`adapter: ${[info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') || 'unknown'}${info.isFallbackAdapter ? ' (fallback adapter)' : ''}`);
  await report(`${pad('kernel', 38)}${pad('size', 12)}${pad('GPU ms', 10)}${pad('CPU ms', 10)}CPU/GPU`);
  const random = rng(1);
  const scheduler = new DdimScheduler();

  /** Times one GPU batch (to queue drain) and the CPU reference; prints one line. */
  async function row(name: string, size: string, record: (b: Batch) => void, cpu: () => unknown, cpuRuns = 3) {
    const g = await timeMedian(async () => {
      run(gpu, name, record);
      await gpu.device.queue.onSubmittedWorkDone();
    }, 7, 2);
    const c = await timeMedian(cpu, cpuRuns, cpuRuns > 1 ? 1 : 0);
    await report(`${pad(name, 38)}${pad(size, 12)}${pad(ms(g), 10)}${pad(ms(c), 10)}${(c / g).toFixed(1)}×`);
  }

  for (const side of [64, 128]) {
    const size = `${side}×${side}`;
    const plane = side * side;
    const count = 4 * plane;
    const lat = () => randomF32(count, random);
    const [x, eps2, mask, src, noise, cond] = [lat(), randomF32(2 * count, random), randomF32(plane, random, 0, 1), lat(), lat(), lat()];
    const b = { x: gpu.upload(x), eps2: gpu.upload(eps2), mask: gpu.upload(mask), src: gpu.upload(src), noise: gpu.upload(noise), cond: gpu.upload(cond) };
    const out = { a: gpu.upload(new Float32Array(2 * 9 * plane)), b: gpu.upload(new Float32Array(count)) };
    const coefficients = scheduler.stepCoefficients(951, 20);
    const cfg = { kind: 'cfg', scale: 7.5 } as const;
    await row('guidance (CFG, batch 2)', size, (r) => encodeGuidance(r, { eps: b.eps2, out: out.b, count, guidance: cfg }), () => guidanceRef(eps2, count, cfg), 7);
    await row('ddim step', size, (r) => encodeDdimStep(r, { eps: b.src, latents: b.x, predicted: out.b, count, coefficients }), () => ddimStepRef(src, x.slice(), new Float32Array(count), coefficients), 7);
    await row('blend (Eq. 23)', size, (r) => encodeBlend(r, { mask: b.mask, source: b.src, noise: b.noise, latents: b.x, count, plane, sqrtAlpha: 0.5, sqrtOneMinusAlpha: 0.8 }), () => blendRef(mask, src, noise, x.slice(), 0.5, 0.8), 7);
    await row('pack (9 ch, batch 2)', size, (r) => encodePack(r, { latents: b.x, mask: b.mask, cond: b.cond, out: out.a, plane, batch: 2 }), () => packRef(x, mask, cond, plane, 2), 7);
    await row('noise (Philox + Box–Muller)', size, (r) => encodeNoise(r, { out: out.b, count, seed: 7 }), () => noiseRef(count, 7), 7);
    await row('preview → RGBA8', size, (r) => encodePreview(r, { latents: b.x, out: out.b, plane }), () => previewRef(x, plane), 7);
    const pixelMask = randomF32(64 * plane, random, 0, 1);
    const pm = gpu.upload(pixelMask);
    await row('mask → latent (max, from 8× px)', size, (r) => encodeMaskLatent(r, { src: pm, dst: out.b, srcWidth: 8 * side, srcHeight: 8 * side, dstWidth: side, dstHeight: side, mode: 'max' }), () => maskLatentRef(pixelMask, 8 * side, 8 * side, side, side, 'max'));
    gpu.release(pm);

    // One full loop step (9-channel inpainting, CFG, blend) with the WGSL stand-in UNet: mean of 10 steps.
    const standin = standinUnet(gpu, side, side, 9, 2);
    const steps = 10;
    const loopOptions = { steps, width: side, height: side, guidance: cfg, unetChannels: 9 as const };
    const gpuStep =
      (await timeMedian(async () => {
        const r = await runLoop({ ...loopOptions, gpu, unet: standin.unet, noise: b.noise, mask: b.mask, cond: b.cond, blendSource: b.src });
        gpu.release(r.latents);
      }, 3, 1)) / steps;
    const unetRef = standinUnetRef(side, side, 9, 2);
    const cpuStep = (await timeMedian(() => runLoopRef({ ...loopOptions, unet: unetRef, noise, mask, cond, blendSource: src }), 1, 0)) / steps;
    standin.dispose();
    await report(`${pad('loop step (stand-in UNet, 9 ch, CFG)', 38)}${pad(size, 12)}${pad(ms(gpuStep), 10)}${pad(ms(cpuStep), 10)}${(cpuStep / gpuStep).toFixed(1)}×`);
    [...Object.values(b), ...Object.values(out)].forEach((buf) => gpu.release(buf));

    // Image kernels at the matching image size (8× the latent side).
    const w = 8 * side;
    const isize = `${w}×${w}`;
    const n = w * w;
    const img = randomRgba(n, random);
    const gen = randomRgba(n / 4, random);
    const soft = Float32Array.from({ length: n }, (_, p) => Math.max(0, Math.min(1, 2 - Math.hypot((p % w) - w / 2, Math.floor(p / w) - w / 2) / (w / 6))));
    const ring = Float32Array.from(soft, (v, p) => (v === 0 && Math.hypot((p % w) - w / 2, Math.floor(p / w) - w / 2) < w / 2.5 ? 1 : 0));
    const ib = { img: gpu.upload(img), gen: gpu.upload(gen), soft: gpu.upload(soft), ring: gpu.upload(ring), outImg: gpu.upload(new Uint32Array(n)), tensor: gpu.upload(new Float32Array(3 * n)), plane: gpu.upload(new Float32Array(n)) };
    const whole = { x: 0, y: 0, width: w, height: w };
    const tensor = toTensorRef(img, w, w, w, w, whole, 'bilinear', true, VAE_NORMALISATION);
    const cpuRuns = side === 64 ? 3 : 1;
    await row('image → tensor (VAE, same size)', isize, (r) => encodeToTensor(r, { image: ib.img, srcWidth: w, srcHeight: w, out: ib.tensor, dstWidth: w, dstHeight: w, filter: 'bilinear', normalisation: VAE_NORMALISATION }), () => toTensorRef(img, w, w, w, w, whole, 'bilinear', true, VAE_NORMALISATION), cpuRuns);
    const crop = centreCrop(w, w, 224);
    await row('image → tensor (CLIP 224 bicubic)', isize, (r) => encodeToTensor(r, { image: ib.img, srcWidth: w, srcHeight: w, out: ib.tensor, dstWidth: 224, dstHeight: 224, crop, filter: 'bicubic', normalisation: CLIP_NORMALISATION }), () => toTensorRef(img, w, w, 224, 224, crop, 'bicubic', true, CLIP_NORMALISATION), cpuRuns);
    await row('tensor → image', isize, (r) => encodeToImage(r, { tensor: ib.tensor, out: ib.outImg, width: w, height: w, normalisation: VAE_DENORMALISATION }), () => toImageRef(tensor, w, w, VAE_DENORMALISATION), cpuRuns);
    const rect = { x: w / 4, y: w / 4, width: w / 2, height: w / 2 };
    await row('composite (half-size crop)', isize, (r) => encodeComposite(r, { original: ib.img, out: ib.outImg, width: w, height: w, generated: ib.gen, genWidth: w / 2, genHeight: w / 2, rect, mask: ib.soft }), () => compositeRef(img, w, w, gen, w / 2, w / 2, rect, soft), cpuRuns);
    await row('harmonise', isize, (r) => encodeHarmonise(r, { image: ib.outImg, region: ib.soft, ring: ib.ring, count: n, strength: 0.8 }), () => harmoniseRef(img, soft, ring, 0.8), cpuRuns);
    const adj = { exposure: 0.3, contrast: 1.2, saturation: 1.1, warmth: 0.2, gamma: 1.1, sharpen: 0.8, sigma: 1 };
    await row('adjust (colour + sharpen σ1)', isize, (r) => encodeAdjust(r, { src: ib.img, dst: ib.outImg, width: w, height: w, adjustments: adj }), () => adjustRef(img, w, w, adj), 1);
    await row('mask feather σ4', isize, (r) => encodeMaskOp(r, { src: ib.soft, dst: ib.plane, width: w, height: w }, { op: 'feather', sigma: 4 }), () => maskOpRef(soft, w, w, { op: 'feather', sigma: 4 }), 1);
    await row('mask dilate r4', isize, (r) => encodeMaskOp(r, { src: ib.soft, dst: ib.plane, width: w, height: w }, { op: 'dilate', radius: 4 }), () => maskOpRef(soft, w, w, { op: 'dilate', radius: 4 }), 1);
    Object.values(ib).forEach((buf) => gpu.release(buf));
  }
  await report(`GPU readbacks during the benchmark: ${gpu.readbacks}`);
  gpu.destroy();
});
