import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../gpu/context.ts';
import { encodePack } from './pack.ts';
import { packRef } from './pack.ref.ts';
import { outBuffer, randomF32, readF32, rng, runChecked } from './testing.ts';

describe('UNet input packing kernel', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  const cases: [string, number, number, number, boolean, boolean, number[]][] = [
    ['9-channel inpainting, CFG batch 2, 1×1', 1, 1, 2, true, true, []],
    ['9-channel inpainting, batch 3, 13×7', 13, 7, 3, true, true, []],
    ['8-channel InstructPix2Pix, batch 3 with zeroed image on item 2, 5×11', 5, 11, 3, false, true, [2]],
    ['4-channel, batch 2, 17×3', 17, 3, 2, false, false, []],
  ];
  it.each(cases)('%s matches the CPU reference exactly', async (_name, w, h, batch, withMask, withCond, zeroCondItems) => {
    const plane = w * h;
    const random = rng(plane * batch);
    const latents = randomF32(4 * plane, random);
    const mask = withMask ? randomF32(plane, random, 0, 1) : undefined;
    const cond = withCond ? randomF32(4 * plane, random) : undefined;
    const channels = 4 + (mask ? 1 : 0) + (cond ? 4 : 0);
    const total = batch * channels * plane;
    const bufs = { latents: gpu.upload(latents), mask: mask && gpu.upload(mask), cond: cond && gpu.upload(cond), out: outBuffer(gpu, total) };
    await runChecked(gpu, 'pack test', (b) => encodePack(b, { ...bufs, plane, batch, zeroCondItems }));
    const out = await readF32(gpu, bufs.out, total);
    const expected = packRef(latents, mask, cond, plane, batch, zeroCondItems);
    expect(Array.from(out)).toEqual(Array.from(expected));
    // Spot-check the layout independently of the reference: item b, channel 4 is the mask.
    if (mask) expect(out[(batch - 1) * channels * plane + 4 * plane + plane - 1]).toBe(mask[plane - 1]);
    for (const buf of Object.values(bufs)) if (buf) gpu.release(buf);
  });
});
