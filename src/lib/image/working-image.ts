/**
 * The full-resolution working image, held inside the image worker. The main thread never sends
 * full-size pixels anywhere (posting a 24-MP ImageBitmap costs it ~50 ms); it sends files, blobs and
 * operation names, and receives display copies by transfer, which is cheap in that direction.
 */
import { decodeImage, type DecodeOptions } from './decode.ts';
import { ImageInputError, type ImageInputErrorCode } from './errors.ts';
import type { Size } from './limits.ts';
import { GpuAdjuster, type Adjustments } from './gpu-adjust.ts';
import { crop, downscale, encode, flip, rotate, thumbnail, type CropRect, type EncodeType, type FlipAxis, type RotateDirection } from './ops.ts';
import { ImageCache, rebuild } from './replay.ts';
import type { Rect, StepImage } from '../history/types.ts';

/** Longest side of the reduced display copy of large images (covers a 4K screen at fit). */
export const PREVIEW_SIDE = 2560;

export type EditOp =
  | { op: 'rotate'; direction: RotateDirection }
  | { op: 'flip'; axis: FlipAxis }
  | { op: 'crop'; rect: CropRect }
  | { op: 'adjust'; adjustments: Partial<Adjustments> };

export interface Displayed {
  /** A copy of the working image for the main thread to draw. */
  display: ImageBitmap;
  /** A reduced copy when the image is larger than PREVIEW_SIDE. */
  preview: ImageBitmap | null;
  width: number;
  height: number;
}

export interface Opened extends Displayed {
  thumbnail: Blob;
  /** The pixels as PNG when they differ from the file (opened downscaled); otherwise the file is the image. */
  image?: Blob;
  name: string;
  format: string;
  notes: string[];
  originalWidth: number;
  originalHeight: number;
}

/**
 * A result for history. The whole image is not encoded here (a 24-MP PNG takes seconds): history
 * asks for it (`encode('image/png')` of the working image) only when it stores a full image.
 */
export interface Applied extends Displayed {
  thumbnail: Blob;
  /** PNG of the edited box alone, when one was named (`adopt`): what history stores for a patch. */
  patch?: Blob;
}

/** An ImageInputError as it crosses the worker boundary (class identity does not survive postMessage). */
export interface InputErrorData {
  code: ImageInputErrorCode;
  message: string;
  fileName: string;
  dimensions?: Size;
}

export type OpenResult = { ok: true; value: Opened } | { ok: false; error: InputErrorData };

export const reviveInputError = (e: InputErrorData) => new ImageInputError(e.code, e.message, e.fileName, e.dimensions);

export class WorkingImage {
  #current: ImageBitmap | null = null;
  /** The history step the working image is (`projectId/entryId`), once the editor has said so. */
  #currentKey: string | null = null;
  /** Rebuilt and recently left images by step, so undo and redo rarely rebuild. */
  readonly #cache = new ImageCache();
  /** What live previews are computed on: the working image, reduced when it is large. */
  #previewSource: ImageBitmap | null = null;
  #adjuster = new GpuAdjuster();

  get size(): Size | null {
    return this.#current && { width: this.#current.width, height: this.#current.height };
  }

