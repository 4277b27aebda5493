/** The diffusion worker's public types: requests, events, results (all structured-clonable). */
import type { Extend, Rect, Size } from './geometry.ts';
import type { ImageInput, MaskImage } from './images.ts';

export type { Extend, ImageInput, MaskImage, Rect, Size };
export type { RgbaImage } from './images.ts';

/** Settings every edit takes; defaults in brackets. */
export interface EditSettings {
  prompt: string;
  /** [''] */
  negativePrompt?: string;
  /** DDIM steps [20]. */
  steps?: number;
  /** CFG scale s in ε_u + s(ε_c − ε_u) [7.5]. */
  guidanceScale?: number;
  /** Integer 0 ≤ seed < 2^53 [random; the result says which]. */
  seed?: number;
  /** img2img strength: the share of the schedule that runs, from the noised source [1: from pure noise]. */
  strength?: number;
  /** Eq. 22–23: re-impose the noised source outside the mask after every step [true; not for generate]. */
  blend?: boolean;
  /** Match the generated region's colour statistics to a ring around it: off, on (0.5) or a strength 0…1 [inpaint off, outpaint on]. */
  harmonise?: boolean | number;
  /** Paste feather radius in image pixels [5 % of the mask's longer side, 2…64]. */
  feather?: number;
  /** Latent preview every k steps [0: none]. */
  previewEvery?: number;
  /** Cap on 77-token prompt chunks [4]. */
  maxChunks?: number;
  /** Also return an ImageBitmap of the result ['rgba': pixels only]. */
  output?: 'rgba' | 'bitmap';
  /** Sync after every UNet run so the UNet's own time is measured (benchmarks) [false]. */
  profile?: boolean;
  /** For cancel(id); any string. */
  id?: string;
}

export interface InpaintRequest extends EditSettings {
  image: ImageInput;
  /** Same size as the image; soft values allowed (binarised at 0.5 for SD, feathered for the paste). */
  mask: MaskImage;
}

export interface OutpaintRequest extends EditSettings {
  image: ImageInput;
  /** Pixels to add on each side; the new area is the mask. */
  extend: Partial<Extend>;
}

export interface GenerateRequest extends EditSettings {
  width: number;
  height: number;
}

export type EditKind = 'inpaint' | 'outpaint' | 'generate';
export type Stage = 'load' | 'tokenize' | 'text' | 'encode' | 'denoise' | 'decode' | 'composite' | 'readback';

export type DiffusionEvent =
  | { type: 'stage'; stage: Stage; ms: number }
  | { type: 'step'; step: number; total: number; t: number; elapsed: number; eta: number }
  /** A decoded look at the latents (latent-sized RGBA) of the region `box` of a canvas of size `canvas`. */
  | { type: 'preview'; step: number; width: number; height: number; rgba: Uint8ClampedArray; box: Rect; canvas: Size };

/** Milliseconds per stage (each ends with the GPU queue drained), and the loop's split. */
export interface StageTimes {
  load: number;
  tokenize: number;
  text: number;
  encode: number;
  denoise: number;
  decode: number;
  composite: number;
  readback: number;
  total: number;
  /** Wall time of each denoising step. */
  steps: number[];
  /** With `profile`: UNet time per step (run to queue drained) and all the rest of each step. */
  unet?: number[];
  overhead?: number[];
}

export interface EditMeta {
  kind: EditKind;
  seed: number;
  /** The settings as run: defaults filled, harmonise as a strength (0 = off), feather in pixels. */
  settings: Required<Omit<EditSettings, 'prompt' | 'negativePrompt' | 'seed' | 'id' | 'harmonise'>> & { prompt: string; negativePrompt: string; harmonise: number };
  /** Canvas size (outpaint: the extended one). */
  size: Size;
  /** The region the edit ran on, in canvas pixels; everything outside it is the original, byte for byte. */
  box: Rect;
  working: Size;
  latent: Size;
  feather: number;
  /** Timesteps that ran. */
  timesteps: number[];
  prompt: { chunks: number; tokens: { cond: number; uncond: number }; truncated: { cond: number; uncond: number } };
  times: StageTimes;
  /** GPU→CPU readbacks inside the denoising loop other than previews (0 by design) and previews. */
  readbacksInLoop: number;
  previewReadbacks: number;
  /** Readbacks of the whole edit (the result image, plus previews). */
  readbacks: number;
  gpu: string;
  dtype: 'fp16' | 'fp32';
}

export interface EditResult {
  /** RGBA8 of the whole canvas. */
  image: { data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number };
  bitmap?: ImageBitmap;
  meta: EditMeta;
}
