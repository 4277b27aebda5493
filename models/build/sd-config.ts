// SD1.5's UNet and VAE as configurations of one generator: the full model (diffusers'
// UNet2DConditionModel and AutoencoderKL as SD1.5 configures them), a tiny one the fixtures use,
// and anything between. `unetPlan` / `vaePlan` list the blocks in order, with their channels and
// resolution level; the graph builders and the analytic counts both walk these lists.

export type Dtype = 'fp32' | 'fp16';

export interface UnetConfig {
  /** Channels of the first level (320 in SD1.5); level i has base · mult[i]. */
  base: number;
  mult: readonly number[];
  /** Levels with cross-attention transformers (SD1.5: the three upper ones). */
  attention: readonly boolean[];
  /** ResNets per down level (up levels have one more). */
  layersPerBlock: number;
  /** Attention heads, one number or one per level (diffusers' `num_attention_heads ?? attention_head_dim`). */
  heads: number | readonly number[];
  /** Width of the text states (CLIP ViT-L/14: 768). */
  crossDim: number;
  /** GroupNorm groups; must divide every channel count. */
  groups: number;
  inChannels: number;
  outChannels: number;
  /** GroupNorm eps of the ResNets (`norm_eps`, 1e-5); the transformers' GroupNorm uses 1e-6 as diffusers does. */
  normEps?: number;
  /** BasicTransformerBlocks per transformer (`transformer_layers_per_block`, 1). */
  transformerLayers?: number;
  /** proj_in / proj_out as Linear (`use_linear_projection`, false in SD1.5). */
  linearProjection?: boolean;
  /** Sinusoid frequencies 10000^(−k / (half − freqShift)) (`freq_shift`, 0). */
  freqShift?: number;
  /** [cos, sin] rather than [sin, cos] (`flip_sin_to_cos`, true). */
  flipSinToCos?: boolean;
  /** Store one tensor per (parameter kind, shape) and share it between layers: keeps fixture files small. */
  tieWeights?: boolean;
}

/** Heads of the attention at a resolution level. */
export function headsAt(cfg: UnetConfig, level: number): number {
  return typeof cfg.heads === 'number' ? cfg.heads : cfg.heads[level];
}

export interface VaeConfig {
  /** Channels of the first level (128 in SD1.5). */
  base: number;
  mult: readonly number[];
  layersPerBlock: number;
  groups: number;
  latentChannels: number;
  /** Image channels in and out (3). */
  imageChannels?: number;
  tieWeights?: boolean;
}

/** Latents are scaled by this outside the graphs (as diffusers' ONNX export leaves it to the pipeline). */
export const LATENT_SCALE = 0.18215;

/** GroupNorm groups for a width: 32 where every group keeps ≥ 2 channels, fewer for tiny widths. */
export function groupsFor(base: number): number {
  let g = 32;
  while (g > 1 && (base % g !== 0 || base / g < 2)) g /= 2;
  return g;
}

/** SD1.5 inpainting UNet at base width `base` (320: the real model). */
export function unetConfig(base = 320, overrides: Partial<UnetConfig> = {}): UnetConfig {
  return {
    base,
    mult: [1, 2, 4, 4],
    attention: [true, true, true, false],
    layersPerBlock: 2,
    heads: 8,
    crossDim: 768,
    groups: groupsFor(base),
    inChannels: 9,
    outChannels: 4,
    ...overrides,
  };
}

/** SD1.5's VAE at base width `base` (128: the real model). */
export function vaeConfig(base = 128, overrides: Partial<VaeConfig> = {}): VaeConfig {
  return { base, mult: [1, 2, 4, 4], layersPerBlock: 2, groups: groupsFor(base), latentChannels: 4, ...overrides };
}

/**
 * The fixtures' configurations: SD1.5's topology (every block, skip and op) at widths 4·(1,2,4,4),
 * 2 heads, weights tied per (kind, shape): the fp32 UNet file is ≈ 0.44 MB, the VAE parts ≈ 75 kB,
 * so each model folder stays under the fixtures' 1 MB. Untied, the same UNet holds ≈ 0.38 M
 * parameters, most of them in the 768-wide text projections.
 */
export const TINY_UNET = unetConfig(4, { heads: 2, tieWeights: true });
export const TINY_VAE = vaeConfig(4, { tieWeights: true });

/** UNet width presets of the generator and the benchmark (VAE widths follow `vaeBaseFor`). */
export const UNET_WIDTHS = { tiny: 4, medium: 64, full: 320 } as const;

/** VAE width that goes with a UNet width (SD1.5: 128 beside 320). */
export function vaeBaseFor(unetBase: number): number {
  return Math.max(4, Math.round((unetBase * 128) / 320 / 4) * 4);
}

/** One block of a plan. `level` is the resolution level (0: full latent size, i: ÷2ⁱ). */
export type Step =
  | { op: 'conv'; name: string; cin: number; cout: number; k: number; level: number }
  | { op: 'resnet'; name: string; cin: number; cout: number; level: number; concatSkip?: boolean }
  | { op: 'transformer'; name: string; c: number; level: number }
  | { op: 'attention'; name: string; c: number; level: number }
  | { op: 'down'; name: string; c: number; level: number; asymmetricPad?: boolean }
  | { op: 'up'; name: string; c: number; level: number }
  | { op: 'norm-out'; name: string; c: number; level: number }
  | { op: 'skip' };

export function checkGroups(channels: number[], groups: number): void {
  const bad = channels.filter((c) => c % groups !== 0);
  if (bad.length) throw new Error(`GroupNorm(${groups}) does not divide channels ${[...new Set(bad)].join(', ')}`);
}

