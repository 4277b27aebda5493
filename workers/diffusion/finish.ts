/**
 * After the loop: latents ÷ 0.18215 → VAE decoder → RGBA at the working size; the paste mask
 * (mask ≥ 0.5, dilated by the feather radius, then Gaussian-feathered over the same radius, so it
 * is 1 on the whole repainted area and exactly 0 beyond twice the radius); the feathered composite
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
import { LATENT_SCALE, encodeAxpby } from './ops.ts';
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

/** Composites the generated image into the box (and harmonises it); returns the box RGBA buffer. */
export function composite(plan: EditPlan, scope: BufferScope, boxImage: GPUBuffer, boxMask: GPUBuffer, generated: GPUBuffer): GPUBuffer {
  const { box, working, feather } = plan;
  const n = box.width * box.height;
  const size = { width: box.width, height: box.height };
  const b = new Batch(scope.gpu, 'composite');
  const hard = scope.acquire(n * 4, 'hard mask');
  const paste = scope.acquire(n * 4, 'paste mask');
  encodeMaskOp(b, { src: boxMask, dst: hard, ...size }, { op: 'threshold', level: 0.5 });
  if (feather > 0) {
    const grown = scope.acquire(n * 4, 'grown mask');
    encodeMaskOp(b, { src: hard, dst: grown, ...size }, { op: 'dilate', radius: feather });
    encodeMaskOp(b, { src: grown, dst: paste, ...size }, { op: 'feather', sigma: feather / 3 });
  } else b.copy(hard, paste, n * 4);
  const out = scope.acquire(n * 4, 'box result');
  encodeComposite(b, { original: boxImage, out, ...size, generated, genWidth: working.width, genHeight: working.height, rect: { x: 0, y: 0, ...size }, mask: paste });
  const strength = plan.settings.harmonise;
  if (strength > 0) {
    const ring = scope.acquire(n * 4, 'harmonise ring');
    encodeRing(b, { src: paste, dst: ring, ...size }, Math.max(4, 2 * feather));
    encodeHarmonise(b, { image: out, region: paste, ring, count: n, strength });
  }
  b.submit();
  return out;
}
