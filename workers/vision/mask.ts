// From a coarse probability map (the region head's 16 × 16, CLIPSeg's 352 × 352) to an editing
// mask: bilinear upsampling, thresholds at one or several levels (hysteresis: a region found at the
// low level is kept only if it reaches the high one), small components dropped, holes closed, a
// margin grown for inpainting, edges feathered. CPU code at a working size of at most `maxSide`
// (1024 by default), then upsampled to the requested size. Masks are f32 planes in [0, 1], 1 = edit,
// as the kernels expect; morphology and feathering give the mask-ops kernels' results, so a GPU port
// is a drop-in.
import { type Plane, fitSize } from './geometry.ts';

export type { Plane };

export interface MaskOptions {
  /** Threshold levels; with several, regions at the lowest are kept where they reach the highest. */
  levels: number[];
  /** Components smaller than this fraction of the image are dropped (the largest one never is). */
  minArea: number;
  /** Closing radius (fills gaps and holes), as a fraction of the working size's longer side. */
  close: number;
  /** Margin grown around the region, fraction of the longer side. */
  grow: number;
  /** Feather σ, fraction of the longer side. */
  feather: number;
  /** Longest side the cleanup runs at. */
  maxSide: number;
}

export const DEFAULT_MASK_OPTIONS: Readonly<MaskOptions> = Object.freeze({ levels: [0.5], minArea: 0.002, close: 0.01, grow: 0.01, feather: 0.006, maxSide: 1024 });

/** Bilinear resampling with pixel centres aligned (align_corners = false), edges clamped. */
export function resize(src: Plane, width: number, height: number): Plane {
  const out = new Float32Array(width * height);
  const sx = src.width / width;
  const sy = src.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(src.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(src.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(src.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(src.width - 1, x0 + 1);
      const wx = fx - x0;
      const top = src.data[y0 * src.width + x0] * (1 - wx) + src.data[y0 * src.width + x1] * wx;
      const bottom = src.data[y1 * src.width + x0] * (1 - wx) + src.data[y1 * src.width + x1] * wx;
      out[y * width + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return { data: out, width, height };
}

/** 8-connected components of the set pixels: a label per pixel (−1 for unset) and each label's size. */
export function components(bin: Uint8Array, width: number, height: number): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(bin.length).fill(-1);
  const sizes: number[] = [];
  const stack: number[] = [];
  for (let start = 0; start < bin.length; start++) {
    if (!bin[start] || labels[start] >= 0) continue;
    const label = sizes.length;
    let size = 0;
    labels[start] = label;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop()!;
      size++;
      const px = p % width;
      const py = (p - px) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const y = py + dy;
        if (y < 0 || y >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const x = px + dx;
          if (x < 0 || x >= width) continue;
          const q = y * width + x;
          if (bin[q] && labels[q] < 0) {
            labels[q] = label;
            stack.push(q);
          }
        }
      }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

/** Pixels ≥ the lowest level, in components that reach the highest level somewhere. */
export function hysteresis(prob: Plane, levels: number[]): Uint8Array {
  const sorted = [...levels].sort((a, b) => b - a);
  const [high, low] = [sorted[0], sorted[sorted.length - 1]];
  const n = prob.data.length;
  const weak = new Uint8Array(n);
  for (let i = 0; i < n; i++) weak[i] = prob.data[i] >= low ? 1 : 0;
  if (high === low) return weak;
  const { labels, sizes } = components(weak, prob.width, prob.height);
  const strong = new Uint8Array(sizes.length);
  for (let i = 0; i < n; i++) if (prob.data[i] >= high) strong[labels[i]] = 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = labels[i] >= 0 && strong[labels[i]] ? 1 : 0;
  return out;
}

/** Drops components below `minPixels`, except the largest. */
export function dropSmall(bin: Uint8Array, width: number, height: number, minPixels: number): Uint8Array {
  const { labels, sizes } = components(bin, width, height);
  if (!sizes.length) return bin.slice();
  let largest = 0;
  for (let l = 1; l < sizes.length; l++) if (sizes[l] > sizes[largest]) largest = l;
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) {
    const l = labels[i];
    out[i] = l >= 0 && (l === largest || sizes[l] >= minPixels) ? 1 : 0;
  }
  return out;
}

/** Squared distance along one line to the nearest zero of f (f = 0 at sources, ∞ elsewhere): Felzenszwalb–Huttenlocher. */
function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    if (f[q] === Infinity) continue;
    if (f[v[k]] === Infinity) {
      v[k] = q;
      continue;
    }
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    d[q] = f[v[k]] === Infinity ? Infinity : (q - v[k]) ** 2 + f[v[k]];
  }
}

/** Squared Euclidean distance from every pixel to the nearest set pixel (exact, linear time). */
export function distanceSquared(bin: Uint8Array, width: number, height: number): Float64Array {
  const n = Math.max(width, height);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const grid = new Float64Array(bin.length);
  for (let i = 0; i < bin.length; i++) grid[i] = bin[i] ? 0 : Infinity;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = grid[y * width + x];
    edt1d(f, height, d, v, z);
    for (let y = 0; y < height; y++) grid[y * width + x] = d[y];
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) f[x] = grid[y * width + x];
    edt1d(f, width, d, v, z);
    for (let x = 0; x < width; x++) grid[y * width + x] = d[x];
  }
  return grid;
}

