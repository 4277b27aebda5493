/**
 * Rebuilds a history step's image inside the image worker from what history stores (a `StepImage`:
 * the nearest full image and the changes after it), and keeps the last few rebuilt images so undo,
 * redo and compare rarely rebuild at all. Runs of rotations, flips and crops are one draw
 * (transform.ts); patches are pasted into one canvas; an outpainting extension repeats the edge pixels
 * exactly as the diffusion worker did (`extendCanvas`).
 */
import type { Extension, Rect, ReplayStep, StepImage, Transform } from '../history/types.ts';
import { extendCanvas } from '../../../workers/diffusion/images.ts';
import { drawTransformed, fold, identity, isIdentity } from './transform.ts';

/**
 * Pixels the cache may hold (≈ 4 bytes each): two 24-MP photos, or more smaller ones. It keeps the
 * step just left (undo after an edit, redo after undo) and the decoded keyframe a chain starts from,
 * the two rebuilds that would otherwise repeat; a 64-MP image still gets its one entry.
 */
export const CACHE_PIXELS = 48_000_000;

/** Rebuilt images by key (`projectId/entryId`), least recently used first. Owns every bitmap it holds. */
export class ImageCache {
  readonly #items = new Map<string, ImageBitmap>();
  readonly #maxPixels: number;

  constructor(maxPixels = CACHE_PIXELS) {
    this.#maxPixels = maxPixels;
  }

  get(key: string): ImageBitmap | undefined {
    const bitmap = this.#items.get(key);
    if (bitmap) {
      this.#items.delete(key);
      this.#items.set(key, bitmap);
    }
    return bitmap;
  }

