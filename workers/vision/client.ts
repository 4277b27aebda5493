/**
 * The one owner of the vision worker: starts it on first use, terminates it on dispose. Bitmaps are
 * cloned and the clone transferred, so the caller's stays usable.
 */
import * as Comlink from 'comlink';
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

export class VisionWorker {
  #worker: Worker | null = null;
  #api: Comlink.Remote<VisionWorkerApi> | null = null;

  constructor(
    private readonly config: VisionWorkerConfig = {},
    private readonly create: () => Worker = startVisionWorker,
  ) {}

  async #remote(): Promise<Comlink.Remote<VisionWorkerApi>> {
    if (!this.#api) {
      this.#worker = this.create();
      this.#api = Comlink.wrap<VisionWorkerApi>(this.#worker);
      await this.#api.configure(this.config);
    }
    return this.#api;
  }

  async device(): Promise<'webgpu' | 'wasm'> {
    return (await this.#remote()).device();
  }

  async defaultMethod(): Promise<MaskMethod> {
    return (await this.#remote()).defaultMethod();
  }

  async features(image: SourceImage, instruction: string): Promise<Features> {
    return (await this.#remote()).features(await transferable(image), instruction);
  }

  async embedText(texts: string[]): Promise<Float32Array[]> {
    return (await this.#remote()).embedText(texts);
  }

  async mask(image: SourceImage, plan: MaskPlan, method?: MaskMethod): Promise<MaskResult> {
    const p: MaskPlan = { kind: plan.kind, instruction: plan.instruction, target: plan.target, outpaint: plan.outpaint };
    return (await this.#remote()).mask(await transferable(image), p, method);
  }

  /** Resident models and where they run (false: not loaded). */
  async loaded(): Promise<Record<string, false | 'webgpu' | 'wasm'>> {
    return (await this.#remote()).loaded();
  }

  async release(): Promise<void> {
    await this.#api?.release();
  }

  dispose(): void {
    this.#api?.[Comlink.releaseProxy]();
    this.#worker?.terminate();
    this.#api = null;
    this.#worker = null;
  }
}
