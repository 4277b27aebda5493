/** CPU reference of noise.wgsl: Philox4x32-10 with identical integer arithmetic, then Box–Muller. */
import { seedWords } from './noise.ts';

/** (hi, lo) of the 64-bit product, built from 16-bit halves exactly as the shader does. */
function mulhilo(a: number, b: number): [number, number] {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return [(ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0, Math.imul(a, b) >>> 0];
}

export function philox(counter: readonly number[], key: readonly number[]): [number, number, number, number] {
  let [c0, c1, c2, c3] = counter.map((x) => x >>> 0);
  let [k0, k1] = key.map((x) => x >>> 0);
  for (let r = 0; r < 10; r++) {
    const [hi0, lo0] = mulhilo(0xd2511f53, c0);
    const [hi1, lo1] = mulhilo(0xcd9e8d57, c2);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
    k0 = (k0 + 0x9e3779b9) >>> 0;
    k1 = (k1 + 0xbb67ae85) >>> 0;
  }
  return [c0, c1, c2, c3];
}

const unit = (x: number) => ((x >>> 9) + 0.5) / 8388608;

export function noiseBitsRef(count: number, seed: number, stream = 0): Uint32Array {
  const key = seedWords(seed);
  const out = new Uint32Array(count);
  for (let g = 0; 4 * g < count; g++) {
    const w = philox([g, stream, 0, 0], key);
    for (let j = 0; j < 4 && 4 * g + j < count; j++) out[4 * g + j] = w[j];
  }
  return out;
}

export function noiseRef(count: number, seed: number, stream = 0): Float32Array {
  const key = seedWords(seed);
  const out = new Float32Array(count);
  for (let g = 0; 4 * g < count; g++) {
    const [w0, w1, w2, w3] = philox([g, stream, 0, 0], key);
    const r0 = Math.sqrt(-2 * Math.log(unit(w0)));
    const a0 = 2 * Math.PI * (unit(w1) - 0.5);
    const r1 = Math.sqrt(-2 * Math.log(unit(w2)));
    const a1 = 2 * Math.PI * (unit(w3) - 0.5);
    const z = [r0 * Math.cos(a0), r0 * Math.sin(a0), r1 * Math.cos(a1), r1 * Math.sin(a1)];
    for (let j = 0; j < 4 && 4 * g + j < count; j++) out[4 * g + j] = z[j];
  }
  return out;
}
