/**
 * The vision worker: CLIP, FLAN-T5, the region head and CLIPSeg behind comlink. Client:
 * workers/vision/client.ts. Bitmaps arrive transferred and are closed here once read; float arrays
 * (features, masks) leave transferred.
 */
import * as Comlink from 'comlink';
import { exposeWatched } from './bridge/endpoint.ts';
import { type Features, type MaskMethod, type MaskPlan, type MaskResult, Vision, type VisionOptions } from './vision/engine.ts';
import type { SourceImage } from './vision/source-image.ts';
import { configureTransformers, type ModelSourceConfig } from './vision/transformers-env.ts';

export type VisionWorkerConfig = ModelSourceConfig & Omit<VisionOptions, 'fetchFile'>;

let vision = new Vision();

function closing<T>(image: SourceImage, run: () => Promise<T>): Promise<T> {
  return run().finally(() => {
    if (typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap) image.close();
  });
}

const buffers = (arrays: (ArrayBufferView | null | undefined)[]) => [...new Set(arrays.filter((a): a is ArrayBufferView => !!a).map((a) => a.buffer as ArrayBuffer))];

const api = {
  async configure(config: VisionWorkerConfig = {}): Promise<void> {
    const fetchFile = await configureTransformers(config);
    await vision.release();
    vision = new Vision({ ...config, fetchFile });
  },
  device: () => vision.device(),
  defaultMethod: () => vision.defaultMethod(),
  features: (image: SourceImage, instruction: string): Promise<Features> =>
    closing(image, async () => {
      const f = await vision.features(image, instruction);
      return Comlink.transfer(f, buffers([f.imageEmbeds, f.patchFeatures, f.instruction.features, f.instruction.mask]));
    }),
  embedText: async (texts: string[]): Promise<Float32Array[]> => {
    const e = await vision.embedText(texts);
    return Comlink.transfer(e, buffers(e));
  },
  mask: (image: SourceImage, plan: MaskPlan, method?: MaskMethod): Promise<MaskResult> =>
    closing(image, async () => {
      const r = await vision.mask(image, plan, method);
      return Comlink.transfer(r, buffers([r.mask?.data, r.probabilities?.data]));
    }),
  loaded: () => vision.loaded(),
  /** Frees every model (GPU memory); the next call reloads what it needs. */
  release: () => vision.release(),
};

export type VisionWorkerApi = typeof api;

void configureTransformers();
exposeWatched(api);