/** Disc dilation by `radius` pixels (as the mask-ops kernel's: offsets with dx² + dy² ≤ r²). */
export function dilate(bin: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (radius <= 0) return bin.slice();
  const d = distanceSquared(bin, width, height);
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = d[i] <= radius * radius ? 1 : 0;
  return out;
}

export function erode(bin: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (radius <= 0) return bin.slice();
  const inverse = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) inverse[i] = 1 - bin[i];
  const d = distanceSquared(inverse, width, height);
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = d[i] > radius * radius ? 1 : 0;
  return out;
}

/**
 * Separable Gaussian blur, taps to ⌈3σ⌉, weights renormalised over the taps inside the image:
 * the same result as the mask-ops kernel's `feather` (and its CPU reference), with the weights
 * computed once instead of per pixel.
 */
export function feather(src: Float32Array, width: number, height: number, sigma: number): Float32Array {
  if (!(sigma > 0)) return src.slice();
  const r = Math.ceil(3 * sigma);
  const w = new Float64Array(2 * r + 1);
  for (let i = 0; i <= 2 * r; i++) w[i] = Math.exp((-0.5 * (i - r) ** 2) / (sigma * sigma));
  const out = new Float32Array(src.length);
  const line = new Float64Array(Math.max(width, height));
  const done = new Float64Array(line.length);
  /** Blurs line[0, n) into done[0, n). */
  const blur = (n: number) => {
    for (let x = 0; x < n; x++) {
      const lo = x < r ? -x : -r;
      const hi = x + r >= n ? n - 1 - x : r;
      let acc = 0;
      let total = 0;
      for (let d = lo; d <= hi; d++) {
        acc += w[d + r] * line[x + d];
        total += w[d + r];
      }
      done[x] = acc / total;
    }
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) line[x] = src[y * width + x];
    blur(width);
    for (let x = 0; x < width; x++) out[y * width + x] = done[x];
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) line[y] = out[y * width + x];
    blur(height);
    for (let y = 0; y < height; y++) out[y * width + x] = done[y];
  }
  return out;
}

export interface RefinedMask {
  mask: Plane;
  /** Fraction of the image the hard mask covers (before feathering). */
  coverage: number;
  components: number;
}

/** The editing mask at width × height for a probability map. */
export function refineMask(prob: Plane, width: number, height: number, options: Partial<MaskOptions> = {}): RefinedMask {
  const o = { ...DEFAULT_MASK_OPTIONS, ...options };
  const work = fitSize(width, height, o.maxSide);
  const side = Math.max(work.width, work.height);
  const px = (f: number) => Math.round(f * side);
  const up = resize(prob, work.width, work.height);
  let bin = hysteresis(up, o.levels);
  bin = dropSmall(bin, work.width, work.height, o.minArea * work.width * work.height);
  bin = erode(dilate(bin, work.width, work.height, px(o.close)), work.width, work.height, px(o.close));
  bin = dilate(bin, work.width, work.height, px(o.grow));
  let count = 0;
  for (let i = 0; i < bin.length; i++) count += bin[i];
  const soft = feather(new Float32Array(bin), work.width, work.height, o.feather * side);
  const plane = { data: soft, width: work.width, height: work.height };
  return {
    mask: work.width === width && work.height === height ? plane : resize(plane, width, height),
    coverage: count / bin.length,
    components: components(bin, work.width, work.height).sizes.length,
  };
}
