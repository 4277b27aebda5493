import type { Project } from '../history/index.ts';
import type { Params, StepImage } from '../history/types.ts';
import type { Displayed, ImageWorker } from '../image/image-worker.ts';
import type { Notices } from '../ui/notices.svelte.ts';
import type { ViewportState } from '../viewport/viewport.svelte.ts';
import type { Adjustments } from '../../../workers/kernels/adjust-params.ts';
import type { Extend } from '../../../workers/diffusion/client.ts';
import type { EditPlan } from '../../../workers/language/types.ts';
import { Assistant } from './assistant.svelte.ts';
import { composeCandidate, Generation, type GenerationJob } from './generation.svelte.ts';
import { MaskEditor } from './mask-editor.svelte.ts';
import { ExtendTool, fitExtended } from './extend-tool.svelte.ts';
import { clampExtend, extendFromPlan, isExtended } from './extend.ts';
import { maskToPng } from './mask-codec.ts';
import { GpuPlan } from './gpu-plan.ts';

/** Longest side of the copy the models read. */
const ANALYSIS_SIDE = 1024;

/**
 * What the AI edit flow uses of the editor: the shared one-at-a-time task runner, the image on
 * screen, the image worker, the project and the hand tools it closes or opens.
 */
export interface EditorCore {
  readonly project: Project;
  readonly viewport: ViewportState;
  readonly notices: Notices;
  readonly worker: ImageWorker;
  /** The current entry's pixels on screen. */
  readonly bitmap: ImageBitmap | null;
  /** What the editor is doing right now; null when idle. */
  readonly busy: string | null;
  /** Runs one operation at a time and turns failures into messages. */
  task(label: string, run: () => Promise<void>): Promise<void>;
  /** Turns a failure into a message. */
  report(e: unknown, label: string): void;
  /** Puts a new current image on screen (closing the region, extend tool and compare). */
  show(shown: Displayed, image: StepImage | null, refit: boolean): void;
  /** Frees a result whose save failed and puts the worker back on the current image. */
  discard(result: Displayed): Promise<void>;
  cancelAdjust(): void;
  cancelCrop(): void;
  startAdjust(initial: Partial<Adjustments>): void;
  refreshStorage(): Promise<void>;
  /** A generation finished on the GPU: a notice that the device was lost is out of date. */
  gpuWorked(): void;
}

/**
 * The AI edits: instructions planned by the language worker, regions repainted (inpainting), the
 * canvas extended (outpainting), pictures made from text, results waiting to be kept, before/after.
 * Owns the assistant, the generation, the region's mask editor, the extend tool and the compare bitmap.
 */
export class AiEdits {
  /**
   * The one GPU memory plan of the three model workers: every model stage runs through it, and it
   * alone asks the workers to release (budget and stage sizes: `gpu.configure`, from the page).
   */
  readonly gpu: GpuPlan = new GpuPlan({
    workers: {
      language: { release: () => this.assistant.releaseLanguage() },
      vision: { release: () => this.assistant.releaseVision() },
      diffusion: { release: () => this.generation.release() },
    },
  });
  /** The instruction side: conversation, plans, masks. */
  readonly assistant = new Assistant(this.gpu);
  /**
   * The region an edit will repaint, open for correction with the brush: found by a local plan (its
   * method named) or painted by hand; the prompt says what should be there.
   */
  region = $state<RegionEdit | null>(null);
  /** Non-null while the canvas-extension tool is open. */
  extending = $state.raw<ExtendTool | null>(null);
  /** What the new area should show. */
  extendPrompt = $state('');

  /** The diffusion side: settings, progress, live preview, results waiting to be kept. */
  readonly generation = new Generation();
  /** What a kept result is recorded as. */
  #pending: { op: 'inpaint' | 'outpaint' | 'generate'; instruction?: string; prompt: string; method?: string; extend?: Extend; mask?: Blob | null } | null = null;
  /** Before/after compare: `before` drawn left of `split`; `at` places it when sizes differ (outpaint). */
  compare = $state.raw<{ before: ImageBitmap; split: number; owned: boolean; at?: { x: number; y: number; width: number; height: number } } | null>(null);

  readonly #core: EditorCore;

  constructor(core: EditorCore) {
    this.#core = core;
  }

  /** Whether generated results wait to be kept or discarded (other work waits until then). */
  get waiting(): boolean {
    return this.generation.candidates.length > 0;
  }

  /**
   * Runs an instruction: the language worker plans it; a global plan opens the adjustments
   * prefilled, a local one shows the region the vision worker found.
   */
  #conversationOf: string | null = null;

