import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../gpu/context.ts';
import { encodeGuidance, type Guidance, guidanceBatch } from './guidance.ts';
import { guidanceRef } from './guidance.ref.ts';
import { expectClose, outBuffer, randomF32, readF32, rng, runChecked } from './testing.ts';

describe('guidance kernel', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  async function guide(eps: Float32Array, count: number, guidance: Guidance): Promise<Float32Array> {
    const input = gpu.upload(eps);
    const out = outBuffer(gpu, count);
    await runChecked(gpu, 'guidance test', (b) => encodeGuidance(b, { eps: input, out, count, guidance }));
    const result = await readF32(gpu, out, count);
    gpu.release(input);
    gpu.release(out);
    return result;
  }

  it('gives 3.4 for the three-way reference check (αV 1.5, αX 7.5)', async () => {
    // Batch order [text+image, image only, neither].
    const eps = new Float32Array([0.7, 0.3, 0.1]);
    expect((await guide(eps, 1, { kind: 'ip2p', text: 7.5, image: 1.5 }))[0]).toBeCloseTo(3.4, 5);
  });

  it('gives ε_u + s·(ε_c − ε_u) for two-way CFG in [uncond, cond] order', async () => {
    const out = await guide(new Float32Array([0.1, -2, 0.3, 1]), 2, { kind: 'cfg', scale: 7.5 });
    expectClose(out, [0.1 + 7.5 * 0.2, -2 + 7.5 * 3], 1e-5);
  });

  const cases: [string, Guidance, number, number][] = [
    ['cfg 1×1', { kind: 'cfg', scale: 7.5 }, 1, 1],
    ['cfg 13×7', { kind: 'cfg', scale: 5 }, 13, 7],
    ['ip2p 1×1', { kind: 'ip2p', text: 7.5, image: 1.5 }, 1, 1],
    ['ip2p 33×17', { kind: 'ip2p', text: 3, image: 2.5 }, 33, 17],
    ['none 9×5', { kind: 'none' }, 9, 5],
  ];
  it.each(cases)('matches the CPU reference on random data (%s)', async (_name, guidance, w, h) => {
    const count = 4 * w * h;
    const eps = randomF32(count * guidanceBatch(guidance), rng(w * 31 + h));
    expectClose(await guide(eps, count, guidance), guidanceRef(eps, count, guidance), 1e-5, 1e-6);
  });

  it('covers counts beyond 65 535 workgroups (2-D dispatch wrap)', async () => {
    const count = 65535 * 64 + 100;
    const eps = Float32Array.from({ length: count }, (_, i) => i);
    const out = await guide(eps, count, { kind: 'none' });
    let mismatches = 0;
    for (let i = 0; i < count; i++) if (out[i] !== eps[i]) mismatches++;
    expect(mismatches).toBe(0);
  });
});
