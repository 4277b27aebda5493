/**
 * The one owner of the diffusion worker: starts it on first use, terminates it on dispose. An
 * AbortSignal cancels through the worker's cancel(id); events come through a proxied callback;
 * bitmaps are cloned and the clone transferred, so the caller's stays usable.
 */
import * as Comlink from 'comlink';
import type { DiffusionWorkerApi, SerialisedError } from '../diffusion.worker.ts';
import type { EngineConfig, EngineStatus } from './engine.ts';
import { DiffusionError } from './errors.ts';
import type { DiffusionEvent, EditResult, GenerateRequest, ImageInput, InpaintRequest, OutpaintRequest } from './types.ts';

export type * from './types.ts';
export type { EngineConfig, EngineStatus } from './engine.ts';
export { DiffusionError } from './errors.ts';

export interface CallOptions {
  signal?: AbortSignal;
  onEvent?: (e: DiffusionEvent) => void;
}

function startDiffusionWorker(): Worker {
  return new Worker(new URL('../diffusion.worker.ts', import.meta.url), { type: 'module', name: 'diffusion' });
}

function revive(e: unknown): unknown {
  const s = e as Partial<SerialisedError> | null;
  return s && typeof s === 'object' && s.diffusionError ? new DiffusionError(s.code ?? 'failed', s.message ?? 'the edit failed') : e;
}

async function transferable(image: ImageInput): Promise<ImageInput> {
  if (typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap) {
    const copy = await createImageBitmap(image);
    return Comlink.transfer(copy, [copy]);
  }
  return image;
}

export class DiffusionWorker {
  #worker: Worker | null = null;
  #api: Comlink.Remote<DiffusionWorkerApi> | null = null;
  #configured: Promise<void> | null = null;

  constructor(
    private readonly config: EngineConfig = {},
    private readonly create: () => Worker = startDiffusionWorker,
  ) {}

  async #remote(): Promise<Comlink.Remote<DiffusionWorkerApi>> {
    if (!this.#api) {
      this.#worker = this.create();
      this.#api = Comlink.wrap<DiffusionWorkerApi>(this.#worker);
      this.#configured = this.#api.configure(this.config);
    }
    await this.#configured;
    return this.#api;
  }

  async #call<R extends { id?: string }>(request: R, options: CallOptions, run: (api: Comlink.Remote<DiffusionWorkerApi>, r: R, events?: (e: DiffusionEvent) => void) => Promise<EditResult>): Promise<EditResult> {
    options.signal?.throwIfAborted();
    const api = await this.#remote();
    const r = { ...request, id: request.id ?? crypto.randomUUID() };
    const onAbort = () => void api.cancel(r.id);
    options.signal?.addEventListener('abort', onAbort);
    try {
      return await run(api, r, options.onEvent ? Comlink.proxy(options.onEvent) : undefined);
    } catch (e) {
      throw revive(e);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async inpaint(request: InpaintRequest, options: CallOptions = {}): Promise<EditResult> {
    const image = await transferable(request.image);
    return this.#call({ ...request, image }, options, (api, r, ev) => api.inpaint(r, ev));
  }

  async outpaint(request: OutpaintRequest, options: CallOptions = {}): Promise<EditResult> {
    const image = await transferable(request.image);
    return this.#call({ ...request, image }, options, (api, r, ev) => api.outpaint(r, ev));
  }

  generate(request: GenerateRequest, options: CallOptions = {}): Promise<EditResult> {
    return this.#call(request, options, (api, r, ev) => api.generate(r, ev));
  }

  async cancel(id?: string): Promise<number> {
    return (await this.#remote()).cancel(id);
  }

  async load(): Promise<void> {
    await (await this.#remote()).load().catch((e: unknown) => Promise.reject(revive(e)));
  }

  async status(): Promise<EngineStatus> {
    return (await this.#remote()).status();
  }

  async release(): Promise<void> {
    await this.#api?.release();
  }

  async loseDevice(): Promise<void> {
    await (await this.#remote()).loseDevice();
  }

  dispose(): void {
    this.#api?.[Comlink.releaseProxy]();
    this.#worker?.terminate();
    this.#api = null;
    this.#worker = null;
  }
}
