/**
 * The one owner of the language worker: starts it on first use (and again after it died, see
 * workers/bridge/watchdog.ts), terminates it on dispose. Stream
 * callbacks cross as Comlink.proxy; bitmaps are cloned and the clone transferred (the caller's stays usable).
 */
import * as Comlink from 'comlink';
import { Watchdog } from '../bridge/watchdog.ts';
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

/**
 * How long a busy language worker may leave the heartbeat unanswered before it is taken for hung. A
 * model session being created, or a prompt being prefilled on the CPU, can block its event loop for
 * many seconds; streamed tokens count as signs of life too.
 */
const STALL_MS = 5 * 60_000;
/** After Stop, how long the running generation gets to end by itself (it normally ends within one token). */
const STOP_GRACE_MS = 5000;

export class LanguageWorker {
  readonly #dog: Watchdog<LanguageWorkerApi>;
  /** Cancels without waiting for the worker's event loop (generation steps may never yield to it). */
  readonly #cancel = globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : null;

  constructor(config: LanguageWorkerConfig = {}, create: () => Worker = startLanguageWorker) {
    this.#dog = new Watchdog<LanguageWorkerApi>({
      name: 'language',
      label: 'instruction planner',
      create,
      // Every fresh worker (the first, and one started after a crash) is configured before its first call.
      setup: (api) => api.configure(config, this.#cancel?.buffer as SharedArrayBuffer | undefined),
      stallMs: STALL_MS,
    });
  }

  /** Stream events are signs of life for the watchdog as well as news for the caller. */
  #stream(onStream?: StreamCallback): StreamCallback | undefined {
    if (!onStream) return undefined;
    return Comlink.proxy((e: Parameters<StreamCallback>[0]) => {
      this.#dog.beat();
      return onStream(e);
    });
  }

  load(): Promise<{ device: string; dtype: string; ms: number }> {
    return this.#dog.call((api) => api.load());
  }

  async describe(image: SourceImage, onStream?: StreamCallback): Promise<DescribeResult> {
    const sent = await transferable(image);
    return this.#dog.call((api) => api.describe(sent, this.#stream(onStream)));
  }

  async plan(image: SourceImage, instruction: string, previous: Turn[] = [], sourceDescription?: string, onStream?: StreamCallback): Promise<PlanResult> {
    const sent = await transferable(image);
    return this.#dog.call((api) => api.plan(sent, instruction, previous, sourceDescription, this.#stream(onStream)));
  }

  /**
   * Stops the running generation after its current token; its result says `stopped: 'cancelled'`. A
   * worker that does not stop within a few seconds (busy loading, hung, or dead) is restarted, and the
   * running call rejects with WorkerDiedError (reason 'stopped'): Stop always frees the editor.
   */
  async cancel(): Promise<void> {
    if (this.#cancel) Atomics.store(this.#cancel, 0, 1);
    if (!this.#dog.busy) return;
    void this.#dog
      .peek()
      ?.cancel()
      .catch(() => {});
    if (!(await this.#dog.settled(STOP_GRACE_MS))) this.#dog.stop();
  }

  /** Frees the VLM's GPU memory; the worker stays up and reloads on the next call. */
  async release(): Promise<void> {
    if (this.#dog.peek()) await this.#dog.call((api) => api.release());
  }

  async loaded(): Promise<boolean> {
    return this.#dog.peek() ? this.#dog.call((api) => api.loaded()) : false;
  }

  dispose(): void {
    this.#dog.dispose();
  }
}
