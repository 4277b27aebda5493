import type { MaskResize } from './mask-latent.ts';

/** CPU reference of encodeMaskLatent. */
export function maskLatentRef(src: Float32Array, sw: number, sh: number, dw: number, dh: number, mode: MaskResize): Float32Array {
  const out = new Float32Array(dw * dh);
  for (let dy = 0; dy < dh; dy++) {
    for (let dx = 0; dx < dw; dx++) {
      if (mode === 'nearest') {
        const sx = Math.min(Math.floor((dx * sw) / dw), sw - 1);
        const sy = Math.min(Math.floor((dy * sh) / dh), sh - 1);
        out[dy * dw + dx] = src[sy * sw + sx];
        continue;
      }
      const x0 = Math.floor((dx * sw) / dw);
      const x1 = Math.ceil(((dx + 1) * sw) / dw);
      const y0 = Math.floor((dy * sh) / dh);
      const y1 = Math.ceil(((dy + 1) * sh) / dh);
      let sum = 0;
      let biggest = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          sum += src[y * sw + x];
          biggest = Math.max(biggest, src[y * sw + x]);
        }
      }
      out[dy * dw + dx] = mode === 'max' ? biggest : sum / ((x1 - x0) * (y1 - y0));
    }
  }
  return out;
}