  /** Shows the saved conversation of the open project when the project changes (open, load, close, restore). */
  async projectChanged(id: string | null): Promise<void> {
    if (id === this.#conversationOf) return;
    this.#conversationOf = id;
    if (this.assistant.running) await this.assistant.cancel();
    await this.assistant.load(id);
  }

  async instruct(text: string): Promise<void> {
    const core = this.#core;
    const instruction = text.trim();
    if (!instruction || this.assistant.running) return;
    if (this.generation.candidates.length) {
      core.notices.info('Keep or discard the generated result first', 'Keep (Enter) adds it to the history; Discard (Esc) leaves the image as it was.');
      return;
    }
    if (!core.bitmap) {
      core.notices.info('Open an image first', 'Instructions edit the open image.');
      return;
    }
    let image: ImageBitmap | null = null;
    try {
      image = await core.worker.analysisCopy(ANALYSIS_SIDE);
      const turn = await this.assistant.submit(instruction, image);
      const projectId = core.project.id;
      if (projectId) void this.assistant.save(projectId);
      if (turn.status === 'failed') core.notices.error('The instruction could not be run', turn.error);
      const plan = turn.plan;
      if (!plan) return;
      this.#setRegion(null);
      if (plan.kind === 'global') core.startAdjust(plan.adjust);
      else if (plan.kind === 'outpaint' && core.bitmap) {
        this.startExtend(extendFromPlan({ width: core.bitmap.width, height: core.bitmap.height }, plan.outpaint), promptOf(plan));
      } else if (plan.kind === 'generate') {
        const prompt = promptOf(plan);
        core.notices.show('info', 'This asks for a new picture', 'Create makes one from the description as the next step of this project; Undo returns to the photo.', [
          { label: 'Create', run: () => this.createImage(prompt, { width: 512, height: 512 }) },
        ]);
      } else if (plan.kind === 'local' && turn.mask?.mask && !turn.mask.empty && core.bitmap) {
        const size = { width: core.bitmap.width, height: core.bitmap.height };
        this.#setRegion({ mask: new MaskEditor(turn.mask.mask, size), method: turn.mask.method ?? 'unknown', instruction: turn.instruction, prompt: promptOf(plan) });
      } else if (turn.mask?.empty) core.notices.info(`Could not find “${turn.mask.phrase}” in the image`, 'Try naming it differently, or paint the region with the brush (Mask).');
    } catch (e) {
      core.report(e, 'Instruction');
    } finally {
      image?.close();
    }
  }

  /** Opens the canvas-extension tool (edge handles, presets), optionally prefilled by a plan. */
  startExtend(initial: Partial<Extend> = {}, prompt = ''): void {
    const { bitmap, viewport } = this.#core;
    if (!bitmap || this.#core.busy) return;
    this.#core.cancelAdjust();
    this.#core.cancelCrop();
    this.#setRegion(null);
    const image = { width: bitmap.width, height: bitmap.height };
    this.extending?.dispose();
    this.extending = new ExtendTool(image, initial);
    this.extendPrompt = prompt;
    // Room around the image for the handles and the new area.
    const room = clampExtend(image, { left: image.width / 4, right: image.width / 4, top: image.height / 4, bottom: image.height / 4 });
    viewport.fitting = false;
    viewport.view = fitExtended(viewport, image, isExtended(this.extending.extend) ? this.extending.extend : room);
  }

  cancelExtend(): void {
    if (!this.extending) return;
    this.extending.dispose();
    this.extending = null;
    this.#core.viewport.fit();
  }

  /** Generates the area the extension tool adds. */
  async applyExtend(): Promise<void> {
    const tool = this.extending;
    if (!tool || !isExtended(tool.extend)) return;
    const prompt = this.extendPrompt.trim() || 'a seamless continuation of the image';
    await this.extendCanvas({ ...tool.extend }, prompt, this.extendPrompt.trim() || undefined);
    // The tool stays open after a failure or cancel, so the person can try again.
    if (this.generation.candidates.length) {
      tool.dispose();
      if (this.extending === tool) this.extending = null;
    }
  }

  /** Opens the brush on an empty mask, to paint the region to repaint by hand. */
  startMask(): void {
    const bitmap = this.#core.bitmap;
    if (!bitmap || this.#core.busy) return;
    this.#core.cancelAdjust();
    this.#core.cancelCrop();
    this.#setRegion({ mask: MaskEditor.blank({ width: bitmap.width, height: bitmap.height }), method: 'brush', prompt: '' });
  }

  /**
   * Repaints the region with SD1.5 inpainting at full resolution, pasted back. The results (1–4
   * variants) wait on screen until the person keeps one.
   */
  async generate(): Promise<void> {
    const region = this.region;
    if (!region) return;
    const prompt = region.prompt.trim();
    if (!prompt) {
      this.#core.notices.info('Say what should be in the region', 'Describe it in the box above Generate.');
      return;
    }
    if (region.mask.coverage <= 0) {
      this.#core.notices.info('The mask is empty', 'Paint over the part of the image to change.');
      return;
    }
    const plane = region.mask.snapshotPlane();
    const method = region.mask.edited ? `${region.method}+brush` : region.method;
    await this.#generate('Generating', async () => {
      const worker = this.#core.worker;
      const [image, fullMask, png] = await Promise.all([worker.pixels(), worker.maskAtImageSize(plane), maskToPng(plane)]);
      this.#pending = { op: 'inpaint', instruction: region.instruction, prompt, method, mask: png };
      return { job: { kind: 'inpaint', image, mask: fullMask }, prompt };
    });
  }

  /** Extends the canvas by `extend` pixels per side and fills the new area (outpainting). */
  async extendCanvas(extend: Extend, prompt: string, instruction?: string): Promise<void> {
    if (!this.#core.bitmap) return;
    await this.#generate('Extending', async () => {
      const image = await this.#core.worker.pixels();
      this.#pending = { op: 'outpaint', instruction, prompt, extend };
      return { job: { kind: 'outpaint', image, extend }, prompt };
    });
  }

