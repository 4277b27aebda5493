// buildFromFolder's choices that the golden folders do not exercise: which weight file a dtype reads,
// and the refusal of an fp32 graph over a large fp16 file (measured to fail in onnxruntime-web).
import { describe, expect, it } from 'vitest';
import { type FolderReader, CAST_LIMIT, buildFromFolder, weightFiles } from './official.ts';
import { writeSafetensors } from './safetensors.ts';

/** A folder with a VAE config and one weight file that claims `size` bytes (its header is real, its tensors are not read). */
function folder(file: string, size: number): FolderReader {
  const header = writeSafetensors([{ name: 'decoder.conv_in.weight', dtype: 'F16', shape: [1], data: new Uint8Array(2) }]);
  const config = new TextEncoder().encode(JSON.stringify({ _class_name: 'AutoencoderKL', block_out_channels: [4], layers_per_block: 1, latent_channels: 4, norm_num_groups: 2 }));
  return {
    where: 'memory',
    read: async (p) => (p === 'vae/config.json' ? config : null),
    size: async (p) => (p === file ? size : null),
    readRange: async (_p, start, end) => header.subarray(start, end),
  };
}

describe('buildFromFolder', () => {
  it('reads the file of its own dtype first', () => {
    expect(weightFiles('unet', 'fp16')).toEqual(['unet/diffusion_pytorch_model.fp16.safetensors', 'unet/diffusion_pytorch_model.safetensors']);
    expect(weightFiles('text_encoder', 'fp32')).toEqual(['text_encoder/model.safetensors', 'text_encoder/model.fp16.safetensors']);
  });

  it('refuses an fp32 graph over a large fp16 file, naming the file it needs', async () => {
    const fp16 = 'vae/diffusion_pytorch_model.fp16.safetensors';
    await expect(buildFromFolder(folder(fp16, CAST_LIMIT + 1), 'vae_decoder', 'fp32')).rejects.toThrow(
      'memory: vae_decoder needs its fp32 weights (vae/diffusion_pytorch_model.safetensors) on this device; an fp32 graph over the 1.00 GB fp16 file does not fit',
    );
    // A small fp16 file gets as far as the graph (which then misses its tensors: a config/weights mismatch, named).
    await expect(buildFromFolder(folder(fp16, 1000), 'vae_decoder', 'fp32')).rejects.toThrow(/has no tensor 'post_quant_conv.weight'/);
  });

  it('says which files it looked for when there are none', async () => {
    await expect(buildFromFolder(folder('elsewhere', 10), 'vae_encoder', 'fp16')).rejects.toThrow(
      'memory: no weights for vae_encoder (looked for vae/diffusion_pytorch_model.fp16.safetensors, vae/diffusion_pytorch_model.safetensors)',
    );
  });
});
