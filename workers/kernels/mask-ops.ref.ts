/** CPU reference of mask-ops.wgsl. `other` replaces the GPU buffer of union/intersect/subtract. */
export type MaskOpRef =
  | { op: 'threshold'; level: number }
  | { op: 'invert' }
  | { op: 'union' | 'intersect' | 'subtract'; other: Float32Array }
  | { op: 'dilate' | 'erode'; radius: number }
  | { op: 'feather'; sigma: number };

function blurAxis(a: Float32Array, w: number, h: number, sigma: number, horizontal: boolean): Float32Array {
  const out = new Float32Array(a.length);
  const r = Math.ceil(3 * sigma);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const at = horizontal ? x : y;
      const size = horizontal ? w : h;
      const step = horizontal ? 1 : w;
      let acc = 0;
      let total = 0;
      for (let d = Math.max(-r, -at); d <= Math.min(r, size - 1 - at); d++) {
        const wt = Math.exp((-0.5 * d * d) / (sigma * sigma));
        acc += wt * a[y * w + x + d * step];
        total += wt;
      }
      out[y * w + x] = acc / total;
    }
  }
  return out;
}

export function maskOpRef(a: Float32Array, w: number, h: number, m: MaskOpRef): Float32Array {
  switch (m.op) {
    case 'threshold':
      return a.map((v) => (v >= m.level ? 1 : 0));
    case 'invert':
      return a.map((v) => 1 - v);
    case 'union':
      return a.map((v, i) => Math.max(v, m.other[i]));
    case 'intersect':
      return a.map((v, i) => Math.min(v, m.other[i]));
    case 'subtract':
      return a.map((v, i) => Math.min(v, 1 - m.other[i]));
    case 'feather':
      return m.sigma > 0 ? blurAxis(blurAxis(a, w, h, m.sigma, true), w, h, m.sigma, false) : a.slice();
    default: {
      const out = new Float32Array(a.length);
      const r = m.radius;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let v = a[y * w + x];
          for (let dy = Math.max(-r, -y); dy <= Math.min(r, h - 1 - y); dy++) {
            for (let dx = Math.max(-r, -x); dx <= Math.min(r, w - 1 - x); dx++) {
              if (dx * dx + dy * dy > r * r) continue;
              const s = a[(y + dy) * w + x + dx];
              v = m.op === 'erode' ? Math.min(v, s) : Math.max(v, s);
            }
          }
          out[y * w + x] = v;
        }
      }
      return out;
    }
  }
}