  /** Text to image: a new picture from a prompt, opened as a new project when kept. */
  async createImage(prompt: string, size: { width: number; height: number }): Promise<void> {
    const text = prompt.trim();
    if (!text) return;
    await this.#generate('Creating', async () => {
      this.#pending = { op: 'generate', instruction: text, prompt: text };
      return { job: { kind: 'generate', ...size }, prompt: text };
    });
  }

  /** The running generation's latest preview, placed in the coordinates of what the viewport shows. */
  get live(): { bitmap: ImageBitmap; box: { x: number; y: number; width: number; height: number } } | null {
    const live = this.generation.live;
    const candidate = this.generation.current;
    // An inpainting result on screen is its patch drawn over the image.
    if (!live) return candidate?.overlay ? { bitmap: candidate.bitmap, box: candidate.box } : null;
    const extend = this.#pending?.extend;
    // Outpainting before its first result: the screen still shows the unextended image.
    if (extend && !this.generation.current) return { bitmap: live.bitmap, box: { ...live.box, x: live.box.x - extend.left, y: live.box.y - extend.top } };
    return { bitmap: live.bitmap, box: live.box };
  }

  /** What the viewport draws: a generated result waiting to be kept, else the current image. */
  get shown(): ImageBitmap | null {
    const candidate = this.generation.current;
    return candidate && !candidate.overlay ? candidate.bitmap : this.#core.bitmap;
  }

  /** Keeps the result on screen as a history entry (a new project for text to image). */
  async keepResult(): Promise<void> {
    const core = this.#core;
    const pending = this.#pending;
    if (!this.generation.current || !pending) return;
    this.stopCompare();
    await core.task('Keeping the result', async () => {
      const chosen = this.generation.take();
      this.#pending = null;
      if (!chosen) return;
      chosen.bitmap.close();
      // The whole result: the image the job ran on with the chosen patch pasted in.
      const base = pending.op === 'generate' ? null : await core.worker.pixels();
      // History stores an edit of an existing image as its box alone (extended first, for outpainting).
      const box = base ? { ...chosen.box } : undefined;
      const applied = await core.worker.adopt(composeCandidate(chosen, base, pending.extend), box);
      const m = chosen.meta;
      const params: Params = { prompt: pending.prompt, seed: m.seed, steps: m.settings.steps, guidance: m.settings.guidanceScale };
      if (m.settings.strength !== 1) params.strength = m.settings.strength;
      if (m.settings.harmonise) params.harmonise = m.settings.harmonise;
      if (pending.method) params.mask = pending.method;
      if (pending.extend) Object.assign(params, pending.extend);
      try {
        // The whole image is encoded only where history stores it whole.
        const whole = () => core.worker.encodeImage('image/png');
        if (pending.op === 'generate' && !core.bitmap) {
          await core.project.open({ name: nameFromPrompt(pending.prompt), original: await whole(), thumbnail: applied.thumbnail, width: applied.width, height: applied.height, params: { ...params, op: 'generate' } });
        } else {
          const mask = pending.mask ?? undefined;
          const extend = pending.extend && { left: pending.extend.left, top: pending.extend.top, right: pending.extend.right, bottom: pending.extend.bottom };
          const delta = applied.patch && box ? { patch: applied.patch, box, ...(extend ? { extend } : {}) } : undefined;
          await core.project.commit({ op: pending.op, params, instruction: pending.instruction, image: whole, delta, thumbnail: applied.thumbnail, width: applied.width, height: applied.height, mask });
        }
      } catch (e) {
        await core.discard(applied);
        throw e;
      }
      core.show(applied, core.project.image, pending.op !== 'inpaint');
    });
    void core.refreshStorage();
  }

  /** Drops the generated results; the image stays as it was. */
  discardResult(): void {
    if (!this.generation.candidates.length) return;
    this.stopCompare();
    const resized = this.generation.kind !== 'inpaint';
    this.generation.discard();
    this.#pending = null;
    const bitmap = this.#core.bitmap;
    if (resized) this.#core.viewport.setImage(bitmap && { width: bitmap.width, height: bitmap.height }, true);
  }

  /** Shows another of the variants. */
  selectResult(index: number): void {
    this.generation.select(index);
  }

  /** Stops a running generation within one step; finished variants stay to choose from. */
  cancelGenerate(): void {
    this.generation.cancel();
  }

  /** Before/after: the result waiting to be kept against the image, or the current entry against the one before it. */
  async startCompare(split = 0.5): Promise<void> {
    if (this.compare) {
      this.compare = { ...this.compare, split };
      return;
    }
    const { bitmap, project } = this.#core;
    const candidate = this.generation.current;
    if (candidate && bitmap) {
      const at = this.generation.kind === 'outpaint' ? this.#pending?.extend : undefined;
      this.compare = { before: bitmap, split, owned: false, at: at && { x: at.left, y: at.top, width: bitmap.width, height: bitmap.height } };
      return;
    }
    const cursor = project.cursor;
    const entry = project.current;
    if (cursor < 1 || !entry) return;
    const before = await this.#core.worker.renderImage(await project.imageAt(cursor - 1));
    if (project.cursor !== cursor) {
      before.close();
      return;
    }
    const p = entry.params;
    const at = entry.op === 'outpaint' ? { x: Number(p.left) || 0, y: Number(p.top) || 0, width: before.width, height: before.height } : undefined;
    this.compare = { before, split, owned: true, at };
  }

  setCompareSplit(split: number): void {
    if (this.compare) this.compare = { ...this.compare, split: Math.min(1, Math.max(0, split)) };
  }

  stopCompare(): void {
    if (this.compare?.owned) this.compare.before.close();
    this.compare = null;
  }

  /** Whether there is something to compare with: a result waiting, or an entry before the current one. */
  get canCompare(): boolean {
    return this.generation.candidates.length > 0 || this.#core.project.cursor > 0;
  }

  clearRegion(): void {
    this.#setRegion(null);
  }

  /** The image on screen is changing: closes the compare, the extend tool and the region. */
  closeTools(): void {
    this.stopCompare();
    this.extending?.dispose();
    this.extending = null;
    this.#setRegion(null);
  }

  dispose(): void {
    this.#setRegion(null);
    this.extending?.dispose();
    this.extending = null;
    this.assistant.dispose();
    this.stopCompare();
    this.generation.dispose();
    this.gpu.dropped('diffusion');
  }

  /** Runs a generation job: models configured, room made on the GPU by the plan, results left on screen as candidates. */
  async #generate(label: string, prepare: () => Promise<{ job: GenerationJob; prompt: string }>): Promise<void> {
    const config = this.assistant.config;
    if (!config) {
      this.#core.notices.info('Choose the AI models first', 'Open Models to download them once; then edits run offline.');
      return;
    }
    this.discardResult();
    this.#core.cancelAdjust();
    await this.#core.task(label, async () => {
      // The worker's own Residency keeps its default budget: it counts the real set's sizes even for the
      // test models, and the plan has already checked this stage against the page's budget.
      if (this.generation.configure({ ...config.models, working: config.working })) this.gpu.dropped('diffusion');
      const { job, prompt } = await prepare();
      try {
        // The plan releases what cannot stay beside SD (the planner, under a budget too small for both) before it loads.
        const results = await this.gpu.run('generate', () => this.generation.run(job, prompt));
        this.#core.gpuWorked();
        this.#setRegion(null);
        if (job.kind !== 'inpaint' && results[0]) this.#core.viewport.setImage(results[0].canvas, true);
      } catch (e) {
        this.#pending = null;
        throw e;
      }
    });
  }

  #setRegion(region: RegionEdit | null): void {
    this.region?.mask.dispose();
    this.region = region;
  }
}

/** A region being prepared for repainting. */
export interface RegionEdit {
  mask: MaskEditor;
  /** What found it: clipseg, region-head, brush. */
  method: string;
  /** The person's words, for the history entry. */
  instruction?: string;
  /** What the generator is asked to put there (editable). */
  prompt: string;
}

/** The generator's prompt for a plan: its detailed prompt, else the target description, else the words. */
function promptOf(plan: EditPlan): string {
  return plan.prompt || plan.targetDescription || plan.expressive || plan.instruction;
}

/** A project name from a prompt: its first words. */
function nameFromPrompt(prompt: string): string {
  const words = prompt.replace(/\s+/g, ' ').trim().split(' ').slice(0, 6).join(' ');
  return words.length > 48 ? `${words.slice(0, 47)}…` : words || 'Generated image';
}
