// The canvas-extension tool: handles on the edges and corners of the extended canvas; dragging one
// outward adds pixels on that side (never fewer than 0, so the image is never cropped).
import type { Point, ToolFrame, ViewportTool } from '../viewport/tool.ts';
import { fitView, type View } from '../viewport/view-math.ts';
import { type ClampOptions, type Extend, type ExtendPresetId, NO_EXTEND, SIDES, type Side, type Size, clampExtend, extendedSize, presetExtend, sameExtend } from './extend.ts';

export type Handle = 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw';

/** The sides each handle moves. */
const HANDLE_SIDES: Readonly<Record<Handle, readonly Side[]>> = Object.freeze({
  n: ['top'],
  s: ['bottom'],
  e: ['right'],
  w: ['left'],
  ne: ['top', 'right'],
  nw: ['top', 'left'],
  se: ['bottom', 'right'],
  sw: ['bottom', 'left'],
});

const CURSORS: Readonly<Record<Handle, string>> = Object.freeze({
  n: 'ns-resize',
  s: 'ns-resize',
  e: 'ew-resize',
  w: 'ew-resize',
  ne: 'nesw-resize',
  sw: 'nesw-resize',
  nw: 'nwse-resize',
  se: 'nwse-resize',
});

/** The new area's fill: the accent colour at 25 %. */
export const EXTEND_FILL = 'rgb(143 108 240 / 0.25)';
const ACCENT = '#8f6cf0';
/** Handle square side and grab distance, in CSS pixels (× the DPR on screen). */
const HANDLE_CSS = 9;
const GRAB_CSS = 10;

interface Drag {
  handle: Handle;
  from: Point;
  start: Extend;
}

export class ExtendTool implements ViewportTool {
  readonly image: Size;
  readonly #limits: Omit<ClampOptions, 'fixed'>;

  /** Pixels added on each side; replaced (never mutated) on every change. */
  extend = $state.raw<Extend>({ ...NO_EXTEND });
  /** Bumped whenever what `draw` draws changes. */
  version = $state(0);
  /** The handle under the pointer, or being dragged. */
  handle = $state<Handle | null>(null);

  #drag: Drag | null = null;
  /** Image pixels per device pixel at the last draw (the grab distance follows the zoom). */
  #scale: { zoom: number; dpr: number } | null = null;

