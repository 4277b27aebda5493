import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../../workers/runtime/capabilities.ts';
import { BUDGET_KEY, GIB, defaultBudget, loadBudgetSetting, parseBudget, saveBudgetSetting, stageCosts, stageCostsFromFiles } from './gpu-budget.ts';
import type { ModelEntry } from './catalog.ts';

const adapter = (vendor: string, isFallbackAdapter = false): Pick<Capabilities, 'adapter' | 'maxBufferSize'> => ({
  adapter: { vendor, architecture: '', device: '', description: '', isFallbackAdapter },
  maxBufferSize: 256 * 2 ** 20,
});

describe('defaultBudget', () => {
  it.each([
    ['nvidia', false, 8, 6],
    ['amd', false, undefined, 6],
    ['intel', false, 8, 4], // half of the reported device memory
    ['apple', false, 4, 2],
    ['google', true, 8, 4], // SwiftShader: the models run on the CPU
    ['qualcomm', false, undefined, 4], // unknown device memory: 8 GiB assumed
  ])('%s (fallback %s, deviceMemory %s) → %s GiB', (vendor, fallback, memory, gib) => {
    expect(defaultBudget(adapter(vendor, fallback), memory).bytes).toBe(gib * GIB);
  });

  it('takes maxBufferSize as a floor: one buffer that large fits the GPU', () => {
    const g = defaultBudget({ ...adapter('apple'), maxBufferSize: 5 * GIB }, 4);
    expect(g.bytes).toBe(5 * GIB);
    expect(g.why).toBe('the adapter allows one buffer of 5.0 GiB');
    expect(defaultBudget({ ...adapter('apple'), maxBufferSize: 64 * GIB }, 4).bytes).toBe(6 * GIB);
  });
});

describe('the budget setting', () => {
  const store = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
  };

  it('round-trips, and empty means automatic', () => {
    const s = store();
    expect(loadBudgetSetting(s)).toBeNull();
    expect(saveBudgetSetting(3.5 * GIB, s)).toBe(true);
    expect(loadBudgetSetting(s)).toBe(3.5 * GIB);
    saveBudgetSetting(null, s);
    expect(loadBudgetSetting(s)).toBeNull();
    s.m.set(BUDGET_KEY, '12'); // 12 bytes: out of range, ignored
    expect(loadBudgetSetting(s)).toBeNull();
  });

  it('parses GiB as typed and refuses the rest with a message', () => {
    expect(parseBudget(' 3,5 ')).toEqual({ bytes: 3.5 * GIB });
    expect(parseBudget('')).toEqual({ bytes: null });
    expect(parseBudget('0.1')).toEqual({ error: 'Enter the GPU memory in GiB, from 0.5 to 256 (or leave it empty for the automatic value).' });
    expect('error' in parseBudget('lots')).toBe(true);
  });
});

describe('stage costs', () => {
  it('the real sets: SD fp32 is twice fp16, with the shader-f16 advice only where it helps', () => {
    const f16 = stageCosts({ shaderF16: true });
    const f32 = stageCosts({ shaderF16: false });
    expect(f32.generate!.bytes / f16.generate!.bytes).toBeCloseTo(2, 2);
    expect(f16.generate!.models).toBe('Stable Diffusion 1.5 inpainting (fp16)');
    expect(f16.generate!.advice).toBeUndefined();
    expect(f32.generate!.advice).toMatch(/shader-f16/);
  });

  it('the test models: their files as measured, times the workspace factor', () => {
    const entry = (roles: ModelEntry['roles'], sizes: number[]): ModelEntry => ({
      key: roles.join(),
      label: roles.join(', '),
      roles,
      ref: { id: roles[0], revision: 'r' },
      files: sizes.map((n, i) => ({ path: `f${i}`, approxBytes: n })),
      published: true,
    });
    const costs = stageCostsFromFiles([entry(['vlm'], [1000, 600]), entry(['clipseg'], [400]), entry(['sd-inpaint'], [8000])]);
    expect(costs.understand).toEqual({ bytes: 2000, models: 'vlm' });
    expect(costs['locate-clipseg']!.bytes).toBe(500);
    expect(costs.generate!.bytes).toBe(10000);
    expect(costs.locate).toBeUndefined();
  });
});
