// A scripted sequence of loads against a small budget: after every step the accounting stays within
// the budget, the least recently used model goes first, conflicts never coexist, and refusals are clear.
import { describe, expect, it } from 'vitest';
import { ModelRuntimeError } from './errors.ts';
import { DEFAULT_CONFLICTS, Residency } from './residency.ts';

const MB = 1e6;

function harness(budget = 1000 * MB) {
  const loads: string[] = [];
  const disposed: string[] = [];
  let maxUsedDuringLoad = 0;
  const r = new Residency({ budget, conflicts: DEFAULT_CONFLICTS });
  const model = (key: string) => async () => {
    maxUsedDuringLoad = Math.max(maxUsedDuringLoad, r.used);
    loads.push(key);
    await new Promise((res) => setTimeout(res, 1));
    return { key, dispose: async () => void disposed.push(key) };
  };
  const load = (key: string, mb: number) => r.acquire(key, mb * MB, model(key));
  const check = () => {
    expect(r.used).toBeLessThanOrEqual(r.budget);
    expect(r.peak).toBeLessThanOrEqual(r.budget);
    expect(maxUsedDuringLoad).toBeLessThanOrEqual(r.budget);
  };
  return { r, loads, disposed, load, model, check };
}

describe('Residency', () => {
  it('loads, reuses, evicts the least recently used, and stays within budget at every step', async () => {
    const { r, loads, disposed, load, check } = harness();
    await load('clip-vision', 400);
    await load('t5-encoder', 300);
    check();
    expect(r.used).toBe(700 * MB);
    const again = await load('clip-vision', 400); // a hit: touches, does not reload
    expect(again.key).toBe('clip-vision');
    expect(loads).toEqual(['clip-vision', 't5-encoder']);
    await load('region-head', 400); // 1100 > 1000: t5-encoder is now the least recently used
    check();
    expect(disposed).toEqual(['t5-encoder']);
    expect(r.keys).toEqual(['clip-vision', 'region-head']);
    expect(r.used).toBe(800 * MB);
    await load('clipseg', 900); // needs both gone
    check();
    expect(disposed).toEqual(['t5-encoder', 'clip-vision', 'region-head']);
    expect(r.keys).toEqual(['clipseg']);
    expect(r.peak).toBe(900 * MB);
  });

  it('refuses a model bigger than the whole budget, with sizes, and evicts nothing for it', async () => {
    const { r, disposed, load, check } = harness();
    await load('clip-vision', 400);
    const error = await load('sd-inpaint/unet', 4300).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRuntimeError);
    expect((error as ModelRuntimeError).code).toBe('over-budget');
    expect((error as Error).message).toBe('sd-inpaint/unet needs about 4.30 GB of GPU memory, more than the whole budget of 1.00 GB: it cannot be loaded on this device');
    expect(disposed).toEqual([]);
    expect(r.keys).toEqual(['clip-vision']);
    check();
  });

  it('never evicts a model in use, and says what holds the memory', async () => {
    const { r, model, disposed, load, check } = harness();
    await load('t5-encoder', 200);
    let inside: unknown;
    await r.use('clip-vision', 600 * MB, model('clip-vision'), async () => {
      inside = await load('clipseg', 500).catch((e: unknown) => e); // would need clip-vision's memory
      await load('region-head', 300); // fits once t5-encoder (not in use) is evicted
      check();
    });
    expect((inside as Error).message).toMatch(/clipseg needs about 0.50 GB .* only 0.40 GB of the 1.00 GB budget can be freed now \(in use: clip-vision 0.60 GB\)/);
    expect(disposed).toEqual(['t5-encoder']);
    await load('clipseg', 500); // clip-vision is free again and least recently used
    expect(disposed).toEqual(['t5-encoder', 'clip-vision']);
    check();
  });

  it('keeps the VLM and the UNet apart even when both would fit', async () => {
    const { r, disposed, load, check } = harness(10_000 * MB);
    await load('sd-inpaint/text_encoder', 600);
    await load('sd-inpaint/unet', 4300);
    await load('vlm', 3400);
    expect(disposed).toEqual(['sd-inpaint/unet']);
    expect(r.keys).toEqual(['sd-inpaint/text_encoder', 'vlm']);
    await load('sd-inpaint/unet', 4300);
    expect(disposed).toEqual(['sd-inpaint/unet', 'vlm']);
    check();
  });

  it('refuses to evict a conflicting model that is in use', async () => {
    const { r, model, load } = harness(10_000 * MB);
    await r.use('vlm', 3400 * MB, model('vlm'), async () => {
      await expect(load('sd-inpaint/unet', 4300)).rejects.toThrow('sd-inpaint/unet cannot be loaded while vlm is in use (they are never resident together)');
    });
  });

  it('concurrent loads never overshoot, and one key loads once', async () => {
    const { r, loads, load, check } = harness();
    const keys = ['a', 'a', 'b', 'a', 'c', 'd', 'e']; // all at once; 'a' is asked for again before anything evicts it
    const got = await Promise.all(keys.map((k) => load(k, 350)));
    expect(got.map((m) => m.key)).toEqual(keys);
    expect(loads).toEqual(['a', 'b', 'c', 'd', 'e']);
    check();
    expect(r.used).toBeLessThanOrEqual(700 * MB);
  });

  it('a failed load gives its reservation back', async () => {
    const { r, load, check } = harness();
    await load('a', 300);
    await expect(r.acquire('broken', 500 * MB, () => Promise.reject(new Error('404')))).rejects.toThrow('404');
    expect(r.used).toBe(300 * MB);
    expect(r.has('broken')).toBe(false);
    check();
  });

  it('unload and clear dispose and give the bytes back', async () => {
    const { r, disposed, load } = harness();
    await load('a', 300);
    await load('b', 300);
    await r.unload('a');
    expect(r.used).toBe(300 * MB);
    await r.clear();
    expect(r.used).toBe(0);
    expect(disposed).toEqual(['a', 'b']);
  });
});
