/**
 * The one owner of the diffusion worker: starts it on first use (and again after it died, see
 * workers/bridge/watchdog.ts), terminates it on dispose. An
 * AbortSignal cancels through the worker's cancel(id); events come through a proxied callback;
 * bitmaps are cloned and the clone transferred, so the caller's stays usable.
 */
import * as Comlink from 'comlink';
import { Watchdog, WorkerDiedError } from '../bridge/watchdog.ts';
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

/**
 * How long a busy diffusion worker may leave the heartbeat unanswered: building the graphs and
 * creating the UNet's session (gigabytes of weights) can block its event loop for minutes on a slow
 * machine. Step events count as signs of life.
 */
const STALL_MS = 10 * 60_000;
/** After a cancel, how long the running edit gets to stop by itself (it stops within one denoising step). */
const CANCEL_GRACE_MS = 30_000;

export class DiffusionWorker {
  readonly #dog: Watchdog<DiffusionWorkerApi>;

  constructor(config: EngineConfig = {}, create: () => Worker = startDiffusionWorker) {
    this.#dog = new Watchdog<DiffusionWorkerApi>({
      name: 'diffusion',
      label: 'image generator',
      create,
      setup: (api) => api.configure(config),
      stallMs: STALL_MS,
    });
  }

  async #call<R extends { id?: string }>(request: R, options: CallOptions, run: (api: Comlink.Remote<DiffusionWorkerApi>, r: R, events?: (e: DiffusionEvent) => void) => Promise<EditResult>): Promise<EditResult> {
    options.signal?.throwIfAborted();
    const r = { ...request, id: request.id ?? crypto.randomUUID() };
    const dog = this.#dog;
    // A cancel reaches the worker at once; one that is not heeded in time (a hung or dead worker) restarts it.
    const onAbort = () => {
      void dog
        .peek()
        ?.cancel(r.id)
        .catch(() => {});
      void dog.settled(CANCEL_GRACE_MS).then((done) => {
        if (!done) dog.stop();
      });
    };
    const onEvent = options.onEvent;
    const events = Comlink.proxy((e: DiffusionEvent) => {
      dog.beat();
      onEvent?.(e);
    });
    options.signal?.addEventListener('abort', onAbort);
    try {
      return await dog.call((api) => run(api, r, events));
    } catch (e) {
      // A cancel that had to restart the worker is still a cancel.
      if (options.signal?.aborted && e instanceof WorkerDiedError && e.reason === 'stopped') throw new DOMException('The edit was cancelled.', 'AbortError');
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

  cancel(id?: string): Promise<number> {
    return this.#dog.call((api) => api.cancel(id));
  }

  async load(): Promise<void> {
    await this.#dog.call((api) => api.load()).catch((e: unknown) => Promise.reject(revive(e)));
  }

  status(): Promise<EngineStatus> {
    return this.#dog.call((api) => api.status());
  }

  async release(): Promise<void> {
    if (this.#dog.peek()) await this.#dog.call((api) => api.release());
  }

  loseDevice(): Promise<void> {
    return this.#dog.call((api) => api.loseDevice());
  }

  dispose(): void {
    this.#dog.dispose();
  }
}
