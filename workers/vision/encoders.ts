// The transformers.js models of the vision worker, each loaded on first use and disposable:
// CLIP ViT-L/14 vision (image embedding + hidden states) and text (text embeddings), the FLAN-T5-base
// encoder alone (instruction features), and CLIPSeg (text-prompted maps). Images are stretched to the
// model's square input, never centre-cropped: the 16 × 16 patch grid and CLIPSeg's map then cover
// the whole image, so they map back onto it by plain scaling.
import {
  AutoProcessor,
  AutoTokenizer,
  CLIPSegForImageSegmentation,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  PreTrainedModel,
  type PreTrainedTokenizer,
  type Processor,
  type Tensor,
} from '@huggingface/transformers';
import { MANIFEST, type Dtype, type Role, variantFor } from '../../models/manifest.ts';
import { type SourceImage, toRawImageExact } from './source-image.ts';
import { deviceCaps, loadWithFallback } from './transformers-env.ts';
import { loadingFiles } from '../runtime/load-failure.ts';

type Disposable = { dispose(): Promise<unknown> };

/** A model (or tokenizer, processor) made on first use; `release` disposes it and the next use makes it again. */
export class Lazy<T> {
  #value: Promise<T> | null = null;
  constructor(private readonly make: () => Promise<T>) {}
  get(): Promise<T> {
    this.#value ??= this.make();
    this.#value.catch(() => (this.#value = null));
    return this.#value;
  }
  get loaded(): boolean {
    return this.#value !== null;
  }
  async release(): Promise<void> {
    const v = this.#value;
    this.#value = null;
    const model = (await v?.catch(() => null)) as Partial<Disposable> | null | undefined;
    await model?.dispose?.();
  }
}

export interface EncoderOptions {
  device: 'webgpu' | 'wasm';
  /** `device` was picked automatically: a WebGPU load failure falls back to wasm. */
  automatic?: boolean;
  /** Per-role device overrides (e.g. the small encoders on wasm). */
  devices?: Partial<Record<Role, 'webgpu' | 'wasm'>>;
  /** Per role; default: the manifest's pick for this device. */
  dtypes?: Partial<Record<Role, Dtype>>;
}

export interface Hidden {
  data: Float32Array;
  dims: number[];
}

const f32 = (t: Tensor) => t.data as Float32Array;

export class Encoders {
  readonly clipVision: Lazy<{ model: PreTrainedModel; processor: Processor }>;
  readonly clipText: Lazy<{ model: PreTrainedModel; tokenizer: PreTrainedTokenizer }>;
  readonly t5: Lazy<{ model: PreTrainedModel; tokenizer: PreTrainedTokenizer }>;
  readonly clipseg: Lazy<{ model: PreTrainedModel; tokenizer: PreTrainedTokenizer; processor: Processor }>;

  /** Where each loaded model runs (after any WebGPU → wasm fallback). */
  readonly placed: Partial<Record<Role, 'webgpu' | 'wasm'>> = {};

  constructor(private readonly options: EncoderOptions) {
    /** from_pretrained on the role's device, falling back to wasm when an automatic WebGPU choice fails. */
    const load = async <M>(role: Role, make: (o: { device: 'webgpu' | 'wasm'; dtype: Dtype }) => Promise<M>): Promise<M> => {
      const dtype = await this.dtype(role);
      const r = await loadWithFallback(options.devices?.[role] ?? options.device, !options.devices?.[role] && !!options.automatic, (device) => make({ device, dtype }));
      if (r.fallback) console.warn(`${role}: ${r.fallback}`);
      this.placed[role] = r.device;
      return r.value;
    };
    const pair = <M>(model: Promise<M>, other: Promise<unknown>) => Promise.all([model, other]);
    this.clipVision = new Lazy(() => loadingFiles('clip-vision', async () => {
      const [model, processor] = await pair(load('clip-vision', (o) => CLIPVisionModelWithProjection.from_pretrained(MANIFEST['clip-vision'].id, o)), AutoProcessor.from_pretrained(MANIFEST['clip-vision'].id));
      return { model, processor: processor as Processor, dispose: () => model.dispose() };
    }));
    this.clipText = new Lazy(() => loadingFiles('clip-text', async () => {
      const [model, tokenizer] = await pair(load('clip-text', (o) => CLIPTextModelWithProjection.from_pretrained(MANIFEST['clip-text'].id, o)), AutoTokenizer.from_pretrained(MANIFEST['clip-text'].id));
      return { model, tokenizer: tokenizer as PreTrainedTokenizer, dispose: () => model.dispose() };
    }));
    this.t5 = new Lazy(() => loadingFiles('t5-encoder', async () => {
      const id = MANIFEST['t5-encoder'].id;
      const [model, tokenizer] = await pair(load('t5-encoder', (o) => PreTrainedModel.from_pretrained(id, { ...o, model_file_name: 'encoder_model' })), AutoTokenizer.from_pretrained(id));
      return { model, tokenizer: tokenizer as PreTrainedTokenizer, dispose: () => model.dispose() };
    }));
    this.clipseg = new Lazy(() => loadingFiles('clipseg', async () => {
      const id = MANIFEST.clipseg.id;
      const [model, tokenizer, processor] = await Promise.all([load('clipseg', (o) => CLIPSegForImageSegmentation.from_pretrained(id, o)), AutoTokenizer.from_pretrained(id), AutoProcessor.from_pretrained(id)]);
      return { model, tokenizer, processor, dispose: () => model.dispose() };
    }));
  }

