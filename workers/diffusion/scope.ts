/** Pooled GPU buffers of one edit: acquired through the scope, all given back to the pool at its end. */
import type { GpuContext } from '../gpu/context.ts';
import { STORAGE } from '../kernels/kernel.ts';

export class BufferScope {
  #held = new Set<GPUBuffer>();

  constructor(readonly gpu: GpuContext) {}

  /** Buffers held now (the engine's tests assert 0 after every edit). */
  get held(): number {
    return this.#held.size;
  }

  acquire(byteLength: number, label: string): GPUBuffer {
    const buffer = this.gpu.acquire(byteLength, STORAGE(), label);
    this.#held.add(buffer);
    return buffer;
  }

  upload(data: ArrayBufferView, label: string): GPUBuffer {
    const buffer = this.acquire(data.byteLength, label);
    this.gpu.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  /** Takes over a pool buffer acquired elsewhere (the loop's result latents). */
  adopt(buffer: GPUBuffer): GPUBuffer {
    this.#held.add(buffer);
    return buffer;
  }

  releaseAll(): void {
    for (const b of this.#held) this.gpu.release(b);
    this.#held.clear();
  }
}
