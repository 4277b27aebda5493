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
  bitmap: ImageBitmap;
  buffer: GPUBuffer;
  width: number;
  height: number;
}

export class GpuAdjuster {
  #gpu: Promise<GpuContext> | null = null;
  #source: Uploaded | null = null;

  /** True once WebGPU turned out to be missing: adjustments then run on the CPU (same math, slower). */
  #cpu = false;

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
    const source = await this.#upload(gpu, bitmap);
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

  /** Forgets the uploaded source (the working image changed). */
  invalidate(): void {
    if (this.#source && this.#gpu) void this.#gpu.then((gpu) => this.#source && gpu.release(this.#source.buffer));
    this.#source = null;
  }

  dispose(): void {
    this.invalidate();
    const pending = this.#gpu;
    this.#gpu = null;
    void pending?.then((gpu) => gpu.destroy(), () => {});
  }

  #context(): Promise<GpuContext> {
    if (!this.#gpu) {
      const created = GpuContext.create({ label: 'image worker' }).catch((e) => {
        this.#gpu = null;
        throw e;
      });
      this.#gpu = created;
      // A lost device is recreated on the next call.
      void created.then((gpu) =>
        gpu.lost.then(() => {
          if (this.#gpu === created) {
            this.#gpu = null;
            this.#source = null;
          }
        }),
      );
    }
    return this.#gpu;
  }

  async #upload(gpu: GpuContext, bitmap: ImageBitmap): Promise<Uploaded> {
    if (this.#source?.bitmap === bitmap) return this.#source;
    this.invalidate();
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas 2D is not available in this browser.');
    ctx.drawImage(bitmap, 0, 0);
    const pixels = ctx.getImageData(0, 0, width, height).data;
    const buffer = gpu.upload(pixels, STORAGE(), 'adjust source');
    this.#source = { bitmap, buffer, width, height };
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
