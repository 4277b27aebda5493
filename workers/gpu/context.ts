/**
 * One owner for a GPUDevice and everything built on it: pipelines, pooled buffers, readbacks.
 *
 * The context either creates its device or adopts one handed in (onnxruntime-web's, so ORT
 * output buffers feed our kernels without copies). When the device is lost, `lost` resolves and
 * every listener hears why; the owner disposes this context and creates a fresh one.
 */

export interface GpuContextOptions {
  /** Adopt this device instead of requesting one (e.g. `await ort.env.webgpu.device`). */
  device?: GPUDevice;
  /** Ask for `shader-f16` when the adapter has it (ignored for an adopted device). */
  preferF16?: boolean;
  label?: string;
}

export interface PipelineSpec {
  /** WGSL source; the cache key includes the full text, so variants never collide. */
  code: string;
  entryPoint?: string;
  /** Values for WGSL `override` declarations (workgroup sizes and the like). */
  constants?: Record<string, number>;
  label?: string;
}

export class GpuError extends Error {
  constructor(
    message: string,
    readonly kind: 'unsupported' | 'validation' | 'out-of-memory' | 'internal' | 'device-lost',
  ) {
    super(message);
    this.name = 'GpuError';
  }
}

const usageKey = (size: number, usage: number) => `${usage}:${size}`;

export class GpuContext {
  readonly device: GPUDevice;
  readonly hasF16: boolean;
  readonly adopted: boolean;
  /** Resolves when the device is lost (also after `destroy()`, with reason 'destroyed'). */
  readonly lost: Promise<GPUDeviceLostInfo>;
  /** Number of GPU→CPU readbacks performed through `read()`; the loop driver asserts on it. */
  readbacks = 0;

  #modules = new Map<string, GPUShaderModule>();
  #pipelines = new Map<string, GPUComputePipeline>();
  #free = new Map<string, GPUBuffer[]>();
  /** Buffers handed out by `acquire` and not yet given back: the pool's ownership record. */
  #out = new Set<GPUBuffer>();
  #lostListeners = new Set<(info: GPUDeviceLostInfo) => void>();
  #destroyed = false;

