import { DiffusionWorker, type DiffusionEvent, type EditMeta, type EditResult, type EngineConfig, type Extend, type MaskImage, type Rect, type RgbaImage } from '../../../workers/diffusion/client.ts';
import { cropRgba, extendCanvas, pasteBox } from '../../../workers/diffusion/images.ts';
import { failedRole } from '../../../workers/runtime/load-failure.ts';
import type { Role } from '../../../models/manifest.ts';

/** The settings drawer: what the person chose for the next generation. */
export interface GenerateSettings {
  /** DDIM steps. */
  steps: number;
  /** Classifier-free guidance scale. */
  guidanceScale: number;
  /** The seed of the first variant; variant i uses seed + i. */
  seed: number;
  /** Locked: the next Generate reuses `seed` (same settings → same pixels). Unlocked: a new seed each time. */
  seedLocked: boolean;
  /** Share of the schedule that runs from the noised source (1: from pure noise inside the region). */
  strength: number;
  /** Match the new pixels' brightness and contrast to their surroundings (LLMGA), per kind of edit. */
  harmonise: { inpaint: boolean; outpaint: boolean };
  /** How many results to make and choose from (1…4). */
  variants: number;
  /** Show the latents decoded roughly while they denoise. */
  previews: boolean;
  /** What the result must not show. */
  negativePrompt: string;
}

export const DEFAULT_SETTINGS: GenerateSettings = {
  steps: 20,
  guidanceScale: 7.5,
  seed: 0,
  seedLocked: false,
  strength: 1,
  harmonise: { inpaint: false, outpaint: true },
  variants: 1,
  previews: true,
  negativePrompt: '',
};

/** Seeds the person can read and type: below 2^31. */
export const randomSeed = (): number => crypto.getRandomValues(new Uint32Array(1))[0] >>> 1;

export type GenerationJob =
  | { kind: 'inpaint'; image: RgbaImage; mask: MaskImage }
  | { kind: 'outpaint'; image: RgbaImage; extend: Extend }
  | { kind: 'generate'; width: number; height: number };

/**
 * One finished result waiting to be kept or discarded. Only the box the edit ran on is kept
 * (`patch`): everything outside it is the original image, byte for byte, so four variants of a
 * 24-MP photo cost four small boxes, not four full copies. `compose` rebuilds the whole canvas.
 */
export interface Candidate {
  seed: number;
  /** RGBA8 of `box`. */
  patch: Uint8ClampedArray<ArrayBuffer>;
  /** Where the patch goes on the result's canvas. */
  box: Rect;
  /** The result's size (the extended canvas for outpainting). */
  canvas: { width: number; height: number };
  /**
   * For the screen: the patch alone for inpainting (drawn over the image at `box`), the whole
   * result otherwise (its canvas differs from the image).
   */
  bitmap: ImageBitmap;
  /** True when `bitmap` is the patch only. */
  overlay: boolean;
  meta: EditMeta;
}

export interface GenerationProgress {
  /** 1-based. */
  variant: number;
  variants: number;
  step: number;
  total: number;
  /** Milliseconds left for this variant; 0 while unknown. */
  eta: number;
}

/** A rough look at the region being generated, placed over the canvas. */
export interface LivePreview {
  bitmap: ImageBitmap;
  box: { x: number; y: number; width: number; height: number };
  canvas: { width: number; height: number };
}

/** Prompts longer than CLIP's window are split into chunks; more than this many is too long to be useful. */
const MAX_PROMPT_CHUNKS = 4;

/**
 * The generation side of the editor: owns the diffusion worker, the settings, the running job's
 * progress and live preview, and the results (variants) until the person keeps one.
 */
export class Generation {
  settings = $state<GenerateSettings>(structuredClone(DEFAULT_SETTINGS));
  progress = $state.raw<GenerationProgress | null>(null);
  live = $state.raw<LivePreview | null>(null);
  /** Results of the last run, in the order they finished. */
  candidates = $state.raw<Candidate[]>([]);
  /** Index into `candidates` of the one on screen. */
  selected = $state(0);
  /** The kind of the candidates' job (outpaint results are larger than the image). */
  kind = $state<GenerationJob['kind'] | null>(null);

