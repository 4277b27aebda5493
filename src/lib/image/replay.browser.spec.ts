import { describe, expect, it } from 'vitest';
import type { StepImage } from '../history/types.ts';
import { ImageCache, rebuild } from './replay.ts';
import { makeBitmap, pixelAt, readPixels } from './testing.ts';

const bitmap = (w: number, h: number) => makeBitmap(w, h, (x, y) => [x * 20, y * 20, 100, 255]);
const closed = (b: ImageBitmap) => b.width === 0;

async function png(b: ImageBitmap): Promise<Blob> {
  const c = new OffscreenCanvas(b.width, b.height);
  c.getContext('2d')!.drawImage(b, 0, 0);
  return c.convertToBlob({ type: 'image/png' });
}

describe('ImageCache', () => {
  it('drops the least recently used images over its pixel budget, closing them, but never the one to keep', async () => {
    const cache = new ImageCache(100);
    const [a, b, c] = await Promise.all([bitmap(6, 6), bitmap(6, 6), bitmap(6, 6)]);
    cache.put('a', a);
    cache.put('b', b);
    cache.get('a'); // a is now the most recently used
    cache.put('c', c, a);
    expect(cache.keys).toEqual(['a', 'c']);
    expect([closed(a), closed(b), closed(c)]).toEqual([false, true, false]);
    // Over budget with only the kept one and the new one: both stay.
    const d = await bitmap(9, 9);
    cache.put('d', d, a);
    expect(cache.keys).toEqual(['a', 'd']);
    expect(closed(a)).toBe(false);
  });
});

describe('rebuild', () => {
  it('starts from the latest cached step of the chain, and caches what it made', async () => {
    const base = await bitmap(4, 3);
    const image = (steps: StepImage['steps'], key: string, width: number, height: number): StepImage => ({ key, base: new Blob(['not read']), baseKey: 'p/0', steps, width, height });
    const turn = { key: 'p/1', transform: { op: 'rotate', direction: 'cw' } } as const;
    const flip = { key: 'p/2', transform: { op: 'flip', axis: 'horizontal' } } as const;
    const cache = new ImageCache();
    // The keyframe's Blob is not an image: only the cached step can have been used.
    cache.put('p/0', base);
    const turned = await rebuild(image([turn], 'p/1', 3, 4), cache);
    expect([turned.width, turned.height]).toEqual([3, 4]);
    // cw: source (0, 2) lands at (0, 0).
    expect(pixelAt(readPixels(turned), 0, 0)).toEqual([0, 40, 100, 255]);
    const flipped = await rebuild(image([turn, flip], 'p/2', 3, 4), cache);
    expect(pixelAt(readPixels(flipped), 2, 0)).toEqual([0, 40, 100, 255]);
    expect(cache.keys).toEqual(['p/0', 'p/1', 'p/2']);
    expect(await rebuild(image([turn, flip], 'p/2', 3, 4), cache)).toBe(flipped);
  });

  it('refuses a rebuild whose size is not the step’s (a damaged record), caching nothing', async () => {
    const cache = new ImageCache();
    const base = await png(await bitmap(4, 3));
    const wrong: StepImage = { key: 'p/1', base, baseKey: 'p/0', steps: [{ key: 'p/1', transform: { op: 'rotate', direction: 'cw' } }], width: 4, height: 3 };
    await expect(rebuild(wrong, cache)).rejects.toThrow(/could not be rebuilt from its saved changes \(they make 3×4; the step is 4×3\)/);
    expect(cache.keys).toEqual(['p/0']);
  });
});