  constructor(image: Size, initial: Partial<Extend> = {}, limits: Omit<ClampOptions, 'fixed'> = {}) {
    this.image = { width: image.width, height: image.height };
    this.#limits = { maxSide: limits.maxSide, maxFactor: limits.maxFactor };
    this.extend = clampExtend(this.image, initial, this.#limits);
  }

  /** The extended canvas's size. */
  get size(): Size {
    return extendedSize(this.image, this.extend);
  }

  get cursor(): string {
    return this.handle ? CURSORS[this.handle] : 'default';
  }

  /** True while a handle is being dragged. */
  get dragging(): boolean {
    return this.#drag !== null;
  }

  /** The handle within grab distance of `p` (corners first), or null. */
  handleAt(p: Point): Handle | null {
    const tol = this.#grab();
    const { left, top, right, bottom } = this.extend;
    const x0 = -left;
    const y0 = -top;
    const x1 = this.image.width + right;
    const y1 = this.image.height + bottom;
    const nearX0 = Math.abs(p.x - x0) <= tol;
    const nearX1 = Math.abs(p.x - x1) <= tol;
    const nearY0 = Math.abs(p.y - y0) <= tol;
    const nearY1 = Math.abs(p.y - y1) <= tol;
    // On a canvas narrower than twice the grab distance both edges are near: take the closer one.
    const west = nearX0 && (!nearX1 || Math.abs(p.x - x0) < Math.abs(p.x - x1));
    const east = nearX1 && !west;
    const north = nearY0 && (!nearY1 || Math.abs(p.y - y0) < Math.abs(p.y - y1));
    const south = nearY1 && !north;
    const withinX = p.x >= x0 - tol && p.x <= x1 + tol;
    const withinY = p.y >= y0 - tol && p.y <= y1 + tol;
    if (north && west) return 'nw';
    if (north && east) return 'ne';
    if (south && west) return 'sw';
    if (south && east) return 'se';
    if (withinX && north) return 'n';
    if (withinX && south) return 's';
    if (withinY && west) return 'w';
    if (withinY && east) return 'e';
    return null;
  }

  down(p: Point, _e?: PointerEvent): boolean {
    const handle = this.handleAt(p);
    if (!handle) return false;
    this.#drag = { handle, from: { x: p.x, y: p.y }, start: this.extend };
    this.#setHandle(handle);
    return true;
  }

  move(p: Point, _e?: PointerEvent): void {
    const drag = this.#drag;
    if (!drag) {
      this.hover(p);
      return;
    }
    const dx = p.x - drag.from.x;
    const dy = p.y - drag.from.y;
    const next = { ...drag.start };
    const moved = HANDLE_SIDES[drag.handle];
    for (const side of moved) {
      if (side === 'left') next.left = drag.start.left - dx;
      else if (side === 'right') next.right = drag.start.right + dx;
      else if (side === 'top') next.top = drag.start.top - dy;
      else next.bottom = drag.start.bottom + dy;
    }
    this.#apply(next, SIDES.filter((s) => !moved.includes(s)));
  }

  up(p: Point, _e?: PointerEvent): void {
    if (!this.#drag) return;
    this.move(p);
    this.#drag = null;
    this.#setHandle(this.handleAt(p));
  }

  hover(p: Point | null): void {
    if (this.#drag) return;
    this.#setHandle(p ? this.handleAt(p) : null);
  }

  draw(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, frame: ToolFrame): void {
    const { zoom, x, y } = frame.view;
    const dpr = frame.dpr;
    this.#scale = { zoom, dpr };
    const { left, top, right, bottom } = this.extend;
    const { width, height } = this.image;
    // Image box and extended canvas on screen, on whole device pixels.
    const ix0 = Math.round(x);
    const iy0 = Math.round(y);
    const ix1 = Math.round(x + width * zoom);
    const iy1 = Math.round(y + height * zoom);
    const ex0 = Math.round(x - left * zoom);
    const ey0 = Math.round(y - top * zoom);
    const ex1 = Math.round(x + (width + right) * zoom);
    const ey1 = Math.round(y + (height + bottom) * zoom);
    ctx.save();
    ctx.setLineDash([]);
    if (left + top + right + bottom > 0) {
      ctx.beginPath();
      ctx.rect(ex0, ey0, ex1 - ex0, ey1 - ey0);
      ctx.rect(ix0, iy0, ix1 - ix0, iy1 - iy0);
      ctx.fillStyle = EXTEND_FILL;
      ctx.fill('evenodd');
    }
    // The outline: a dark line under a white dashed one, so it reads on any background.
    const lw = Math.max(1, Math.round(dpr));
    const half = lw % 2 ? 0.5 : 0;
    ctx.lineWidth = lw;
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.6)';
    ctx.strokeRect(ex0 + half, ey0 + half, ex1 - ex0 - lw, ey1 - ey0 - lw);
    ctx.setLineDash([6 * dpr, 4 * dpr]);
    ctx.strokeStyle = '#fff';
    ctx.strokeRect(ex0 + half, ey0 + half, ex1 - ex0 - lw, ey1 - ey0 - lw);
    ctx.setLineDash([]);
    // Handles.
    const s = Math.round(HANDLE_CSS * dpr);
    const mx = (ex0 + ex1) / 2;
    const my = (ey0 + ey1) / 2;
    const at: Record<Handle, [number, number]> = { nw: [ex0, ey0], n: [mx, ey0], ne: [ex1, ey0], e: [ex1, my], se: [ex1, ey1], s: [mx, ey1], sw: [ex0, ey1], w: [ex0, my] };
    for (const [h, [cx, cy]] of Object.entries(at) as [Handle, [number, number]][]) {
      const hx = Math.round(cx - s / 2);
      const hy = Math.round(cy - s / 2);
      ctx.fillStyle = h === this.handle ? ACCENT : '#fff';
      ctx.fillRect(hx, hy, s, s);
      ctx.strokeStyle = h === this.handle ? '#fff' : ACCENT;
      ctx.strokeRect(hx + half, hy + half, s - lw, s - lw);
    }
    // The resulting size, above the top edge (inside it when the top of the screen is near).
    const size = this.size;
    const label = `${size.width} × ${size.height}`;
    const fontPx = Math.round(12 * dpr);
    ctx.font = `${fontPx}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    const pad = Math.round(5 * dpr);
    const lwidth = ctx.measureText(label).width + 2 * pad;
    const lheight = fontPx + 2 * pad;
    const gap = s / 2 + Math.round(6 * dpr);
    const ly = ey0 - gap - lheight >= 0 ? ey0 - gap - lheight : ey0 + gap;
    const lx = Math.round(mx - lwidth / 2);
    ctx.fillStyle = 'rgba(0, 0, 0, 0.7)';
    ctx.beginPath();
    ctx.roundRect(lx, ly, lwidth, lheight, Math.round(4 * dpr));
    ctx.fill();
    ctx.fillStyle = '#fff';
    ctx.fillText(label, mx, ly + lheight / 2);
    ctx.restore();
  }

  /**
   * Sets the sides given (clamped and snapped); sides left out keep their value and, when an axis
   * passes its limit, the sides given are the ones that give way.
   */
  set(ext: Partial<Extend>): void {
    const given = SIDES.filter((s) => ext[s] !== undefined);
    this.#apply({ ...this.extend, ...ext }, SIDES.filter((s) => !given.includes(s)));
  }

  applyPreset(id: ExtendPresetId): void {
    this.#drag = null;
    this.#replace(presetExtend(id, this.image, this.#limits));
  }

  reset(): void {
    this.#drag = null;
    this.#replace({ ...NO_EXTEND });
  }

  dispose(): void {
    this.#drag = null;
    this.#scale = null;
    this.handle = null;
  }

  #apply(next: Partial<Extend>, fixed: readonly Side[]): void {
    this.#replace(clampExtend(this.image, next, { ...this.#limits, fixed }));
  }

  #replace(next: Extend): void {
    if (sameExtend(next, this.extend)) return;
    this.extend = next;
    this.version++;
  }

  #setHandle(handle: Handle | null): void {
    if (handle === this.handle) return;
    this.handle = handle;
    this.version++;
  }

  /** Grab distance in image pixels: GRAB_CSS on screen at the last drawn zoom (before any draw, 1.5 % of the longer side). */
  #grab(): number {
    const s = this.#scale;
    if (s && s.zoom > 0) return (GRAB_CSS * s.dpr) / s.zoom;
    return Math.max(4, 0.015 * Math.max(this.image.width, this.image.height));
  }
}

/**
 * A view that fits the whole extended canvas (the viewport fits the image alone, so new area can
 * lie off screen); image coordinates as usual, so it can be assigned to `ViewportState.view`.
 * Padding defaults to 16 CSS pixels, like the viewport's own fit.
 */
export function fitExtended(viewport: { size: Size; dpr?: number }, image: Size, ext: Extend, padding = Math.round(16 * (viewport.dpr ?? 1))): View {
  const v = fitView(extendedSize(image, ext), viewport.size, padding);
  return { zoom: v.zoom, x: v.x + ext.left * v.zoom, y: v.y + ext.top * v.zoom };
}
