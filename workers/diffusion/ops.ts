/** Host of ops.wgsl: latent scaling / add_noise, mask resampling, the masked image, f32 ↔ f16. */
import { type Batch, defineKernel, grid1d, type Kernel } from '../kernels/kernel.ts';
import code from './ops.wgsl?raw';

const WG = 64;
const entry = (entryPoint: string): Kernel => defineKernel({ name: 'diffusion-ops', code, entryPoint, workgroup: { WG } });
const AXPBY = entry('axpby');
const RESAMPLE = entry('resample');
const MASK_IMAGE = entry('mask_image');
const TO_F16 = entry('to_f16');
const FROM_F16 = entry('from_f16');

/** Every Params field (kernel.ts refuses missing ones); each op overrides what it uses. */
const BASE = { count: 0, a: 0, b: 0, xOffset: 0, yOffset: 0, outOffset: 0, srcWidth: 1, srcHeight: 1, dstWidth: 1, dstHeight: 1, threshold: 0 };

/** SD1.5's latent scaling factor (the VAE encoder's output × this; the decoder's input ÷ this). */
export const LATENT_SCALE = 0.18215;

export interface AxpbyArgs {
  x: GPUBuffer;
  /** Defaults to x (with b = 0: a plain scale). */
  y?: GPUBuffer;
  /** Must not alias x or y. */
  out: GPUBuffer;
  count: number;
  a: number;
  b?: number;
  /** Element offsets. */
  xOffset?: number;
  yOffset?: number;
  outOffset?: number;
}

/** out = a·x + b·y over `count` elements. */
export function encodeAxpby(batch: Batch, o: AxpbyArgs): void {
  const params = { ...BASE, count: o.count, a: o.a, b: o.b ?? 0, xOffset: o.xOffset ?? 0, yOffset: o.yOffset ?? 0, outOffset: o.outOffset ?? 0 };
  batch.dispatch(AXPBY, { params, bind: { 1: o.x, 2: o.y ?? o.x, 3: o.out }, grid: grid1d(o.count, WG) });
}

export interface ResampleArgs {
  src: GPUBuffer;
  srcWidth: number;
  srcHeight: number;
  out: GPUBuffer;
  dstWidth: number;
  dstHeight: number;
  /** > 0: binarise at this level after resampling. */
  threshold?: number;
}

/** An f32 plane to another size (antialiased triangle filter). */
export function encodeResample(batch: Batch, o: ResampleArgs): void {
  const params = { ...BASE, srcWidth: o.srcWidth, srcHeight: o.srcHeight, dstWidth: o.dstWidth, dstHeight: o.dstHeight, threshold: o.threshold ?? 0 };
  batch.dispatch(RESAMPLE, { params, bind: { 1: o.src, 3: o.out }, grid: grid1d(o.dstWidth * o.dstHeight, WG) });
}

export interface MaskImageArgs {
  /** Image tensor [3, h, w] f32 at `xOffset`. */
  image: GPUBuffer;
  /** Mask [h, w] f32 (1 = repaint). */
  mask: GPUBuffer;
  out: GPUBuffer;
  /** h·w. */
  plane: number;
  xOffset?: number;
  outOffset?: number;
  /** Pixels with mask ≥ this become 0 (mid-grey in [−1, 1]); 0.5 by default. */
  threshold?: number;
}

/** SD inpainting's masked image: image · (mask < 0.5). */
export function encodeMaskImage(batch: Batch, o: MaskImageArgs): void {
  const params = { ...BASE, count: o.plane, xOffset: o.xOffset ?? 0, outOffset: o.outOffset ?? 0, threshold: o.threshold ?? 0.5 };
  batch.dispatch(MASK_IMAGE, { params, bind: { 1: o.image, 2: o.mask, 3: o.out }, grid: grid1d(3 * o.plane, WG) });
}

/** Bytes of `count` float16 values as the conversion kernels store them (whole u32 words). */
export const halfBytes = (count: number) => 4 * Math.ceil(count / 2);

/** `count` f32 values (from `xOffset`) → packed float16 in `out`. */
export function encodeToHalf(batch: Batch, o: { src: GPUBuffer; out: GPUBuffer; count: number; xOffset?: number }): void {
  batch.dispatch(TO_F16, { params: { ...BASE, count: o.count, xOffset: o.xOffset ?? 0 }, bind: { 1: o.src, 5: o.out }, grid: grid1d(Math.ceil(o.count / 2), WG) });
}

/** `count` packed float16 values → f32 in `out` (from `outOffset`). */
export function encodeFromHalf(batch: Batch, o: { src: GPUBuffer; out: GPUBuffer; count: number; outOffset?: number }): void {
  batch.dispatch(FROM_F16, { params: { ...BASE, count: o.count, outOffset: o.outOffset ?? 0 }, bind: { 4: o.src, 3: o.out }, grid: grid1d(Math.ceil(o.count / 2), WG) });
}
