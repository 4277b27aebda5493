import { describe, expect, it } from 'vitest';
import { MANIFEST } from '../../../models/manifest.ts';
import { PINS } from '../../../models/pins.ts';
import { DEFAULT_ROLES, isUnpinned, modelEntries } from './catalog.ts';

describe('model catalog', () => {
  it('merges roles that share a repository and lists config files before weights', () => {
    const entries = modelEntries(['clip-vision', 'clip-text']);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ key: 'Xenova/clip-vit-large-patch14@main', label: 'clip-vision, clip-text', published: true });
    expect(entries[0].files.map((f) => f.path)).toEqual([
      'config.json',
      'preprocessor_config.json',
      'onnx/vision_model_quantized.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/text_model_quantized.onnx',
    ]);
    expect(entries[0].files.find((f) => f.path === 'onnx/vision_model_quantized.onnx')).toEqual({ path: 'onnx/vision_model_quantized.onnx', approxBytes: 307e6 });
  });

  it('picks the dtype per device and can list both for self-hosting', () => {
    const f16 = modelEntries(['vlm', 'sd-inpaint'], { shaderF16: true });
    expect(f16.map((e) => [e.key, e.published])).toEqual([
      [`onnx-community/Qwen2-VL-2B-Instruct@${MANIFEST.vlm.revision}`, true],
      [`stable-diffusion-v1-5/stable-diffusion-inpainting@${MANIFEST['sd-inpaint'].revision}`, true],
    ]);
    // The official folder: configs, then one weight file per part (the VAE's two graphs share one).
    expect(f16[1].files.map((f) => f.path).filter((p) => p.endsWith('.safetensors'))).toEqual([
      'text_encoder/model.fp16.safetensors',
      'unet/diffusion_pytorch_model.fp16.safetensors',
      'vae/diffusion_pytorch_model.fp16.safetensors',
    ]);
    expect(f16[0].files.map((f) => f.path)).toContain('onnx/decoder_model_merged_q4f16.onnx');
    const both = modelEntries(['vlm', 'sd-inpaint'], [{ shaderF16: true }, { shaderF16: false }]);
    expect(both.map((e) => [e.key, e.published])).toEqual([
      [`onnx-community/Qwen2-VL-2B-Instruct@${MANIFEST.vlm.revision}`, true],
      [`stable-diffusion-v1-5/stable-diffusion-inpainting@${MANIFEST['sd-inpaint'].revision}`, true], // fp16 and fp32 files in one repository
    ]);
    expect(both[1].files.filter((f) => f.path.startsWith('unet/')).map((f) => f.path)).toEqual([
      'unet/config.json',
      'unet/diffusion_pytorch_model.fp16.safetensors',
      'unet/diffusion_pytorch_model.safetensors',
    ]);
    const vlm = both[0].files.map((f) => f.path);
    expect(vlm.filter((p) => p.startsWith('onnx/decoder_model_merged'))).toEqual(['onnx/decoder_model_merged_q4f16.onnx', 'onnx/decoder_model_merged_q4.onnx']);
  });

  it('the default set leaves out the fallback VLM and the untrained region head', () => {
    expect(DEFAULT_ROLES).not.toContain('vlm-small');
    expect(DEFAULT_ROLES).not.toContain('region-head');
    expect(modelEntries().map((e) => e.ref.id)).toEqual([
      'onnx-community/Qwen2-VL-2B-Instruct',
      'Xenova/clip-vit-large-patch14',
      'Xenova/flan-t5-base',
      'Xenova/clipseg-rd64-refined',
      'stable-diffusion-v1-5/stable-diffusion-inpainting',
    ]);
  });

  it('gives pinned files their SHA-256 for their revision only; the rest stay unpinned', () => {
    const [sd] = modelEntries(['sd-inpaint'], { shaderF16: true });
    const pinned = sd.files.filter((f) => !isUnpinned(f));
    for (const f of pinned) expect(f.sha256).toBe(PINS[sd.key][f.path].sha256);
    expect(pinned.map((f) => f.path).sort()).toEqual(['text_encoder/model.fp16.safetensors', 'unet/diffusion_pytorch_model.fp16.safetensors']);
    expect(pinned.every((f) => /^[0-9a-f]{64}$/.test(f.sha256!))).toBe(true);
    // Another revision of the same repository gets no pin.
    const other = modelEntries(['sd-inpaint'], { shaderF16: true }, (ref, path) => (ref.revision === 'main' ? PINS[sd.key][path] : undefined));
    expect(other[0].files.filter((f) => !isUnpinned(f))).toEqual([]);
  });
});
