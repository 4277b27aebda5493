/** CPU reference of composite.wgsl. */
import type { Rect } from './image-tensor.ts';

export function compositeRef(original: Uint32Array, width: number, height: number, generated: Uint32Array, gw: number, gh: number, rect: Rect, mask: Float32Array): Uint32Array {
  const out = original.slice();
  const gen = new Uint8Array(generated.buffer, generated.byteOffset, generated.byteLength);
  const texel = (x: number, y: number, c: number) => gen[4 * (Math.min(Math.max(y, 0), gh - 1) * gw + Math.min(Math.max(x, 0), gw - 1)) + c] / 255;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const a = Math.min(Math.max(mask[p], 0), 1);
      const cx = x + 0.5;
      const cy = y + 0.5;
      if (a <= 0 || cx < rect.x || cy < rect.y || cx >= rect.x + rect.width || cy >= rect.y + rect.height) continue;
      const gx = ((cx - rect.x) * gw) / rect.width - 0.5;
      const gy = ((cy - rect.y) * gh) / rect.height - 0.5;
      const ix = Math.floor(gx);
      const iy = Math.floor(gy);
      const fx = gx - ix;
      const fy = gy - iy;
      const rgb = [0, 1, 2].map((c) => {
        const top = texel(ix, iy, c) * (1 - fx) + texel(ix + 1, iy, c) * fx;
        const bottom = texel(ix, iy + 1, c) * (1 - fx) + texel(ix + 1, iy + 1, c) * fx;
        const g = top * (1 - fy) + bottom * fy;
        const o = ((original[p] >>> (8 * c)) & 0xff) / 255;
        return Math.floor(Math.min(Math.max(o + a * (g - o), 0), 1) * 255 + 0.5);
      });
      out[p] = (rgb[0] | (rgb[1] << 8) | (rgb[2] << 16) | (original[p] & 0xff000000)) >>> 0;
    }
  }
  return out;
}
