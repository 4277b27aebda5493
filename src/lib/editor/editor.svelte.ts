import { Project, StorageFullError, type StorageInfo } from '../history/index.ts';
import { ImageInputError } from '../image/errors.ts';
import { exportFileName, downloadBlob, type ExportType } from '../image/export.ts';
import { ImageWorker, type Displayed, type EditOp } from '../image/image-worker.ts';
import { NEUTRAL_ADJUSTMENTS, type Adjustments } from '../../../workers/kernels/adjust-params.ts';
import { Notices } from '../ui/notices.svelte.ts';
import { ViewportState } from '../viewport/viewport.svelte.ts';
import { clampCrop, type CropRect } from './crop.ts';
import { Assistant } from './assistant.svelte.ts';
import { DiffusionError, type Extend } from '../../../workers/diffusion/client.ts';
import { Generation, type GenerationJob } from './generation.svelte.ts';
import type { Params } from '../history/types.ts';
import { MaskEditor } from './mask-editor.svelte.ts';
import { ExtendTool, fitExtended } from './extend-tool.svelte.ts';
import { clampExtend, extendFromPlan, isExtended } from './extend.ts';
import { maskToPng } from './mask-codec.ts';
import type { EditPlan } from '../../../workers/language/types.ts';

/** Longest side of the copy the models read. */
const ANALYSIS_SIDE = 1024;

export type { RotateDirection, FlipAxis } from '../image/image-worker.ts';
import type { RotateDirection, FlipAxis } from '../image/image-worker.ts';

/**
 * The editor without models: one open project, the bitmap on screen, hand edits and export.
 * Data flows one way: an operation makes a new image in the image worker, the project persists it
 * as a history entry, and the bitmap on screen follows the project's current image.
 */
export class Editor {
  readonly project: Project;
  readonly viewport = new ViewportState();
  readonly notices = new Notices();
  /** What the viewport draws: the current entry's pixels. */
  bitmap = $state.raw<ImageBitmap | null>(null);
  /** A reduced copy of a large `bitmap` that the viewport draws when zoomed out (null for small images). */
  preview = $state.raw<ImageBitmap | null>(null);
  /** What the editor is doing right now, for the status line; null when idle. */
  busy = $state<string | null>(null);
  /** Non-null while the crop tool is active. */
  crop = $state<CropRect | null>(null);
  storage = $state<StorageInfo | null>(null);
  /** Non-null while the adjustments panel is open: the slider values. */
  adjusting = $state.raw<Partial<Adjustments> | null>(null);
  /** The live GPU preview of `adjusting`, drawn over the image. */
  adjusted = $state.raw<ImageBitmap | null>(null);

  #adjustQueued: Partial<Adjustments> | null = null;
  #adjustRunning = false;

  /** The instruction side: conversation, plans, masks. */
  readonly assistant = new Assistant();
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

  /** Set by the page: opens the place where the person can delete projects to free space. */
  onmanagestorage: (() => void) | null = null;

  #worker: ImageWorker | null = null;
  /** The project image Blob that `bitmap` was made from. */
  #shown: Blob | null = null;

  constructor(project = new Project()) {
    this.project = project;
  }

  get worker(): ImageWorker {
    this.#worker ??= new ImageWorker();
    return this.#worker;
  }

