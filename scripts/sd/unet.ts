// SD1.5's UNet2DConditionModel as an ONNX graph at any width: time embedding (320-wide sinusoids
// → 1280 MLP at full width), conv_in, CrossAttnDownBlock2D ×3 + DownBlock2D, mid block (ResNet,
// Transformer, ResNet), UpBlock2D + CrossAttnUpBlock2D ×3 with skip concatenations, GN → SiLU →
// conv_out. I/O as diffusers' ONNX export: sample [B,9,h,w], timestep [B], encoder_hidden_states
// [B,S,768] → out_sample [B,4,h,w].
import { ONNX_TYPE } from '../fixtures/onnx-builder.ts';
import { silu } from '../fixtures/nn.ts';
import { type SessionGraph } from '../fixtures/spec.ts';
import { type Ctx, conv, context, dense, downsample, groupNorm, probe, resnet, transformer, upsample } from './blocks.ts';
import { type UnetConfig, unetPlan } from './config.ts';

/**
 * diffusers' Timesteps(flip_sin_to_cos=True, freq_shift=0) then TimestepEmbedding: [cos, sin] of
 * t·10000^(−k/half), computed in float32 (timesteps up to 999 need it), then Linear → SiLU → Linear.
 */
export function timeEmbedding(ctx: Ctx, timestep: string, base: number): string {
  const { g } = ctx;
  const half = base / 2;
  const t32 = g.compute === 'float32' ? timestep : g.op('Cast', [timestep], { to: ONNX_TYPE.float32 });
  const freqs = Array.from({ length: half }, (_, k) => Math.exp((-Math.log(10000) * k) / half));
  const angles = g.op('Mul', [g.op('Unsqueeze', [t32, g.i64([-1])]), g.f32(freqs)]);
  let emb = g.op('Concat', [g.op('Cos', [angles]), g.op('Sin', [angles])], { axis: -1 });
  if (g.compute !== 'float32') emb = g.op('Cast', [emb], { to: ONNX_TYPE[g.compute] });
  const dim = 4 * base;
  return dense(ctx, silu(g, dense(ctx, emb, base, dim, 'time_embedding.linear_1')), dim, dim, 'time_embedding.linear_2');
}

/** The UNet body on float values of the compute type; returns out_sample [B, outChannels, h, w]. */
export function unet(ctx: Ctx, cfg: UnetConfig, sample: string, timestep: string, text: string): string {
  const { g } = ctx;
  const temb = { value: timeEmbedding(ctx, timestep, cfg.base), dim: 4 * cfg.base };
  const skips: string[] = [];
  let x = sample;
  for (const s of unetPlan(cfg)) {
    switch (s.op) {
      case 'conv':
        x = conv(ctx, x, s.cin, s.cout, s.k, s.name);
        break;
      case 'skip':
        skips.push(x);
        break;
      case 'resnet':
        if (s.concatSkip) x = g.op('Concat', [x, skips.pop()!], { axis: 1 });
        x = resnet(ctx, x, s.cin, s.cout, s.name, { groups: cfg.groups, eps: 1e-5, temb });
        break;
      case 'transformer':
        x = transformer(ctx, x, s.c, s.name, { groups: cfg.groups, heads: cfg.heads, text, crossDim: cfg.crossDim });
        break;
      case 'down':
        x = downsample(ctx, x, s.c, s.name);
        break;
      case 'up':
        x = upsample(ctx, x, s.c, s.name);
        break;
      case 'norm-out':
        x = silu(g, groupNorm(ctx, x, s.c, cfg.groups, 1e-5, s.name));
        break;
      case 'attention':
        throw new Error('the UNet has no VAE attention');
    }
    if (s.op !== 'skip') probe(ctx, s.name, x);
  }
  return x;
}

/** Declares the manifest's UNet inputs and output on `s` and builds the body; with `probes`, adds max |x| outputs. */
export function buildUnet(s: SessionGraph, cfg: UnetConfig, probes = false): void {
  const ctx = context(s.g, cfg.tieWeights ?? false, probes);
  s.output('out_sample', unet(ctx, cfg, s.input('sample'), s.input('timestep'), s.input('encoder_hidden_states')));
  ctx.probes?.forEach((p) => s.g.output(`probe.${p.name}`, s.g.compute, [], p.value));
}
