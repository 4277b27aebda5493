/**
 * The one owner of the language worker: starts it on first use, terminates it on dispose. Stream
 * callbacks cross as Comlink.proxy; bitmaps are cloned and the clone transferred (the caller's stays usable).
 */
import * as Comlink from 'comlink';
import type { LanguageWorkerApi, LanguageWorkerConfig } from '../language.worker.ts';
import type { DescribeResult, PlanResult, StreamCallback } from './planner.ts';
import type { Turn } from './types.ts';
import type { SourceImage } from '../vision/source-image.ts';

export type { DescribeResult, PlanResult, StreamCallback, StreamEvent } from './planner.ts';

function startLanguageWorker(): Worker {
  return new Worker(new URL('../language.worker.ts', import.meta.url), { type: 'module', name: 'language' });
}

async function transferable(image: SourceImage): Promise<SourceImage> {
  if (typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap) {
    const copy = await createImageBitmap(image);
    return Comlink.transfer(copy, [copy]);
  }
  return image;
}

export class LanguageWorker {
  readonly #create: () => Worker;
  readonly #config: LanguageWorkerConfig;
  #worker: Worker | null = null;
  #api: Comlink.Remote<LanguageWorkerApi> | null = null;
  /** Cancels without waiting for the worker's event loop (generation steps may never yield to it). */
  readonly #cancel = globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : null;

  constructor(config: LanguageWorkerConfig = {}, create: () => Worker = startLanguageWorker) {
    this.#config = config;
    this.#create = create;
  }

  async #remote(): Promise<Comlink.Remote<LanguageWorkerApi>> {
    if (!this.#api) {
      this.#worker = this.#create();
      this.#api = Comlink.wrap<LanguageWorkerApi>(this.#worker);
      await this.#api.configure(this.#config, this.#cancel?.buffer as SharedArrayBuffer | undefined);
    }
    return this.#api;
  }

  async load(): Promise<{ device: string; dtype: string; ms: number }> {
    return (await this.#remote()).load();
  }

  async describe(image: SourceImage, onStream?: StreamCallback): Promise<DescribeResult> {
    const api = await this.#remote();
    return api.describe(await transferable(image), onStream && Comlink.proxy(onStream));
  }

  async plan(image: SourceImage, instruction: string, previous: Turn[] = [], sourceDescription?: string, onStream?: StreamCallback): Promise<PlanResult> {
    const api = await this.#remote();
    return api.plan(await transferable(image), instruction, previous, sourceDescription, onStream && Comlink.proxy(onStream));
  }

  /** Stops the running generation after its current token; its result says `stopped: 'cancelled'`. */
  async cancel(): Promise<void> {
    if (this.#cancel) Atomics.store(this.#cancel, 0, 1);
    await this.#api?.cancel();
  }

  /** Frees the VLM's GPU memory; the worker stays up and reloads on the next call. */
  async release(): Promise<void> {
    await this.#api?.release();
  }

  async loaded(): Promise<boolean> {
    return (await this.#api?.loaded()) ?? false;
  }

  dispose(): void {
    this.#api?.[Comlink.releaseProxy]();
    this.#worker?.terminate();
    this.#api = null;
    this.#worker = null;
  }
}
