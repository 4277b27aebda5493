// Builder configurations read from the official config.json files (diffusers' UNet2DConditionModel and
// AutoencoderKL, transformers' CLIPTextModel / CLIPVisionModelWithProjection / CLIPModel). Every
// width, head count, group count, eps and channel count comes from the file; what the builder cannot
// build is refused by name rather than built wrong.
import type { ClipTextConfig, ClipTowerConfig, ClipVisionConfig } from './clip.ts';
import type { UnetConfig, VaeConfig } from './sd-config.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Json = Record<string, unknown>;

function num(c: Json, key: string, where: string, fallback?: number): number {
  const v = c[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`${where}: config.json has no number '${key}'`);
  return v;
}

function nums(c: Json, key: string, where: string): number[] {
  const v = c[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new ConfigError(`${where}: config.json has no list of numbers '${key}'`);
  return v as number[];
}

/** Refuses a setting the builder does not implement (value other than the accepted ones). */
function only(c: Json, key: string, accepted: unknown[], where: string): void {
  const v = c[key] ?? null;
  if (!accepted.some((a) => a === v)) throw new ConfigError(`${where}: ${key} = ${JSON.stringify(v)} is not supported (supported: ${accepted.map((a) => JSON.stringify(a)).join(', ')})`);
}

function levels(channels: number[]): Pick<UnetConfig, 'base' | 'mult'> {
  const base = channels[0];
  return { base, mult: channels.map((c) => c / base) };
}

const DOWN = { CrossAttnDownBlock2D: true, DownBlock2D: false } as const;
const UP = { CrossAttnUpBlock2D: true, UpBlock2D: false } as const;

export function unetFromConfig(c: Json): UnetConfig {
  const where = 'unet';
  if (c._class_name !== undefined && c._class_name !== 'UNet2DConditionModel') throw new ConfigError(`${where}: ${String(c._class_name)} is not a UNet2DConditionModel`);
  only(c, 'mid_block_type', ['UNetMidBlock2DCrossAttn', null], where);
  only(c, 'act_fn', ['silu', null], where);
  only(c, 'time_embedding_type', ['positional', null], where);
  only(c, 'resnet_time_scale_shift', ['default', null], where);
  for (const key of ['class_embed_type', 'addition_embed_type', 'encoder_hid_dim', 'time_cond_proj_dim', 'timestep_post_act', 'time_embedding_act_fn']) only(c, key, [null], where);
  for (const key of ['only_cross_attention', 'dual_cross_attention', 'center_input_sample', 'resnet_skip_time_act']) only(c, key, [false, null], where);
  only(c, 'conv_in_kernel', [3, null], where);
  only(c, 'conv_out_kernel', [3, null], where);
  only(c, 'downsample_padding', [1, null], where);
  only(c, 'mid_block_scale_factor', [1, null], where);
  only(c, 'resnet_out_scale_factor', [1, null], where);
  const channels = nums(c, 'block_out_channels', where);
  const down = (c.down_block_types ?? []) as string[];
  const up = (c.up_block_types ?? []) as string[];
  if (down.length !== channels.length || up.length !== channels.length) throw new ConfigError(`${where}: ${channels.length} levels but ${down.length} down and ${up.length} up blocks`);
  const attention = down.map((t) => {
    if (!(t in DOWN)) throw new ConfigError(`${where}: down block ${t} is not supported (CrossAttnDownBlock2D, DownBlock2D)`);
    return DOWN[t as keyof typeof DOWN];
  });
  up.forEach((t, u) => {
    if (!(t in UP)) throw new ConfigError(`${where}: up block ${t} is not supported (CrossAttnUpBlock2D, UpBlock2D)`);
    if (UP[t as keyof typeof UP] !== attention[channels.length - 1 - u]) throw new ConfigError(`${where}: up block ${u} (${t}) does not mirror down block ${channels.length - 1 - u}`);
  });
  // diffusers: num_attention_heads defaults to attention_head_dim, which SD1.5's config uses for the head count.
  const rawHeads = c.num_attention_heads ?? c.attention_head_dim;
  const heads = typeof rawHeads === 'number' ? rawHeads : Array.isArray(rawHeads) ? (rawHeads as number[]) : null;
  if (heads === null || (Array.isArray(heads) && heads.length !== channels.length)) throw new ConfigError(`${where}: attention_head_dim / num_attention_heads must be a number or one per level`);
  const layers = c.transformer_layers_per_block ?? 1;
  if (typeof layers !== 'number') throw new ConfigError(`${where}: transformer_layers_per_block per level is not supported`);
  const cfg: UnetConfig = {
    ...levels(channels),
    attention,
    layersPerBlock: num(c, 'layers_per_block', where),
    heads,
    crossDim: num(c, 'cross_attention_dim', where),
    groups: num(c, 'norm_num_groups', where, 32),
    inChannels: num(c, 'in_channels', where),
    outChannels: num(c, 'out_channels', where),
    normEps: num(c, 'norm_eps', where, 1e-5),
    transformerLayers: layers,
    linearProjection: c.use_linear_projection === true,
    freqShift: num(c, 'freq_shift', where, 0),
    flipSinToCos: c.flip_sin_to_cos !== false,
  };
  channels.forEach((ch, i) => {
    const h = typeof heads === 'number' ? heads : heads[i];
    if (attention[i] && ch % h !== 0) throw new ConfigError(`${where}: ${h} heads do not divide ${ch} channels`);
    if (ch % cfg.groups !== 0) throw new ConfigError(`${where}: ${cfg.groups} groups do not divide ${ch} channels`);
  });
  return cfg;
}

export function vaeFromConfig(c: Json): VaeConfig & { scalingFactor: number } {
  const where = 'vae';
  if (c._class_name !== undefined && c._class_name !== 'AutoencoderKL') throw new ConfigError(`${where}: ${String(c._class_name)} is not an AutoencoderKL`);
  const channels = nums(c, 'block_out_channels', where);
  for (const t of (c.down_block_types ?? []) as string[]) if (t !== 'DownEncoderBlock2D') throw new ConfigError(`${where}: down block ${t} is not supported`);
  for (const t of (c.up_block_types ?? []) as string[]) if (t !== 'UpDecoderBlock2D') throw new ConfigError(`${where}: up block ${t} is not supported`);
  only(c, 'act_fn', ['silu', null], where);
  only(c, 'mid_block_add_attention', [true, null], where);
  only(c, 'use_quant_conv', [true, null], where);
  only(c, 'use_post_quant_conv', [true, null], where);
  const image = num(c, 'in_channels', where, 3);
  if (num(c, 'out_channels', where, 3) !== image) throw new ConfigError(`${where}: in_channels and out_channels differ`);
  return {
    ...levels(channels),
    layersPerBlock: num(c, 'layers_per_block', where),
    groups: num(c, 'norm_num_groups', where, 32),
    latentChannels: num(c, 'latent_channels', where),
    imageChannels: image,
    scalingFactor: num(c, 'scaling_factor', where, 0.18215),
  };
}

function tower(c: Json, where: string): ClipTowerConfig {
  const act = c.hidden_act ?? 'quick_gelu';
  if (act !== 'quick_gelu' && act !== 'gelu') throw new ConfigError(`${where}: hidden_act ${String(act)} is not supported (quick_gelu, gelu)`);
  const hidden = num(c, 'hidden_size', where);
  const heads = num(c, 'num_attention_heads', where);
  if (hidden % heads !== 0) throw new ConfigError(`${where}: ${heads} heads do not divide ${hidden}`);
  return { hidden, heads, intermediate: num(c, 'intermediate_size', where), layers: num(c, 'num_hidden_layers', where), eps: num(c, 'layer_norm_eps', where, 1e-5), act };
}

/** A CLIPTextModel config, or a CLIPModel config's `text_config`. */
export function clipTextFromConfig(c: Json): ClipTextConfig {
  const t = (c.text_config as Json | undefined) ?? c;
  const where = 'text_encoder';
  return { ...tower(t, where), vocab: num(t, 'vocab_size', where), positions: num(t, 'max_position_embeddings', where), eosTokenId: num(t, 'eos_token_id', where, 2) };
}

/** A CLIPVisionModelWithProjection config, or a CLIPModel config's `vision_config` (projection_dim at top level). */
export function clipVisionFromConfig(c: Json): ClipVisionConfig {
  const v = (c.vision_config as Json | undefined) ?? c;
  const where = 'clip_vision';
  const imageSize = num(v, 'image_size', where);
  const patchSize = num(v, 'patch_size', where);
  if (imageSize % patchSize !== 0) throw new ConfigError(`${where}: patch ${patchSize} does not divide image ${imageSize}`);
  return { ...tower(v, where), imageSize, patchSize, channels: num(v, 'num_channels', where, 3), projection: num(v, 'projection_dim', where, num(c, 'projection_dim', where, 512)) };
}
