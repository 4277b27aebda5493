/** CPU reference of adjust.wgsl. */
import { ADJUST_MAX_RADIUS, type Adjustments, NEUTRAL_ADJUSTMENTS } from './adjust.ts';

export function adjustRef(src: Uint32Array, width: number, height: number, adjustments: Partial<Adjustments>): Uint32Array {
  const s = { ...NEUTRAL_ADJUSTMENTS, ...adjustments };
  const bytes = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  const out = new Uint32Array(src.length);
  const detail = 1 + s.sharpen - s.blur;
  const r = Math.min(Math.ceil(3 * s.sigma), ADJUST_MAX_RADIUS);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      let rgb = [0, 1, 2].map((c) => bytes[4 * p + c] / 255);
      if (detail !== 1 && s.sigma > 0) {
        const acc = [0, 0, 0];
        let total = 0;
        for (let dy = Math.max(-r, -y); dy <= Math.min(r, height - 1 - y); dy++) {
          for (let dx = Math.max(-r, -x); dx <= Math.min(r, width - 1 - x); dx++) {
            const w = Math.exp((-0.5 * (dx * dx + dy * dy)) / (s.sigma * s.sigma));
            for (let c = 0; c < 3; c++) acc[c] += (w * bytes[4 * ((y + dy) * width + x + dx) + c]) / 255;
            total += w;
          }
        }
        rgb = rgb.map((v, c) => acc[c] / total + detail * (v - acc[c] / total));
      }
      const wb = [1 + 0.2 * s.warmth, 1 - 0.2 * s.tint, 1 - 0.2 * s.warmth];
      rgb = rgb.map((v, c) => ((v * 2 ** s.exposure * wb[c] + s.brightness - 0.5) * s.contrast + 0.5));
      const luma = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
      rgb = rgb.map((v) => luma + (v - luma) * s.saturation);
      if (s.gamma !== 1) rgb = rgb.map((v) => Math.max(v, 0) ** (1 / s.gamma));
      const [R, G, B] = rgb.map((v) => Math.floor(Math.min(1, Math.max(0, v)) * 255 + 0.5));
      out[p] = (R | (G << 8) | (B << 16) | (src[p] & 0xff000000)) >>> 0;
    }
  }
  return out;
}
