// Images as the workers receive them (an ImageBitmap, transferred, or RGBA pixels) turned into
// transformers.js RawImages, scaled down first so a 24-MP photo never becomes a 100-MB array.
import { RawImage } from '@huggingface/transformers';
import { fitSize } from './geometry.ts';

export interface RgbaPixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}
export type SourceImage = ImageBitmap | RgbaPixels;


function isBitmap(image: SourceImage): image is ImageBitmap {
  return typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap;
}

/** RGBA pixels of the image at `size` (default: its own size), drawn with high-quality scaling. */
export function pixelsAt(image: SourceImage, size?: { width: number; height: number }): RgbaPixels {
  const { width, height } = size ?? image;
  if (!isBitmap(image) && width === image.width && height === image.height) return image;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas in this context');
  ctx.imageSmoothingQuality = 'high';
  if (isBitmap(image)) ctx.drawImage(image, 0, 0, width, height);
  else {
    const src = new OffscreenCanvas(image.width, image.height);
    src.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
    ctx.drawImage(src, 0, 0, width, height);
  }
  const { data } = ctx.getImageData(0, 0, width, height);
  return { data, width, height };
}

/** An RGB RawImage of the image, at most `maxSide` on its longer side. */
export function toRawImage(image: SourceImage, maxSide = Infinity): RawImage {
  const px = pixelsAt(image, fitSize(image.width, image.height, maxSide));
  return new RawImage(px.data, px.width, px.height, 4).rgb();
}

/** An RGB RawImage stretched to exactly width × height (no crop: every part of the image stays in view). */
export function toRawImageExact(image: SourceImage, width: number, height: number): RawImage {
  const px = pixelsAt(image, { width, height });
  return new RawImage(px.data, px.width, px.height, 4).rgb();
}
