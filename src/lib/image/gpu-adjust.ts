/**
 * Global adjustments on the GPU for the working image (runs inside the image worker): the
 * `adjust` WGSL kernel over RGBA8 pixels. The source of the live preview is uploaded once and
 * reused for every slider move; applying runs the same kernel at full resolution.
 */
import { GpuContext, GpuError } from '../../../workers/gpu/context.ts';
import { encodeAdjust, NEUTRAL_ADJUSTMENTS, type Adjustments } from '../../../workers/kernels/adjust.ts';
import { run, STORAGE } from '../../../workers/kernels/kernel.ts';
import { adjustRef } from '../../../workers/kernels/adjust.ref.ts';

export type { Adjustments } from '../../../workers/kernels/adjust-params.ts';

interface Uploaded {
  /** The context whose pool the buffer came from; it goes back there, and nowhere else. */
  gpu: GpuContext;
  bitmap: ImageBitmap;
  buffer: GPUBuffer;
  width: number;
  height: number;
}

export class GpuAdjuster {
  #gpu: Promise<GpuContext> | null = null;
  #create: () => Promise<GpuContext>;
  #source: Uploaded | null = null;

  /** True once WebGPU turned out to be missing: adjustments then run on the CPU (same math, slower). */
  #cpu = false;

  /** `createContext` makes the GPU context on first use (a test passes one it can inspect); it is destroyed by `dispose`. */
  constructor(createContext: () => Promise<GpuContext> = () => GpuContext.create({ label: 'image worker' })) {
    this.#create = createContext;
  }

  /** The adjusted pixels of `bitmap` as a new bitmap of the same size. */
  async adjust(bitmap: ImageBitmap, adjustments: Partial<Adjustments>): Promise<ImageBitmap> {
    if (this.#cpu) return adjustOnCpu(bitmap, adjustments);
    let gpu: GpuContext;
    try {
      gpu = await this.#context();
    } catch (e) {
      if (!(e instanceof GpuError && e.kind === 'unsupported')) throw e;
      // No WebGPU here: the kernel's CPU reference gives the same pixels.
      this.#cpu = true;
      return adjustOnCpu(bitmap, adjustments);
    }
    // From here to the submit inside `checked` nothing awaits, so no other call can swap the
    // source in between; a later `invalidate` may then pool the source buffer, because queue
    // order makes its next user's writes land after this kernel has read it.
    const source = this.#upload(gpu, bitmap);
    const { width, height } = source;
    const bytes = width * height * 4;
    const dst = gpu.acquire(bytes, STORAGE(), 'adjusted');
    try {
      await gpu.checked(() => run(gpu, 'adjust', (batch) => encodeAdjust(batch, { src: source.buffer, dst, width, height, adjustments: { ...NEUTRAL_ADJUSTMENTS, ...adjustments } })));
      const pixels = new Uint8ClampedArray(await gpu.read(dst, bytes));
      return await createImageBitmap(new ImageData(pixels, width, height));
    } finally {
      gpu.release(dst);
    }
  }

  /** Forgets the uploaded source (the working image changed) and gives its buffer back now. */
  invalidate(): void {
    const source = this.#source;
    this.#source = null;
    // Synchronously, and the buffer taken from the record being dropped: a deferred release that
    // re-read `#source` gave back the *next* upload instead, which `acquire` then handed out again
    // as the output of the same kernel (and the old buffer leaked).
    source?.gpu.release(source.buffer);
  }

  dispose(): void {
    this.invalidate();
    const pending = this.#gpu;
    this.#gpu = null;
    void pending?.then((gpu) => gpu.destroy(), () => {});
  }

  #context(): Promise<GpuContext> {
    if (!this.#gpu) {
      const created = this.#create().catch((e) => {
        this.#gpu = null;
        throw e;
      });
      this.#gpu = created;
      // A lost device is recreated on the next call.
      void created.then((gpu) =>
        gpu.lost.then(() => {
          if (this.#gpu === created) {
            this.#gpu = null;
            // Its buffers went with the device; nothing to give back.
            if (this.#source?.gpu === gpu) this.#source = null;
          }
        }),
      );
    }
    return this.#gpu;
  }

  /** The source buffer for `bitmap`, uploaded unless it is the one already there. Synchronous on purpose (see `adjust`). */
  #upload(gpu: GpuContext, bitmap: ImageBitmap): Uploaded {
    if (this.#source?.bitmap === bitmap && this.#source.gpu === gpu) return this.#source;
    this.invalidate();
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas 2D is not available in this browser.');
    ctx.drawImage(bitmap, 0, 0);
    const pixels = ctx.getImageData(0, 0, width, height).data;
    const buffer = gpu.upload(pixels, STORAGE(), 'adjust source');
    this.#source = { gpu, bitmap, buffer, width, height };
    return this.#source;
  }
}

/** Adjustments without a GPU: the `adjust` kernel's CPU reference over the bitmap's pixels. */
function adjustOnCpu(bitmap: ImageBitmap, adjustments: Partial<Adjustments>): Promise<ImageBitmap> {
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('OffscreenCanvas 2D is not available in this browser.');
  ctx.drawImage(bitmap, 0, 0);
  const pixels = ctx.getImageData(0, 0, width, height).data;
  const out = adjustRef(new Uint32Array(pixels.buffer, pixels.byteOffset, width * height), width, height, { ...NEUTRAL_ADJUSTMENTS, ...adjustments });
  return createImageBitmap(new ImageData(new Uint8ClampedArray(out.buffer as ArrayBuffer, out.byteOffset, out.byteLength), width, height));
}
