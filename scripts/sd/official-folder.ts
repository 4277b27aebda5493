// Writes an SD1.5 UNet in the official diffusers layout (unet/config.json + safetensors) with seeded
// random weights at any width — the full-size file (1.72 GB fp16, 3.44 GB fp32) is what the real
// download is, byte for byte in layout and size, so building and loading it measures the real thing.
// Tensors are drawn and written one at a time: memory stays at one tensor.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { context } from '../../models/build/blocks.ts';
import { Graph, size } from '../../models/build/onnx-builder.ts';
import { toHalfArray } from '../../models/build/numeric.ts';
import type { Params } from '../../models/build/params.ts';
import { type UnetConfig } from '../../models/build/sd-config.ts';
import { buildUnet } from '../../models/build/unet.ts';
import { fastWeights } from '../../models/build/model.ts';

/** diffusers' config.json for a UnetConfig (the fields models/build reads). */
export function unetConfigJson(cfg: UnetConfig): Record<string, unknown> {
  const channels = cfg.mult.map((m) => cfg.base * m);
  return {
    _class_name: 'UNet2DConditionModel', _diffusers_version: '0.21.4', in_channels: cfg.inChannels, out_channels: cfg.outChannels,
    flip_sin_to_cos: true, freq_shift: 0, block_out_channels: channels, layers_per_block: cfg.layersPerBlock,
    down_block_types: cfg.attention.map((a) => (a ? 'CrossAttnDownBlock2D' : 'DownBlock2D')),
    up_block_types: [...cfg.attention].reverse().map((a) => (a ? 'CrossAttnUpBlock2D' : 'UpBlock2D')),
    mid_block_type: 'UNetMidBlock2DCrossAttn', act_fn: 'silu', norm_num_groups: cfg.groups, norm_eps: 1e-5,
    cross_attention_dim: cfg.crossDim, attention_head_dim: cfg.heads, use_linear_projection: false, downsample_padding: 1,
  };
}

/** Writes `<dir>/unet/config.json` and `<dir>/unet/diffusion_pytorch_model{.fp16,}.safetensors`; returns the file's path and size. */
export function writeOfficialUnet(dir: string, cfg: UnetConfig, dtype: 'fp16' | 'fp32', seed = 1): { path: string; bytes: number } {
  const specs: { name: string; dims: number[]; scale: number; center: number }[] = [];
  const g = new Graph('walk', { weights: { weight: () => new Float32Array() } });
  const walk: Params = {
    get(name, dims, { scale, center = 0 }) {
      specs.push({ name, dims: [...dims], scale, center });
      return g.fresh('p');
    },
  };
  buildUnet(context(g, walk), cfg);
  const unit = dtype === 'fp16' ? 2 : 4;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const s of specs) {
    const n = size(s.dims) * unit;
    header[s.name] = { dtype: dtype === 'fp16' ? 'F16' : 'F32', shape: s.dims, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  mkdirSync(join(dir, 'unet'), { recursive: true });
  writeFileSync(join(dir, 'unet/config.json'), `${JSON.stringify(unetConfigJson(cfg), null, 1)}\n`);
  const path = join(dir, 'unet', dtype === 'fp16' ? 'diffusion_pytorch_model.fp16.safetensors' : 'diffusion_pytorch_model.safetensors');
  const fd = openSync(path, 'w');
  const write = (bytes: Uint8Array) => {
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
  };
  try {
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, BigInt(json.length), true);
    write(len);
    write(new TextEncoder().encode(json));
    const source = fastWeights(seed);
    for (const s of specs) {
      const values = source.weight(s.name, s.dims, { scale: s.scale, center: s.center });
      write(new Uint8Array(dtype === 'fp16' ? toHalfArray(values).buffer : values.buffer));
    }
  } finally {
    closeSync(fd);
  }
  return { path, bytes: 8 + json.length + offset };
}
