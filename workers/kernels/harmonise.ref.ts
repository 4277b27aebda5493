/** CPU reference of harmonise.wgsl: same statistics (f64 sums) and the same per-pixel transform. */

const toYcc = (r: number, g: number, b: number) => [
  0.299 * r + 0.587 * g + 0.114 * b - 0.5,
  -0.168736 * r - 0.331264 * g + 0.5 * b,
  0.5 * r - 0.418688 * g - 0.081312 * b,
];

const toRgb = ([y0, cb, cr]: number[]) => {
  const y = y0 + 0.5;
  return [y + 1.402 * cr, y - 0.344136 * cb - 0.714136 * cr, y + 1.772 * cb];
};

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** The four stats vectors as harmonise.wgsl lays them out (16 numbers). */
export function harmoniseStatsRef(image: Uint32Array, region: Float32Array, ring: Float32Array): number[] {
  const s = new Array<number>(16).fill(0);
  for (let p = 0; p < image.length; p++) {
    const px = image[p];
    const c = toYcc((px & 255) / 255, ((px >>> 8) & 255) / 255, ((px >>> 16) & 255) / 255);
    [clamp01(region[p]), clamp01(ring[p])].forEach((w, k) => {
      s[8 * k] += w;
      for (let j = 0; j < 3; j++) {
        s[8 * k + 1 + j] += w * c[j];
        s[8 * k + 4 + j] += w * c[j] * c[j];
      }
    });
  }
  return s;
}

export function harmoniseRef(image: Uint32Array, region: Float32Array, ring: Float32Array, strength: number, maxGain = 4): Uint32Array {
  const s = harmoniseStatsRef(image, region, ring);
  const out = image.slice();
  const [regionSum, ringSum] = [s[0], s[8]];
  if (regionSum <= 0 || ringSum <= 0) return out;
  const mean = (k: number) => [1, 2, 3].map((j) => s[8 * k + j] / s[8 * k]);
  const sd = (k: number, m: number[]) => [4, 5, 6].map((j, i) => Math.sqrt(Math.max(s[8 * k + j] / s[8 * k] - m[i] * m[i], 0)));
  const [mRegion, mRing] = [mean(0), mean(1)];
  const [sdRegion, sdRing] = [sd(0, mRegion), sd(1, mRing)];
  const gain = sdRing.map((v, j) => Math.min(maxGain, Math.max(1 / maxGain, v / Math.max(sdRegion[j], 1e-6))));
  for (let p = 0; p < image.length; p++) {
    const w = clamp01(region[p]);
    if (w <= 0) continue;
    const px = image[p];
    const c = toYcc((px & 255) / 255, ((px >>> 8) & 255) / 255, ((px >>> 16) & 255) / 255);
    const moved = c.map((v, j) => v + strength * w * (mRing[j] + (v - mRegion[j]) * gain[j] - v));
    const [r, g, b] = toRgb(moved).map((v) => Math.floor(clamp01(v) * 255 + 0.5));
    out[p] = (r | (g << 8) | (b << 16) | (px & 0xff000000)) >>> 0;
  }
  return out;
}