  #worker: DiffusionWorker | null = null;
  /** Told when the worker could not load the model from its stored files (the Models dialog marks it damaged). */
  onloadfailure: ((role: Role, reason: string) => void) | null = null;
  #config: EngineConfig | null = null;
  #controller: AbortController | null = null;
  /** Which variant is denoising; bumped when one starts and when it ends, so late previews are dropped. */
  #variant = 0;

  constructor(private readonly create: (config: EngineConfig) => DiffusionWorker = (c) => new DiffusionWorker(c)) {
    this.settings.seed = randomSeed();
  }

  /** True from `run` until it settles. */
  running = $state(false);

  get current(): Candidate | null {
    return this.candidates[this.selected] ?? null;
  }

  /** Where the models come from; a change restarts the worker on the next run. True when a running worker (and its models) was dropped. */
  configure(config: EngineConfig): boolean {
    if (JSON.stringify(config) === JSON.stringify(this.#config)) return false;
    const had = this.#worker !== null;
    this.#worker?.dispose();
    this.#worker = null;
    this.#config = config;
    return had;
  }

  /** A new random seed (the dice). */
  roll(): void {
    this.settings.seed = randomSeed();
  }

  /**
   * Runs `job` once per variant (seeds seed, seed + 1, …). Results become candidates as they
   * finish; a cancel keeps the ones already finished and resolves with them. Rejects on a cancel
   * before any finished (AbortError) and on any other failure (finished variants stay candidates).
   */
  async run(job: GenerationJob, prompt: string): Promise<Candidate[]> {
    if (!this.#config) throw new Error('Choose where the AI models come from first (Models).');
    if (this.#controller) throw new Error('A generation is already running.');
    this.discard();
    const s = $state.snapshot(this.settings);
    if (!s.seedLocked) this.settings.seed = s.seed = randomSeed();
    const variants = Math.min(4, Math.max(1, Math.round(s.variants)));
    const controller = new AbortController();
    this.#controller = controller;
    this.running = true;
    this.kind = job.kind;
    try {
      this.#worker ??= this.create(this.#config);
      const worker = this.#worker;
      for (let v = 0; v < variants; v++) {
        const seed = (s.seed + v) % 2 ** 31;
        this.progress = { variant: v + 1, variants, step: 0, total: s.steps, eta: 0 };
        let result: EditResult;
        const variant = ++this.#variant;
        try {
          result = await this.#runOne(worker, job, prompt, s, seed, controller.signal, variant, (e) => {
            this.progress = { variant: v + 1, variants, step: e.step, total: e.total, eta: e.eta + (variants - v - 1) * (e.elapsed + e.eta) };
          });
        } catch (e) {
          if (this.candidates.length > 0 && isAbort(e)) break;
          const role = failedRole(e);
          if (role) this.onloadfailure?.(role, (e as Error).message);
          throw e;
        } finally {
          this.#variant++;
        }
        this.candidates = [...this.candidates, await candidateOf(job.kind, seed, result)];
        this.#setLive(null);
      }
      return this.candidates;
    } finally {
      this.progress = null;
      this.#setLive(null);
      this.#controller = null;
      this.running = false;
    }
  }

  async #runOne(
    worker: DiffusionWorker,
    job: GenerationJob,
    prompt: string,
    s: GenerateSettings,
    seed: number,
    signal: AbortSignal,
    variant: number,
    onStep: (e: { step: number; total: number; eta: number; elapsed: number }) => void,
  ): Promise<EditResult> {
    const common = {
      prompt,
      negativePrompt: s.negativePrompt,
      steps: s.steps,
      guidanceScale: s.guidanceScale,
      seed,
      maxChunks: MAX_PROMPT_CHUNKS,
      previewEvery: s.previews ? Math.max(1, Math.round(s.steps / 10)) : 0,
      // Inpainting shows the patch over the image; the other kinds need the whole result on screen.
      output: job.kind === 'inpaint' ? ('rgba' as const) : ('bitmap' as const),
    };
    const options = {
      signal,
      onEvent: (e: DiffusionEvent) => {
        if (e.type === 'step') onStep(e);
        else if (e.type === 'preview' && !signal.aborted) void this.#preview(e, signal, variant);
      },
    };
    // The job's pixels are structured-cloned into the worker, so the job stays usable for the next variant.
    if (job.kind === 'inpaint')
      return worker.inpaint({ ...common, image: job.image, mask: job.mask, strength: s.strength, harmonise: s.harmonise.inpaint }, options);
    if (job.kind === 'outpaint') return worker.outpaint({ ...common, image: job.image, extend: job.extend, harmonise: s.harmonise.outpaint }, options);
    return worker.generate({ ...common, width: job.width, height: job.height }, options);
  }

  async #preview(e: { width: number; height: number; rgba: Uint8ClampedArray; box: LivePreview['box']; canvas: LivePreview['canvas'] }, signal: AbortSignal, variant: number): Promise<void> {
    const bitmap = await createImageBitmap(new ImageData(new Uint8ClampedArray(e.rgba), e.width, e.height));
    // Only the run (and variant) that sent it may show it: a late one from a finished or cancelled run is dropped.
    if (signal.aborted || this.#controller?.signal !== signal || this.#variant !== variant) {
      bitmap.close();
      return;
    }
    this.#setLive({ bitmap, box: e.box, canvas: e.canvas });
  }

