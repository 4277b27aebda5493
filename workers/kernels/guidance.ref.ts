import type { Guidance } from './guidance.ts';

/** CPU reference of encodeGuidance: same formulas, float64 arithmetic, f32 storage. */
export function guidanceRef(eps: Float32Array, count: number, g: Guidance): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    if (g.kind === 'ip2p') {
      const full = eps[i];
      const image = eps[count + i];
      const none = eps[2 * count + i];
      out[i] = none + g.image * (image - none) + g.text * (full - image);
    } else if (g.kind === 'cfg') {
      out[i] = eps[i] + g.scale * (eps[count + i] - eps[i]);
    } else {
      out[i] = eps[i];
    }
  }
  return out;
}
