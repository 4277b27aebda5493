import {
  HistoryReadError,
  Project,
  ProjectChangedError,
  ProjectDamagedError,
  ProjectReadOnlyError,
  StorageFullError,
  StorageWriteError,
  type LoadReport,
  type StepImage,
  type StorageInfo,
  type TabEvent,
} from '../history/index.ts';
import { lowOnStorage } from '../history/storage.ts';
import { describeStep } from '../history/describe.ts';
import { ImageInputError } from '../image/errors.ts';
import { exportFileName, downloadBlob, type ExportType } from '../image/export.ts';
import { ImageWorker, type Displayed, type EditOp } from '../image/image-worker.ts';
import { NEUTRAL_ADJUSTMENTS, type Adjustments } from '../../../workers/kernels/adjust-params.ts';
import { DiffusionError, type Extend } from '../../../workers/diffusion/client.ts';
import { WorkerDiedError } from '../../../workers/bridge/watchdog.ts';
import { Notices } from '../ui/notices.svelte.ts';
import { formatBytes } from '../ui/format.ts';
import { ViewportState } from '../viewport/viewport.svelte.ts';
import { clampCrop, type CropRect } from './crop.ts';
import { AiEdits, type EditorCore } from './ai-edits.svelte.ts';

export type { RotateDirection, FlipAxis } from '../image/image-worker.ts';
export type { RegionEdit } from './ai-edits.svelte.ts';
import type { RotateDirection, FlipAxis } from '../image/image-worker.ts';

const RELOAD_LABEL = 'Reloading your image';
const TAKE_OVER_LABEL = 'Moving editing to this tab';

