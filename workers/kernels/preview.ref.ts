import { SD15_PREVIEW_FACTORS } from './preview.ts';

/** CPU reference of encodePreview: RGBA8 packed one u32 per pixel. */
export function previewRef(latents: Float32Array, plane: number, factors = SD15_PREVIEW_FACTORS): Uint32Array {
  const f = factors.map((row) => row.map(Math.fround));
  const out = new Uint32Array(plane);
  for (let p = 0; p < plane; p++) {
    const rgb = [0, 0, 0];
    for (let c = 0; c < 4; c++) for (let k = 0; k < 3; k++) rgb[k] += latents[c * plane + p] * f[c][k];
    const [r, g, b] = rgb.map((x) => Math.floor((Math.min(1, Math.max(-1, x)) + 1) * 127.5 + 0.5));
    out[p] = (r | (g << 8) | (b << 16) | (255 << 24)) >>> 0;
  }
  return out;
}
