// The Qwen2-VL planner: one lazily loaded model + processor, greedy bounded generation with the
// tokens streamed to the caller, and the answer parsed into an EditPlan. `release()` disposes the
// sessions (the VLM is the largest model resident); the next call loads them again.
import {
  AutoProcessor,
  Qwen2VLForConditionalGeneration,
  StoppingCriteria,
  TextStreamer,
  type Processor,
  type Tensor,
} from '@huggingface/transformers';
import { MANIFEST, type Dtype, variantFor } from '../../models/manifest.ts';
import { type SourceImage, toRawImage } from '../vision/source-image.ts';
import { deviceCaps, loadWithFallback, pickDevice } from '../vision/transformers-env.ts';
import { parsePlan, plainText, sentences } from './parse.ts';
import { type ChatMessage, describeMessages, planMessages } from './prompt.ts';
import type { EditPlan, Turn } from './types.ts';
import { loadingFiles } from '../runtime/load-failure.ts';

export interface PlannerOptions {
  modelId?: string;
  /** Default: the manifest's pick for this device (q4f16 with shader-f16, else q4). */
  dtype?: Dtype;
  device?: 'webgpu' | 'wasm' | 'auto';
  /** Generation bounds. */
  maxNewTokens?: { plan?: number; describe?: number };
  /** The image is scaled to this longer side before the processor (Qwen2-VL: (side/28)² image tokens). */
  maxImageSide?: number;
  /** Earlier turns kept in the prompt. */
  maxTurns?: number;
  /**
   * A shared flag (Int32Array over a SharedArrayBuffer, cross-origin isolated pages): the client sets
   * element 0 to 1 to cancel. A message would wait behind a generation whose steps never yield.
   */
  cancelFlag?: Int32Array;
}

/** Stops every sequence once cancel() ran or the shared flag is set. */
class CancelCriteria extends StoppingCriteria {
  interrupted = false;
  constructor(private readonly flag: Int32Array | undefined) {
    super();
  }
  override _call(ids: number[][]): boolean[] {
    if (this.flag && Atomics.load(this.flag, 0) === 1) this.interrupted = true;
    return ids.map(() => this.interrupted);
  }
  reset(): void {
    this.interrupted = false;
    if (this.flag) Atomics.store(this.flag, 0, 0);
  }
}

/** A piece of streamed output: `text` is new decoded text (may be ''), `tokens` the count generated so far. */
export interface StreamEvent {
  text: string;
  tokens: number;
}
export type StreamCallback = (event: StreamEvent) => void;

export interface Generation {
  /** The whole decoded answer. */
  answer: string;
  /** The prompt as the model saw it (chat template applied; image tokens not yet expanded). */
  prompt: string;
  tokens: number;
  /** eos: the model ended; length: max_new_tokens reached; cancelled: cancel() was called. */
  stopped: 'eos' | 'length' | 'cancelled';
  ms: { load: number; generate: number };
}

export interface PlanResult extends Generation {
  plan: EditPlan;
}
export interface DescribeResult extends Generation {
  description: string;
}

const DEFAULTS = { plan: 384, describe: 80, maxImageSide: 448, maxTurns: 4 };

type Loaded = { model: Qwen2VLForConditionalGeneration; processor: Processor; device: string; dtype: Dtype };

export class Planner {
  readonly #options: PlannerOptions;
  #loaded: Promise<Loaded> | null = null;
  readonly #stop: CancelCriteria;
  #busy: Promise<unknown> = Promise.resolve();

  constructor(options: PlannerOptions = {}) {
    this.#options = options;
    this.#stop = new CancelCriteria(options.cancelFlag);
  }

  get loaded(): boolean {
    return this.#loaded !== null;
  }

  /** Loads the model if needed; returns where it runs. */
  async load(): Promise<{ device: string; dtype: Dtype; ms: number }> {
    const t0 = performance.now();
    const l = await this.#load();
    return { device: l.device, dtype: l.dtype, ms: performance.now() - t0 };
  }

