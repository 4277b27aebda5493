// One small, valid set of inputs for any session, made from what the file declares: fixed dims as
// they are, symbolic dims from a table of small sizes (consistent with each other: the decoder's
// total length is past + new), values by input name (ids, masks, positions, image grids, floats).
import { randomFloats, toHalf } from '../build/numeric.ts';
import type { GraphValue } from './graph.ts';

export type FeedData =
  | { type: 'float32'; data: Float32Array; dims: number[] }
  | { type: 'float16'; data: Uint16Array; dims: number[] }
  | { type: 'int64'; data: BigInt64Array; dims: number[] }
  | { type: 'int32'; data: Int32Array; dims: number[] }
  | { type: 'bool'; data: Uint8Array; dims: number[] };

const PAST = 2;
const NEW = 3;

/** Sizes for symbolic dims; `image` is the picture side the model expects (224 CLIP, 352 CLIPSeg, 64 the SD VAE). */
function sizeOf(name: string, image: number): number {
  const n = name.toLowerCase();
  if (n.includes('batch') || n === 'num_images') return 1;
  if (n.startsWith('past')) return PAST;
  if (n.startsWith('total')) return PAST + NEW;
  if (n.startsWith('latent_')) return Math.max(1, Math.round(image / 8));
  if (n === 'height' || n === 'width') return image;
  if (n === 'num_patches') return 16; // grid_thw [1, 4, 4]
  return NEW; // sequence lengths, instruction lengths, anything else
}

/** The input dims the probe feeds: fixed dims as declared, symbolic ones from the table. */
export const probeDims = (v: GraphValue, image: number, overrides: Record<string, number> = {}): number[] =>
  v.dims.map((d, i) => (typeof d === 'number' && d > 0 ? d : (overrides[`${v.name}:${i}`] ?? sizeOf(typeof d === 'string' ? d : `${v.name}_${i}`, image))));

const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function intValues(name: string, dims: number[]): number[] {
  const n = count(dims);
  const last = dims[dims.length - 1] ?? 1;
  if (/mask/.test(name)) return Array<number>(n).fill(1);
  if (name === 'grid_thw') return Array.from({ length: n }, (_, i) => [1, 4, 4][i % 3]);
  // Positions continue after the cached tokens (rows of M-RoPE's [3, B, S] repeat them).
  if (name === 'position_ids') return Array.from({ length: n }, (_, i) => PAST + (i % last));
  if (name === 'timestep') return Array<number>(n).fill(500);
  // Token ids: small ids exist in every vocabulary; the last is the highest (CLIP pools there).
  return Array.from({ length: n }, (_, i) => 10 + (i % last));
}

/** Inputs for one run of a session with these declared inputs. */
export function probeFeeds(inputs: readonly GraphValue[], image: number, seed = 7): Record<string, FeedData> {
  const out: Record<string, FeedData> = {};
  inputs.forEach((v, k) => {
    const dims = probeDims(v, image);
    const n = count(dims);
    const floats = () => (v.name === 'timestep' ? new Float32Array(n).fill(500) : randomFloats(n, seed + k, 0.5));
    switch (v.type) {
      case 'float32':
        out[v.name] = { type: 'float32', data: floats(), dims };
        break;
      case 'float16':
        out[v.name] = { type: 'float16', data: Uint16Array.from(floats(), toHalf), dims };
        break;
      case 'int64':
        out[v.name] = { type: 'int64', data: BigInt64Array.from(intValues(v.name, dims), (x) => BigInt(x)), dims };
        break;
      case 'int32':
        out[v.name] = { type: 'int32', data: Int32Array.from(intValues(v.name, dims)), dims };
        break;
      case 'bool':
        out[v.name] = { type: 'bool', data: new Uint8Array(n).fill(1), dims };
        break;
      default:
        throw new Error(`input '${v.name}' is ${v.type}: the check cannot make a value of that type`);
    }
  });
  return out;
}

/** Non-finite values in a float output (NaN, ±Inf). */
export function nonFinite(values: ArrayLike<number>): { nan: number; inf: number } {
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isNaN(x)) nan++;
    else if (!Number.isFinite(x)) inf++;
  }
  return { nan, inf };
}
