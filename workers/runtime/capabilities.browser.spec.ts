// The capability probe on SwiftShader (no shader-f16), the variants it picks, and the refusal of
// fp16 variants on that device before anything loads (session-level refusals: session.browser.spec.ts).
import { describe, expect, it } from 'vitest';
import { MANIFEST, type Role } from '../../models/manifest.ts';
import { assertRunnable, dtypeNeedsF16, pickVariant, probe, probeCapabilities } from './capabilities.ts';
import { ModelRuntimeError } from './errors.ts';
import { openRoleSession } from './roles.ts';
import { ModelSession } from './session.ts';

const rejection = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(ModelRuntimeError);
  return e as ModelRuntimeError;
};

describe('capability probe', () => {
  it('reports SwiftShader without shader-f16, with its buffer limits, probed once', async () => {
    const caps = await probeCapabilities();
    expect(caps).toMatchObject({ webgpu: true, reason: null, shaderF16: false, maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 });
    expect(caps.adapter).toMatchObject({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true });
    expect(await probeCapabilities()).toBe(caps);
  });

  it('says why when there is no WebGPU or no adapter', async () => {
    expect(await probe(null)).toMatchObject({ webgpu: false, shaderF16: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)' });
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    expect((await probe(noAdapter)).reason).toMatch(/no WebGPU adapter/);
  });

  it('picks no f16 variant for any role here, and fp16 variants where shader-f16 exists', async () => {
    const caps = await probeCapabilities();
    const picked = Object.fromEntries((Object.keys(MANIFEST) as Role[]).map((role) => [role, pickVariant(role, caps)]));
    expect(picked).toEqual({
      vlm: 'q4',
      'vlm-small': 'q4',
      'clip-vision': 'q8',
      'clip-text': 'q8',
      't5-encoder': 'q8',
      clipseg: 'q8',
      'sd-inpaint': 'fp32',
      'region-head': 'fp32',
    });
    expect(Object.values(picked).some(dtypeNeedsF16)).toBe(false);
    expect(pickVariant('sd-inpaint', { ...caps, shaderF16: true })).toBe('fp16');
  });
});

describe('fp16 without shader-f16', () => {
  it('refuses an fp16 variant by name and says what cannot run', async () => {
    const caps = await probeCapabilities();
    expect(() => assertRunnable('sd-inpaint', 'fp16', caps)).toThrow(ModelRuntimeError);
    expect(() => assertRunnable('sd-inpaint', 'fp16', caps)).toThrow(
      'sd-inpaint fp16 (stable-diffusion-v1-5/stable-diffusion-inpainting) needs the WebGPU feature "shader-f16" for its float16 weights and inputs, and this GPU (google / swiftshader (fallback adapter)) does not have it, so it cannot run here.',
    );
    expect(() => assertRunnable('vlm', 'q4f16', caps)).toThrow(/vlm q4f16 .* cannot run here/);
    expect(() => assertRunnable('sd-inpaint', 'fp32', caps)).not.toThrow();
  });

  it('refuses a session declared fp16 before loading it', async () => {
    const before = ModelSession.live;
    const e = await rejection(ModelSession.create('/models/fixtures/does-not-matter.onnx', { name: 'sd-inpaint/unet fp16', needsF16: true }));
    expect(e.code).toBe('shader-f16');
    expect(e.message).toMatch(/^sd-inpaint\/unet fp16 needs the WebGPU feature "shader-f16"/);
    expect(ModelSession.live).toBe(before);
  });

  it('sends built roles to their own loader (which checks f16 before reading a file) and transformers.js roles away outright', async () => {
    await expect(openRoleSession('sd-inpaint', 'unet', { dtype: 'fp16', baseUrl: '/nowhere/' })).rejects.toThrow(/built from its official files as they load/);
    await expect(openRoleSession('clip-vision', 'vision_model')).rejects.toThrow('clip-vision is loaded through transformers.js (CLIPVisionModelWithProjection), not as a raw ORT session');
  });
});
