/**
 * The edit's inputs on the GPU: the box of the canvas and its mask go up once; the box is resampled
 * to the working size as the VAE's [−1, 1] tensor, the mask to the working size (binarised at 0.5)
 * and to the latent grid (nearest, as diffusers); the masked image is the tensor zeroed in the hole;
 * both go through the VAE encoder in one batch where the file allows, × 0.18215.
 */
import { Batch } from '../kernels/kernel.ts';
import { VAE_NORMALISATION, encodeToTensor } from '../kernels/image-tensor.ts';
import { encodeMaskLatent } from '../kernels/mask-latent.ts';
import type { ort } from '../runtime/ort.ts';
import { f32Buffer, feedTensor } from './gpu-tensors.ts';
import { cropPlane, cropRgba } from './images.ts';
import type { SdModels } from './models.ts';
import { LATENT_SCALE, encodeAxpby, encodeMaskImage, encodeResample } from './ops.ts';
import type { EditPlan } from './plan.ts';
import type { BufferScope } from './scope.ts';

export interface Prepared {
  /** The box of the original canvas, RGBA8 as u32 words, and its mask plane (box pixels). */
  boxImage: GPUBuffer;
  boxMask: GPUBuffer;
  /** Latent mask [h, w] (binary), masked-image latents [4, h, w]; clean source latents when needed. */
  latentMask: GPUBuffer;
  cond: GPUBuffer;
  source: GPUBuffer | null;
}

/** Runs `session` on the VAE encoder; the caller awaits it guarded against device loss. */
export type RunVae = (feeds: Record<string, ort.Tensor>) => Promise<Record<string, ort.Tensor>>;

export async function prepare(plan: EditPlan, models: SdModels, scope: BufferScope, runVae: RunVae): Promise<Prepared> {
  const { box, working, latent } = plan;
  const gpu = scope.gpu;
  const plane = working.width * working.height;
  const latentPlane = latent.width * latent.height;
  const needSource = plan.settings.blend || plan.startIndex > 0;
  const boxImage = scope.upload(cropRgba(plan.canvas, box), 'box image');
  const boxMask = scope.upload(cropPlane(plan.mask, plan.canvas.width, box), 'box mask');

  const items = needSource ? 2 : 1;
  const batched = models.vaeBatch === null || models.vaeBatch === items;
  const pair = scope.acquire(items * 3 * plane * 4, 'vae input');
  const image = needSource ? scope.acquire(3 * plane * 4, 'working image') : null;
  const workMask = scope.acquire(plane * 4, 'working mask');
  const latentMask = scope.acquire(latentPlane * 4, 'latent mask');

  const b = new Batch(gpu, 'prepare');
  const size = { dstWidth: working.width, dstHeight: working.height };
  encodeResample(b, { src: boxMask, srcWidth: box.width, srcHeight: box.height, out: workMask, ...size, threshold: 0.5 });
  encodeMaskLatent(b, { src: workMask, dst: latentMask, srcWidth: working.width, srcHeight: working.height, dstWidth: latent.width, dstHeight: latent.height, mode: 'nearest' });
  // Item 0: the source (when the blend or strength needs it); last item: the masked image.
  const tensor = image ?? scope.acquire(3 * plane * 4, 'working image');
  encodeToTensor(b, { image: boxImage, srcWidth: box.width, srcHeight: box.height, out: tensor, ...size, filter: 'bicubic', normalisation: VAE_NORMALISATION });
  if (image) b.copy(image, pair, 3 * plane * 4);
  encodeMaskImage(b, { image: tensor, mask: workMask, out: pair, plane, outOffset: (items - 1) * 3 * plane });

  const encode = (from: number, n: number, label: string) => {
    let input = pair;
    if (from > 0 || n < items) {
      input = scope.acquire(n * 3 * plane * 4, label);
      b.copy(pair, input, n * 3 * plane * 4, from * 3 * plane * 4);
    }
    const sample = feedTensor(b, scope, input, [n, 3, working.height, working.width], models.types.vaeIn, label);
    return { sample, n };
  };
  const runs = batched ? [encode(0, items, 'vae batch')] : Array.from({ length: items }, (_, i) => encode(i, 1, `vae item ${i}`));
  b.submit();

  const outputs: ort.Tensor[] = [];
  try {
    for (const r of runs) {
      const out = await runVae({ sample: r.sample });
      for (const [name, t] of Object.entries(out)) {
        if (name === models.vaeOutput) outputs.push(t);
        else t.dispose();
      }
    }
    // The mean (first 4 channels) of item i, × 0.18215, into its own buffer.
    const c = models.vaeChannels;
    const s = new Batch(gpu, 'scale latents');
    const f32 = outputs.map((t, i) => f32Buffer(s, scope, t, `vae output ${i}`));
    const itemLatents = (item: number, label: string) => {
      const out = scope.acquire(4 * latentPlane * 4, label);
      const [buffer, offset] = batched ? [f32[0], item * c * latentPlane] : [f32[item], 0];
      encodeAxpby(s, { x: buffer, out, count: 4 * latentPlane, a: LATENT_SCALE, xOffset: offset });
      return out;
    };
    const source = needSource ? itemLatents(0, 'source latents') : null;
    const cond = itemLatents(items - 1, 'masked-image latents');
    s.submit();
    return { boxImage, boxMask, latentMask, cond, source };
  } finally {
    outputs.forEach((t) => t.dispose());
  }
}