  async dtype(role: Role): Promise<Dtype> {
    return this.options.dtypes?.[role] ?? variantFor(role, { shaderF16: (await deviceCaps()).shaderF16 });
  }

  /** CLIP image embedding [768] and, where the export declares it, the hidden states [1, 257, 1024] (CLS first). */
  async image(image: SourceImage): Promise<{ imageEmbeds: Float32Array; hidden: Hidden | null }> {
    const { model, processor } = await this.clipVision.get();
    const out = await model(await processor(toRawImageExact(image, 224, 224)));
    const hidden = out.last_hidden_state as Tensor | undefined;
    return { imageEmbeds: f32(out.image_embeds).slice(), hidden: hidden ? { data: f32(hidden), dims: [...hidden.dims] } : null };
  }

  /** Output names of the loaded CLIP vision session (to tell what the export can give). */
  async visionOutputs(): Promise<string[]> {
    const { model } = await this.clipVision.get();
    const session = Object.values(model.sessions)[0] as { outputNames: string[] };
    return [...session.outputNames];
  }

  /** CLIP text embeddings [768] per text (as the export gives them: projected, not normalised). */
  async text(texts: string[]): Promise<Float32Array[]> {
    const { model, tokenizer } = await this.clipText.get();
    const inputs = tokenizer(texts, { padding: true, truncation: true, max_length: 77 });
    const embeds = (await model(inputs)).text_embeds as Tensor;
    const d = embeds.dims[1];
    return texts.map((_, i) => f32(embeds).slice(i * d, (i + 1) * d));
  }

  /** FLAN-T5 encoder states [L, 768] of the instruction, with the attention mask the region head reads. */
  async instruction(text: string): Promise<{ features: Float32Array; length: number; mask: BigInt64Array }> {
    const { model, tokenizer } = await this.t5.get();
    const inputs = tokenizer(text, { truncation: true, max_length: 128 });
    const hidden = (await model(inputs)).last_hidden_state as Tensor;
    return { features: f32(hidden).slice(), length: hidden.dims[1], mask: (inputs.attention_mask as Tensor).data as BigInt64Array };
  }

  /** CLIPSeg probabilities (sigmoid of the logits) for one phrase, over the whole image stretched to the model's input. */
  async clipsegMap(image: SourceImage, phrase: string): Promise<{ data: Float32Array; width: number; height: number }> {
    const { model, tokenizer, processor } = await this.clipseg.get();
    const text = tokenizer([phrase], { padding: true, truncation: true, max_length: 77 });
    const size = (processor as unknown as { image_processor: { config: { size?: { height?: number; width?: number } } } }).image_processor.config.size;
    const pixels = await processor(toRawImageExact(image, size?.width ?? 352, size?.height ?? 352));
    const logits = (await model({ ...text, ...pixels })).logits as Tensor;
    const [height, width] = logits.dims.slice(-2);
    return { data: f32(logits).slice(0, width * height).map((z) => 1 / (1 + Math.exp(-z))), width, height };
  }

  async release(): Promise<void> {
    await Promise.all([this.clipVision.release(), this.clipText.release(), this.t5.release(), this.clipseg.release()]);
    for (const role of Object.keys(this.placed) as Role[]) delete this.placed[role];
  }
}
