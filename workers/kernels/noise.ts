import { type Batch, defineKernel, grid1d, type Kernel } from './kernel.ts';
import code from './noise.wgsl?raw';

const WG = 64;
const normal = defineKernel({ name: 'noise', code, entryPoint: 'normal', workgroup: { WG } });
const bits = defineKernel({ name: 'noise', code, entryPoint: 'bits', workgroup: { WG } });

export interface NoiseArgs {
  /** f32 normals for `encodeNoise`, u32 words for `encodeNoiseBits`. */
  out: GPUBuffer;
  count: number;
  /** Integer seed, 0 ≤ seed < 2^53 (both 32-bit halves form the Philox key). */
  seed: number;
  /** Independent stream for the same seed; 0 by default. */
  stream?: number;
}

export function seedWords(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

function encode(kernel: Kernel, binding: number, batch: Batch, a: NoiseArgs): void {
  const [seedLo, seedHi] = seedWords(a.seed);
  batch.dispatch(kernel, {
    params: { count: a.count, seedLo, seedHi, stream: a.stream ?? 0 },
    bind: { [binding]: a.out },
    // One thread makes four values (one Philox block, two Box–Muller pairs).
    grid: grid1d(Math.ceil(a.count / 4), WG),
  });
}

/** Standard normal f32 noise, a pure function of (seed, stream, index). */
export const encodeNoise = (batch: Batch, a: NoiseArgs) => encode(normal, 1, batch, a);

/** The Philox words behind encodeNoise, for bit-exact tests. */
export const encodeNoiseBits = (batch: Batch, a: NoiseArgs) => encode(bits, 2, batch, a);
