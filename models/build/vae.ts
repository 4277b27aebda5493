// AutoencoderKL as two ONNX graphs, from a configuration read from diffusers' config.json:
// vae_encoder sample [B, 3, H, W] → latent_parameters [B, 2·z, H/8, W/8] (quant_conv's moments: the
// posterior mean, then the log-variance; the pipeline takes the mean) and vae_decoder latent_sample
// [B, z, h, w] (unscaled) → sample. The latent scale (config `scaling_factor`, 0.18215) stays outside
// both graphs, as in diffusers' pipelines.
import { silu } from './nn.ts';
import { type Ctx, conv, downsample, groupNorm, probe, resnet, upsample, vaeAttention } from './blocks.ts';
import { type Step, type VaeConfig, vaeDecoderPlan, vaeEncoderPlan } from './sd-config.ts';

/** diffusers' AutoencoderKL builds its ResNets, attention and norms with eps 1e-6. */
const EPS = 1e-6;

function walk(ctx: Ctx, cfg: VaeConfig, plan: Step[], x: string): string {
  for (const s of plan) {
    switch (s.op) {
      case 'conv':
        x = conv(ctx, x, s.cin, s.cout, s.k, s.name);
        break;
      case 'resnet':
        x = resnet(ctx, x, s.cin, s.cout, s.name, { groups: cfg.groups, eps: EPS });
        break;
      case 'attention':
        x = vaeAttention(ctx, x, s.c, cfg.groups, s.name);
        break;
      case 'down':
        x = downsample(ctx, x, s.c, s.name, s.asymmetricPad);
        break;
      case 'up':
        x = upsample(ctx, x, s.c, s.name);
        break;
      case 'norm-out':
        x = silu(ctx.g, groupNorm(ctx, x, s.c, cfg.groups, EPS, s.name));
        break;
      default:
        throw new Error(`the VAE has no ${s.op} step`);
    }
    probe(ctx, s.name, x);
  }
  return x;
}

function finish(ctx: Ctx, name: string, dims: (number | string)[], value: string): void {
  ctx.g.output(name, ctx.g.compute, dims, value);
  ctx.probes?.forEach((p) => ctx.g.output(`probe.${p.name}`, ctx.g.compute, [], p.value));
}

export function buildVaeEncoder(ctx: Ctx, cfg: VaeConfig): void {
  const sample = ctx.g.input('sample', ctx.g.compute, ['batch_size', cfg.imageChannels ?? 3, 'height', 'width']);
  const moments = walk(ctx, cfg, vaeEncoderPlan(cfg), sample);
  finish(ctx, 'latent_parameters', ['batch_size', 2 * cfg.latentChannels, 'latent_height', 'latent_width'], moments);
}

export function buildVaeDecoder(ctx: Ctx, cfg: VaeConfig): void {
  const latent = ctx.g.input('latent_sample', ctx.g.compute, ['batch_size', cfg.latentChannels, 'latent_height', 'latent_width']);
  finish(ctx, 'sample', ['batch_size', cfg.imageChannels ?? 3, 'height', 'width'], walk(ctx, cfg, vaeDecoderPlan(cfg), latent));
}