  #setLive(live: LivePreview | null): void {
    this.live?.bitmap.close();
    this.live = live;
  }

  /** Stops the running job within a step; finished variants stay. */
  cancel(): void {
    this.#controller?.abort();
  }

  select(index: number): void {
    if (index >= 0 && index < this.candidates.length) this.selected = index;
  }

  /** Takes the candidate on screen out of the list (the caller keeps it); the rest are freed. */
  take(): Candidate | null {
    const chosen = this.current;
    for (const c of this.candidates) if (c !== chosen) c.bitmap.close();
    this.candidates = [];
    this.selected = 0;
    this.kind = null;
    return chosen;
  }

  /** Drops every candidate. */
  discard(): void {
    for (const c of this.candidates) c.bitmap.close();
    this.candidates = [];
    this.selected = 0;
    this.kind = null;
  }

  /** Frees the SD models' GPU memory (asked by the GPU plan before the VLM loads); they reload on the next run. */
  async release(): Promise<void> {
    await this.#worker?.release();
  }

  dispose(): void {
    this.cancel();
    this.discard();
    this.#setLive(null);
    this.#worker?.dispose();
    this.#worker = null;
    this.#config = null;
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** Keeps the box of a result (and a bitmap for the screen); the full canvas is dropped. */
async function candidateOf(kind: GenerationJob['kind'], seed: number, result: EditResult): Promise<Candidate> {
  const { image, meta } = result;
  const box = meta.box;
  const patch = new Uint8ClampedArray(cropRgba(image, box).buffer as ArrayBuffer);
  const overlay = kind === 'inpaint';
  const bitmap = overlay
    ? await createImageBitmap(new ImageData(patch, box.width, box.height))
    : (result.bitmap ?? (await createImageBitmap(new ImageData(image.data, image.width, image.height))));
  if (overlay) result.bitmap?.close();
  return { seed, patch, box, canvas: { width: image.width, height: image.height }, bitmap, overlay, meta };
}

/**
 * The whole result of a candidate: `base` is the image the job ran on (null for text to image),
 * `extend` the outpainting extension. Outside the box these are the bytes the diffusion worker
 * started from, so this equals the canvas it returned.
 */
export function composeCandidate(c: Candidate, base: RgbaImage | null, extend?: Extend): RgbaImage & { data: Uint8ClampedArray<ArrayBuffer> } {
  const canvas = base ? (extend ? extendCanvas(base, extend) : base) : { data: new Uint8ClampedArray(c.canvas.width * c.canvas.height * 4), ...c.canvas };
  if (canvas.width !== c.canvas.width || canvas.height !== c.canvas.height) throw new Error(`The image is ${canvas.width}×${canvas.height}; the result is ${c.canvas.width}×${c.canvas.height}.`);
  return { data: pasteBox(canvas, new Uint8Array(c.patch.buffer), c.box), width: canvas.width, height: canvas.height };
}