  has(bitmap: ImageBitmap): boolean {
    for (const b of this.#items.values()) if (b === bitmap) return true;
    return false;
  }

  get keys(): string[] {
    return [...this.#items.keys()];
  }

  /** Adds `bitmap` (the cache now owns it) and drops the oldest entries over the budget, never `keep`. */
  put(key: string, bitmap: ImageBitmap, keep: ImageBitmap | null = bitmap): void {
    const old = this.#items.get(key);
    if (old && old !== bitmap) old.close();
    this.#items.delete(key);
    this.#items.set(key, bitmap);
    let pixels = 0;
    for (const b of this.#items.values()) pixels += b.width * b.height;
    for (const [k, b] of this.#items) {
      if (pixels <= this.#maxPixels) break;
      if (b === keep || b === bitmap) continue;
      this.#items.delete(k);
      pixels -= b.width * b.height;
      b.close();
    }
  }

  /** Hands a bitmap back to the caller (it is no longer the cache's to close). */
  take(bitmap: ImageBitmap): void {
    for (const [k, b] of this.#items) if (b === bitmap) this.#items.delete(k);
  }

  clear(except: ImageBitmap | null = null): void {
    for (const b of this.#items.values()) if (b !== except) b.close();
    this.#items.clear();
  }
}

/** A stored image as a bitmap: EXIF orientation applied, as the editor opened it. */
export const decodeStored = (blob: Blob): Promise<ImageBitmap> => createImageBitmap(blob, { imageOrientation: 'from-image' });

/**
 * The image `image` describes, from the cache when it is there, else rebuilt from the latest cached
 * step of its chain (or its keyframe) and cached. The returned bitmap belongs to the cache.
 */
export async function rebuild(image: StepImage, cache: ImageCache, keep: ImageBitmap | null = null): Promise<ImageBitmap> {
  const hit = cache.get(image.key);
  if (hit) return hit;
  const { steps } = image;
  let start = 0;
  let bitmap: ImageBitmap | undefined;
  for (let i = steps.length - 2; i >= 0 && !bitmap; i--) {
    bitmap = cache.get(steps[i].key);
    if (bitmap) start = i + 1;
  }
  if (!bitmap) {
    bitmap = cache.get(image.baseKey);
    if (!bitmap) {
      bitmap = await decodeStored(image.base);
      cache.put(image.baseKey, bitmap, keep);
    }
  }
  let result = await replay(bitmap, steps.slice(start));
  // One bitmap under two keys would be closed with the first one evicted: a copy (it shares the pixels).
  if (result === bitmap) result = await createImageBitmap(bitmap);
  if (result.width !== image.width || result.height !== image.height) {
    // Only a damaged record gets here: said plainly, with the sizes for whoever looks further.
    const message = `The image of this step could not be rebuilt from its saved changes (they make ${result.width}×${result.height}; the step is ${image.width}×${image.height}). Pick another step in the history; the steps before it are not affected.`;
    result.close();
    throw new Error(message);
  }
  cache.put(image.key, result, keep);
  return result;
}

/**
 * `steps` applied to `source` (which is not closed). Returns `source` itself when nothing changes it,
 * else a new bitmap; the intermediate ones are closed.
 */
export async function replay(source: ImageBitmap, steps: readonly ReplayStep[]): Promise<ImageBitmap> {
  let current = source;
  const advance = (next: ImageBitmap) => {
    if (current !== source && current !== next) current.close();
    current = next;
  };
  let i = 0;
  while (i < steps.length) {
    const step = steps[i];
    if ('transform' in step) {
      let folded = identity(current.width, current.height);
      for (; i < steps.length && 'transform' in steps[i]; i++) folded = fold(folded, (steps[i] as { transform: Transform }).transform);
      if (!isIdentity(folded, current.width, current.height)) advance(drawTransformed(current, folded));
      continue;
    }
    // A run of patches goes into one canvas; an extension starts a new one.
    const run: { patch: Blob; box: Rect; extend?: Extension }[] = [step];
    for (i++; i < steps.length && 'patch' in steps[i] && !(steps[i] as { extend?: Extension }).extend; i++) run.push(steps[i] as (typeof run)[number]);
    advance(await paste(current, run));
  }
  return current;
}

/** The patches' boxes written over `base` (first extended, for outpainting): their pixels replace the box's. */
async function paste(base: ImageBitmap, run: readonly { patch: Blob; box: Rect; extend?: Extension }[]): Promise<ImageBitmap> {
  const extend = run[0].extend;
  const width = base.width + (extend ? extend.left + extend.right : 0);
  const height = base.height + (extend ? extend.top + extend.bottom : 0);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: !!extend });
  if (!ctx) throw new Error('OffscreenCanvas 2D is not available in this browser.');
  ctx.imageSmoothingEnabled = false;
  if (extend) ctx.putImageData(extended(base, extend), 0, 0);
  else ctx.drawImage(base, 0, 0);
  const patches = await Promise.all(run.map((p) => createImageBitmap(p.patch)));
  try {
    run.forEach(({ box }, k) => {
      const patch = patches[k];
      if (patch.width !== box.width || patch.height !== box.height || box.x + box.width > width || box.y + box.height > height)
        throw new Error(`A stored edited area (${patch.width}×${patch.height} at ${box.x},${box.y}) does not fit its ${width}×${height} image.`);
      // Replace, not blend: cleared first, so transparent pixels of the box stay transparent.
      ctx.clearRect(box.x, box.y, box.width, box.height);
      ctx.drawImage(patch, box.x, box.y);
    });
  } finally {
    for (const p of patches) p.close();
  }
  return canvas.transferToImageBitmap();
}

/** The base on the outpainting canvas, new area filled by repeating the nearest edge pixel. */
function extended(base: ImageBitmap, e: Extension): ImageData {
  const ctx = new OffscreenCanvas(base.width, base.height).getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('OffscreenCanvas 2D is not available in this browser.');
  ctx.drawImage(base, 0, 0);
  const rgba = ctx.getImageData(0, 0, base.width, base.height);
  const out = extendCanvas({ data: rgba.data, width: base.width, height: base.height }, e);
  return new ImageData(new Uint8ClampedArray(out.data), out.width, out.height);
}
