// The mask brush: a viewport tool that paints or erases a mask plane (analysis-copy size) and keeps
// a tinted overlay of it up to date, one dirty rectangle at a time.
import type { Point, ToolFrame, ViewportTool } from '../viewport/tool.ts';
import { type Plane, type Rect, blankMask, clearMask, copyRect, invertMask, maskCoverage, paintStroke, pasteRect, tintRect, unionRect } from './mask-plane.ts';

export type MaskMode = 'paint' | 'erase';

/** The overlay's look: the accent colour at 55 % where the mask is 1. */
const TINT: readonly [number, number, number] = [143, 108, 240];
const OPACITY = 0.55;
/** Stroke states kept for undoStroke. */
const UNDO_DEPTH = 20;

interface UndoEntry {
  rect: Rect;
  values: Float32Array;
}

export class MaskEditor implements ViewportTool {
  /** Image size (the coordinates the viewport reports). */
  readonly image: { width: number; height: number };
  /** The working plane, changed in place; `snapshotPlane()` for a copy to hand elsewhere. */
  readonly plane: Plane;
  /** The tinted overlay at plane size; the page draws `visible ? overlay : null` over the image. */
  readonly overlay: OffscreenCanvas;

  mode = $state<MaskMode>('paint');
  /** Brush diameter in image pixels. */
  size = $state(1);
  /** 0: soft edge, 1: hard edge. */
  hardness = $state(0.7);
  visible = $state(true);
  /** Bumped on every change to the mask, the brush or its outline. */
  version = $state(0);
  /** True once the person has changed the mask. */
  edited = $state(false);
  /** Mean mask value (the covered fraction), updated after each stroke and whole-mask change. */
  coverage = $state(0);
  /** Whether undoStroke has something to undo. */
  canUndo = $state(false);

  #hover = $state<Point | null>(null);
  #ctx: OffscreenCanvasRenderingContext2D;
  #pixels: ImageData;
  #scaleX: number;
  #scaleY: number;
  /** Plane coordinates of the last point of the stroke under way; null between strokes. */
  #last: Point | null = null;
  /** The plane as it was when the stroke began (one buffer, reused). */
  #before: Float32Array;
  #strokeRect: Rect | null = null;
  #undo: UndoEntry[] = [];

  /** A mask editor on an empty mask at the analysis-copy size of `image`. */
  static blank(image: { width: number; height: number }, maxSide = 1024): MaskEditor {
    return new MaskEditor(blankMask(image.width, image.height, maxSide), image);
  }

  constructor(plane: Plane, image: { width: number; height: number }) {
    if (plane.data.length !== plane.width * plane.height) throw new Error(`Mask data holds ${plane.data.length} values, not ${plane.width}×${plane.height}`);
    this.image = { width: image.width, height: image.height };
    this.plane = { data: plane.data.slice(), width: plane.width, height: plane.height };
    this.#before = new Float32Array(this.plane.data.length);
    this.#scaleX = plane.width / image.width;
    this.#scaleY = plane.height / image.height;
    this.size = Math.max(1, Math.round(0.05 * Math.max(image.width, image.height)));
    this.overlay = new OffscreenCanvas(plane.width, plane.height);
    const ctx = this.overlay.getContext('2d');
    if (!ctx) throw new Error('No 2D canvas context');
    this.#ctx = ctx;
    this.#pixels = new ImageData(plane.width, plane.height);
    this.#refresh(this.#whole());
    this.coverage = maskCoverage(this.plane);
  }

  get cursor(): string {
    const h = this.#hover;
    return h && h.x >= 0 && h.y >= 0 && h.x < this.image.width && h.y < this.image.height ? 'none' : 'crosshair';
  }

  /** The longest brush: the image's longer side. */
  get maxSize(): number {
    return Math.max(this.image.width, this.image.height);
  }

  down(p: Point, _e?: PointerEvent): boolean {
    this.#before.set(this.plane.data);
    this.#strokeRect = null;
    const q = this.#toPlane(p);
    this.#last = q;
    this.#hover = p;
    this.#paint(q, q);
    return true;
  }

  move(p: Point, _e?: PointerEvent): void {
    this.#hover = p;
    const from = this.#last;
    if (!from) {
      this.version++;
      return;
    }
    const q = this.#toPlane(p);
    this.#last = q;
    this.#paint(from, q);
  }

