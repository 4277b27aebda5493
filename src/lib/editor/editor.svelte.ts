import { Project, StorageFullError, type StorageInfo } from '../history/index.ts';
import { decodeImage } from '../image/decode.ts';
import { ImageInputError } from '../image/errors.ts';
import { exportFileName, downloadBlob, type ExportType } from '../image/export.ts';
import { ImageWorker } from '../image/image-worker.ts';
import { Notices } from '../ui/notices.svelte.ts';
import { ViewportState } from '../viewport/viewport.svelte.ts';
import { clampCrop, type CropRect } from './crop.ts';

export type RotateDirection = 'cw' | 'ccw';
export type FlipAxis = 'horizontal' | 'vertical';

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
  /** What the editor is doing right now, for the status line; null when idle. */
  busy = $state<string | null>(null);
  /** Non-null while the crop tool is active. */
  crop = $state<CropRect | null>(null);
  storage = $state<StorageInfo | null>(null);

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
      const decoded = await decodeImage(file, { downscaleToCap: options.downscaleToCap });
      // An image opened downscaled is stored as PNG; the original file is kept as is.
      const normalised = decoded.width !== decoded.originalWidth || decoded.height !== decoded.originalHeight;
      const [thumbnail, image] = await Promise.all([
        this.worker.thumbnail(decoded.bitmap),
        normalised ? this.worker.encode(decoded.bitmap, 'image/png') : Promise.resolve(undefined),
      ]);
      await this.project.open({
        name: decoded.name,
        original: decoded.source,
        image,
        thumbnail,
        width: decoded.width,
        height: decoded.height,
        params: { format: decoded.format, originalWidth: decoded.originalWidth, originalHeight: decoded.originalHeight },
      });
      this.#show(decoded.bitmap, this.project.image, true);
      this.crop = null;
      for (const note of decoded.notes) this.notices.info(note);
    });
    void this.refreshStorage();
  }

  rotate(direction: RotateDirection): Promise<void> {
    return this.#edit('Rotating', 'rotate', { direction }, (b) => this.worker.rotate(b, direction));
  }

  flip(axis: FlipAxis): Promise<void> {
    return this.#edit('Flipping', 'flip', { axis }, (b) => this.worker.flip(b, axis));
  }

  startCrop(): void {
    if (!this.bitmap) return;
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
    await this.#edit('Cropping', 'crop', { ...rect }, (b) => this.worker.crop(b, rect));
  }

  undo = () => this.#task('Undoing', async () => this.project.undo().then(() => this.#sync(false)));
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
      const blob = await this.worker.encode(bitmap, type, quality);
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
    this.bitmap?.close();
    this.bitmap = null;
    this.#worker?.dispose();
    this.#worker = null;
    this.notices.clear();
  }

  /** A hand edit: new pixels from the worker, persisted as an entry, then shown. */
  async #edit(label: string, op: string, params: Record<string, string | number>, make: (b: ImageBitmap) => Promise<ImageBitmap>): Promise<void> {
    await this.#task(label, async () => {
      const source = this.bitmap;
      if (!source) return;
      const result = await make(source);
      try {
        const [image, thumbnail] = await Promise.all([this.worker.encode(result, 'image/png'), this.worker.thumbnail(result)]);
        await this.project.commit({ op, params, image, thumbnail, width: result.width, height: result.height });
      } catch (e) {
        result.close();
        throw e;
      }
      this.#show(result, this.project.image, false);
    });
    void this.refreshStorage();
  }

  /** Makes the bitmap follow the project's current image (after undo, redo, jump, load). */
  async #sync(refit: boolean): Promise<void> {
    const blob = this.project.image;
    if (blob === this.#shown) return;
    if (!blob) return this.#show(null, null, true);
    const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
    this.#show(bitmap, blob, refit || !this.bitmap || bitmap.width !== this.bitmap.width || bitmap.height !== this.bitmap.height);
  }

  #show(bitmap: ImageBitmap | null, blob: Blob | null, refit: boolean): void {
    const old = this.bitmap;
    this.bitmap = bitmap;
    this.#shown = blob;
    if (old && old !== bitmap) old.close();
    this.viewport.setImage(bitmap && { width: bitmap.width, height: bitmap.height }, refit);
  }

  /** Runs one operation at a time and turns failures into messages; the current work stays. */
  async #task(label: string, run: () => Promise<void>): Promise<void> {
    if (this.busy) {
      this.notices.info(`Still ${this.busy.toLowerCase()}…`, 'Try again when it has finished.');
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
    if (e instanceof ImageInputError) {
      const actions = [];
      if (e.code === 'too-large' && this.#lastFile) {
        const file = this.#lastFile;
        actions.push({ label: 'Open downscaled', run: () => this.openFile(file, { downscaleToCap: true }) });
      }
      this.notices.error(`Can't open ${e.fileName}`, e.message, actions);
    } else if (e instanceof StorageFullError) {
      this.notices.error('Storage is full', e.message);
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
