/**
 * The one owner of the image worker: starts it on first use (and again after it died), terminates it on dispose. Bitmaps cross
 * by transfer. By default the caller's bitmap stays usable (a clone is transferred: createImageBitmap on
 * a bitmap shares its pixels rather than copying them into a message); pass `{ consume: true }` to hand
 * the bitmap itself over, after which it is detached (width 0).
 */
import * as Comlink from 'comlink';
import type { ImageWorkerApi } from '../../../workers/image.worker.ts';
import { Watchdog } from '../../../workers/bridge/watchdog.ts';
import type { CropRect, EncodeType, FlipAxis, RotateDirection } from './ops.ts';

import type { DecodeOptions } from './decode.ts';
import type { Adjustments } from './gpu-adjust.ts';
import type { Rect, StepImage } from '../history/types.ts';
import { reviveInputError, type Applied, type Displayed, type EditOp, type Opened, type OpenResult } from './working-image.ts';

export type { CropRect, EncodeType, FlipAxis, RotateDirection } from './ops.ts';
export type { Applied, Displayed, EditOp, Opened } from './working-image.ts';

export interface BitmapInputOptions {
  /** Transfer the caller's bitmap itself (it becomes unusable) instead of a clone. */
  consume?: boolean;
}

export class ImageWorkerDisposedError extends Error {
  override readonly name = 'ImageWorkerDisposedError';
  constructor() {
    super('The image worker was shut down before the operation finished.');
  }
}

function startImageWorker(): Worker {
  return new Worker(new URL('../../../workers/image.worker.ts', import.meta.url), { type: 'module', name: 'image' });
}

/**
 * Bounds for the image worker's calls. Every call is bounded (an image operation that takes minutes
 * has hung: a GPU readback that never returns, say); opening, encoding and adopting a 64-MP image on a
 * slow machine take longest. The event loop is never blocked for long (decoding and encoding are
 * asynchronous), so a short heartbeat limit finds a hung worker well before those.
 */
const QUICK_MS = 60_000;
const SLOW_MS = 180_000;
const STALL_MS = 30_000;

/**
 * Starts the image worker on first use and restarts it after it dies (see workers/bridge/watchdog.ts):
 * a call on a worker that dies, hangs or passes its time limit rejects with WorkerDiedError, and the
 * next call gets a fresh worker — which holds no working image until `showImage` or `openImage` gives
 * it one (the editor does that from the project's history).
 */
export class ImageWorker {
  readonly #dog: Watchdog<ImageWorkerApi>;

