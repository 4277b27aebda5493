import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../gpu/context.ts';
import { encodeComposite } from './composite.ts';
import { compositeRef } from './composite.ref.ts';
import type { Rect } from './image-tensor.ts';
import { expectBytesClose, outBuffer, randomRgba, readU32, rng, runChecked } from './testing.ts';

describe('composite (feathered paste-back) kernel', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  async function composite(original: Uint32Array, w: number, h: number, generated: Uint32Array, gw: number, gh: number, rect: Rect, mask: Float32Array) {
    const bufs = { original: gpu.upload(original), generated: gpu.upload(generated), mask: gpu.upload(mask), out: outBuffer(gpu, w * h) };
    await runChecked(gpu, 'composite test', (b) => encodeComposite(b, { ...bufs, width: w, height: h, genWidth: gw, genHeight: gh, rect }));
    const out = await readU32(gpu, bufs.out, w * h);
    Object.values(bufs).forEach((b) => gpu.release(b));
    return out;
  }

  /** A radial feather: 1 in the middle of the rect, falling to exactly 0 before its edge and outside. */
  function feather(w: number, h: number, r: Rect): Float32Array {
    const cx = r.x + r.width / 2;
    const cy = r.y + r.height / 2;
    const radius = Math.min(r.width, r.height) / 2;
    return Float32Array.from({ length: w * h }, (_, p) => {
      const d = Math.hypot((p % w) + 0.5 - cx, Math.floor(p / w) + 0.5 - cy) / radius;
      return Math.min(1, Math.max(0, (1 - d) * 2));
    });
  }

  it.each([
    ['1×1 image, 1×1 crop', 1, 1, 1, 1, { x: 0, y: 0, width: 1, height: 1 }],
    ['crop upscaled into 37×29', 37, 29, 8, 8, { x: 5.25, y: 3, width: 21.5, height: 19 }],
    ['crop downscaled, overhanging the right edge', 31, 17, 24, 16, { x: 14, y: 2, width: 20, height: 13 }],
  ])('%s: matches the CPU reference; zero-feather pixels stay byte-identical', async (_name, w, h, gw, gh, rect) => {
    const random = rng(w * h + gw);
    const original = randomRgba(w * h, random);
    const generated = randomRgba(gw * gh, random);
    const mask = w === 1 ? new Float32Array([0.6]) : feather(w, h, rect);
    const out = await composite(original, w, h, generated, gw, gh, rect, mask);
    expectBytesClose(out, compositeRef(original, w, h, generated, gw, gh, rect, mask), 1);
    let untouched = 0;
    for (let p = 0; p < w * h; p++) {
      if (mask[p] === 0) {
        expect(out[p]).toBe(original[p]);
        untouched++;
      } else expect(out[p] >>> 24).toBe(original[p] >>> 24); // alpha kept
    }
    if (w > 1) expect(untouched).toBeGreaterThan(0);
  });

  it('pastes the crop exactly where the mask is 1 and the crop maps 1:1', async () => {
    const original = new Uint32Array(16).fill(0xff000000);
    const generated = Uint32Array.from({ length: 4 }, (_, i) => (0xff000000 | (i * 50 + 10)) >>> 0);
    const mask = new Float32Array(16);
    [5, 6, 9, 10].forEach((p) => (mask[p] = 1));
    const out = await composite(original, 4, 4, generated, 2, 2, { x: 1, y: 1, width: 2, height: 2 }, mask);
    expect([out[5], out[6], out[9], out[10]]).toEqual(Array.from(generated));
    expect(out[0]).toBe(original[0]);
  });
});
