/**
 * Pixel operations on ImageBitmaps through OffscreenCanvas. They run inside workers/image.worker.ts
 * (the app reaches them through ImageWorker) and work on any thread that has OffscreenCanvas.
 * Geometry ops are exact: whole-pixel transforms with smoothing off.
 */

export type RotateDirection = 'cw' | 'ccw';
export type FlipAxis = 'horizontal' | 'vertical';

export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const ENCODE_TYPES = Object.freeze(['image/png', 'image/jpeg', 'image/webp'] as const);
export type EncodeType = (typeof ENCODE_TYPES)[number];

const ENCODE_LABELS: Readonly<Record<EncodeType, string>> = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP' };

function context(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('OffscreenCanvas 2D is not available in this browser.');
  return ctx;
}

/** A new bitmap of the given size, painted with smoothing off so whole-pixel moves stay exact. */
function paint(width: number, height: number, draw: (ctx: OffscreenCanvasRenderingContext2D) => void): ImageBitmap {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = context(canvas);
  ctx.imageSmoothingEnabled = false;
  draw(ctx);
  return canvas.transferToImageBitmap();
}

/** A quarter turn: source pixel (x, y) lands at (h-1-y, x) clockwise, (y, w-1-x) anticlockwise. */
export function rotate(bitmap: ImageBitmap, direction: RotateDirection): ImageBitmap {
  const { width: w, height: h } = bitmap;
  return paint(h, w, (ctx) => {
    if (direction === 'cw') ctx.setTransform(0, 1, -1, 0, h, 0);
    else ctx.setTransform(0, -1, 1, 0, 0, w);
    ctx.drawImage(bitmap, 0, 0);
  });
}

/** Mirror: 'horizontal' swaps left and right, 'vertical' swaps top and bottom. */
export function flip(bitmap: ImageBitmap, axis: FlipAxis): ImageBitmap {
  const { width: w, height: h } = bitmap;
  return paint(w, h, (ctx) => {
    if (axis === 'horizontal') ctx.setTransform(-1, 0, 0, 1, w, 0);
    else ctx.setTransform(1, 0, 0, -1, 0, h);
    ctx.drawImage(bitmap, 0, 0);
  });
}

/** The whole-pixel rectangle `rect` of the bitmap; a RangeError if it is not inside it. */
export function crop(bitmap: ImageBitmap, rect: CropRect): ImageBitmap {
  const { x, y, width, height } = rect;
  const whole = [x, y, width, height].every(Number.isInteger);
  if (!whole || x < 0 || y < 0 || width < 1 || height < 1 || x + width > bitmap.width || y + height > bitmap.height) {
    throw new RangeError(`Crop ${x},${y} ${width}×${height} is not a whole-pixel area inside the ${bitmap.width}×${bitmap.height} image.`);
  }
  return paint(width, height, (ctx) => ctx.drawImage(bitmap, x, y, width, height, 0, 0, width, height));
}

/**
 * The bitmap as a file. JPEG has no alpha, so transparent areas become white rather than black.
 * Throws when the browser cannot write the type (it would silently hand back PNG instead).
 */
export async function encode(bitmap: ImageBitmap, type: EncodeType, quality = 0.92): Promise<Blob> {
  if (!ENCODE_TYPES.includes(type)) throw new RangeError(`Cannot encode ${String(type)}; use one of ${ENCODE_TYPES.join(', ')}.`);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = context(canvas);
  if (type === 'image/jpeg') {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, bitmap.width, bitmap.height);
  }
  ctx.drawImage(bitmap, 0, 0);
  const blob = await canvas.convertToBlob({ type, quality: Math.min(1, Math.max(0, quality)) });
  if (blob.type !== type) throw new Error(`This browser cannot save ${ENCODE_LABELS[type]} images. Choose PNG or JPEG instead.`);
  return blob;
}

/** The bitmap reduced so its longest side is at most `maxSide` (never enlarged), smoothed for display. */
export function downscale(bitmap: ImageBitmap, maxSide: number): ImageBitmap {
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const ctx = context(canvas);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  return canvas.transferToImageBitmap();
}

/** A small preview (longest side `maxSide`, never enlarged) as WebP, or JPEG where WebP cannot be written. */
export async function thumbnail(bitmap: ImageBitmap, maxSide = 160): Promise<Blob> {
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const ctx = context(canvas);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  const webp = await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
  if (webp.type === 'image/webp') return webp;
  ctx.globalCompositeOperation = 'destination-over';
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
}
