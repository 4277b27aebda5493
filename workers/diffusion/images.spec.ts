import { describe, expect, it } from 'vitest';
import { blankCanvas, cropPlane, cropRgba, extendCanvas, extendMask, maskBounds, maskPlane, pasteBox } from './images.ts';

const image = (width: number, height: number) => ({ data: Uint8ClampedArray.from({ length: width * height * 4 }, (_, i) => (i * 7) % 256), width, height });

describe('CPU pixel plumbing', () => {
  it('mask planes from 8-bit and f32 masks, checked against the image', () => {
    expect(Array.from(maskPlane({ data: Uint8Array.from([0, 255, 128, 64]), width: 2, height: 2 }, { width: 2, height: 2 }))).toEqual([0, 1, 128 / 255, 64 / 255].map(Math.fround));
    expect(Array.from(maskPlane({ data: Float32Array.from([-1, 2, 0.25, Number.NaN]), width: 4, height: 1 }, { width: 4, height: 1 }))).toEqual([0, 1, 0.25, 0]);
    expect(() => maskPlane({ data: new Uint8Array(4), width: 2, height: 2 }, { width: 3, height: 2 })).toThrow(/the mask is 2×2 but the image is 3×2/);
  });

  it('mask bounds at the 0.5 level; null for an empty mask', () => {
    const plane = new Float32Array(8 * 6);
    plane[2 * 8 + 3] = 0.5;
    plane[4 * 8 + 6] = 1;
    plane[5 * 8 + 7] = 0.49;
    expect(maskBounds(plane, 8)).toEqual({ x: 3, y: 2, width: 4, height: 3 });
    expect(maskBounds(new Float32Array(12).fill(0.3), 4)).toBeNull();
  });

  it('crop and paste of a box leave every other byte as it was', () => {
    const img = image(7, 5);
    const r = { x: 2, y: 1, width: 3, height: 3 };
    const box = new Uint8Array(cropRgba(img, r).buffer);
    expect(Array.from(box.subarray(0, 4))).toEqual(Array.from(img.data.subarray((1 * 7 + 2) * 4, (1 * 7 + 2) * 4 + 4)));
    expect(pasteBox(img, box, r)).toEqual(img.data);
    const changed = pasteBox(img, new Uint8Array(box.length).fill(1), r);
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 7; x++) {
        const inside = x >= 2 && x < 5 && y >= 1 && y < 4;
        const at = (y * 7 + x) * 4;
        expect(Array.from(changed.subarray(at, at + 4))).toEqual(inside ? [1, 1, 1, 1] : Array.from(img.data.subarray(at, at + 4)));
      }
    }
    const plane = Float32Array.from({ length: 35 }, (_, i) => i);
    expect(Array.from(cropPlane(plane, 7, r))).toEqual([9, 10, 11, 16, 17, 18, 23, 24, 25]);
  });

  it('outpaint canvas repeats the edges; its mask is the new area', () => {
    const img = image(3, 2);
    const e = { left: 2, right: 1, top: 1, bottom: 0 };
    const canvas = extendCanvas(img, e);
    expect([canvas.width, canvas.height]).toEqual([6, 3]);
    const px = (c: { data: ArrayLike<number>; width: number }, x: number, y: number) => Array.from({ length: 4 }, (_, k) => c.data[(y * c.width + x) * 4 + k]);
    expect(px(canvas, 2, 1)).toEqual(px(img, 0, 0));
    expect(px(canvas, 4, 2)).toEqual(px(img, 2, 1));
    expect(px(canvas, 0, 0)).toEqual(px(img, 0, 0)); // corner: nearest edge pixel
    expect(px(canvas, 5, 2)).toEqual(px(img, 2, 1));
    expect(Array.from(extendMask(img, e))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1]);
    expect(Array.from(blankCanvas({ width: 1, height: 2 }, [1, 2, 3, 4]).data)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
  });
});
