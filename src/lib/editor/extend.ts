// Extending the canvas (outpainting): how many pixels each side gains, kept whole, snapped to 8
// and inside the size the diffusion worker accepts. Pure numbers.
import type { Extend } from '../../../workers/diffusion/geometry.ts';
import type { OutpaintExtents } from '../../../workers/language/types.ts';
import { outpaintCanvas } from '../../../workers/vision/geometry.ts';

export type { Extend };

export type Side = keyof Extend;

export interface Size {
  width: number;
  height: number;
}

export const SIDES: readonly Side[] = Object.freeze(['left', 'top', 'right', 'bottom'] as const);

/** Nothing added. */
export const NO_EXTEND: Readonly<Extend> = Object.freeze({ left: 0, top: 0, right: 0, bottom: 0 });

/** Every side is a multiple of this. */
export const EXTEND_STEP = 8;

export interface ClampOptions {
  /** Longest side of the extended canvas [4096]. */
  maxSide?: number;
  /** The extended canvas is at most this many times the image on each axis [2]. */
  maxFactor?: number;
  /** Sides that keep their value when an axis passes its limit; the opposite side gives way (otherwise both shrink in proportion). */
  fixed?: readonly Side[];
}

/** True when at least one side gains pixels. */
export const isExtended = (e: Extend) => e.left + e.top + e.right + e.bottom > 0;

export function extendedSize(image: Size, e: Extend): Size {
  return { width: image.width + e.left + e.right, height: image.height + e.top + e.bottom };
}

const snap = (v: number) => (Number.isFinite(v) && v > 0 ? Math.round(v / EXTEND_STEP) * EXTEND_STEP : 0);
const floorStep = (v: number) => Math.max(0, Math.floor(v / EXTEND_STEP) * EXTEND_STEP);

/** Pixels one axis may gain: the canvas stays ≤ maxSide and ≤ maxFactor × the image side (0 when the image is already past it). */
function room(side: number, maxSide: number, maxFactor: number): number {
  return floorStep(Math.floor(Math.min(maxSide, maxFactor * side)) - side);
}

/** Splits one axis's gain [a, b] so it fits `cap`. */
function fitAxis(a: number, b: number, cap: number, fixA: boolean, fixB: boolean): [number, number] {
  if (a + b <= cap) return [a, b];
  if (fixA && !fixB) {
    const kept = Math.min(a, cap);
    return [kept, cap - kept];
  }
  if (fixB && !fixA) {
    const kept = Math.min(b, cap);
    return [cap - kept, kept];
  }
  const k = cap / (a + b);
  return [floorStep(a * k), floorStep(b * k)];
}

/**
 * Whole, non-negative sides, each a multiple of 8, with the canvas inside `maxSide` and
 * `maxFactor` × the image on each axis. Partial or non-finite input counts as 0.
 */
export function clampExtend(image: Size, e: Partial<Extend>, o: ClampOptions = {}): Extend {
  const maxSide = o.maxSide ?? 4096;
  const maxFactor = o.maxFactor ?? 2;
  const fixed = new Set(o.fixed ?? []);
  const [left, right] = fitAxis(snap(e.left ?? 0), snap(e.right ?? 0), room(image.width, maxSide, maxFactor), fixed.has('left'), fixed.has('right'));
  const [top, bottom] = fitAxis(snap(e.top ?? 0), snap(e.bottom ?? 0), room(image.height, maxSide, maxFactor), fixed.has('top'), fixed.has('bottom'));
  return { left, top, right, bottom };
}

export function sameExtend(a: Extend, b: Extend): boolean {
  return a.left === b.left && a.top === b.top && a.right === b.right && a.bottom === b.bottom;
}

export type ExtendPresetId = 'left-25' | 'right-25' | 'top-25' | 'bottom-25' | 'all-12.5' | 'to-16:9' | 'to-1:1' | 'to-9:16' | 'to-4:3';

