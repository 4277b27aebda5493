/** CPU reference of image-tensor.wgsl (same filter formulation, float64). */
import type { Normalisation, Rect, Resample } from './image-tensor.ts';

function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

function weight(filter: Resample, i: number, center: number, scale: number): number {
  if (filter === 'area') return Math.max(Math.min(i + 1, center + 0.5 * scale) - Math.max(i, center - 0.5 * scale), 0);
  const x = (i + 0.5 - center) / scale;
  return filter === 'bicubic' ? cubic(x) : Math.max(1 - Math.abs(x), 0);
}

/** Taps and normalised weights along one axis for output index d. */
function taps(filter: Resample, antialias: boolean, d: number, start: number, length: number, out: number, size: number): [number[], number[]] {
  const ratio = length / out;
  const center = start + (d + 0.5) * ratio;
  const fs = filter === 'area' || antialias ? Math.max(ratio, 1) : 1;
  const support = (filter === 'bicubic' ? 2 : filter === 'area' ? 0.5 : 1) * fs;
  const clampIndex = (i: number) => Math.min(Math.max(i, 0), size - 1);
  const lo = clampIndex(filter === 'area' ? Math.floor(center - support) : Math.floor(center - support - 0.5) + 1);
  const hi = clampIndex(filter === 'area' ? Math.ceil(center + support) - 1 : Math.ceil(center + support - 0.5) - 1);
  const idx: number[] = [];
  const w: number[] = [];
  for (let i = lo; i <= hi; i++) {
    idx.push(i);
    w.push(weight(filter, i, center, fs));
  }
  return [idx, w];
}

export function toTensorRef(image: Uint32Array, sw: number, sh: number, dw: number, dh: number, crop: Rect, filter: Resample, antialias: boolean, n: Normalisation): Float32Array {
  const out = new Float32Array(3 * dw * dh);
  const bytes = new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
  const plane = dw * dh;
  for (let dy = 0; dy < dh; dy++) {
    const [ys, wys] = taps(filter, antialias, dy, crop.y, crop.height, dh, sh);
    for (let dx = 0; dx < dw; dx++) {
      const [xs, wxs] = taps(filter, antialias, dx, crop.x, crop.width, dw, sw);
      const acc = [0, 0, 0];
      let total = 0;
      ys.forEach((y, j) => {
        xs.forEach((x, i) => {
          const w = wys[j] * wxs[i];
          for (let c = 0; c < 3; c++) acc[c] += (w * bytes[4 * (y * sw + x) + c]) / 255;
          total += w;
        });
      });
      for (let c = 0; c < 3; c++) {
        const v = total === 0 ? 0 : Math.min(1, Math.max(0, acc[c] / total));
        out[c * plane + dy * dw + dx] = v * n.scale[c] + n.offset[c];
      }
    }
  }
  return out;
}

export function toImageRef(tensor: Float32Array, width: number, height: number, n: Normalisation): Uint32Array {
  const plane = width * height;
  const out = new Uint32Array(plane);
  for (let p = 0; p < plane; p++) {
    const [r, g, b] = [0, 1, 2].map((c) => Math.floor(Math.min(1, Math.max(0, tensor[c * plane + p] * n.scale[c] + n.offset[c])) * 255 + 0.5));
    out[p] = (r | (g << 8) | (b << 16) | (255 << 24)) >>> 0;
  }
  return out;
}
