// Masks as PNG files (for history and projects): 8-bit grey stored as an opaque RGBA PNG.
import type { Plane } from './mask-plane.ts';

function context(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('No 2D canvas context');
  return ctx;
}

/** The mask as a PNG: value·255 in R = G = B, alpha 255. */
export function maskToPng(plane: Plane): Promise<Blob> {
  const { data, width, height } = plane;
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, o = 0; i < data.length; i++, o += 4) {
    const v = Math.round(data[i] * 255);
    pixels[o] = v;
    pixels[o + 1] = v;
    pixels[o + 2] = v;
    pixels[o + 3] = 255;
  }
  const canvas = new OffscreenCanvas(width, height);
  context(canvas).putImageData(new ImageData(pixels, width, height), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** Reads a mask PNG back (R / 255), at the file's size. */
export async function maskFromPng(blob: Blob): Promise<Plane> {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  try {
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = context(canvas);
    ctx.drawImage(bitmap, 0, 0);
    const pixels = ctx.getImageData(0, 0, width, height).data;
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = pixels[i * 4] / 255;
    return { data, width, height };
  } finally {
    bitmap.close();
  }
}
