// SD1.5's AutoencoderKL as two ONNX graphs at any width, as diffusers' ONNX export splits it:
// vae_encoder sample [B,3,H,W] → latent_sample [B,4,H/8,W/8] and vae_decoder latent_sample → sample.
// The 0.18215 latent scale stays outside both graphs (the pipeline multiplies after encoding and
// divides before decoding). The encoder outputs the posterior mean; diffusers' export samples
// mean + σ·noise there, which a fixed-output test cannot use.
import { silu } from '../fixtures/nn.ts';
import { type SessionGraph } from '../fixtures/spec.ts';
import { type Ctx, conv, context, downsample, groupNorm, probe, resnet, upsample, vaeAttention } from './blocks.ts';
import { type Step, type VaeConfig, vaeDecoderPlan, vaeEncoderPlan } from './config.ts';

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

/** Image in [−1, 1] → unscaled latent mean (the first half of quant_conv's moments). */
export function vaeEncoder(ctx: Ctx, cfg: VaeConfig, sample: string): string {
  const moments = walk(ctx, cfg, vaeEncoderPlan(cfg), sample);
  const z = cfg.latentChannels;
  return ctx.g.op('Slice', [moments, ctx.g.i64([0]), ctx.g.i64([z]), ctx.g.i64([1])]);
}

/** Unscaled latent → image in about [−1, 1]. */
export function vaeDecoder(ctx: Ctx, cfg: VaeConfig, latent: string): string {
  return walk(ctx, cfg, vaeDecoderPlan(cfg), latent);
}

function finish(s: SessionGraph, ctx: Ctx, name: string, value: string): void {
  s.output(name, value);
  ctx.probes?.forEach((p) => s.g.output(`probe.${p.name}`, s.g.compute, [], p.value));
}

export function buildVaeEncoder(s: SessionGraph, cfg: VaeConfig, probes = false): void {
  const ctx = context(s.g, cfg.tieWeights ?? false, probes);
  finish(s, ctx, 'latent_sample', vaeEncoder(ctx, cfg, s.input('sample')));
}

export function buildVaeDecoder(s: SessionGraph, cfg: VaeConfig, probes = false): void {
  const ctx = context(s.g, cfg.tieWeights ?? false, probes);
  finish(s, ctx, 'sample', vaeDecoder(ctx, cfg, s.input('latent_sample')));
}
