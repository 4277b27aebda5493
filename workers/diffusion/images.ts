/**
 * CPU-side pixel plumbing around the GPU edit: decoding a bitmap to RGBA, normalising masks, the
 * box crop that goes up to the GPU and the paste of the box that comes back. Everything outside
 * the box is copied byte for byte from the original; the GPU only ever sees the box.
 */
import type { Extend, Rect, Size } from './geometry.ts';

/** RGBA8 pixels, row-major, in ImageData order. */
export interface RgbaImage {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/** A mask of the image's size: f32 in [0, 1] or 8-bit 0…255; 1 / 255 = repaint, soft values allowed. */
export interface MaskImage {
  data: Float32Array | Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

export type ImageInput = ImageBitmap | RgbaImage;

export function checkRgba(image: RgbaImage, what = 'image'): void {
  if (!(image.width >= 1 && image.height >= 1 && Number.isInteger(image.width) && Number.isInteger(image.height))) throw new RangeError(`${what}: bad size ${image.width}×${image.height}`);
  if (image.data.length !== image.width * image.height * 4) throw new RangeError(`${what}: ${image.data.length} bytes for ${image.width}×${image.height} RGBA`);
}

/** RGBA bytes of a bitmap (drawn once on an OffscreenCanvas; exact for opaque pixels). */
export const isBitmap = (image: unknown): image is ImageBitmap => typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap;

export function toRgba(image: ImageInput): RgbaImage {
  if (!isBitmap(image)) {
    checkRgba(image);
    return image;
  }
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('OffscreenCanvas 2D is not available to read the image');
  ctx.drawImage(image, 0, 0);
  return { data: ctx.getImageData(0, 0, image.width, image.height).data, width: image.width, height: image.height };
}

/** The mask as f32 in [0, 1], checked against the image size. */
export function maskPlane(mask: MaskImage, size: Size): Float32Array {
  if (mask.width !== size.width || mask.height !== size.height) throw new RangeError(`the mask is ${mask.width}×${mask.height} but the image is ${size.width}×${size.height}`);
  if (mask.data.length !== mask.width * mask.height) throw new RangeError(`mask: ${mask.data.length} values for ${mask.width}×${mask.height}`);
  if (mask.data instanceof Float32Array) return Float32Array.from(mask.data, (v) => (v > 0 ? Math.min(v, 1) : 0));
  return Float32Array.from(mask.data, (v) => v / 255);
}

/** Bounds of the pixels at or above `level`, or null when there are none. */
export function maskBounds(plane: Float32Array, width: number, level = 0.5): Rect | null {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  const height = plane.length / width;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (plane[row + x] < level) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** The box's pixels as u32 words (R in the low byte), as the kernels store images. */
export function cropRgba(image: RgbaImage, r: Rect): Uint32Array {
  const out = new Uint8Array(r.width * r.height * 4);
  for (let y = 0; y < r.height; y++) {
    const from = ((r.y + y) * image.width + r.x) * 4;
    out.set(image.data.subarray(from, from + r.width * 4), y * r.width * 4);
  }
  return new Uint32Array(out.buffer);
}

export function cropPlane(plane: Float32Array, width: number, r: Rect): Float32Array {
  const out = new Float32Array(r.width * r.height);
  for (let y = 0; y < r.height; y++) out.set(plane.subarray((r.y + y) * width + r.x, (r.y + y) * width + r.x + r.width), y * r.width);
  return out;
}

/** A copy of `image` with the box's bytes replaced by `box` (RGBA8, r.width × r.height). */
export function pasteBox(image: RgbaImage, box: Uint8Array, r: Rect): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(image.data.length);
  out.set(image.data);
  for (let y = 0; y < r.height; y++) out.set(box.subarray(y * r.width * 4, (y + 1) * r.width * 4), ((r.y + y) * image.width + r.x) * 4);
  return out;
}

/** The outpainting canvas: the original at (left, top), the new area filled by repeating the nearest edge pixel. */
export function extendCanvas(image: RgbaImage, e: Extend): RgbaImage {
  const width = image.width + e.left + e.right;
  const height = image.height + e.top + e.bottom;
  const bytes = image.data.byteOffset % 4 ? image.data.slice() : image.data;
  const src = new Uint32Array(bytes.buffer, bytes.byteOffset, image.width * image.height);
  const dst = new Uint32Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, y - e.top));
    for (let x = 0; x < width; x++) dst[y * width + x] = src[sy * image.width + Math.min(image.width - 1, Math.max(0, x - e.left))];
  }
  return { data: new Uint8ClampedArray(dst.buffer), width, height };
}

/** The outpainting mask: 1 on the new area, 0 on the original. */
export function extendMask(image: Size, e: Extend): Float32Array {
  const width = image.width + e.left + e.right;
  const height = image.height + e.top + e.bottom;
  const plane = new Float32Array(width * height).fill(1);
  for (let y = e.top; y < e.top + image.height; y++) plane.fill(0, y * width + e.left, y * width + e.left + image.width);
  return plane;
}

/** A blank canvas for text-to-image. */
export function blankCanvas(size: Size, rgba: readonly [number, number, number, number] = [0, 0, 0, 255]): RgbaImage {
  const data = new Uint8ClampedArray(size.width * size.height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { data, ...size };
}
