/** A crop rectangle in image pixels. */
export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The rectangle spanned by two corner points, whatever direction the drag went. */
export function normaliseCrop(a: { x: number; y: number }, b: { x: number; y: number }): CropRect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) };
}

/** Whole-pixel rectangle inside the image; null when nothing would be left. */
export function clampCrop(rect: CropRect, width: number, height: number): CropRect | null {
  const x0 = Math.max(0, Math.min(width, Math.round(rect.x)));
  const y0 = Math.max(0, Math.min(height, Math.round(rect.y)));
  const x1 = Math.max(0, Math.min(width, Math.round(rect.x + rect.width)));
  const y1 = Math.max(0, Math.min(height, Math.round(rect.y + rect.height)));
  if (x1 - x0 < 1 || y1 - y0 < 1) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
