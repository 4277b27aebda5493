/**
 * Runs of rotations, flips and crops folded into ONE draw: any such run is a crop of the source
 * followed by one of the eight quarter-turn/mirror maps, so rebuilding a step after twenty rotations
 * costs one pass over the pixels, not twenty. Pure integer math; `drawTransformed` does the draw.
 */
import type { Rect, Transform } from '../history/types.ts';

/**
 * A crop of the source (`src`, in source pixels) then the linear map X = a·x + c·y, Y = b·x + d·y
 * (entries −1, 0 or 1; an orthogonal matrix), shifted so the result starts at (0, 0).
 */
export interface Folded {
  src: Rect;
  a: number;
  b: number;
  c: number;
  d: number;
}

export const identity = (width: number, height: number): Folded => ({ src: { x: 0, y: 0, width, height }, a: 1, b: 0, c: 0, d: 1 });

/** Size of the result. */
export function foldedSize(f: Folded): { width: number; height: number } {
  const { width: w, height: h } = f.src;
  return { width: Math.abs(f.a) * w + Math.abs(f.c) * h, height: Math.abs(f.b) * w + Math.abs(f.d) * h };
}

/** The translation that puts the mapped crop at (0, 0): the canvas transform is (a, b, c, d, e, f). */
export function foldedOffset(f: Folded): { e: number; f: number } {
  const { width: w, height: h } = f.src;
  return { e: -Math.min(0, f.a * w) - Math.min(0, f.c * h), f: -Math.min(0, f.b * w) - Math.min(0, f.d * h) };
}

/** The linear part of each quarter turn and mirror, as in ops.ts (canvas setTransform order a, b, c, d). */
const LINEAR: Record<string, [number, number, number, number]> = {
  cw: [0, 1, -1, 0],
  ccw: [0, -1, 1, 0],
  horizontal: [-1, 0, 0, 1],
  vertical: [1, 0, 0, -1],
};

/** `t` applied after `f`. Throws a RangeError for a crop outside the image. */
export function fold(f: Folded, t: Transform): Folded {
  if (t.op === 'crop') {
    const size = foldedSize(f);
    const r = t.rect;
    if (![r.x, r.y, r.width, r.height].every(Number.isInteger) || r.x < 0 || r.y < 0 || r.width < 1 || r.height < 1 || r.x + r.width > size.width || r.y + r.height > size.height)
      throw new RangeError(`Crop ${r.x},${r.y} ${r.width}×${r.height} is not inside the ${size.width}×${size.height} image.`);
    // The map is orthogonal: its inverse is its transpose. Map the rect's corners back into the crop.
    const { e, f: g } = foldedOffset(f);
    const back = (X: number, Y: number) => [f.a * (X - e) + f.b * (Y - g), f.c * (X - e) + f.d * (Y - g)];
    const [x1, y1] = back(r.x, r.y);
    const [x2, y2] = back(r.x + r.width, r.y + r.height);
    return {
      ...f,
      src: { x: f.src.x + Math.min(x1, x2), y: f.src.y + Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) },
    };
  }
  const [ra, rb, rc, rd] = LINEAR[t.op === 'rotate' ? t.direction : t.axis];
  // New linear map = R · L, with L = [[a, c], [b, d]].
  return { src: f.src, a: ra * f.a + rc * f.b, b: rb * f.a + rd * f.b, c: ra * f.c + rc * f.d, d: rb * f.c + rd * f.d };
}

/** Whether the fold leaves the image as it is. */
export const isIdentity = (f: Folded, width: number, height: number): boolean =>
  f.a === 1 && f.d === 1 && f.b === 0 && f.c === 0 && f.src.x === 0 && f.src.y === 0 && f.src.width === width && f.src.height === height;

/** The folded transforms drawn in one pass, whole pixels, smoothing off: exact. */
export function drawTransformed(source: ImageBitmap, f: Folded): ImageBitmap {
  const { width, height } = foldedSize(f);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('OffscreenCanvas 2D is not available in this browser.');
  ctx.imageSmoothingEnabled = false;
  const { e, f: g } = foldedOffset(f);
  ctx.setTransform(f.a, f.b, f.c, f.d, e, g);
  const { x, y, width: w, height: h } = f.src;
  ctx.drawImage(source, x, y, w, h, 0, 0, w, h);
  return canvas.transferToImageBitmap();
}
