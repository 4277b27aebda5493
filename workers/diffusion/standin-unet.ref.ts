import { type StandinWeights, standinWeights } from './standin-unet.ts';

/** CPU reference of the stand-in UNet: same formula, f64 arithmetic, f32 output. */
export function standinUnetRef(width: number, height: number, channels: number, batch: number, w: StandinWeights = standinWeights()) {
  const plane = width * height;
  const f = (a: number[]) => a.map(Math.fround);
  const [weights, timeWeights, embed] = [f(w.weights), f(w.timeWeights), f(w.embed)];
  return (sample: Float32Array, t: number): Float32Array => {
    const eps = new Float32Array(batch * 4 * plane);
    const tt = Math.fround(t) / 1000;
    for (let b = 0; b < batch; b++) {
      const base = b * channels * plane;
      for (let p = 0; p < plane; p++) {
        const right = (p % width) + 1 === width ? p + 1 - width : p + 1;
        for (let c = 0; c < 4; c++) {
          let v = timeWeights[c] * tt + embed[4 * b + c];
          for (let k = 0; k < channels; k++) v += weights[4 * k + c] * sample[base + k * plane + p];
          v += 0.25 * sample[base + c * plane + right];
          eps[(b * 4 + c) * plane + p] = v / (1 + Math.abs(v));
        }
      }
    }
    return eps;
  };
}