/** The UNet's blocks in execution order (after the time embedding). */
export function unetPlan(cfg: UnetConfig): Step[] {
  const ch = cfg.mult.map((m) => cfg.base * m);
  const last = ch.length - 1;
  const steps: Step[] = [{ op: 'conv', name: 'conv_in', cin: cfg.inChannels, cout: ch[0], k: 3, level: 0 }, { op: 'skip' }];
  const skips = [ch[0]];
  let c = ch[0];
  ch.forEach((out, i) => {
    for (let j = 0; j < cfg.layersPerBlock; j++) {
      steps.push({ op: 'resnet', name: `down_blocks.${i}.resnets.${j}`, cin: c, cout: out, level: i });
      if (cfg.attention[i]) steps.push({ op: 'transformer', name: `down_blocks.${i}.attentions.${j}`, c: out, level: i });
      steps.push({ op: 'skip' });
      skips.push(out);
      c = out;
    }
    if (i < last) {
      steps.push({ op: 'down', name: `down_blocks.${i}.downsamplers.0`, c, level: i }, { op: 'skip' });
      skips.push(c);
    }
  });
  steps.push(
    { op: 'resnet', name: 'mid_block.resnets.0', cin: c, cout: c, level: last },
    { op: 'transformer', name: 'mid_block.attentions.0', c, level: last },
    { op: 'resnet', name: 'mid_block.resnets.1', cin: c, cout: c, level: last },
  );
  [...ch].reverse().forEach((out, u) => {
    const i = last - u; // resolution level of this up block
    for (let j = 0; j <= cfg.layersPerBlock; j++) {
      const skip = skips.pop()!;
      steps.push({ op: 'resnet', name: `up_blocks.${u}.resnets.${j}`, cin: c + skip, cout: out, level: i, concatSkip: true });
      if (cfg.attention[i]) steps.push({ op: 'transformer', name: `up_blocks.${u}.attentions.${j}`, c: out, level: i });
      c = out;
    }
    if (i > 0) steps.push({ op: 'up', name: `up_blocks.${u}.upsamplers.0`, c, level: i });
  });
  steps.push({ op: 'norm-out', name: 'conv_norm_out', c, level: 0 }, { op: 'conv', name: 'conv_out', cin: c, cout: cfg.outChannels, k: 3, level: 0 });
  checkGroups(steps.flatMap((s) => ('cin' in s && s.op === 'resnet' ? [s.cin, s.cout] : 'c' in s ? [s.c] : [])), cfg.groups);
  return steps;
}

/** VAE encoder blocks: image → latent moments (mean and log-variance, 2·latent channels, after quant_conv). */
export function vaeEncoderPlan(cfg: VaeConfig): Step[] {
  const ch = cfg.mult.map((m) => cfg.base * m);
  const last = ch.length - 1;
  const steps: Step[] = [{ op: 'conv', name: 'encoder.conv_in', cin: cfg.imageChannels ?? 3, cout: ch[0], k: 3, level: 0 }];
  let c = ch[0];
  ch.forEach((out, i) => {
    for (let j = 0; j < cfg.layersPerBlock; j++) {
      steps.push({ op: 'resnet', name: `encoder.down_blocks.${i}.resnets.${j}`, cin: c, cout: out, level: i });
      c = out;
    }
    if (i < last) steps.push({ op: 'down', name: `encoder.down_blocks.${i}.downsamplers.0`, c, level: i, asymmetricPad: true });
  });
  steps.push(...vaeMid('encoder', c, last), { op: 'norm-out', name: 'encoder.conv_norm_out', c, level: last });
  const z = 2 * cfg.latentChannels;
  steps.push({ op: 'conv', name: 'encoder.conv_out', cin: c, cout: z, k: 3, level: last }, { op: 'conv', name: 'quant_conv', cin: z, cout: z, k: 1, level: last });
  checkGroups(ch, cfg.groups);
  return steps;
}

/** VAE decoder blocks: latent → image. Levels count down from the latent (level 0 = image size). */
export function vaeDecoderPlan(cfg: VaeConfig): Step[] {
  const ch = cfg.mult.map((m) => cfg.base * m);
  const last = ch.length - 1;
  const z = cfg.latentChannels;
  let c = ch[last];
  const steps: Step[] = [
    { op: 'conv', name: 'post_quant_conv', cin: z, cout: z, k: 1, level: last },
    { op: 'conv', name: 'decoder.conv_in', cin: z, cout: c, k: 3, level: last },
    ...vaeMid('decoder', c, last),
  ];
  [...ch].reverse().forEach((out, u) => {
    const i = last - u;
    for (let j = 0; j <= cfg.layersPerBlock; j++) {
      steps.push({ op: 'resnet', name: `decoder.up_blocks.${u}.resnets.${j}`, cin: c, cout: out, level: i });
      c = out;
    }
    if (i > 0) steps.push({ op: 'up', name: `decoder.up_blocks.${u}.upsamplers.0`, c, level: i });
  });
  steps.push({ op: 'norm-out', name: 'decoder.conv_norm_out', c, level: 0 }, { op: 'conv', name: 'decoder.conv_out', cin: c, cout: cfg.imageChannels ?? 3, k: 3, level: 0 });
  checkGroups(ch, cfg.groups);
  return steps;
}

function vaeMid(part: string, c: number, level: number): Step[] {
  return [
    { op: 'resnet', name: `${part}.mid_block.resnets.0`, cin: c, cout: c, level },
    { op: 'attention', name: `${part}.mid_block.attentions.0`, c, level },
    { op: 'resnet', name: `${part}.mid_block.resnets.1`, cin: c, cout: c, level },
  ];
}
