import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLES, modelEntries } from './catalog.ts';
import { capabilityNotes, entryName, entrySize, formatEta, formatRate, sizeText, sumSizes, type DeviceSupport } from './presentation.ts';

const gpu = (over: Partial<DeviceSupport> = {}): DeviceSupport => ({ webgpu: true, shaderF16: false, reason: null, gpu: 'google / swiftshader', ...over });

describe('formatEta / formatRate', () => {
  it.each([
    [null, '—'],
    [Infinity, '—'],
    [-1, '—'],
    [0.2, '1 s'],
    [45, '45 s'],
    [200, '3 min 20 s'],
    [3900, '1 h 05 min'],
  ])('%s s → %s', (s, text) => {
    expect(formatEta(s)).toBe(text);
  });
  it('per second', () => {
    expect(formatRate(12_500_000)).toBe('13 MB/s');
  });
});

describe('entry names and sizes', () => {
  const entries = modelEntries(DEFAULT_ROLES, { shaderF16: false });
  it('names CLIP once for both towers and sums listed sizes', () => {
    const clip = entries.find((e) => e.ref.id === 'Xenova/clip-vit-large-patch14')!;
    expect(entryName(clip)).toBe('CLIP image encoder + CLIP text encoder');
    // 307 MB + 125 MB ONNX; the config files have no listed size.
    expect(entrySize(clip)).toEqual({ bytes: 432e6, unknown: 4 });
    expect(sizeText(entrySize(clip))).toBe('at least 432 MB');
  });
  it('prefers an exact size and adds up', () => {
    const e = { ...entries[0], files: [{ path: 'a', size: 10, approxBytes: 99 }, { path: 'b', approxBytes: 5 }] };
    expect(entrySize(e)).toEqual({ bytes: 15, unknown: 0 });
    expect(sizeText(entrySize(e))).toBe('15 B');
    expect(sizeText({ bytes: 0, unknown: 2 })).toBe('size not listed');
    expect(sumSizes([{ bytes: 1, unknown: 0 }, { bytes: 2, unknown: 3 }])).toEqual({ bytes: 3, unknown: 3 });
  });
});

describe('capabilityNotes', () => {
  it('without WebGPU: what still works and that AI edits cannot run', () => {
    const notes = capabilityNotes(gpu({ webgpu: false, reason: 'navigator.gpu is missing' }), DEFAULT_ROLES, 'hub');
    expect(notes).toHaveLength(1);
    expect(notes[0].level).toBe('error');
    expect(notes[0].text).toMatch(/No WebGPU here \(navigator.gpu is missing\).*export still work.*AI edits cannot run/);
  });

  it('with shader-f16: everything runs', () => {
    expect(capabilityNotes(gpu({ shaderF16: true }), DEFAULT_ROLES, 'self')).toEqual([
      { level: 'ok', text: 'WebGPU with shader-f16 on google / swiftshader: every model can run.' },
    ]);
  });

  it('without shader-f16: the variants used instead (SD inpainting from the same official repository), nothing missing from the Hub', () => {
    const text = capabilityNotes(gpu(), DEFAULT_ROLES, 'hub').map((n) => n.text);
    expect(text).toEqual([
      'No shader-f16 on google / swiftshader: models that compute in float16 cannot run here.',
      'Used instead: Instruction model (Qwen2-VL 2B): q4 instead of q4f16; Stable Diffusion 1.5 inpainting: fp32 instead of fp16.',
    ]);
    expect(capabilityNotes(gpu(), ['region-head'], 'hub').map((n) => n.text)).toEqual([
      'No shader-f16 on google / swiftshader: models that compute in float16 cannot run here.',
    ]);
  });

  it('test models say they take the no-f16 variants', () => {
    const notes = capabilityNotes(gpu({ shaderF16: true }), DEFAULT_ROLES, 'fixtures');
    expect(notes.at(-1)?.text).toBe('Test models always use the variants for devices without shader-f16.');
  });
});
