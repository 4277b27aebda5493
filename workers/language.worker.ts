/**
 * The language worker: the Qwen2-VL planner behind comlink. Client: workers/language/client.ts.
 * Stream callbacks arrive as Comlink.proxy functions (top-level arguments: comlink only proxies those);
 * bitmaps arrive transferred and are closed here once read.
 */
import { exposeWatched } from './bridge/endpoint.ts';
import { type DescribeResult, type PlanResult, Planner, type PlannerOptions, type StreamCallback } from './language/planner.ts';
import type { Turn } from './language/types.ts';
import type { SourceImage } from './vision/source-image.ts';
import { configureTransformers, type ModelSourceConfig } from './vision/transformers-env.ts';

export type LanguageWorkerConfig = ModelSourceConfig & PlannerOptions;

let planner = new Planner();

function closing<T>(image: SourceImage, run: () => Promise<T>): Promise<T> {
  return run().finally(() => {
    if (typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap) image.close();
  });
}

/**
 * Stream events travel on the callback's own port, the result on the worker's: without waiting, the
 * last events could arrive after the result. Each proxied call resolves once the caller ran it.
 */
async function streaming<T>(onStream: StreamCallback | undefined, run: (cb?: StreamCallback) => Promise<T>): Promise<T> {
  if (!onStream) return run();
  const delivered: Promise<unknown>[] = [];
  const result = await run((e) => void delivered.push(Promise.resolve(onStream(e)).catch(() => {})));
  await Promise.all(delivered);
  return result;
}

const api = {
  /** Where models come from and how the planner runs; drops a loaded model. */
  async configure(config: LanguageWorkerConfig = {}, cancelBuffer?: SharedArrayBuffer): Promise<void> {
    await configureTransformers(config);
    await planner.release();
    planner = new Planner({ ...config, cancelFlag: cancelBuffer && new Int32Array(cancelBuffer) });
  },
  load: () => planner.load(),
  describe: (image: SourceImage, onStream?: StreamCallback): Promise<DescribeResult> => closing(image, () => streaming(onStream, (cb) => planner.describe(image, cb))),
  plan: (image: SourceImage, instruction: string, previous: Turn[] = [], sourceDescription?: string, onStream?: StreamCallback): Promise<PlanResult> =>
    closing(image, () => streaming(onStream, (cb) => planner.plan(image, instruction, previous, { sourceDescription, onStream: cb }))),
  cancel: () => planner.cancel(),
  /** Frees the VLM's sessions (GPU memory); the next describe/plan reloads it. */
  release: () => planner.release(),
  loaded: () => planner.loaded,
};

export type LanguageWorkerApi = typeof api;

void configureTransformers();
exposeWatched(api);
