/**
 * After the loop: latents ÷ 0.18215 → VAE decoder → RGBA at the working size; the paste mask
 * (mask ≥ 0.5, dilated by the feather radius, then Gaussian-feathered over the same radius, so it
 * is 1 on the whole repainted area and exactly 0 beyond `pasteReach`); the feathered composite
 * into the box of the original; optional harmonisation against a ring of preserved pixels; one
 * readback of the box. Pixels with paste weight 0 are never written (composite and harmonise skip
 * them), so they come back byte for byte.
 */
import { encodeComposite } from '../kernels/composite.ts';
import { encodeHarmonise } from '../kernels/harmonise.ts';
import { VAE_DENORMALISATION, encodeToImage } from '../kernels/image-tensor.ts';
import { Batch } from '../kernels/kernel.ts';
import { encodeMaskOp, encodeRing } from '../kernels/mask-ops.ts';
import type { ort } from '../runtime/ort.ts';
import { f32Buffer, feedTensor } from './gpu-tensors.ts';
import type { SdModels } from './models.ts';
import type { Size } from './geometry.ts';
import { LATENT_SCALE, encodeAxpby, encodeResample } from './ops.ts';
import type { EditPlan } from './plan.ts';
import type { BufferScope } from './scope.ts';

type Guard = <T>(p: Promise<T>) => Promise<T>;

/** The decoded working image, RGBA8 u32 [h, w]. */
export async function decode(plan: EditPlan, models: SdModels, scope: BufferScope, latents: GPUBuffer, guard: Guard): Promise<GPUBuffer> {
  const { working, latent } = plan;
  const count = 4 * latent.width * latent.height;
  const unscaled = scope.acquire(count * 4, 'decoder latents');
  const b = new Batch(scope.gpu, 'decode input');
  encodeAxpby(b, { x: latents, out: unscaled, count, a: 1 / LATENT_SCALE });
  const input = feedTensor(b, scope, unscaled, [1, 4, latent.height, latent.width], models.types.latentIn, 'decoder latents');
  b.submit();
  const out = await guard(models.sessions.vae_decoder.run({ latent_sample: input }));
  const image = out.sample as ort.Tensor;
  try {
    const rgba = scope.acquire(working.width * working.height * 4, 'generated rgba');
    const c = new Batch(scope.gpu, 'decode output');
    const tensor = f32Buffer(c, scope, image, 'decoded image');
    encodeToImage(c, { tensor, out: rgba, width: working.width, height: working.height, normalisation: VAE_DENORMALISATION });
    c.submit();
    return rgba;
  } finally {
    Object.values(out).forEach((t) => t.dispose());
  }
}

/**
 * The scale the paste mask's morphology runs at: the working resolution when the box is larger
 * (a 64-px feather on a 1300-px box would otherwise cost a 129×129 disc per pixel), the box's own
 * otherwise. The feathered result is resampled up to the box, where it stays exactly 0 beyond
 * `pasteReach` pixels from the mask.
 */
export const maskScale = (box: Size, working: Size) => Math.min(1, working.width / box.width, working.height / box.height);

/** Box pixels beyond which the paste mask is exactly 0, measured from the mask (≥ 0.5). */
export function pasteReach(box: Size, working: Size, feather: number): number {
  if (feather <= 0) return 0;
  const s = maskScale(box, working);
  return s >= 1 ? 2 * feather : Math.ceil((Math.ceil(feather * s) + 1 + Math.ceil(feather * s) + 2) / s);
}

/** Composites the generated image into the box (and harmonises it); returns the box RGBA buffer. */
export function composite(plan: EditPlan, scope: BufferScope, boxImage: GPUBuffer, boxMask: GPUBuffer, generated: GPUBuffer): GPUBuffer {
  const { box, working, feather } = plan;
  const n = box.width * box.height;
  const size = { width: box.width, height: box.height };
  const b = new Batch(scope.gpu, 'composite');
  const paste = scope.acquire(n * 4, 'paste mask');
  const ring = plan.settings.harmonise > 0 ? scope.acquire(n * 4, 'harmonise ring') : null;
  const ringWidth = (s: number) => Math.max(2, Math.min(16, Math.ceil(2 * feather * s)));
  const s = maskScale(box, working);
  if (feather <= 0) {
    encodeMaskOp(b, { src: boxMask, dst: paste, ...size }, { op: 'threshold', level: 0.5 });
    if (ring) encodeRing(b, { src: paste, dst: ring, ...size }, 4);
  } else if (s >= 1) {
    featherMask(b, scope, boxMask, paste, size, feather, feather / 3);
    if (ring) encodeRing(b, { src: paste, dst: ring, ...size }, ringWidth(1));
  } else {
    // At the working scale: binarise the downsampled mask, grow and feather there, resample up.
    const low = { width: Math.max(1, Math.round(box.width * s)), height: Math.max(1, Math.round(box.height * s)) };
    const lowMask = scope.acquire(low.width * low.height * 4, 'low mask');
    const lowPaste = scope.acquire(low.width * low.height * 4, 'low paste mask');
    encodeResample(b, { src: boxMask, srcWidth: box.width, srcHeight: box.height, out: lowMask, dstWidth: low.width, dstHeight: low.height });
    // +1: the downsampled mask's 0.5 contour may sit up to a pixel inside the full-size one.
    featherMask(b, scope, lowMask, lowPaste, low, Math.ceil(feather * s) + 1, (feather * s) / 3);
    const up = { srcWidth: low.width, srcHeight: low.height, dstWidth: box.width, dstHeight: box.height };
    encodeResample(b, { src: lowPaste, out: paste, ...up });
    if (ring) {
      const lowRing = scope.acquire(low.width * low.height * 4, 'low ring');
      encodeRing(b, { src: lowPaste, dst: lowRing, ...low }, ringWidth(s));
      encodeResample(b, { src: lowRing, out: ring, ...up });
    }
  }
  const out = scope.acquire(n * 4, 'box result');
  encodeComposite(b, { original: boxImage, out, ...size, generated, genWidth: working.width, genHeight: working.height, rect: { x: 0, y: 0, ...size }, mask: paste });
  if (ring) encodeHarmonise(b, { image: out, region: paste, ring, count: n, strength: plan.settings.harmonise });
  b.submit();
  return out;
}

/** threshold(0.5) → dilate by `radius` → Gaussian σ: 1 over the mask, 0 beyond radius + ⌈3σ⌉. */
function featherMask(b: Batch, scope: BufferScope, src: GPUBuffer, dst: GPUBuffer, size: Size, radius: number, sigma: number): void {
  const n = size.width * size.height;
  const hard = scope.acquire(n * 4, 'hard mask');
  const grown = scope.acquire(n * 4, 'grown mask');
  encodeMaskOp(b, { src, dst: hard, ...size }, { op: 'threshold', level: 0.5 });
  encodeMaskOp(b, { src: hard, dst: grown, ...size }, { op: 'dilate', radius });
  encodeMaskOp(b, { src: grown, dst, ...size }, { op: 'feather', sigma });
}
