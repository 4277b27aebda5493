// Inputs for the generated SD graphs, independent of any ORT build ({ type, data, dims }), shared
// by the Node tests, the browser tests and the benchmark page.
import { fromHalf, randomFloats, toHalfArray } from './numeric.ts';
import { type Dtype } from './sd-config.ts';

export type FloatTensor = { type: 'float32'; data: Float32Array; dims: number[] } | { type: 'float16'; data: Uint16Array; dims: number[] };

export function floatTensor(values: Float32Array, dims: number[], dtype: Dtype): FloatTensor {
  return dtype === 'fp16' ? { type: 'float16', data: toHalfArray(values), dims } : { type: 'float32', data: values, dims };
}

/** Any float tensor's values as float32. */
export function values(t: { type: string; data: unknown }): Float32Array {
  // ORT gives float16 data as bits (Uint16Array), or as a Float16Array where the platform has one.
  if (t.type === 'float16') return t.data instanceof Uint16Array ? Float32Array.from(t.data, fromHalf) : Float32Array.from(t.data as ArrayLike<number>);
  if (t.type === 'float32') return t.data as Float32Array;
  throw new Error(`not a float tensor: ${t.type}`);
}

/** UNet feeds: 9-channel sample, timesteps 981, 961, … per batch row (always float32), `seq` text states of width `text`. */
export function unetFeeds(dtype: Dtype, batch: number, h: number, w: number, seed = 1, seq = 77, text = 768): Record<string, FloatTensor> {
  return {
    sample: floatTensor(randomFloats(batch * 9 * h * w, seed), [batch, 9, h, w], dtype),
    timestep: floatTensor(Float32Array.from({ length: batch }, (_, i) => 981 - 20 * i), [batch], 'fp32'),
    encoder_hidden_states: floatTensor(randomFloats(batch * seq * text, seed + 1), [batch, seq, text], dtype),
  };
}

export function vaeDecoderFeeds(dtype: Dtype, batch: number, h: number, w: number, seed = 3): Record<string, FloatTensor> {
  return { latent_sample: floatTensor(randomFloats(batch * 4 * h * w, seed, 3), [batch, 4, h, w], dtype) };
}

export function vaeEncoderFeeds(dtype: Dtype, batch: number, height: number, width: number, seed = 4): Record<string, FloatTensor> {
  return { sample: floatTensor(randomFloats(batch * 3 * height * width, seed), [batch, 3, height, width], dtype) };
}

/** ‖a − b‖ / ‖b‖ */
export function relError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