  constructor(create: () => Worker = startImageWorker) {
    this.#dog = new Watchdog<ImageWorkerApi>({
      name: 'image',
      label: 'image processor',
      create,
      stallMs: STALL_MS,
      disposedError: () => new ImageWorkerDisposedError(),
    });
  }

  get disposed(): boolean {
    return this.#dog.disposed;
  }

  rotate(bitmap: ImageBitmap, direction: RotateDirection, options?: BitmapInputOptions): Promise<ImageBitmap> {
    return this.#call(bitmap, options, (api, b) => api.rotate(b, direction));
  }

  flip(bitmap: ImageBitmap, axis: FlipAxis, options?: BitmapInputOptions): Promise<ImageBitmap> {
    return this.#call(bitmap, options, (api, b) => api.flip(b, axis));
  }

  /** Whole-pixel rectangle inside the bitmap; rejects with a RangeError otherwise. */
  crop(bitmap: ImageBitmap, rect: CropRect, options?: BitmapInputOptions): Promise<ImageBitmap> {
    const { x, y, width, height } = rect;
    return this.#call(bitmap, options, (api, b) => api.crop(b, { x, y, width, height }));
  }

  /** Decodes a file into the worker's working image; throws ImageInputError for bad input. */
  async openImage(file: Blob, options: DecodeOptions = {}): Promise<Opened> {
    // Comlink types a union result as a union of promises; it is one promise of the union.
    const result = await this.#plain<OpenResult>((api) => api.openImage(file, options) as Promise<OpenResult>, SLOW_MS);
    if (!result.ok) throw reviveInputError(result.error);
    return result.value;
  }

  /** Makes a history step's image the working image (rebuilt in the worker from its records) and returns display copies. */
  showImage(image: StepImage): Promise<Displayed> {
    return this.#plain((api) => api.showImage(image), SLOW_MS);
  }

  /** A history step's image at full size, rebuilt in the worker (to compare with); the working image is unchanged. */
  renderImage(image: StepImage): Promise<ImageBitmap> {
    return this.#plain((api) => api.renderImage(image), SLOW_MS);
  }

  /** Tells the worker which history step its working image now is, so it keeps it cached when it is left. */
  label(key: string): Promise<void> {
    return this.#plain((api) => api.label(key));
  }

  /** A hand edit on the working image; returns the result for display and for history. */
  applyEdit(edit: EditOp): Promise<Applied> {
    return this.#plain((api) => api.applyEdit(edit), SLOW_MS);
  }

  /** The working image with adjustments, at display size, computed on the GPU (the working image is unchanged). */
  previewAdjust(adjustments: Partial<Adjustments>): Promise<ImageBitmap> {
    return this.#plain((api) => api.previewAdjust(adjustments));
  }

  /** The working image's RGBA8 pixels, transferred out of the worker. */
  pixels(): Promise<{ data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number }> {
    return this.#plain((api) => api.pixels());
  }

  /** A mask plane resampled to the working image's size as 8-bit. */
  maskAtImageSize(mask: { data: Float32Array; width: number; height: number }): Promise<{ data: Uint8Array; width: number; height: number }> {
    return this.#plain((api) => api.maskAtImageSize(mask));
  }

  /** Makes generated pixels the working image (transferred in); returns display copies, thumbnail and the PNG of `box`. */
  adopt(rgba: { data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number }, box?: Rect): Promise<Applied> {
    return this.#plain((api) => api.adopt(Comlink.transfer(rgba, [rgba.data.buffer]), box), SLOW_MS);
  }

  /** A reduced copy of the working image (longest side ≤ maxSide) for the models that read it. */
  analysisCopy(maxSide: number): Promise<ImageBitmap> {
    return this.#plain((api) => api.analysisCopy(maxSide));
  }

  /** The working image as a file, at full resolution. */
  encodeImage(type: EncodeType, quality?: number): Promise<Blob> {
    return this.#plain((api) => api.encodeImage(type, quality), SLOW_MS);
  }

  /** A display copy whose longest side is at most `maxSide` (the viewport draws it when zoomed out). */
  downscale(bitmap: ImageBitmap, maxSide: number, options?: BitmapInputOptions): Promise<ImageBitmap> {
    return this.#call(bitmap, options, (api, b) => api.downscale(b, maxSide));
  }

  /** PNG, JPEG or WebP at the bitmap's size; quality 0–1 for the lossy types (default 0.92). */
  encode(bitmap: ImageBitmap, type: EncodeType, quality?: number, options?: BitmapInputOptions): Promise<Blob> {
    return this.#call(bitmap, options, (api, b) => api.encode(b, type, quality), SLOW_MS);
  }

  /** WebP (JPEG where WebP cannot be written) with the longest side at most `maxSide`. */
  thumbnail(bitmap: ImageBitmap, maxSide = 160, options?: BitmapInputOptions): Promise<Blob> {
    return this.#call(bitmap, options, (api, b) => api.thumbnail(b, maxSide));
  }

  /** Terminates the worker; operations still running reject with ImageWorkerDisposedError. */
  dispose(): void {
    this.#dog.dispose();
  }

  /** A call that sends no bitmap. */
  #plain<T>(run: (api: Comlink.Remote<ImageWorkerApi>) => Promise<T>, timeoutMs = QUICK_MS): Promise<T> {
    return this.#dog.call(run, { timeoutMs });
  }

  async #call<T>(
    bitmap: ImageBitmap,
    options: BitmapInputOptions | undefined,
    run: (api: Comlink.Remote<ImageWorkerApi>, b: ImageBitmap) => Promise<T>,
    timeoutMs = QUICK_MS,
  ): Promise<T> {
    if (this.#dog.disposed) throw new ImageWorkerDisposedError();
    const sent = options?.consume ? bitmap : await createImageBitmap(bitmap);
    if (this.#dog.disposed) {
      if (sent !== bitmap) sent.close();
      throw new ImageWorkerDisposedError();
    }
    return this.#dog.call((api) => run(api, Comlink.transfer(sent, [sent])), { timeoutMs });
  }
}
