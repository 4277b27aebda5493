import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../../workers/runtime/capabilities.ts';
import { capabilityMessages, rolesAwaitingExport } from './capability-messages.ts';

const adapter = { vendor: 'nvidia', architecture: 'ada', device: '', description: '', isFallbackAdapter: false };
const caps = (over: Partial<Capabilities> = {}): Capabilities => ({
  webgpu: true,
  reason: null,
  adapter,
  shaderF16: true,
  maxBufferSize: 2 ** 30,
  maxStorageBufferBindingSize: 2 ** 30,
  ...over,
});

describe('capabilityMessages', () => {
  it('says nothing while the probe has not answered', () => {
    expect(capabilityMessages(null)).toEqual([]);
  });

  it('says nothing on a hardware GPU with shader-f16', () => {
    expect(capabilityMessages(caps())).toEqual([]);
  });

  it('without WebGPU: one error with the reason, what still works and what AI edits need', () => {
    const m = capabilityMessages(caps({ webgpu: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)', adapter: null, shaderF16: false }));
    expect(m).toEqual([
      {
        level: 'error',
        text:
          "This browser can't run the AI models: this browser has no WebGPU (navigator.gpu is missing). " +
          'Opening, rotating, cropping, adjusting, undo and export still work here. ' +
          'AI edits need WebGPU — a recent Chrome, Edge or Safari 26 on a device with a GPU.',
      },
    ]);
  });

  it('without WebGPU and no reason given still reads as a sentence', () => {
    expect(capabilityMessages(caps({ webgpu: false, reason: null, adapter: null }))[0].text).toMatch(/^This browser can't run the AI models: WebGPU is not available\. /);
  });

  it('without shader-f16: a quiet line on 32-bit (SD inpainting builds its graphs from the official 32-bit files)', () => {
    expect(capabilityMessages(caps({ shaderF16: false }))).toEqual([
      {
        level: 'info',
        text: 'This GPU has no 16-bit shader support (shader-f16): the models run in 32-bit, which needs about twice the memory and download.',
      },
    ]);
  });

  it('no role waits for an export: the VLM has a published q4, SD inpainting the official fp32 files, the encoders do not change with f16', () => {
    expect(rolesAwaitingExport()).toEqual([]);
    expect(rolesAwaitingExport(['vlm', 'clipseg', 'region-head'])).toEqual([]);
    expect(capabilityMessages(caps({ shaderF16: false }), ['vlm', 'clipseg']).map((m) => m.level)).toEqual(['info']);
  });

  it('on a fallback adapter (SwiftShader): warns that edits take minutes, before the f16 lines', () => {
    const m = capabilityMessages(caps({ shaderF16: false, adapter: { ...adapter, vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true } }));
    expect(m.map((x) => x.level)).toEqual(['warn', 'info']);
    expect(m[0].text).toBe('No hardware GPU found: models run on the CPU and an edit takes minutes.');
  });

  it('a fallback adapter with shader-f16 gets only the CPU line', () => {
    expect(capabilityMessages(caps({ adapter: { ...adapter, isFallbackAdapter: true } }))).toEqual([
      { level: 'warn', text: 'No hardware GPU found: models run on the CPU and an edit takes minutes.' },
    ]);
  });
});