  private constructor(device: GPUDevice, adopted: boolean) {
    this.device = device;
    this.adopted = adopted;
    this.hasF16 = device.features.has('shader-f16');
    this.lost = device.lost.then((info) => {
      for (const listener of this.#lostListeners) listener(info);
      return info;
    });
  }

  static async create(options: GpuContextOptions = {}): Promise<GpuContext> {
    if (options.device) return new GpuContext(options.device, true);
    if (typeof navigator === 'undefined' || !navigator.gpu) {
      throw new GpuError('This browser has no WebGPU (navigator.gpu is missing).', 'unsupported');
    }
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw new GpuError('No WebGPU adapter is available on this machine.', 'unsupported');
    const requiredFeatures: GPUFeatureName[] = [];
    if (options.preferF16 !== false && adapter.features.has('shader-f16')) requiredFeatures.push('shader-f16');
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      label: options.label ?? 'instruct-edit',
      requiredFeatures,
      requiredLimits: {
        maxBufferSize: limits.maxBufferSize,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
        maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      },
    });
    return new GpuContext(device, false);
  }

  /** Called with the loss info when the device goes away. Returns the unsubscribe function. */
  onLost(listener: (info: GPUDeviceLostInfo) => void): () => void {
    this.#lostListeners.add(listener);
    return () => this.#lostListeners.delete(listener);
  }

  /** A compute pipeline, compiled once per (code, entry point, constants). */
  pipeline(spec: PipelineSpec): GPUComputePipeline {
    const entryPoint = spec.entryPoint ?? 'main';
    const constants = spec.constants ?? {};
    const constKey = Object.keys(constants)
      .sort()
      .map((k) => `${k}=${constants[k]}`)
      .join(',');
    const key = `${entryPoint}|${constKey}|${spec.code}`;
    let pipeline = this.#pipelines.get(key);
    if (pipeline) return pipeline;
    let module = this.#modules.get(spec.code);
    if (!module) {
      module = this.device.createShaderModule({ code: spec.code, label: spec.label });
      this.#modules.set(spec.code, module);
    }
    pipeline = this.device.createComputePipeline({
      label: spec.label,
      layout: 'auto',
      compute: { module, entryPoint, constants },
    });
    this.#pipelines.set(key, pipeline);
    return pipeline;
  }

  /**
   * A buffer from the pool (sizes rounded up to 256 bytes); give it back with `release`, once.
   * A buffer is either out (held by exactly one caller) or free in the pool, never both.
   */
  acquire(byteLength: number, usage: GPUBufferUsageFlags, label?: string): GPUBuffer {
    const size = Math.max(256, Math.ceil(byteLength / 256) * 256);
    const list = this.#free.get(usageKey(size, usage));
    const buffer = list?.pop() ?? this.device.createBuffer({ size, usage, label });
    if (label !== undefined) buffer.label = label;
    this.#out.add(buffer);
    return buffer;
  }

  /** Buffers acquired and not yet released (for leak checks in tests). */
  get outstanding(): number {
    return this.#out.size;
  }

  /**
   * Gives an acquired buffer back to the pool. Throws on a buffer that is not out: released
   * twice, or never acquired here. Pooling such a buffer would let `acquire` hand one buffer to
   * two owners, which WebGPU only reports later, as a usage conflict far from the cause.
   */
  release(buffer: GPUBuffer): void {
    if (!this.#out.delete(buffer)) {
      const free = this.#free.get(usageKey(buffer.size, buffer.usage))?.includes(buffer);
      throw new Error(
        free
          ? `GpuContext.release: buffer "${buffer.label}" is already back in the pool (released twice).`
          : `GpuContext.release: buffer "${buffer.label}" was not acquired from this context's pool.`,
      );
    }
    if (this.#destroyed) return buffer.destroy();
    const key = usageKey(buffer.size, buffer.usage);
    const list = this.#free.get(key) ?? [];
    list.push(buffer);
    this.#free.set(key, list);
  }

  /** Frees every pooled buffer (e.g. after an edit, to give memory back to ORT). */
  trim(): void {
    for (const list of this.#free.values()) for (const b of list) b.destroy();
    this.#free.clear();
  }

  /** A storage buffer initialised from data. */
  upload(data: ArrayBufferView, usage: GPUBufferUsageFlags = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label?: string): GPUBuffer {
    const buffer = this.acquire(data.byteLength, usage | GPUBufferUsage.COPY_DST, label);
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  /** Copies `byteLength` bytes of a buffer to the CPU. Counted in `readbacks`. */
  async read(source: GPUBuffer, byteLength = source.size, offset = 0): Promise<ArrayBuffer> {
    this.readbacks++;
    const size = Math.ceil(byteLength / 4) * 4;
    const staging = this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'readback' });
    const encoder = this.device.createCommandEncoder({ label: 'readback' });
    encoder.copyBufferToBuffer(source, offset, staging, 0, size);
    this.device.queue.submit([encoder.finish()]);
    try {
      await staging.mapAsync(GPUMapMode.READ);
      return staging.getMappedRange().slice(0, byteLength);
    } finally {
      staging.destroy();
    }
  }

  /** Runs `fn` inside validation and out-of-memory error scopes and throws what they caught. */
  async checked<T>(fn: () => T | Promise<T>): Promise<T> {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await fn() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const validation = await this.device.popErrorScope();
    const oom = await this.device.popErrorScope();
    if (oom) throw new GpuError(`GPU out of memory: ${oom.message}`, 'out-of-memory');
    if (validation) throw new GpuError(`GPU validation error: ${validation.message}`, 'validation');
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** Releases everything; destroys the device only when this context created it. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.trim();
    this.#pipelines.clear();
    this.#modules.clear();
    this.#lostListeners.clear();
    if (!this.adopted) this.device.destroy();
  }
}
