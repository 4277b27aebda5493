/** Longest side the editor accepts (also the usual WebGPU maxTextureDimension2D on desktops). */
export const MAX_SIDE = 16384;
/** 64 megapixels as 2^26 (8192 × 8192), so a 64 MP camera photo (e.g. 9248 × 6936) still fits. */
export const MAX_PIXELS = 64 * 1024 * 1024;
/** Files larger than this are refused before reading: no image within the caps needs more. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

export interface Size {
  width: number;
  height: number;
}

export function withinCap({ width, height }: Size): boolean {
  return width <= MAX_SIDE && height <= MAX_SIDE && width * height <= MAX_PIXELS;
}

/** The largest size with the same aspect ratio that fits both caps (the input itself when it fits). */
export function fitWithinCap(size: Size): Size {
  if (withinCap(size)) return { width: size.width, height: size.height };
  const scale = Math.min(MAX_SIDE / Math.max(size.width, size.height), Math.sqrt(MAX_PIXELS / (size.width * size.height)));
  const fitted = {
    width: Math.max(1, Math.floor(size.width * scale)),
    height: Math.max(1, Math.floor(size.height * scale)),
  };
  // Floating-point rounding can leave the product a hair over the pixel cap; shave the longer side.
  while (!withinCap(fitted)) {
    if (fitted.width >= fitted.height) fitted.width -= 1;
    else fitted.height -= 1;
  }
  return fitted;
}

/** "12.3 megapixels" style wording for messages. */
export function megapixels(pixels: number): string {
  return `${(pixels / 1_000_000).toFixed(pixels < 10_000_000 ? 1 : 0)} megapixels`;
}
