/**
 * The one owner of the vision worker: starts it on first use (and again after it died, see
 * workers/bridge/watchdog.ts), terminates it on dispose. Bitmaps are
 * cloned and the clone transferred, so the caller's stays usable.
 */
import * as Comlink from 'comlink';
import { Watchdog } from '../bridge/watchdog.ts';
import type { VisionWorkerApi, VisionWorkerConfig } from '../vision.worker.ts';
import type { Features, MaskMethod, MaskPlan, MaskResult } from './engine.ts';
import type { SourceImage } from './source-image.ts';

export type { Features, MaskMethod, MaskPlan, MaskResult } from './engine.ts';

function startVisionWorker(): Worker {
  return new Worker(new URL('../vision.worker.ts', import.meta.url), { type: 'module', name: 'vision' });
}

async function transferable(image: SourceImage): Promise<SourceImage> {
  if (typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap) {
    const copy = await createImageBitmap(image);
    return Comlink.transfer(copy, [copy]);
  }
  return image;
}

/** A model session being created can block the vision worker's event loop for many seconds. */
const STALL_MS = 5 * 60_000;
/** After Stop, how long a running call gets to finish (the vision models have no cancel of their own). */
const STOP_GRACE_MS = 2000;

export class VisionWorker {
  readonly #dog: Watchdog<VisionWorkerApi>;

  constructor(config: VisionWorkerConfig = {}, create: () => Worker = startVisionWorker) {
    this.#dog = new Watchdog<VisionWorkerApi>({
      name: 'vision',
      label: 'region finder',
      create,
      setup: (api) => api.configure(config),
      stallMs: STALL_MS,
    });
  }

  device(): Promise<'webgpu' | 'wasm'> {
    return this.#dog.call((api) => api.device());
  }

  defaultMethod(): Promise<MaskMethod> {
    return this.#dog.call((api) => api.defaultMethod());
  }

  async features(image: SourceImage, instruction: string): Promise<Features> {
    const sent = await transferable(image);
    return this.#dog.call((api) => api.features(sent, instruction));
  }

  embedText(texts: string[]): Promise<Float32Array[]> {
    return this.#dog.call((api) => api.embedText(texts));
  }

  async mask(image: SourceImage, plan: MaskPlan, method?: MaskMethod): Promise<MaskResult> {
    const p: MaskPlan = { kind: plan.kind, instruction: plan.instruction, target: plan.target, outpaint: plan.outpaint };
    const sent = await transferable(image);
    return this.#dog.call((api) => api.mask(sent, p, method));
  }

  /** Resident models and where they run (false: not loaded). */
  loaded(): Promise<Record<string, false | 'webgpu' | 'wasm'>> {
    return this.#dog.call((api) => api.loaded());
  }

  async release(): Promise<void> {
    if (this.#dog.peek()) await this.#dog.call((api) => api.release());
  }

  /**
   * Abandons the running call: it gets a moment to finish, then the worker is restarted and the call
   * rejects with WorkerDiedError (reason 'stopped'); the next call starts afresh.
   */
  async stop(): Promise<void> {
    if (this.#dog.busy && !(await this.#dog.settled(STOP_GRACE_MS))) this.#dog.stop();
  }

  dispose(): void {
    this.#dog.dispose();
  }
}