/** The browser's "this is not an image it can decode" (createImageBitmap's error, as comlink brings it back). */
function isUndecodable(e: unknown): boolean {
  return e instanceof Error && !(e instanceof WorkerDiedError) && (e.name === 'InvalidStateError' || e.name === 'EncodingError' || /decode/i.test(e.message));
}

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

  /** The AI edits: instructions, regions, extension, generation, results waiting, before/after. */
  readonly ai: AiEdits;

  /** Set by the page: opens the place where the person can delete projects to free space. */
  onmanagestorage: (() => void) | null = null;

  #worker: ImageWorker | null = null;
  /** The project step image that `bitmap` shows. */
  #shown: StepImage | null = null;
  /** Whether the "storage is running short" warning was shown since storage was last roomy. */
  #warnedLow = false;

  constructor(project = new Project()) {
    this.project = project;
    this.ai = new AiEdits(Editor.#core(this));
    project.onremote = (event) => this.#remote(event);
  }

  /** What the AI edits may use of the editor: the shared task runner, the screen, the worker, the hand tools. */
  static #core(editor: Editor): EditorCore {
    return {
      project: editor.project,
      viewport: editor.viewport,
      notices: editor.notices,
      get worker() {
        return editor.worker;
      },
      get bitmap() {
        return editor.bitmap;
      },
      get busy() {
        return editor.busy;
      },
      task: (label, run) => editor.#task(label, run),
      report: (e, label) => editor.#report(e, label),
      show: (shown, blob, refit) => editor.#show(shown, blob, refit),
      discard: (result) => editor.#discard(result),
      cancelAdjust: () => editor.cancelAdjust(),
      cancelCrop: () => editor.cancelCrop(),
      startAdjust: (initial) => editor.startAdjust(initial),
      refreshStorage: () => editor.refreshStorage(),
      gpuWorked: () => editor.#gpuWorked(),
    };
  }

  /**
   * Work on screen that is not in the history yet, which leaving the page would lose: a generation
   * running or waiting to be kept, a mask painted by hand, Adjust or Crop moved away from "no
   * change", an extension chosen. The page asks before unloading while it is true.
   */
  get unsaved(): boolean {
    const adjusted = !!this.adjusting && Object.entries(this.adjusting).some(([k, v]) => v !== NEUTRAL_ADJUSTMENTS[k as keyof Adjustments]);
    const { crop, bitmap } = this;
    const cropped = !!crop && !!bitmap && (crop.x !== 0 || crop.y !== 0 || crop.width !== bitmap.width || crop.height !== bitmap.height);
    const extended = !!this.extending && Object.values(this.extending.extend).some((v) => v !== 0);
    const generated = this.generation.running || this.generation.candidates.length > 0;
    return generated || !!this.region?.mask.edited || adjusted || cropped || extended;
  }

  get worker(): ImageWorker {
    this.#worker ??= new ImageWorker();
    return this.#worker;
  }

  /**
   * Reopens the project that was open when the page was last closed. A pointer to a project that is
   * gone is dropped silently; a damaged project opens with what can be read, or is pointed out.
   */
  async restore(): Promise<void> {
    await this.#task('Restoring your last project', async () => {
      try {
        this.#reportLoad(await this.project.restoreLast());
      } catch (e) {
        if (!(e instanceof ProjectDamagedError)) throw e;
        const manage = this.onmanagestorage;
        this.notices.error('Your last project could not be opened', e.message, manage ? [{ label: 'Recent projects', run: manage }] : []);
      }
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
    if (!this.bitmap || !this.#mayEdit()) return;
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
    if (!this.bitmap || this.busy || !this.#mayEdit()) return;
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

  // The page's view of the AI edits (see AiEdits), so it reads `editor.X` for every part of the editor.
  get assistant() { return this.ai.assistant; }
  get generation() { return this.ai.generation; }
  get region() { return this.ai.region; }
  get extending() { return this.ai.extending; }
  get extendPrompt() { return this.ai.extendPrompt; }
  set extendPrompt(prompt: string) { this.ai.extendPrompt = prompt; }
  get compare() { return this.ai.compare; }
  get live() { return this.ai.live; }
  get shown() { return this.ai.shown; }
  instruct(text: string) { return this.#mayEdit() ? this.ai.instruct(text) : Promise.resolve(); }
  startMask() { if (this.#mayEdit()) this.ai.startMask(); }
  startExtend(initial: Partial<Extend> = {}, prompt = '') { if (this.#mayEdit()) this.ai.startExtend(initial, prompt); }
  cancelExtend() { this.ai.cancelExtend(); }
  applyExtend() { return this.#mayEdit() ? this.ai.applyExtend() : Promise.resolve(); }
  generate() { return this.#mayEdit() ? this.ai.generate() : Promise.resolve(); }
  createImage(prompt: string, size: { width: number; height: number }) { return this.ai.createImage(prompt, size); }
  // A result made while another tab took editing over stays waiting: Edit here, then Keep.
  keepResult() { return this.#mayEdit() ? this.ai.keepResult() : Promise.resolve(); }
  discardResult() { this.ai.discardResult(); }
  selectResult(index: number) { this.ai.selectResult(index); }
  cancelGenerate() { this.ai.cancelGenerate(); }
  startCompare(split?: number) { return this.ai.startCompare(split); }
  setCompareSplit(split: number) { this.ai.setCompareSplit(split); }
  stopCompare() { this.ai.stopCompare(); }
  clearRegion() { this.ai.clearRegion(); }

  /** Undo; with a generated result waiting, it discards that result instead. */
  undo = () => {
    if (this.ai.waiting) return this.ai.discardResult();
    if (this.#mayEdit()) return this.#task('Undoing', async () => this.project.undo().then(() => this.#sync(false)));
  };
  redo = () => this.#mayEdit() && this.#task('Redoing', async () => this.project.redo().then(() => this.#sync(false)));
  jumpTo = (i: number) => this.#mayEdit() && this.#task('Going back in history', async () => this.project.jumpTo(i).then(() => this.#sync(false)));

  /** Moves editing of the open project to this tab; the tab that had it then only shows it. */
  async takeOver(): Promise<void> {
    await this.#task(TAKE_OVER_LABEL, async () => {
      this.#reportLoad(await this.project.takeOver());
      await this.#sync(false);
    });
  }

  /** Reads the open project again as storage has it (another tab changed it). */
  async reloadProject(): Promise<void> {
    await this.#task('Reloading the project', async () => {
      this.#reportLoad(await this.project.refresh());
      await this.#sync(false);
    });
  }

  /** Set when another tab changed the project while this one was busy: it follows once idle. */
  #behind = false;

  /** What another tab did to the open project. */
  #remote(event: TabEvent): void {
    if (event.kind !== 'changed') return; // taken, deleted: the project is read-only now, and the banner says why
    if (!this.project.readOnly) {
      // Two tabs editing at once (no Web Locks here): this tab's next write would be refused anyway.
      this.#notifyOnce(
        'This project was changed in another tab',
        'Your next change here would not be saved. Reload the project to continue from the other tab’s changes.',
        [{ label: 'Reload project', run: () => this.reloadProject() }],
      );
      return;
    }
    this.#behind = true;
    void this.#follow();
  }

  /** A read-only tab shows what the editing tab saved, as soon as it is idle. */
  async #follow(): Promise<void> {
    // A result waiting to be kept blocks other tasks; the next task's end comes back here.
    if (!this.#behind || this.busy || this.ai.waiting || !this.project.readOnly) return;
    this.#behind = false;
    await this.#task('Updating from the other tab', async () => {
      this.#reportLoad(await this.project.refresh());
      await this.#sync(false);
    });
  }

  /** False, with the reason said, when this tab only shows the project. */
  #mayEdit(): boolean {
    if (!this.project.readOnly) return true;
    this.#report(this.project.lockout === 'deleted' ? new ProjectChangedError(true) : new ProjectReadOnlyError(), 'Editing');
    return false;
  }

  /** Shows a warning unless the same one is already up (a held key must not stack copies). */
  #notifyOnce(title: string, detail: string, actions: { label: string; run: () => void | Promise<void> }[]): void {
    if (this.notices.list.some((n) => n.title === title)) return;
    this.notices.show('warning', title, detail, actions);
  }

  async loadProject(id: string): Promise<void> {
    await this.#task('Opening project', async () => {
      this.#reportLoad(await this.project.load(id));
      await this.#sync(true);
    });
  }

  /** Keeps what can be read of a damaged project and removes the rest. */
  async repairProject(id: string): Promise<void> {
    await this.#task('Repairing project', async () => {
      await this.project.repair(id);
      await this.#sync(false);
      this.notices.info('Project repaired', 'Its readable steps were kept; the unreadable ones were removed.');
    });
    void this.refreshStorage();
  }

  /** Says what an opened project had to leave out, with the repair offered. */
  #reportLoad(report: LoadReport | null): void {
    if (!report?.lost.length) return;
    const id = this.project.id;
    const [first, ...after] = report.lost;
    const n = report.lost.length;
    const kept = report.total - n;
    const name = first.entry ? `“${describeStep(first.entry.op, first.entry.params)}”` : 'A step';
    const why = first.problem.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase());
    const rest = after.length === 0 ? '' : `, and the ${after.length === 1 ? 'step' : `${after.length} steps`} after it ${after.length === 1 ? 'depends' : 'depend'} on it`;
    this.notices.show(
      'warning',
      'Part of this project could not be read',
      `${n} of its ${report.total} steps ${n === 1 ? 'was' : 'were'} left out: ${name} cannot be read (${why})${rest}. ` +
        `${kept === 1 ? 'The step' : `The ${kept} steps`} before opened as saved; Repair removes what cannot be read.`,
      id ? [{ label: 'Repair', run: () => this.repairProject(id) }] : [],
    );
  }

  async deleteProject(id: string): Promise<void> {
    await this.#task('Deleting project', async () => {
      await this.project.deleteProject(id);
      await this.ai.assistant.forget(id);
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
    this.#warnIfLow();
  }

  /** Says once, before storage runs out, that it is running short (and again after it was roomy). */
  #warnIfLow(): void {
    const info = this.storage;
    const image = this.project.image;
    const low = !!info && lowOnStorage(info, image ?? { width: 0, height: 0 });
    if (low && !this.#warnedLow && info) {
      const manage = this.onmanagestorage;
      const open = this.project.id;
      this.notices.show(
        'warning',
        'Storage is running short',
        `${formatBytes(info.available)} is left for your projects: a few more edits that store a whole image could fill it. ` +
          'Delete projects you no longer need, or remove the older steps of this one.',
        [
          ...(manage ? [{ label: 'Manage projects', run: manage }] : []),
          ...(open && this.project.cursor > 0 ? [{ label: 'Remove older steps', run: () => this.removeOlderSteps() }] : []),
        ],
      );
    }
    this.#warnedLow = low;
  }

  /** Makes the current step the project's first: the steps before it are deleted to free storage. */
  async removeOlderSteps(): Promise<void> {
    if (this.project.cursor <= 0) return;
    await this.#task('Removing older steps', async () => {
      const removed = await this.project.removeOlderSteps(() => this.worker.encodeImage('image/png'));
      this.#shown = this.project.image;
      if (removed) this.notices.info(`Removed ${removed === 1 ? 'the older step' : `${removed} older steps`}`, 'The image is as it was; the history now starts here.');
    });
    void this.refreshStorage();
  }

  dispose(): void {
    this.project.dispose();
    this.cancelAdjust();
    this.ai.dispose();
    this.bitmap?.close();
    this.preview?.close();
    this.bitmap = null;
    this.preview = null;
    this.#worker?.dispose();
    this.#worker = null;
    this.notices.clear();
  }

  /**
   * A hand edit: the worker makes the new pixels, the project persists them, then they are shown.
   * Rotations, flips and crops are stored as the operation; the whole image is encoded (in the
   * worker) only when history stores it whole (adjust, or a keyframe that is due).
   */
  async #edit(label: string, edit: EditOp, params: Record<string, string | number>): Promise<void> {
    if (!this.#mayEdit()) return;
    await this.#task(label, async () => {
      if (!this.bitmap) return;
      const applied = await this.worker.applyEdit(edit);
      const delta = edit.op === 'adjust' ? undefined : { transform: edit.op === 'crop' ? { op: edit.op, rect: { ...edit.rect } } : edit };
      try {
        await this.project.commit({ op: edit.op, params, image: () => this.worker.encodeImage('image/png'), delta, thumbnail: applied.thumbnail, width: applied.width, height: applied.height });
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
    const image = this.project.image;
    if (image === this.#shown) return;
    if (!image) {
      this.#show(null, null, true);
      return;
    }
    let shown: Displayed;
    try {
      shown = await this.worker.showImage(image);
    } catch (e) {
      if (!isUndecodable(e)) throw e;
      // The stored pixels are damaged (a Blob, but not an image): show nothing rather than the last picture.
      this.#show(null, null, true);
      throw new HistoryReadError(
        'The saved image of this step is damaged and cannot be shown. Pick another step in the history; the other steps are not affected.',
        { cause: e },
      );
    }
    const sameSize = this.bitmap?.width === shown.width && this.bitmap?.height === shown.height;
    this.#show(shown, image, refit || !sameSize);
  }

  /** A result that was not kept (its save failed): free it and put the worker back on the current image. */
  async #discard(result: Displayed): Promise<void> {
    result.display.close();
    result.preview?.close();
    this.#shown = null;
    await this.#sync(false);
  }

  /** Puts display copies on screen (a reduced one for large images, drawn when zoomed out). */
  #show(shown: Displayed | null, image: StepImage | null, refit: boolean): void {
    this.cancelAdjust();
    this.ai.closeTools();
    const [oldBitmap, oldPreview] = [this.bitmap, this.preview];
    this.bitmap = shown?.display ?? null;
    this.preview = shown?.preview ?? null;
    this.#shown = image;
    // The worker's working image is this step now: named, it stays cached when the next edit replaces it.
    if (shown && image) this.worker.label(image.key).catch(() => undefined);
    oldBitmap?.close();
    oldPreview?.close();
    this.viewport.setImage(shown && { width: shown.width, height: shown.height }, refit);
    // The conversation belongs to its project.
    void this.ai.projectChanged(this.project.id);
  }

  /** Runs one operation at a time and turns failures into messages; the current work stays. */
  async #task(label: string, run: () => Promise<void>): Promise<void> {
    if (this.busy) {
      this.notices.info(`Still ${this.busy.toLowerCase()}…`, 'Try again when it has finished.');
      return;
    }
    if (this.ai.waiting && label !== 'Keeping the result' && label !== RELOAD_LABEL && label !== TAKE_OVER_LABEL) {
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
    if (this.#imageLost) await this.#reloadImage();
    if (this.#behind) await this.#follow();
  }

  /** Set when the image worker was restarted: its working image must come back from the project's history. */
  #imageLost = false;

  /**
   * Gives a restarted image worker the current image again, read from the project (IndexedDB); the
   * screen keeps showing it meanwhile. Runs as its own task once the failed one has ended.
   */
  async #reloadImage(): Promise<void> {
    if (!this.#imageLost || this.busy) return;
    this.#imageLost = false;
    this.#shown = null;
    await this.#task(RELOAD_LABEL, () => this.#sync(false));
  }

  #report(e: unknown, label: string): void {
    if (e instanceof WorkerDiedError) {
      if (e.worker !== 'image' || !this.project.image) {
        this.notices.error(`${label} failed`, e.message);
      } else if (label === RELOAD_LABEL) {
        this.notices.error('Your image could not be reloaded', `${e.message} Nothing saved was lost: open the project again from Recent projects.`);
      } else {
        this.notices.error(`${label} failed`, `${e.message} Nothing saved was lost: your image is reloaded from its history.`);
        this.#imageLost = true;
        // Outside a task (an adjustment preview, an instruction) nothing else will start the reload.
        if (!this.busy) void this.#reloadImage();
      }
    } else if (e instanceof Error && e.name === 'AbortError') {
      this.notices.info(`${label} stopped`, 'Nothing was changed.');
    } else if (e instanceof DiffusionError) {
      const id = this.notices.error(`${label} failed`, e.message);
      if (e.code === 'device-lost') this.#gpuLost.push(id);
    } else if (e instanceof ImageInputError) {
      const actions = [];
      if (e.code === 'too-large' && this.#lastFile) {
        const file = this.#lastFile;
        actions.push({ label: 'Open downscaled', run: () => this.openFile(file, { downscaleToCap: true }) });
      }
      this.notices.error(`Can't open ${e.fileName}`, e.message, actions);
    } else if (e instanceof ProjectReadOnlyError) {
      this.#notifyOnce('This project is being edited in another tab', 'Nothing was changed here. Edit here moves editing to this tab; the other tab then only shows it.', [
        { label: 'Edit here', run: () => this.takeOver() },
      ]);
    } else if (e instanceof ProjectChangedError) {
      // Nothing of this change was saved, and nothing of the other tab's work was touched.
      if (e.deleted) this.notices.error(`${label} was not saved`, e.message);
      else this.notices.error(`${label} was not saved`, e.message, [{ label: 'Reload project', run: () => this.reloadProject() }]);
    } else if (e instanceof HistoryReadError || e instanceof StorageWriteError) {
      // Written for the person; the browser's own error, if any, is the cause.
      if (e.cause) console.warn(e.cause);
      this.notices.error(`${label} failed`, e.message);
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

  /** Notices of a lost GPU device: they say the next edit gets a fresh one, so they go once one worked. */
  #gpuLost: number[] = [];

  #gpuWorked(): void {
    for (const id of this.#gpuLost) this.notices.dismiss(id);
    this.#gpuLost = [];
  }

  /** Remembers the file so a "too large" message can offer to open it downscaled. */
  async open(file: File | Blob): Promise<void> {
    this.#lastFile = file;
    await this.openFile(file);
  }
}
