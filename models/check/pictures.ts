// The check's test pictures, drawn in code (no canvas, so Node and workers alike): a red square and
// a blue circle on grey, and a smooth picture for the VAE. RGB in [0, 1], row-major, 3 values a pixel.

export interface Picture {
  width: number;
  height: number;
  /** RGB in [0, 1], interleaved. */
  rgb: Float32Array;
}

export type Shape = 'red square' | 'blue circle';

const GREY = [0.5, 0.5, 0.5];
const COLOUR: Record<Shape, number[]> = { 'red square': [0.9, 0.1, 0.1], 'blue circle': [0.1, 0.2, 0.9] };

/** Whether pixel (x, y) of a `size`² picture lies in the shape (centred, a third of the side). */
export function inShape(shape: Shape, size: number, x: number, y: number): boolean {
  const c = size / 2;
  const r = size / 6;
  const dx = x + 0.5 - c;
  const dy = y + 0.5 - c;
  return shape === 'red square' ? Math.abs(dx) <= r && Math.abs(dy) <= r : dx * dx + dy * dy <= r * r;
}

export function shapePicture(shape: Shape, size: number): Picture {
  const rgb = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) rgb.set(inShape(shape, size, x, y) ? COLOUR[shape] : GREY, (y * size + x) * 3);
  return { width: size, height: size, rgb };
}

/** The shape's pixels as a 0/1 mask, row-major. */
export function shapeMask(shape: Shape, size: number): Uint8Array {
  const m = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) m[y * size + x] = inShape(shape, size, x, y) ? 1 : 0;
  return m;
}

/**
 * The VAE's test picture: smooth colour gradients with a soft-edged disc, the kind of content an
 * autoencoder with an 8× latent keeps well (no detail finer than its 8-pixel cells).
 */
export function smoothPicture(size: number): Picture {
  const rgb = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const u = x / (size - 1);
      const v = y / (size - 1);
      const d = Math.hypot(u - 0.6, v - 0.4);
      const disc = 1 / (1 + Math.exp((d - 0.22) * 40)); // soft edge ≈ 6 % of the side
      const base = [0.2 + 0.6 * u, 0.3 + 0.4 * v, 0.7 - 0.5 * u * v];
      const spot = [0.95, 0.8, 0.2];
      rgb.set(base.map((b, c) => b * (1 - disc) + spot[c] * disc), (y * size + x) * 3);
    }
  return { width: size, height: size, rgb };
}

/** NCHW float32 of a picture, each channel as (value − mean) / std. */
export function toNchw(p: Picture, mean: readonly number[] = [0, 0, 0], std: readonly number[] = [1, 1, 1]): Float32Array {
  const plane = p.width * p.height;
  const out = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) out[c * plane + i] = (p.rgb[i * 3 + c] - mean[c]) / std[c];
  return out;
}