  async open(file: Blob, options: DecodeOptions): Promise<OpenResult> {
    let decoded;
    try {
      decoded = await decodeImage(file, options);
    } catch (e) {
      if (e instanceof ImageInputError) return { ok: false, error: { code: e.code, message: e.message, fileName: e.fileName, dimensions: e.dimensions } };
      throw e;
    }
    const resized = decoded.width !== decoded.originalWidth || decoded.height !== decoded.originalHeight;
    const [thumb, image] = await Promise.all([thumbnail(decoded.bitmap), resized ? encode(decoded.bitmap, 'image/png') : undefined]);
    this.#replace(decoded.bitmap);
    return {
      ok: true,
      value: {
        ...(await this.#displayed()),
        thumbnail: thumb,
        image,
        name: decoded.name,
        format: decoded.format,
        notes: decoded.notes,
        originalWidth: decoded.originalWidth,
        originalHeight: decoded.originalHeight,
      },
    };
  }

  /** Makes a history step's image the working image (undo, redo, reopening a project), rebuilt when not cached. */
  async show(image: StepImage): Promise<Displayed> {
    const bitmap = await rebuild(image, this.#cache, this.#current);
    this.#replace(bitmap, image.key);
    return this.#displayed();
  }

  /** A copy of a history step's image at full size (to compare with); the working image is unchanged. */
  async render(image: StepImage): Promise<ImageBitmap> {
    return createImageBitmap(await rebuild(image, this.#cache, this.#current));
  }

  /** Names the working image as history step `key` (after the step it shows was saved), so it is cached when left. */
  label(key: string): void {
    const current = this.#require();
    this.#currentKey = key;
    this.#cache.put(key, current, current);
  }

  /** Keys of the cached images, oldest first (for tests). */
  get cached(): string[] {
    return this.#cache.keys;
  }

  /** Applies a hand edit. The result becomes the working image; `show` the stored one to go back. */
  async apply(edit: EditOp): Promise<Applied> {
    const source = this.#require();
    const result =
      edit.op === 'rotate'
        ? rotate(source, edit.direction)
        : edit.op === 'flip'
          ? flip(source, edit.axis)
          : edit.op === 'crop'
            ? crop(source, edit.rect)
            : await this.#adjuster.adjust(source, edit.adjustments);
    const thumb = await thumbnail(result);
    this.#replace(result);
    return { ...(await this.#displayed()), thumbnail: thumb };
  }

  /** A display-size preview of adjustments on the GPU; the working image is unchanged. */
  async previewAdjust(adjustments: Partial<Adjustments>): Promise<ImageBitmap> {
    const current = this.#require();
    this.#previewSource ??= Math.max(current.width, current.height) > PREVIEW_SIDE ? downscale(current, PREVIEW_SIDE) : current;
    return this.#adjuster.adjust(this.#previewSource, adjustments);
  }

  /** The working image's RGBA8 pixels (for the diffusion worker; the buffer is transferred, not copied). */
  pixels(): { data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number } {
    const current = this.#require();
    const ctx = new OffscreenCanvas(current.width, current.height).getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas 2D is not available in this browser.');
    ctx.drawImage(current, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, current.width, current.height);
    return { data, width, height };
  }

  /** A mask plane (any size, f32 in [0, 1]) resampled to the working image's size as 8-bit (255 = edit). */
  maskAtImageSize(mask: { data: Float32Array; width: number; height: number }): { data: Uint8Array; width: number; height: number } {
    const { width, height } = this.#require();
    const small = new Uint8ClampedArray(mask.width * mask.height * 4);
    for (let i = 0; i < mask.data.length; i++) small[i * 4] = small[i * 4 + 3] = Math.round(Math.min(1, Math.max(0, mask.data[i])) * 255);
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas 2D is not available in this browser.');
    const src = new OffscreenCanvas(mask.width, mask.height);
    src.getContext('2d')!.putImageData(new ImageData(small, mask.width, mask.height), 0, 0);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(src, 0, 0, width, height);
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const out = new Uint8Array(width * height);
    for (let i = 0; i < out.length; i++) out[i] = rgba[i * 4];
    return { data: out, width, height };
  }

  /**
   * Makes generated pixels (a diffusion result) the working image; returns it for display and history,
   * with the PNG of `box` (the area the edit changed) when one is given.
   */
  async adopt(rgba: { data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number }, box?: Rect): Promise<Applied> {
    const result = await createImageBitmap(new ImageData(rgba.data, rgba.width, rgba.height));
    const boxed = box && crop(result, box);
    try {
      const [patch, thumb] = await Promise.all([boxed && encode(boxed, 'image/png'), thumbnail(result)]);
      this.#replace(result);
      return { ...(await this.#displayed()), thumbnail: thumb, ...(patch ? { patch } : {}) };
    } finally {
      boxed?.close();
    }
  }

  /** A reduced copy for the models that read the image (they work at ≤ 1024 px). */
  analysisCopy(maxSide: number): ImageBitmap {
    return downscale(this.#require(), maxSide);
  }

  encode(type: EncodeType, quality?: number): Promise<Blob> {
    return encode(this.#require(), type, quality);
  }

  /** Transferables of a result, for Comlink.transfer. */
  static transferables(d: Displayed): ImageBitmap[] {
    return d.preview ? [d.display, d.preview] : [d.display];
  }

  close(): void {
    this.#replace(null);
    this.#cache.clear();
    this.#adjuster.dispose();
  }

  async #displayed(): Promise<Displayed> {
    const current = this.#require();
    const big = Math.max(current.width, current.height) > PREVIEW_SIDE;
    return {
      display: await createImageBitmap(current),
      preview: big ? downscale(current, PREVIEW_SIDE) : null,
      width: current.width,
      height: current.height,
    };
  }

  #require(): ImageBitmap {
    if (!this.#current) throw new Error('No image is open in the image worker.');
    return this.#current;
  }

  /** `next` becomes the working image (as step `key` when known); the one it replaces is cached under its step, else closed. */
  #replace(next: ImageBitmap | null, key: string | null = null): void {
    if (this.#previewSource && this.#previewSource !== this.#current) this.#previewSource.close();
    this.#previewSource = null;
    this.#adjuster.invalidate();
    const old = this.#current;
    if (old && old !== next && !this.#cache.has(old)) {
      if (this.#currentKey) this.#cache.put(this.#currentKey, old, next);
      else old.close();
    }
    this.#current = next;
    this.#currentKey = key;
  }
}