  #load(): Promise<Loaded> {
    this.#loaded ??= loadingFiles('vlm', async () => {
      const id = this.#options.modelId ?? MANIFEST.vlm.id;
      const wanted = await pickDevice(this.#options.device);
      const dtype = this.#options.dtype ?? variantFor('vlm', { shaderF16: (await deviceCaps()).shaderF16 });
      const [processor, loaded] = await Promise.all([
        AutoProcessor.from_pretrained(id),
        loadWithFallback(wanted, (this.#options.device ?? 'auto') === 'auto', (device) => Qwen2VLForConditionalGeneration.from_pretrained(id, { dtype, device }) as Promise<Qwen2VLForConditionalGeneration>),
      ]);
      if (loaded.fallback) console.warn(`Qwen2-VL: ${loaded.fallback}`);
      return { model: loaded.value, processor, device: loaded.device, dtype };
    });
    this.#loaded.catch(() => (this.#loaded = null));
    return this.#loaded;
  }

  /** A description of the image (seed 002's source caption). */
  async describe(image: SourceImage, onStream?: StreamCallback): Promise<DescribeResult> {
    const g = await this.#generate(image, describeMessages(), this.#options.maxNewTokens?.describe ?? DEFAULTS.describe, onStream);
    return { ...g, description: sentences(plainText(g.answer, 400), 2) };
  }

  /** The edit plan for an instruction on the image as it is now, with the earlier turns as context. */
  async plan(image: SourceImage, instruction: string, previous: readonly Turn[] = [], options: { sourceDescription?: string; onStream?: StreamCallback } = {}): Promise<PlanResult> {
    const messages = planMessages(instruction, previous, { maxTurns: this.#options.maxTurns ?? DEFAULTS.maxTurns, sourceDescription: options.sourceDescription });
    const g = await this.#generate(image, messages, this.#options.maxNewTokens?.plan ?? DEFAULTS.plan, options.onStream);
    const plan = parsePlan(g.answer, { instruction, previous, imageSize: { width: image.width, height: image.height } });
    if (g.stopped === 'length') plan.notes.push('generation stopped at max_new_tokens');
    return { ...g, plan };
  }

  /** Stops the running generation after its current token. */
  cancel(): void {
    this.#stop.interrupted = true;
  }

  /** Disposes the sessions; the next describe/plan loads them again. */
  async release(): Promise<void> {
    const loading = this.#loaded;
    this.#loaded = null;
    await this.#busy.catch(() => {});
    const l = await loading?.catch(() => null);
    await l?.model.dispose();
  }

  /** One generation at a time: ORT refuses concurrent runs on a session. */
  #generate(image: SourceImage, messages: ChatMessage[], maxNewTokens: number, onStream?: StreamCallback): Promise<Generation> {
    const run = this.#busy.catch(() => {}).then(() => this.#generateNow(image, messages, maxNewTokens, onStream));
    this.#busy = run;
    return run;
  }

  async #generateNow(image: SourceImage, messages: ChatMessage[], maxNewTokens: number, onStream?: StreamCallback): Promise<Generation> {
    const t0 = performance.now();
    const { model, processor } = await this.#load();
    const t1 = performance.now();
    const prompt = processor.apply_chat_template(messages as never, { add_generation_prompt: true }) as string;
    const raw = toRawImage(image, this.#options.maxImageSide ?? DEFAULTS.maxImageSide);
    const inputs = await processor(prompt, raw);
    const promptLength = (inputs.input_ids as Tensor).dims[1];
    let tokens = 0;
    const streamer = new TextStreamer(processor.tokenizer!, {
      skip_prompt: true,
      skip_special_tokens: true,
      callback_function: (text: string) => onStream?.({ text, tokens }),
      token_callback_function: (ids: bigint[]) => {
        tokens += ids.length;
        onStream?.({ text: '', tokens });
      },
    });
    this.#stop.reset();
    const out = (await model.generate({ ...inputs, max_new_tokens: maxNewTokens, do_sample: false, streamer, stopping_criteria: [this.#stop] })) as Tensor;
    const ids = (out.tolist() as bigint[][])[0].slice(promptLength);
    const answer = processor.tokenizer!.decode(ids, { skip_special_tokens: true });
    const eos = ([] as unknown[]).concat(model.generation_config?.eos_token_id ?? (model.config as { eos_token_id?: unknown }).eos_token_id ?? []).map(Number);
    const stopped = this.#stop.interrupted ? 'cancelled' : eos.includes(Number(ids.at(-1))) ? 'eos' : 'length';
    return { answer, prompt, tokens: ids.length, stopped, ms: { load: t1 - t0, generate: performance.now() - t1 } };
  }
}
