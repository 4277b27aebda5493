// Pure arithmetic on mask planes (f32 in [0, 1], 1 = edit): painting, erasing, inverting, measuring.
// No DOM: the mask editor, the workers and the Node specs share it.
import { type Plane, fitSize } from '../../../workers/vision/geometry.ts';

export type { Plane };

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BrushOptions {
  /** In plane pixels. */
  radius: number;
  /** 1: hard edge at `radius`; 0: smooth falloff from the centre to `radius`. */
  hardness: number;
  mode: 'paint' | 'erase';
}

/** An empty mask at the image's aspect, longest side ≤ maxSide (the analysis copy's size). */
export function blankMask(imageWidth: number, imageHeight: number, maxSide = 1024): Plane {
  const { width, height } = fitSize(imageWidth, imageHeight, maxSide);
  return { data: new Float32Array(width * height), width, height };
}

/** Brush strength at distance `d` from the stroke: 1 inside `radius·hardness`, a smoothstep down to 0 at `radius`. */
export function brushFalloff(d: number, radius: number, hardness: number): number {
  if (d > radius) return 0;
  const inner = radius * Math.min(1, Math.max(0, hardness));
  if (d <= inner) return 1;
  const t = (radius - d) / (radius - inner);
  return t * t * (3 - 2 * t);
}

/**
 * Paints (max(old, brush)) or erases (min(old, 1 − brush)) the segment `from`→`to` in plane
 * coordinates (pixel centres at +0.5). The brush is evaluated at each pixel's distance to the
 * segment, which is what stamping along it gives as the spacing goes to zero (no ridges, no
 * spacing to tune); `from` = `to` is a dot. Returns the rectangle of changed pixels, or null.
 */
export function paintStroke(plane: Plane, from: { x: number; y: number }, to: { x: number; y: number }, brush: BrushOptions): Rect | null {
  const { data, width, height } = plane;
  const radius = Math.max(0.5, brush.radius);
  const erase = brush.mode === 'erase';
  const x0 = Math.max(0, Math.floor(Math.min(from.x, to.x) - radius));
  const y0 = Math.max(0, Math.floor(Math.min(from.y, to.y) - radius));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(from.x, to.x) + radius));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(from.y, to.y) + radius));
  if (x0 > x1 || y0 > y1) return null;
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const len2 = dx * dx + dy * dy;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -1;
  let maxY = -1;
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5 - from.y;
    const row = y * width;
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5 - from.x;
      const t = len2 > 0 ? Math.min(1, Math.max(0, (px * dx + py * dy) / len2)) : 0;
      const ex = px - t * dx;
      const ey = py - t * dy;
      const d = Math.sqrt(ex * ex + ey * ey);
      if (d > radius) continue;
      const s = brushFalloff(d, radius, brush.hardness);
      const i = row + x;
      const old = data[i];
      const next = erase ? Math.min(old, 1 - s) : Math.max(old, s);
      if (next === old) continue;
      data[i] = next;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return maxX < 0 ? null : { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/** 1 − value, in place. */
export function invertMask(plane: Plane): Plane {
  const d = plane.data;
  for (let i = 0; i < d.length; i++) d[i] = 1 - d[i];
  return plane;
}

/** All zero, in place. */
export function clearMask(plane: Plane): Plane {
  plane.data.fill(0);
  return plane;
}

/** Mean value: the covered fraction of the image (soft edges count in part). */
export function maskCoverage(plane: Plane): number {
  const d = plane.data;
  if (d.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < d.length; i++) sum += d[i];
  return sum / d.length;
}

/** The smallest rectangle holding every value above `threshold`, or null when there is none. */
export function maskBounds(plane: Plane, threshold = 0): Rect | null {
  const { data, width, height } = plane;
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (data[row + x] <= threshold) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      maxY = y;
    }
  }
  return maxX < 0 ? null : { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/** The union of two rectangles (either may be null). */
export function unionRect(a: Rect | null, b: Rect | null): Rect | null {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** A copy of `rect` of a plane's values (row-major, rect.width × rect.height). */
export function copyRect(plane: Plane, rect: Rect, source: Float32Array = plane.data): Float32Array {
  const out = new Float32Array(rect.width * rect.height);
  for (let y = 0; y < rect.height; y++) {
    const start = (rect.y + y) * plane.width + rect.x;
    out.set(source.subarray(start, start + rect.width), y * rect.width);
  }
  return out;
}

/** Writes a `copyRect` result back into the plane. */
export function pasteRect(plane: Plane, rect: Rect, values: Float32Array): void {
  for (let y = 0; y < rect.height; y++) {
    plane.data.set(values.subarray(y * rect.width, (y + 1) * rect.width), (rect.y + y) * plane.width + rect.x);
  }
}

/**
 * Writes the tinted overlay of `rect` into RGBA pixels at plane size: `rgb` everywhere, alpha =
 * value·opacity.
 */
export function tintRect(plane: Plane, rect: Rect, rgba: Uint8ClampedArray, rgb: readonly [number, number, number], opacity: number): void {
  const { data, width } = plane;
  const scale = opacity * 255;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    let o = (y * width + rect.x) * 4;
    let i = y * width + rect.x;
    for (let x = 0; x < rect.width; x++, i++, o += 4) {
      const v = data[i];
      rgba[o] = rgb[0];
      rgba[o + 1] = rgb[1];
      rgba[o + 2] = rgb[2];
      rgba[o + 3] = Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * scale);
    }
  }
}
