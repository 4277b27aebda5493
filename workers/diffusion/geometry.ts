/**
 * Where an edit runs: the box around the mask (with context and room for the feathered paste), its
 * size at SD's working resolution, the outpainting canvas, and the strength schedule. Pure numbers.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/**
 * SD1.5 works at 512 on the short side; the long side is capped (memory grows with the area). Sides
 * are multiples of 64: the UNet halves the latent grid three times and its exported graph concatenates
 * skips without resizing, so latent sides must divide by 8 (a 10-wide grid fails at its first skip).
 */
export interface WorkingSize {
  short: number;
  maxLong: number;
  /** Sides are multiples of this [64]. */
  multiple?: number;
}

export const SD15_WORKING: Readonly<WorkingSize> = Object.freeze({ short: 512, maxLong: 768, multiple: 64 });

export interface BoxOptions {
  /** Paste feather radius in image pixels (the box leaves room for 2× this around the mask). */
  feather: number;
  /** Context margin as a fraction of the mask's longer side (default 0.3). */
  context?: number;
  /** Smallest box side in image pixels, when the image allows (default 256): SD needs context. */
  minSide?: number;
  /** Widest aspect ratio of the box (default maxLong / short, so the working size is not squeezed). */
  maxAspect?: number;
}

/** Default paste feather for a mask's bounds: 5 % of its longer side, 2…64 px. */
export const featherFor = (bounds: Size) => Math.min(64, Math.max(2, Math.round(0.05 * Math.max(bounds.width, bounds.height))));

/** Grows [lo, hi) to at least `want` long inside [0, limit), centred where possible. */
function grow(lo: number, hi: number, want: number, limit: number): [number, number] {
  const need = Math.min(limit, Math.ceil(want)) - (hi - lo);
  if (need <= 0) return [lo, hi];
  let a = lo - Math.floor(need / 2);
  let b = hi + Math.ceil(need / 2);
  if (a < 0) [a, b] = [0, b - a];
  if (b > limit) [a, b] = [Math.max(0, a - (b - limit)), limit];
  return [a, b];
}

/** The integer box of `image` an edit of the mask `bounds` runs on. */
export function editBox(image: Size, bounds: Rect, o: BoxOptions): Rect {
  const margin = Math.max((o.context ?? 0.3) * Math.max(bounds.width, bounds.height), 2 * o.feather + 4);
  let x0 = Math.max(0, Math.floor(bounds.x - margin));
  let y0 = Math.max(0, Math.floor(bounds.y - margin));
  let x1 = Math.min(image.width, Math.ceil(bounds.x + bounds.width + margin));
  let y1 = Math.min(image.height, Math.ceil(bounds.y + bounds.height + margin));
  const minSide = o.minSide ?? 256;
  [x0, x1] = grow(x0, x1, minSide, image.width);
  [y0, y1] = grow(y0, y1, minSide, image.height);
  const aspect = o.maxAspect ?? SD15_WORKING.maxLong / SD15_WORKING.short;
  if (x1 - x0 > aspect * (y1 - y0)) [y0, y1] = grow(y0, y1, (x1 - x0) / aspect, image.height);
  else if (y1 - y0 > aspect * (x1 - x0)) [x0, x1] = grow(x0, x1, (y1 - y0) / aspect, image.width);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The box's size at the working resolution: `short` on the short side unless the long side passes `maxLong`; multiples of `multiple`. */
export function workingSize(box: Size, w: WorkingSize = SD15_WORKING): Size {
  const m = w.multiple ?? 64;
  if (m % 8 || w.short % m || w.maxLong % m || w.short < m || w.maxLong < w.short) throw new RangeError(`working size ${w.short}/${w.maxLong}: multiples of ${m} (itself a multiple of 8) with maxLong ≥ short`);
  let scale = w.short / Math.min(box.width, box.height);
  if (Math.max(box.width, box.height) * scale > w.maxLong) scale = w.maxLong / Math.max(box.width, box.height);
  const snap = (v: number) => Math.min(w.maxLong, Math.max(m, Math.round((v * scale) / m) * m));
  return { width: snap(box.width), height: snap(box.height) };
}

export interface Extend {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The outpainting canvas: its size and where the original lands on it. */
export function outpaintCanvas(image: Size, e: Extend): Size & { offset: { x: number; y: number } } {
  for (const [side, v] of Object.entries(e)) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`extend.${side} must be a whole number of pixels ≥ 0, got ${v}`);
  }
  if (e.left + e.right + e.top + e.bottom === 0) throw new RangeError('outpaint needs at least one side to extend');
  return { width: image.width + e.left + e.right, height: image.height + e.top + e.bottom, offset: { x: e.left, y: e.top } };
}

/** diffusers' img2img schedule: the last ⌊steps·strength⌋ of `steps` timesteps run. */
export function strengthStart(steps: number, strength: number): number {
  if (!(strength > 0 && strength <= 1)) throw new RangeError(`strength must be in (0, 1], got ${strength}`);
  const run = Math.min(Math.floor(steps * strength), steps);
  if (run < 1) throw new RangeError(`strength ${strength} leaves no step of ${steps} to run; raise the strength or the steps`);
  return steps - run;
}
