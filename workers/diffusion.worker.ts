/**
 * The diffusion worker: SD1.5 inpainting, outpainting and text-to-image on WebGPU behind comlink.
 * Client: workers/diffusion/client.ts. Bitmaps arrive transferred and are closed once read; result
 * pixels and previews leave transferred. Errors cross as `SerialisedError` (code kept) and the
 * client turns them back into DiffusionError.
 */
import * as Comlink from 'comlink';
import { exposeWatched } from './bridge/endpoint.ts';
import { DiffusionEngine, type EngineConfig, type EngineStatus } from './diffusion/engine.ts';
import { DiffusionError, messageOf } from './diffusion/errors.ts';
import type { DiffusionEvent, EditResult, GenerateRequest, ImageInput, InpaintRequest, OutpaintRequest } from './diffusion/types.ts';

export interface SerialisedError {
  diffusionError: true;
  code: DiffusionError['code'];
  name: string;
  message: string;
}

let engine = new DiffusionEngine();

function serialise(e: unknown): SerialisedError {
  const d = e instanceof DiffusionError ? e : new DiffusionError('failed', messageOf(e));
  return { diffusionError: true, code: d.code, name: d.name, message: d.message };
}

function closeBitmap(image: ImageInput | undefined): void {
  if (typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap) image.close();
}

type Events = ((e: DiffusionEvent) => void) | undefined;

const forward = (onEvent: Events) =>
  onEvent
    ? (e: DiffusionEvent) => {
        // Fire and forget: the loop never waits on the page.
        void (onEvent as (e: DiffusionEvent) => Promise<void>)(e.type === 'preview' ? Comlink.transfer(e, [e.rgba.buffer]) : e);
      }
    : undefined;

async function edit(run: () => Promise<{ result: EditResult }>, image?: ImageInput): Promise<EditResult> {
  try {
    const { result } = await run();
    return Comlink.transfer(result, [result.image.data.buffer, ...(result.bitmap ? [result.bitmap] : [])]);
  } catch (e) {
    throw serialise(e);
  } finally {
    closeBitmap(image);
  }
}

const api = {
  /** Replaces the engine (releasing the old one's device and sessions). */
  async configure(config: EngineConfig = {}): Promise<void> {
    await engine.release();
    engine = new DiffusionEngine(config);
  },
  async load(): Promise<void> {
    await engine.load().catch((e: unknown) => Promise.reject(serialise(e)));
  },
  inpaint: (r: InpaintRequest, onEvent?: Events) => edit(() => engine.inpaint(r, { onEvent: forward(onEvent) }), r.image),
  outpaint: (r: OutpaintRequest, onEvent?: Events) => edit(() => engine.outpaint(r, { onEvent: forward(onEvent) }), r.image),
  generate: (r: GenerateRequest, onEvent?: Events) => edit(() => engine.generate(r, { onEvent: forward(onEvent) })),
  /** Cancels the running and queued edits with this id (all without one); takes effect within one step. */
  cancel: (id?: string): number => engine.cancel(id),
  status: (): Promise<EngineStatus> => engine.status(),
  /** Frees the sessions and the device; the next edit loads them again. */
  release: (): Promise<void> => engine.release(),
  /** Destroys the worker's GPUDevice, as a real device loss would (tests, drills). */
  loseDevice: (): Promise<void> => engine.loseDevice(),
};

export type DiffusionWorkerApi = typeof api;

exposeWatched(api);