export interface ExtendPreset {
  id: ExtendPresetId;
  label: string;
  /** Unclamped pixels to add (pass through `clampExtend`, or use `presetExtend`). */
  extend(image: Size): Extend;
}

/** Symmetric growth of the short dimension to `ratio` (width / height); zeros when that would shrink. */
function toAspect(image: Size, ratio: number): Extend {
  const dw = image.height * ratio - image.width;
  const dh = image.width / ratio - image.height;
  if (dw > 0) return { left: dw / 2, top: 0, right: dw / 2, bottom: 0 };
  if (dh > 0) return { left: 0, top: dh / 2, right: 0, bottom: dh / 2 };
  return { ...NO_EXTEND };
}

export const EXTEND_PRESETS: readonly ExtendPreset[] = Object.freeze([
  { id: 'left-25', label: 'Left 25 %', extend: (s: Size) => ({ ...NO_EXTEND, left: 0.25 * s.width }) },
  { id: 'right-25', label: 'Right 25 %', extend: (s: Size) => ({ ...NO_EXTEND, right: 0.25 * s.width }) },
  { id: 'top-25', label: 'Top 25 %', extend: (s: Size) => ({ ...NO_EXTEND, top: 0.25 * s.height }) },
  { id: 'bottom-25', label: 'Bottom 25 %', extend: (s: Size) => ({ ...NO_EXTEND, bottom: 0.25 * s.height }) },
  { id: 'all-12.5', label: 'All sides 12.5 %', extend: (s: Size) => ({ left: 0.125 * s.width, top: 0.125 * s.height, right: 0.125 * s.width, bottom: 0.125 * s.height }) },
  { id: 'to-16:9', label: 'To 16:9', extend: (s: Size) => toAspect(s, 16 / 9) },
  { id: 'to-1:1', label: 'To 1:1', extend: (s: Size) => toAspect(s, 1) },
  { id: 'to-9:16', label: 'To 9:16', extend: (s: Size) => toAspect(s, 9 / 16) },
  { id: 'to-4:3', label: 'To 4:3', extend: (s: Size) => toAspect(s, 4 / 3) },
] satisfies ExtendPreset[]);

/** A preset's extension of `image`, clamped; throws on an unknown id. */
export function presetExtend(id: ExtendPresetId, image: Size, o: ClampOptions = {}): Extend {
  const preset = EXTEND_PRESETS.find((p) => p.id === id);
  if (!preset) throw new RangeError(`unknown extend preset ${id}`);
  return clampExtend(image, preset.extend(image), o);
}

/**
 * A plan's outpaint extents (fractions of the image's width for left/right and of its height for
 * top/bottom, or pixels; the same reading as the vision worker's `outpaintCanvas`) as clamped
 * pixels. No extents: nothing added.
 */
export function extendFromPlan(image: Size, plan: OutpaintExtents | null | undefined, o: ClampOptions = {}): Extend {
  if (!plan) return { ...NO_EXTEND };
  const finite = (v: number) => (Number.isFinite(v) ? v : 0);
  const c = outpaintCanvas(image.width, image.height, { left: finite(plan.left), right: finite(plan.right), top: finite(plan.top), bottom: finite(plan.bottom), unit: plan.unit });
  return clampExtend(image, { left: c.x, top: c.y, right: c.width - image.width - c.x, bottom: c.height - image.height - c.y }, o);
}

/** "1024 × 683 → 1536 × 683 (+512 left)"; "1024 × 683 (not extended)" when nothing is added. */
export function describeExtend(image: Size, e: Extend): string {
  const from = `${image.width} × ${image.height}`;
  if (!isExtended(e)) return `${from} (not extended)`;
  const to = extendedSize(image, e);
  const parts = SIDES.filter((s) => e[s] > 0).map((s) => `+${e[s]} ${s}`);
  return `${from} → ${to.width} × ${to.height} (${parts.join(', ')})`;
}
