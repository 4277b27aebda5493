// UNet2DConditionModel as an ONNX graph, from a configuration read from diffusers' config.json:
// time embedding (sinusoids → Linear → SiLU → Linear), conv_in, CrossAttnDownBlock2D / DownBlock2D
// levels, mid block (ResNet, Transformer, ResNet), UpBlock2D / CrossAttnUpBlock2D levels with skip
// concatenations, GN → SiLU → conv_out.
//
// I/O (the app's contract, see README "SD graphs"): sample [B, in, h, w], timestep float32 [B]
// (always float32: a float16 timestep cannot hold the sinusoids' precision), encoder_hidden_states
// [B, S, crossDim] → out_sample [B, out, h, w]; float I/O in the graph's compute type.
import { ONNX_TYPE } from './onnx-builder.ts';
import { silu } from './nn.ts';
import { type Ctx, conv, dense, downsample, groupNorm, probe, resnet, transformer, upsample } from './blocks.ts';
import { type UnetConfig, headsAt, unetPlan } from './sd-config.ts';

/**
 * diffusers' Timesteps then TimestepEmbedding: sinusoids of t·10000^(−k/(half − shift)) in float32
 * ([cos, sin] with flip_sin_to_cos), then Linear → SiLU → Linear.
 */
export function timeEmbedding(ctx: Ctx, cfg: UnetConfig, timestep: string): string {
  const { g } = ctx;
  const base = cfg.base * cfg.mult[0];
  const half = base / 2;
  const shift = cfg.freqShift ?? 0;
  const freqs = Array.from({ length: half }, (_, k) => Math.exp((-Math.log(10000) * k) / (half - shift)));
  const angles = g.op('Mul', [g.op('Unsqueeze', [timestep, g.i64([-1])]), g.f32(freqs)]);
  const [cos, sin] = [g.op('Cos', [angles]), g.op('Sin', [angles])];
  let emb = g.op('Concat', cfg.flipSinToCos === false ? [sin, cos] : [cos, sin], { axis: -1 });
  if (g.compute !== 'float32') emb = g.op('Cast', [emb], { to: ONNX_TYPE[g.compute] });
  const dim = 4 * base;
  return dense(ctx, silu(g, dense(ctx, emb, base, dim, 'time_embedding.linear_1')), dim, dim, 'time_embedding.linear_2');
}

/** The UNet body; `timestep` is float32, the rest the compute type. Returns out_sample. */
export function unet(ctx: Ctx, cfg: UnetConfig, sample: string, timestep: string, text: string): string {
  const { g } = ctx;
  const temb = { value: timeEmbedding(ctx, cfg, timestep), dim: 4 * cfg.base * cfg.mult[0] };
  const eps = cfg.normEps ?? 1e-5;
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
        x = resnet(ctx, x, s.cin, s.cout, s.name, { groups: cfg.groups, eps, temb });
        break;
      case 'transformer':
        x = transformer(ctx, x, s.c, s.name, {
          groups: cfg.groups,
          heads: headsAt(cfg, s.level),
          text,
          crossDim: cfg.crossDim,
          layers: cfg.transformerLayers,
          linearProjection: cfg.linearProjection,
        });
        break;
      case 'down':
        x = downsample(ctx, x, s.c, s.name);
        break;
      case 'up':
        x = upsample(ctx, x, s.c, s.name);
        break;
      case 'norm-out':
        x = silu(g, groupNorm(ctx, x, s.c, cfg.groups, eps, s.name));
        break;
      case 'attention':
        throw new Error('the UNet has no VAE attention');
    }
    if (s.op !== 'skip') probe(ctx, s.name, x);
  }
  return x;
}

/** Declares the UNet's inputs and output on the context's graph and builds the body between them. */
export function buildUnet(ctx: Ctx, cfg: UnetConfig): void {
  const { g } = ctx;
  const io = g.compute;
  const sample = g.input('sample', io, ['batch_size', cfg.inChannels, 'latent_height', 'latent_width']);
  const timestep = g.input('timestep', 'float32', ['batch_size']);
  const text = g.input('encoder_hidden_states', io, ['batch_size', 'sequence_length', cfg.crossDim]);
  g.output('out_sample', io, ['batch_size', cfg.outChannels, 'latent_height', 'latent_width'], unet(ctx, cfg, sample, timestep, text));
  ctx.probes?.forEach((p) => g.output(`probe.${p.name}`, io, [], p.value));
}
