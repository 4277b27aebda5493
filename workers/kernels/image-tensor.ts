import code from './image-tensor.wgsl?raw';
import { type Batch, defineKernel, grid2d } from './kernel.ts';

const WG = 8;
const toTensor = defineKernel({ name: 'image-tensor', code, entryPoint: 'toTensor', workgroup: { WG_X: WG, WG_Y: WG } });
const toImage = defineKernel({ name: 'image-tensor', code, entryPoint: 'toImage', workgroup: { WG_X: WG, WG_Y: WG } });

export const RESAMPLE = Object.freeze({ bilinear: 0, bicubic: 1, area: 2 } as const);
export type Resample = keyof typeof RESAMPLE;

/** Per-channel value = (byte / 255)·scale + offset. */
export interface Normalisation {
  scale: readonly [number, number, number];
  offset: readonly [number, number, number];
}

/** The SD VAE's input range [−1, 1]. */
export const VAE_NORMALISATION: Normalisation = Object.freeze<Normalisation>({ scale: [2, 2, 2], offset: [-1, -1, -1] });

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;
/** OpenAI CLIP: (v − mean) / std. */
export const CLIP_NORMALISATION: Normalisation = Object.freeze<Normalisation>({
  scale: [1 / CLIP_STD[0], 1 / CLIP_STD[1], 1 / CLIP_STD[2]],
  offset: [-CLIP_MEAN[0] / CLIP_STD[0], -CLIP_MEAN[1] / CLIP_STD[1], -CLIP_MEAN[2] / CLIP_STD[2]],
});

/** The inverse of VAE_NORMALISATION for toImage: x·0.5 + 0.5. */
export const VAE_DENORMALISATION: Normalisation = Object.freeze<Normalisation>({ scale: [0.5, 0.5, 0.5], offset: [0.5, 0.5, 0.5] });

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The source rectangle that "resize the shortest side to `size`, then centre-crop size × size"
 * (torchvision / CLIP) selects, so one resampling pass does both.
 */
export function centreCrop(width: number, height: number, size: number): Rect {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  // torchvision truncates the long side: int(size · long / short).
  const resizedLong = Math.floor((size * long) / short);
  const [rw, rh] = width <= height ? [size, resizedLong] : [resizedLong, size];
  const left = Math.round((rw - size) / 2);
  const top = Math.round((rh - size) / 2);
  const sx = width / rw;
  const sy = height / rh;
  return { x: left * sx, y: top * sy, width: size * sx, height: size * sy };
}

export interface ToTensorArgs {
  /** RGBA8, one u32 per pixel (R in the low byte), [srcHeight, srcWidth]. */
  image: GPUBuffer;
  srcWidth: number;
  srcHeight: number;
  /** NCHW f32 [3, dstHeight, dstWidth]. */
  out: GPUBuffer;
  dstWidth: number;
  dstHeight: number;
  /** Defaults to the whole image. */
  crop?: Rect;
  filter: Resample;
  /** PIL-style antialiasing for bilinear/bicubic downscales (default true). */
  antialias?: boolean;
  normalisation: Normalisation;
}

export function encodeToTensor(batch: Batch, a: ToTensorArgs): void {
  const crop = a.crop ?? { x: 0, y: 0, width: a.srcWidth, height: a.srcHeight };
  batch.dispatch(toTensor, {
    params: {
      srcWidth: a.srcWidth,
      srcHeight: a.srcHeight,
      dstWidth: a.dstWidth,
      dstHeight: a.dstHeight,
      crop: [crop.x, crop.y, crop.width, crop.height],
      resample: RESAMPLE[a.filter],
      antialias: a.antialias === false ? 0 : 1,
      scale: [...a.normalisation.scale, 0],
      offset: [...a.normalisation.offset, 0],
    },
    bind: { 1: a.image, 2: a.out },
    grid: grid2d(a.dstWidth, a.dstHeight, WG, WG),
  });
}

export interface ToImageArgs {
  /** NCHW f32 [3, height, width]. */
  tensor: GPUBuffer;
  /** RGBA8 [height, width], alpha 255. */
  out: GPUBuffer;
  width: number;
  height: number;
  normalisation: Normalisation;
}

export function encodeToImage(batch: Batch, a: ToImageArgs): void {
  batch.dispatch(toImage, {
    params: {
      srcWidth: a.width,
      srcHeight: a.height,
      dstWidth: a.width,
      dstHeight: a.height,
      crop: [0, 0, a.width, a.height],
      resample: 0,
      antialias: 0,
      scale: [...a.normalisation.scale, 0],
      offset: [...a.normalisation.offset, 0],
    },
    bind: { 3: a.tensor, 4: a.out },
    grid: grid2d(a.width, a.height, WG, WG),
  });
}
