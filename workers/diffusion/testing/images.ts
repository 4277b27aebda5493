/** Test pictures and masks for the diffusion specs, and the "untouched outside the paste" check. */
import type { RgbaImage } from '../images.ts';

/** An opaque picture with structure: gradients, a disc and stripes, so resampling and the VAE see detail. */
export function testPicture(width: number, height: number, hue = 0): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const disc = (x - width * 0.6) ** 2 + (y - height * 0.4) ** 2 < (Math.min(width, height) / 4) ** 2;
      data[i] = (hue + (x * 255) / width) % 256;
      data[i + 1] = disc ? 230 : (y * 255) / height;
      data[i + 2] = (x + y) % 16 < 8 ? 60 : 180;
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

/** A soft disc mask (1 inside, a linear ramp over `soft` pixels), f32. */
export function discMask(width: number, height: number, cx: number, cy: number, r: number, soft = 3): Float32Array {
  const m = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) m[y * width + x] = Math.min(1, Math.max(0, (r + soft - Math.hypot(x - cx, y - cy)) / soft));
  return m;
}

/**
 * Pixels farther than `reach` (Chebyshev) from every mask pixel ≥ 0.5 — beyond the dilated and
 * feathered paste mask (finish.ts `pasteReach`): they must come back byte for byte. Returns how
 * many were checked and the first that differs.
 */
export function untouchedOutside(before: RgbaImage, after: RgbaImage, mask: Float32Array, reach: number): { checked: number; changed: number; first: string | null } {
  const { width, height } = before;
  const hard: [number, number][] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (mask[y * width + x] >= 0.5) hard.push([x, y]);
  let checked = 0;
  let changed = 0;
  let first: string | null = null;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (hard.some(([mx, my]) => Math.abs(mx - x) <= reach && Math.abs(my - y) <= reach)) continue;
      checked++;
      const i = (y * width + x) * 4;
      for (let k = 0; k < 4; k++) {
        if (before.data[i + k] === after.data[i + k]) continue;
        changed++;
        first ??= `(${x}, ${y}) byte ${k}: ${before.data[i + k]} → ${after.data[i + k]}`;
        break;
      }
    }
  }
  return { checked, changed, first };
}

/** Pixels (any channel) that differ. */
export function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 4) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2] || a[i + 3] !== b[i + 3]) n++;
  return n;
}
