/** CPU references of ops.ts, f32 storage throughout. */
import { fromHalfBits, toHalfBits } from '../runtime/convert.ts';

export function axpbyRef(x: Float32Array, y: Float32Array, a: number, b: number): Float32Array {
  const fa = Math.fround(a);
  const fb = Math.fround(b);
  return Float32Array.from(x, (v, i) => fa * v + fb * y[i]);
}

export function resampleRef(src: Float32Array, sw: number, sh: number, dw: number, dh: number, threshold = 0): Float32Array {
  const out = new Float32Array(dw * dh);
  const rx = sw / dw;
  const ry = sh / dh;
  const supX = Math.max(rx, 1);
  const supY = Math.max(ry, 1);
  for (let dy = 0; dy < dh; dy++) {
    const cy = (dy + 0.5) * ry;
    for (let dx = 0; dx < dw; dx++) {
      const cx = (dx + 0.5) * rx;
      let acc = 0;
      let total = 0;
      for (let sy = 0; sy < sh; sy++) {
        const wy = Math.max(0, 1 - Math.abs(sy + 0.5 - cy) / supY);
        if (wy <= 0) continue;
        for (let sx = 0; sx < sw; sx++) {
          const wx = Math.max(0, 1 - Math.abs(sx + 0.5 - cx) / supX);
          if (wx <= 0) continue;
          acc += wx * wy * src[sy * sw + sx];
          total += wx * wy;
        }
      }
      const v = total > 0 ? acc / total : 0;
      out[dy * dw + dx] = threshold > 0 ? (v >= threshold ? 1 : 0) : v;
    }
  }
  return out;
}

export function maskImageRef(image: Float32Array, mask: Float32Array, threshold = 0.5): Float32Array {
  const plane = mask.length;
  return Float32Array.from(image.subarray(0, 3 * plane), (v, i) => (mask[i % plane] < threshold ? v : 0));
}

/** f32 → float16 (round half to even) → f32: what a round trip through the conversion kernels gives. */
export const halfRoundTripRef = (values: Float32Array) => Float32Array.from(values, (v) => fromHalfBits(toHalfBits(v)));
