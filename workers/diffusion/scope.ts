/** Pooled GPU buffers of one edit: acquired through the scope, all given back to the pool at its end. */
import type { GpuContext } from '../gpu/context.ts';
import { STORAGE } from '../kernels/kernel.ts';

export class BufferScope {
  static #live = 0;
  #held = new Set<GPUBuffer>();

  /** Buffers held by every scope of this worker (0 between edits). */
  static get live(): number {
    return BufferScope.#live;
  }

  constructor(readonly gpu: GpuContext) {}

  acquire(byteLength: number, label: string): GPUBuffer {
    return this.adopt(this.gpu.acquire(byteLength, STORAGE(), label));
  }

  upload(data: ArrayBufferView, label: string): GPUBuffer {
    const buffer = this.acquire(data.byteLength, label);
    this.gpu.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  /** Takes over a pool buffer acquired elsewhere (the loop's result latents). */
  adopt(buffer: GPUBuffer): GPUBuffer {
    if (!this.#held.has(buffer)) BufferScope.#live++;
    this.#held.add(buffer);
    return buffer;
  }

  releaseAll(): void {
    for (const b of this.#held) this.gpu.release(b);
    BufferScope.#live -= this.#held.size;
    this.#held.clear();
  }
}
