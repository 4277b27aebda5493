/** Helpers shared by the kernel specs and the benchmark (no vitest import, so bench pages can use them). */
import type { GpuContext } from '../gpu/context.ts';
import { type Batch, run } from './kernel.ts';

/** mulberry32: a tiny seeded generator so every test case is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomF32(n: number, random: () => number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * random());
}

/** Random RGBA8 pixels packed as one u32 each (R in the low byte), as the kernels store images. */
export function randomRgba(n: number, random: () => number): Uint32Array {
  return Uint32Array.from({ length: n }, () => Math.floor(random() * 4294967296) >>> 0);
}

export async function readF32(gpu: GpuContext, buffer: GPUBuffer, n: number): Promise<Float32Array> {
  return new Float32Array(await gpu.read(buffer, n * 4));
}

export async function readU32(gpu: GpuContext, buffer: GPUBuffer, n: number): Promise<Uint32Array> {
  return new Uint32Array(await gpu.read(buffer, n * 4));
}

/** A storage buffer of `n` f32/u32 values, filled with NaN bits so unwritten elements show up. */
export function outBuffer(gpu: GpuContext, n: number, label = 'test output'): GPUBuffer {
  return gpu.upload(new Uint32Array(Math.max(1, n)).fill(0x7fc00000), undefined, label);
}

/** Throws (failing the test) with the worst index when |a − e| > atol + rtol·|e| anywhere (NaN always fails). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = 0): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length}, expected ${expected.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const excess = Number.isNaN(err) ? Infinity : err - (atol + rtol * Math.abs(expected[i]));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    throw new Error(`index ${worst}: got ${actual[worst]}, expected ${expected[worst]} (atol ${atol}, rtol ${rtol})`);
  }
}

/** Per-byte comparison of packed RGBA8 images, allowing `tol` levels of difference. */
export function expectBytesClose(actual: Uint32Array, expected: Uint32Array, tol: number): void {
  expectClose(new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength), new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength), tol);
}

/** Records `body` into one batch, submits it inside validation/OOM error scopes, throws what they caught. */
export async function runChecked(gpu: GpuContext, label: string, body: (batch: Batch) => void): Promise<void> {
  await gpu.checked(() => run(gpu, label, body));
}