  up(p: Point, _e?: PointerEvent): void {
    if (this.#last) this.move(p);
    this.#last = null;
    const rect = this.#strokeRect;
    this.#strokeRect = null;
    if (!rect) return;
    this.#pushUndo({ rect, values: copyRect(this.plane, rect, this.#before) });
    this.coverage = maskCoverage(this.plane);
  }

  hover(p: Point | null): void {
    this.#hover = p;
    this.version++;
  }

  draw(ctx: CanvasRenderingContext2D, frame: ToolFrame): void {
    const h = this.#hover;
    if (!h) return;
    const { zoom, x, y } = frame.view;
    const cx = h.x * zoom + x;
    const cy = h.y * zoom + y;
    const r = Math.max(2 * frame.dpr, (this.size / 2) * zoom);
    ctx.save();
    ctx.lineWidth = frame.dpr;
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.65)';
    ctx.beginPath();
    ctx.arc(cx, cy, r + frame.dpr, 0, Math.PI * 2);
    ctx.stroke();
    ctx.strokeStyle = '#fff';
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, Math.PI * 2);
    ctx.stroke();
    ctx.restore();
  }

  setMode(mode: MaskMode): void {
    this.mode = mode;
    this.version++;
  }

  /** Brush diameter in image pixels, clamped to 1…the image's longer side. */
  setSize(size: number): void {
    if (!Number.isFinite(size)) return;
    this.size = Math.min(this.maxSize, Math.max(1, Math.round(size)));
    this.version++;
  }

  /** One step larger (×1.25, at least 1 px): the `]` key. */
  grow(): void {
    this.setSize(Math.max(this.size + 1, this.size * 1.25));
  }

  /** One step smaller (÷1.25, at least 1 px): the `[` key. */
  shrink(): void {
    this.setSize(Math.min(this.size - 1, this.size / 1.25));
  }

  setHardness(hardness: number): void {
    if (!Number.isFinite(hardness)) return;
    this.hardness = Math.min(1, Math.max(0, hardness));
    this.version++;
  }

  toggleVisible(): void {
    this.visible = !this.visible;
    this.version++;
  }

  invert(): void {
    this.#wholeChange(() => invertMask(this.plane));
  }

  clear(): void {
    this.#wholeChange(() => clearMask(this.plane));
  }

  /** Undoes the last stroke, invert or clear (up to 20 back); false when there is none. */
  undoStroke(): boolean {
    if (this.#last) return false;
    const entry = this.#undo.pop();
    if (!entry) return false;
    pasteRect(this.plane, entry.rect, entry.values);
    this.#refresh(entry.rect);
    this.canUndo = this.#undo.length > 0;
    this.coverage = maskCoverage(this.plane);
    this.edited = true;
    this.version++;
    return true;
  }

  /** A plain copy of the plane (its buffer can be transferred to a worker). */
  snapshotPlane(): Plane {
    return { data: this.plane.data.slice(), width: this.plane.width, height: this.plane.height };
  }

  dispose(): void {
    this.#undo = [];
    this.canUndo = false;
    this.#last = null;
    this.#hover = null;
    // Frees the overlay's backing store.
    this.overlay.width = 0;
    this.overlay.height = 0;
  }

  #toPlane(p: Point): Point {
    return { x: p.x * this.#scaleX, y: p.y * this.#scaleY };
  }

  #paint(from: Point, to: Point): void {
    const radius = (this.size / 2) * ((this.#scaleX + this.#scaleY) / 2);
    const rect = paintStroke(this.plane, from, to, { radius, hardness: this.hardness, mode: this.mode });
    if (rect) {
      this.#strokeRect = unionRect(this.#strokeRect, rect);
      this.#refresh(rect);
      this.edited = true;
    }
    this.version++;
  }

  #wholeChange(change: () => void): void {
    if (this.#last) return;
    const rect = this.#whole();
    this.#pushUndo({ rect, values: this.plane.data.slice() });
    change();
    this.#refresh(rect);
    this.coverage = maskCoverage(this.plane);
    this.edited = true;
    this.version++;
  }

  #pushUndo(entry: UndoEntry): void {
    this.#undo.push(entry);
    if (this.#undo.length > UNDO_DEPTH) this.#undo.shift();
    this.canUndo = true;
  }

  /** Re-tints `rect` of the overlay from the plane. */
  #refresh(rect: Rect): void {
    tintRect(this.plane, rect, this.#pixels.data, TINT, OPACITY);
    this.#ctx.putImageData(this.#pixels, 0, 0, rect.x, rect.y, rect.width, rect.height);
  }

  #whole(): Rect {
    return { x: 0, y: 0, width: this.plane.width, height: this.plane.height };
  }
}
