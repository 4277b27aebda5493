import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../gpu/context.ts';
import { encodeMaskOp, encodeRing, type MaskOp } from './mask-ops.ts';
import { maskOpRef, type MaskOpRef } from './mask-ops.ref.ts';
import { expectClose, outBuffer, randomF32, readF32, rng, runChecked } from './testing.ts';

describe('mask operation kernels', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  async function apply(mask: Float32Array, w: number, h: number, op: MaskOpRef): Promise<Float32Array> {
    const src = gpu.upload(mask);
    const other = 'other' in op ? gpu.upload(op.other) : undefined;
    const dst = outBuffer(gpu, w * h);
    const gpuOp = (other ? { ...op, other } : op) as MaskOp;
    await runChecked(gpu, 'mask op test', (b) => encodeMaskOp(b, { src, dst, width: w, height: h }, gpuOp));
    const out = await readF32(gpu, dst, w * h);
    [src, dst, other].forEach((b) => b && gpu.release(b));
    return out;
  }

  it('threshold, invert, union on golden values', async () => {
    const m = new Float32Array([0, 0.49, 0.5, 1]);
    expect(Array.from(await apply(m, 4, 1, { op: 'threshold', level: 0.5 }))).toEqual([0, 0, 1, 1]);
    expectClose(await apply(m, 2, 2, { op: 'invert' }), [1, 0.51, 0.5, 0], 1e-7);
    expectClose(await apply(m, 4, 1, { op: 'union', other: new Float32Array([0.3, 0.2, 0.9, 0]) }), [0.3, 0.49, 0.9, 1], 1e-7);
  });

  it('dilates a point into a disc of radius 2 and erodes it away again', async () => {
    const m = new Float32Array(49);
    m[24] = 1;
    const grown = await apply(m, 7, 7, { op: 'dilate', radius: 2 });
    expect(grown.reduce((a, b) => a + b, 0)).toBe(13); // lattice points with dx² + dy² ≤ 4
    expect(grown[24 + 2]).toBe(1);
    expect(grown[24 + 8]).toBe(1);
    expect(grown[24 + 16]).toBe(0);
    expect(Array.from(await apply(grown, 7, 7, { op: 'erode', radius: 2 })).filter((v) => v > 0)).toEqual([1]);
  });

  it('feathers with a normalised Gaussian: constant planes stay constant and mass is kept inside', async () => {
    expectClose(await apply(new Float32Array(35).fill(0.7), 7, 5, { op: 'feather', sigma: 2 }), new Float32Array(35).fill(0.7), 1e-6);
    const m = new Float32Array(21 * 21);
    m[10 * 21 + 10] = 1;
    const f = await apply(m, 21, 21, { op: 'feather', sigma: 1.5 });
    expect(f.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(f[10 * 21 + 11]).toBeCloseTo(f[11 * 21 + 10], 6);
  });

  const ops = (random: () => number, n: number): [string, MaskOpRef][] => [
    ['threshold', { op: 'threshold', level: 0.3 }],
    ['invert', { op: 'invert' }],
    ['union', { op: 'union', other: randomF32(n, random, 0, 1) }],
    ['intersect', { op: 'intersect', other: randomF32(n, random, 0, 1) }],
    ['subtract', { op: 'subtract', other: randomF32(n, random, 0, 1) }],
    ['dilate r3', { op: 'dilate', radius: 3 }],
    ['erode r1', { op: 'erode', radius: 1 }],
    ['feather σ2', { op: 'feather', sigma: 2 }],
  ];
  for (const [w, h] of [
    [1, 1],
    [23, 11],
  ]) {
    const random = rng(w * h);
    it.each(ops(random, w * h))(`matches the CPU reference (${w}×${h}, %s)`, async (_name, op) => {
      const m = randomF32(w * h, random, 0, 1);
      expectClose(await apply(m, w, h, op), maskOpRef(m, w, h, op), 1e-6, 1e-6);
    });
  }

  it('builds the harmonise ring: dilated region minus the region', async () => {
    const w = 9;
    const region = new Float32Array(w * w);
    region[4 * w + 4] = 0.3;
    const src = gpu.upload(region);
    const dst = outBuffer(gpu, w * w);
    await runChecked(gpu, 'ring test', (b) => encodeRing(b, { src, dst, width: w, height: w }, 1));
    const ring = await readF32(gpu, dst, w * w);
    expect([...ring.keys()].filter((p) => ring[p] === 1)).toEqual([3 * w + 4, 4 * w + 3, 4 * w + 5, 5 * w + 4]);
    expect(ring.reduce((a, b) => a + b, 0)).toBe(4);
    gpu.release(src);
    gpu.release(dst);
  });
});
