import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../gpu/context.ts';
import { centreCrop, CLIP_NORMALISATION, encodeToImage, encodeToTensor, type Rect, type Resample, VAE_DENORMALISATION, VAE_NORMALISATION } from './image-tensor.ts';
import { toImageRef, toTensorRef } from './image-tensor.ref.ts';
import { expectClose, outBuffer, randomF32, randomRgba, readF32, readU32, rng, runChecked } from './testing.ts';

describe('image ↔ tensor kernels', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  async function tensorOf(img: Uint32Array, sw: number, sh: number, dw: number, dh: number, filter: Resample, opts: { crop?: Rect; antialias?: boolean; clip?: boolean } = {}) {
    const image = gpu.upload(img);
    const out = outBuffer(gpu, 3 * dw * dh);
    const normalisation = opts.clip ? CLIP_NORMALISATION : VAE_NORMALISATION;
    await runChecked(gpu, 'to tensor test', (b) => encodeToTensor(b, { image, srcWidth: sw, srcHeight: sh, out, dstWidth: dw, dstHeight: dh, crop: opts.crop, filter, antialias: opts.antialias, normalisation }));
    const result = await readF32(gpu, out, 3 * dw * dh);
    gpu.release(image);
    gpu.release(out);
    return result;
  }

  it('maps bytes to [−1, 1] for the VAE and to (v − mean)/std for CLIP at the same size', async () => {
    const px = new Uint32Array([0xff_80_ff_00]); // R 0, G 255, B 128, A 255
    expectClose(await tensorOf(px, 1, 1, 1, 1, 'bilinear'), [-1, 1, (2 * 128) / 255 - 1], 1e-6);
    const clip = await tensorOf(px, 1, 1, 1, 1, 'bicubic', { clip: true });
    expectClose(clip, [-0.48145466 / 0.26862954, (1 - 0.4578275) / 0.26130258, (128 / 255 - 0.40821073) / 0.27577711], 1e-5);
  });

  it('area-downscales by exact box averages', async () => {
    // 4×2 grey ramp → 2×1: each output averages a 2×2 block.
    const grey = (v: number) => (v | (v << 8) | (v << 16) | (255 << 24)) >>> 0;
    const img = Uint32Array.from([0, 40, 80, 120, 20, 60, 100, 140], grey);
    const t = await tensorOf(img, 4, 2, 2, 1, 'area');
    expectClose(t.subarray(0, 2), [(2 * 30) / 255 - 1, (2 * 110) / 255 - 1], 1e-6);
  });

  it('bilinear 2× upscale interpolates between pixel centres and clamps at the edges', async () => {
    const grey = (v: number) => (v | (v << 8) | (v << 16) | (255 << 24)) >>> 0;
    const t = await tensorOf(Uint32Array.from([0, 255], grey), 2, 1, 4, 1, 'bilinear', { antialias: false });
    // Output centres sit at source x = −0.25, 0.25, 0.75, 1.25 (pixel-centre coordinates).
    expectClose(t.subarray(0, 4), [0, 0.25, 0.75, 1].map((v) => 2 * v - 1), 1e-6);
  });

  const cases: [string, number, number, number, number, Resample, boolean, Rect | undefined][] = [
    ['1×1 → 1×1 bicubic', 1, 1, 1, 1, 'bicubic', true, undefined],
    ['37×23 → 8×5 area', 37, 23, 8, 5, 'area', true, undefined],
    ['37×23 → 8×5 bilinear antialiased', 37, 23, 8, 5, 'bilinear', true, undefined],
    ['37×23 → 9×7 bicubic antialiased', 37, 23, 9, 7, 'bicubic', true, undefined],
    ['37×23 → 9×7 bilinear, no antialias', 37, 23, 9, 7, 'bilinear', false, undefined],
    ['5×3 → 11×7 bicubic upscale', 5, 3, 11, 7, 'bicubic', true, undefined],
    ['crop of 40×30 → 13×13 bilinear', 40, 30, 13, 13, 'bilinear', true, { x: 5.5, y: 3, width: 20, height: 21 }],
    ['CLIP centre crop of 30×20 → 7×7 bicubic', 30, 20, 7, 7, 'bicubic', true, centreCrop(30, 20, 7)],
  ];
  it.each(cases)('matches the CPU reference (%s)', async (_name, sw, sh, dw, dh, filter, antialias, crop) => {
    const img = randomRgba(sw * sh, rng(sw * 100 + dw));
    const gpuOut = await tensorOf(img, sw, sh, dw, dh, filter, { crop, antialias });
    const cpuOut = toTensorRef(img, sw, sh, dw, dh, crop ?? { x: 0, y: 0, width: sw, height: sh }, filter, antialias, VAE_NORMALISATION);
    expectClose(gpuOut, cpuOut, 2e-5, 1e-5);
  });

  async function imageOf(tensor: Float32Array, w: number, h: number) {
    const input = gpu.upload(tensor);
    const out = outBuffer(gpu, w * h);
    await runChecked(gpu, 'to image test', (b) => encodeToImage(b, { tensor: input, out, width: w, height: h, normalisation: VAE_DENORMALISATION }));
    const result = await readU32(gpu, out, w * h);
    gpu.release(input);
    gpu.release(out);
    return result;
  }

  it('round-trips RGB bytes through the VAE range and back exactly (alpha becomes 255)', async () => {
    const img = randomRgba(13 * 7, rng(9));
    const back = await imageOf(await tensorOf(img, 13, 7, 13, 7, 'bicubic'), 13, 7);
    expect(Array.from(back)).toEqual(Array.from(img, (p) => (p | 0xff000000) >>> 0));
  });

  it.each([
    [1, 1],
    [17, 9],
  ])('tensor → RGBA8 matches the CPU reference with clamping (%i×%i)', async (w, h) => {
    const tensor = randomF32(3 * w * h, rng(w + h), -1.3, 1.3);
    expect(Array.from(await imageOf(tensor, w, h))).toEqual(Array.from(toImageRef(tensor, w, h, VAE_DENORMALISATION)));
  });
});
