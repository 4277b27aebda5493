// Sizes and the outpainting canvas: pure arithmetic shared by the workers and their tests.
import type { OutpaintExtents } from '../language/types.ts';

export interface Plane {
  data: Float32Array;
  width: number;
  height: number;
}

/** Size that fits `maxSide` on the longer side, aspect kept, never enlarged. */
export function fitSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const s = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** The extended canvas: its size and where the original image's top-left corner sits in it. */
export interface OutpaintCanvas {
  width: number;
  height: number;
  x: number;
  y: number;
}

/** Extents in pixels (fractions of the image's width for left/right, of its height for top/bottom). */
export function outpaintCanvas(width: number, height: number, ext: OutpaintExtents): OutpaintCanvas {
  const px = (v: number, of: number) => Math.max(0, Math.round(ext.unit === 'px' ? v : v * of));
  const [left, right, top, bottom] = [px(ext.left, width), px(ext.right, width), px(ext.top, height), px(ext.bottom, height)];
  return { width: width + left + right, height: height + top + bottom, x: left, y: top };
}

/**
 * The outpainting mask on the canvas: 1 on the new area, 0 on the original, with a linear ramp
 * `overlap` pixels into the original along the extended sides so the seam is repainted softly.
 */
export function outpaintMask(canvas: OutpaintCanvas, width: number, height: number, overlap: number): Plane {
  const data = new Float32Array(canvas.width * canvas.height);
  const extended = { left: canvas.x > 0, top: canvas.y > 0, right: canvas.width - canvas.x - width > 0, bottom: canvas.height - canvas.y - height > 0 };
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) {
      const ix = x - canvas.x;
      const iy = y - canvas.y;
      if (ix < 0 || iy < 0 || ix >= width || iy >= height) {
        data[y * canvas.width + x] = 1;
        continue;
      }
      // Distance into the original from each extended side (pixel centres), the nearest one counts.
      const d = Math.min(
        extended.left ? ix + 0.5 : Infinity,
        extended.right ? width - ix - 0.5 : Infinity,
        extended.top ? iy + 0.5 : Infinity,
        extended.bottom ? height - iy - 0.5 : Infinity,
      );
      data[y * canvas.width + x] = overlap > 0 ? Math.max(0, 1 - d / overlap) : 0;
    }
  }
  return { data, width: canvas.width, height: canvas.height };
}