  /** Reopens the project that was open when the page was last closed. */
  async restore(): Promise<void> {
    await this.#task('Restoring your last project', async () => {
      const id = await this.project.lastProjectId();
      if (id) await this.project.load(id);
      await this.#sync(true);
    });
    void this.refreshStorage();
  }

  async openFile(file: File | Blob, options: { downscaleToCap?: boolean } = {}): Promise<void> {
    await this.#task('Opening image', async () => {
      const opened = await this.worker.openImage(file, { downscaleToCap: options.downscaleToCap });
      try {
        await this.project.open({
          name: opened.name,
          original: file,
          image: opened.image,
          thumbnail: opened.thumbnail,
          width: opened.width,
          height: opened.height,
          params: { format: opened.format, originalWidth: opened.originalWidth, originalHeight: opened.originalHeight },
        });
      } catch (e) {
        await this.#discard(opened);
        throw e;
      }
      this.#show(opened, this.project.image, true);
      this.crop = null;
      for (const note of opened.notes) this.notices.info(note);
    });
    void this.refreshStorage();
  }

  rotate(direction: RotateDirection): Promise<void> {
    return this.#edit('Rotating', { op: 'rotate', direction }, { direction });
  }

  flip(axis: FlipAxis): Promise<void> {
    return this.#edit('Flipping', { op: 'flip', axis }, { axis });
  }

  startCrop(): void {
    if (!this.bitmap) return;
    this.cancelAdjust();
    this.crop = { x: 0, y: 0, width: this.bitmap.width, height: this.bitmap.height };
  }

  cancelCrop(): void {
    this.crop = null;
  }

  async applyCrop(): Promise<void> {
    const bitmap = this.bitmap;
    if (!bitmap || !this.crop) return;
    const rect = clampCrop(this.crop, bitmap.width, bitmap.height);
    if (!rect) {
      this.notices.info('Drag over the image to choose the area to keep.');
      return;
    }
    this.crop = null;
    if (rect.width === bitmap.width && rect.height === bitmap.height) return;
    await this.#edit('Cropping', { op: 'crop', rect }, { ...rect });
  }

  /** Opens the adjustments panel, optionally prefilled (e.g. by a plan for "make it brighter"). */
  startAdjust(initial: Partial<Adjustments> = {}): void {
    if (!this.bitmap || this.busy) return;
    this.crop = null;
    this.adjusting = { ...NEUTRAL_ADJUSTMENTS, ...initial };
    this.#queueAdjustPreview(this.adjusting);
  }

  /** New slider values: previewed on the GPU, newest first (moves made meanwhile are skipped). */
  setAdjust(values: Partial<Adjustments>): void {
    if (!this.adjusting) return;
    this.adjusting = values;
    this.#queueAdjustPreview(values);
  }

  cancelAdjust(): void {
    this.adjusting = null;
    this.#adjustQueued = null;
    this.adjusted?.close();
    this.adjusted = null;
  }

  async applyAdjust(): Promise<void> {
    const values = this.adjusting;
    if (!values) return;
    this.cancelAdjust();
    const changed = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== NEUTRAL_ADJUSTMENTS[k as keyof Adjustments]));
    if (Object.keys(changed).length === 0) return;
    await this.#edit('Adjusting', { op: 'adjust', adjustments: changed }, changed as Record<string, number>);
  }

  async #queueAdjustPreview(values: Partial<Adjustments>): Promise<void> {
    this.#adjustQueued = values;
    if (this.#adjustRunning) return;
    this.#adjustRunning = true;
    try {
      while (this.#adjustQueued && this.adjusting) {
        const next = this.#adjustQueued;
        this.#adjustQueued = null;
        const bitmap = await this.worker.previewAdjust(next);
        if (this.adjusting) {
          this.adjusted?.close();
          this.adjusted = bitmap;
        } else bitmap.close();
      }
    } catch (e) {
      this.cancelAdjust();
      this.#report(e, 'Adjustment preview');
    } finally {
      this.#adjustRunning = false;
    }
  }

  /**
   * Runs an instruction: the language worker plans it; a global plan opens the adjustments
   * prefilled, a local one shows the region the vision worker found.
   */
  async instruct(text: string): Promise<void> {
    const instruction = text.trim();
    if (!instruction || this.assistant.running) return;
    if (this.generation.candidates.length) {
      this.notices.info('Keep or discard the generated result first', 'Keep (Enter) adds it to the history; Discard (Esc) leaves the image as it was.');
      return;
    }
    if (!this.bitmap) {
      this.notices.info('Open an image first', 'Instructions edit the open image.');
      return;
    }
    let image: ImageBitmap | null = null;
    try {
      image = await this.worker.analysisCopy(ANALYSIS_SIDE);
      const turn = await this.assistant.submit(instruction, image);
      if (turn.status === 'failed') this.notices.error('The instruction could not be run', turn.error);
      const plan = turn.plan;
      if (!plan) return;
      this.#setRegion(null);
      if (plan.kind === 'global') this.startAdjust(plan.adjust);
      else if (plan.kind === 'outpaint' && this.bitmap) {
        this.startExtend(extendFromPlan({ width: this.bitmap.width, height: this.bitmap.height }, plan.outpaint), promptOf(plan));
      } else if (plan.kind === 'generate') {
        const prompt = promptOf(plan);
        this.notices.show('info', 'This asks for a new picture', 'Create makes one from the description as the next step of this project; Undo returns to the photo.', [
          { label: 'Create', run: () => this.createImage(prompt, { width: 512, height: 512 }) },
        ]);
      }
      else if (plan.kind === 'local' && turn.mask?.mask && !turn.mask.empty && this.bitmap) {
        const size = { width: this.bitmap.width, height: this.bitmap.height };
        this.#setRegion({ mask: new MaskEditor(turn.mask.mask, size), method: turn.mask.method ?? 'unknown', instruction: turn.instruction, prompt: promptOf(plan) });
      } else if (turn.mask?.empty) this.notices.info(`Could not find “${turn.mask.phrase}” in the image`, 'Try naming it differently, or paint the region with the brush (Mask).');
    } catch (e) {
      this.#report(e, 'Instruction');
    } finally {
      image?.close();
    }
  }

  /** Opens the canvas-extension tool (edge handles, presets), optionally prefilled by a plan. */
  startExtend(initial: Partial<Extend> = {}, prompt = ''): void {
    if (!this.bitmap || this.busy) return;
    this.cancelAdjust();
    this.crop = null;
    this.#setRegion(null);
    const image = { width: this.bitmap.width, height: this.bitmap.height };
    this.extending?.dispose();
    this.extending = new ExtendTool(image, initial);
    this.extendPrompt = prompt;
    // Room around the image for the handles and the new area.
    const room = clampExtend(image, { left: image.width / 4, right: image.width / 4, top: image.height / 4, bottom: image.height / 4 });
    this.viewport.fitting = false;
    this.viewport.view = fitExtended(this.viewport, image, isExtended(this.extending.extend) ? this.extending.extend : room);
  }

  cancelExtend(): void {
    if (!this.extending) return;
    this.extending.dispose();
    this.extending = null;
    this.viewport.fit();
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
    if (!this.bitmap || this.busy) return;
    this.cancelAdjust();
    this.crop = null;
    this.#setRegion({ mask: MaskEditor.blank({ width: this.bitmap.width, height: this.bitmap.height }), method: 'brush', prompt: '' });
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
      this.notices.info('Say what should be in the region', 'Describe it in the box above Generate.');
      return;
    }
    if (region.mask.coverage <= 0) {
      this.notices.info('The mask is empty', 'Paint over the part of the image to change.');
      return;
    }
    const plane = region.mask.snapshotPlane();
    const method = region.mask.edited ? `${region.method}+brush` : region.method;
    await this.#generate('Generating', async () => {
      const [image, fullMask, png] = await Promise.all([this.worker.pixels(), this.worker.maskAtImageSize(plane), maskToPng(plane)]);
      this.#pending = { op: 'inpaint', instruction: region.instruction, prompt, method, mask: png };
      return { job: { kind: 'inpaint', image, mask: fullMask }, prompt };
    });
  }

  /** Extends the canvas by `extend` pixels per side and fills the new area (outpainting). */
  async extendCanvas(extend: Extend, prompt: string, instruction?: string): Promise<void> {
    if (!this.bitmap) return;
    await this.#generate('Extending', async () => {
      const image = await this.worker.pixels();
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
    if (!live) return null;
    const extend = this.#pending?.extend;
    // Outpainting before its first result: the screen still shows the unextended image.
    if (extend && !this.generation.current) return { bitmap: live.bitmap, box: { ...live.box, x: live.box.x - extend.left, y: live.box.y - extend.top } };
    return { bitmap: live.bitmap, box: live.box };
  }

  /** What the viewport draws: a generated result waiting to be kept, else the current image. */
  get shown(): ImageBitmap | null {
    return this.generation.current?.bitmap ?? this.bitmap;
  }

  /** Keeps the result on screen as a history entry (a new project for text to image). */
  async keepResult(): Promise<void> {
    const pending = this.#pending;
    if (!this.generation.current || !pending) return;
    this.stopCompare();
    await this.#task('Keeping the result', async () => {
      const chosen = this.generation.take();
      this.#pending = null;
      if (!chosen) return;
      const applied = await this.worker.adopt(chosen.image);
      chosen.bitmap.close();
      const m = chosen.meta;
      const params: Params = { prompt: pending.prompt, seed: m.seed, steps: m.settings.steps, guidance: m.settings.guidanceScale };
      if (m.settings.strength !== 1) params.strength = m.settings.strength;
      if (m.settings.harmonise) params.harmonise = m.settings.harmonise;
      if (pending.method) params.mask = pending.method;
      if (pending.extend) Object.assign(params, pending.extend);
      try {
        if (pending.op === 'generate' && !this.bitmap) {
          await this.project.open({ name: nameFromPrompt(pending.prompt), original: applied.image, thumbnail: applied.thumbnail, width: applied.width, height: applied.height, params: { ...params, op: 'generate' } });
        } else {
          const mask = pending.mask ?? undefined;
          await this.project.commit({ op: pending.op, params, instruction: pending.instruction, image: applied.image, thumbnail: applied.thumbnail, width: applied.width, height: applied.height, mask });
        }
      } catch (e) {
        await this.#discard(applied);
        throw e;
      }
      this.#show(applied, this.project.image, pending.op !== 'inpaint');
    });
    void this.refreshStorage();
  }

  /** Drops the generated results; the image stays as it was. */
  discardResult(): void {
    if (!this.generation.candidates.length) return;
    this.stopCompare();
    const resized = this.generation.kind !== 'inpaint';
    this.generation.discard();
    this.#pending = null;
    if (resized) this.viewport.setImage(this.bitmap && { width: this.bitmap.width, height: this.bitmap.height }, true);
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
    const candidate = this.generation.current;
    if (candidate && this.bitmap) {
      const at = this.generation.kind === 'outpaint' ? this.#pending?.extend : undefined;
      this.compare = { before: this.bitmap, split, owned: false, at: at && { x: at.left, y: at.top, width: this.bitmap.width, height: this.bitmap.height } };
      return;
    }
    const cursor = this.project.cursor;
    const entry = this.project.current;
    if (cursor < 1 || !entry) return;
    const blob = await this.project.imageAt(cursor - 1);
    const before = await createImageBitmap(blob);
    if (this.project.cursor !== cursor) {
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
    return this.generation.candidates.length > 0 || this.project.cursor > 0;
  }

  /** Runs a generation job: models configured, the VLM released, results left on screen as candidates. */
  async #generate(label: string, prepare: () => Promise<{ job: GenerationJob; prompt: string }>): Promise<void> {
    const config = this.assistant.config;
    if (!config) {
      this.notices.info('Choose the AI models first', 'Open Models to download them once; then edits run offline.');
      return;
    }
    this.discardResult();
    this.cancelAdjust();
    await this.#task(label, async () => {
      this.generation.configure({ ...config.models, working: config.working });
      // The VLM and the UNet never need to be resident together.
      await this.assistant.releaseLanguage();
      const { job, prompt } = await prepare();
      try {
        const results = await this.generation.run(job, prompt);
        this.#setRegion(null);
        if (job.kind !== 'inpaint' && results[0]) this.viewport.setImage({ width: results[0].bitmap.width, height: results[0].bitmap.height }, true);
      } catch (e) {
        this.#pending = null;
        throw e;
      }
    });
  }

  clearRegion(): void {
    this.#setRegion(null);
  }

  #setRegion(region: RegionEdit | null): void {
    this.region?.mask.dispose();
    this.region = region;
  }

  /** Undo; with a generated result waiting, it discards that result instead. */
  undo = () => (this.generation.candidates.length ? this.discardResult() : this.#task('Undoing', async () => this.project.undo().then(() => this.#sync(false))));
  redo = () => this.#task('Redoing', async () => this.project.redo().then(() => this.#sync(false)));
  jumpTo = (i: number) => this.#task('Going back in history', async () => this.project.jumpTo(i).then(() => this.#sync(false)));

  async loadProject(id: string): Promise<void> {
    await this.#task('Opening project', async () => {
      await this.project.load(id);
      await this.#sync(true);
    });
  }

  async deleteProject(id: string): Promise<void> {
    await this.#task('Deleting project', async () => {
      await this.project.deleteProject(id);
      await this.#sync(true);
    });
    void this.refreshStorage();
  }

  async closeProject(): Promise<void> {
    await this.#task('Closing', async () => {
      await this.project.close();
      await this.#sync(true);
    });
  }

  /** Encodes the current image at full resolution and hands it to the browser as a download. */
  async exportImage(type: ExportType, quality: number): Promise<void> {
    const bitmap = this.bitmap;
    if (!bitmap) return;
    await this.#task('Exporting', async () => {
      const blob = await this.worker.encodeImage(type, quality);
      await downloadBlob(blob, exportFileName(this.project.name || 'image', type));
    });
  }

  async refreshStorage(): Promise<void> {
    try {
      this.storage = await this.project.storageEstimate();
    } catch {
      this.storage = null;
    }
  }

  dispose(): void {
    this.cancelAdjust();
    this.#setRegion(null);
    this.assistant.dispose();
    this.stopCompare();
    this.generation.dispose();
    this.bitmap?.close();
    this.preview?.close();
    this.bitmap = null;
    this.preview = null;
    this.#worker?.dispose();
    this.#worker = null;
    this.notices.clear();
  }

  /** A hand edit: the worker makes the new pixels, the project persists them, then they are shown. */
  async #edit(label: string, edit: EditOp, params: Record<string, string | number>): Promise<void> {
    await this.#task(label, async () => {
      if (!this.bitmap) return;
      const applied = await this.worker.applyEdit(edit);
      try {
        await this.project.commit({ op: edit.op, params, image: applied.image, thumbnail: applied.thumbnail, width: applied.width, height: applied.height });
      } catch (e) {
        await this.#discard(applied);
        throw e;
      }
      this.#show(applied, this.project.image, false);
    });
    void this.refreshStorage();
  }

  /** Makes the screen and the worker follow the project's current image (after undo, redo, jump, load). */
  async #sync(refit: boolean): Promise<void> {
    const blob = this.project.image;
    if (blob === this.#shown) return;
    if (!blob) {
      this.#show(null, null, true);
      return;
    }
    const shown = await this.worker.showImage(blob);
    const sameSize = this.bitmap?.width === shown.width && this.bitmap?.height === shown.height;
    this.#show(shown, blob, refit || !sameSize);
  }

  /** A result that was not kept (its save failed): free it and put the worker back on the current image. */
  async #discard(result: Displayed): Promise<void> {
    result.display.close();
    result.preview?.close();
    this.#shown = null;
    await this.#sync(false);
  }

  /** Puts display copies on screen (a reduced one for large images, drawn when zoomed out). */
  #show(shown: Displayed | null, blob: Blob | null, refit: boolean): void {
    this.cancelAdjust();
    this.stopCompare();
    this.extending?.dispose();
    this.extending = null;
    this.#setRegion(null);
    const [oldBitmap, oldPreview] = [this.bitmap, this.preview];
    this.bitmap = shown?.display ?? null;
    this.preview = shown?.preview ?? null;
    this.#shown = blob;
    oldBitmap?.close();
    oldPreview?.close();
    this.viewport.setImage(shown && { width: shown.width, height: shown.height }, refit);
  }

  /** Runs one operation at a time and turns failures into messages; the current work stays. */
  async #task(label: string, run: () => Promise<void>): Promise<void> {
    if (this.busy) {
      this.notices.info(`Still ${this.busy.toLowerCase()}…`, 'Try again when it has finished.');
      return;
    }
    if (this.generation.candidates.length && label !== 'Keeping the result') {
      this.notices.info('Keep or discard the generated result first', 'Keep (Enter) adds it to the history; Discard (Esc) leaves the image as it was.');
      return;
    }
    this.busy = label;
    try {
      await run();
    } catch (e) {
      this.#report(e, label);
    } finally {
      this.busy = null;
    }
  }

  #report(e: unknown, label: string): void {
    if (e instanceof Error && e.name === 'AbortError') {
      this.notices.info(`${label} stopped`, 'Nothing was changed.');
    } else if (e instanceof DiffusionError) {
      this.notices.error(`${label} failed`, e.message);
    } else if (e instanceof ImageInputError) {
      const actions = [];
      if (e.code === 'too-large' && this.#lastFile) {
        const file = this.#lastFile;
        actions.push({ label: 'Open downscaled', run: () => this.openFile(file, { downscaleToCap: true }) });
      }
      this.notices.error(`Can't open ${e.fileName}`, e.message, actions);
    } else if (e instanceof StorageFullError) {
      const manage = this.onmanagestorage;
      this.notices.error('Storage is full', e.message, manage ? [{ label: 'Manage projects', run: manage }] : []);
      void this.refreshStorage();
    } else {
      console.error(e);
      this.notices.error(`${label} failed`, e instanceof Error ? e.message : String(e));
    }
  }

  #lastFile: File | Blob | null = null;

  /** Remembers the file so a "too large" message can offer to open it downscaled. */
  async open(file: File | Blob): Promise<void> {
    this.#lastFile = file;
    await this.openFile(file);
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
