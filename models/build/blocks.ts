// SD1.5's building blocks (diffusers' ResnetBlock2D, Transformer2DModel with BasicTransformerBlocks,
// the VAE's single-head attention, Downsample2D, Upsample2D) over the ONNX builder, in the graph's
// compute type. Values are NCHW. Parameters are asked for by their diffusers names in diffusers'
// layout (Linear [out, in], Conv [out, in, kh, kw], norms [c]), so the same blocks run on seeded
// weights and on the official safetensors files (params.ts).
import { type Graph, ONNX_TYPE } from './onnx-builder.ts';
import { attention, gelu, mergeHeads, silu, splitHeads } from './nn.ts';
import { type Params, randomParams } from './params.ts';

export interface Ctx {
  g: Graph;
  params: Params;
  /** When set, every block output is also reduced to max |x| and collected here (finiteness checks). */
  probes?: { name: string; value: string }[];
}

export function context(g: Graph, params: Params = randomParams(g), probe = false): Ctx {
  return { g, params, probes: probe ? [] : undefined };
}

/** A parameter (see Params.get); `scale`/`center` only shape seeded values. */
export function param(ctx: Ctx, name: string, dims: number[], scale: number, center = 0, view?: number[]): string {
  return ctx.params.get(name, dims, { scale, center }, view);
}

/** Records max |x| of a block's output when probing. */
export function probe(ctx: Ctx, name: string, x: string): string {
  ctx.probes?.push({ name, value: ctx.g.op('ReduceMax', [ctx.g.op('Abs', [x])], { keepdims: 0 }) });
  return x;
}

/** nn.Linear: x [..., cin] → [..., cout] with W stored [cout, cin] (ORT folds the constant transpose at load). */
export function dense(ctx: Ctx, x: string, cin: number, cout: number, name: string, bias = true): string {
  const w = ctx.g.op('Transpose', [param(ctx, `${name}.weight`, [cout, cin], 1 / Math.sqrt(cin))], { perm: [1, 0] });
  const y = ctx.g.op('MatMul', [x, w]);
  return bias ? ctx.g.op('Add', [y, param(ctx, `${name}.bias`, [cout], 0.1)]) : y;
}

/** Conv with every attribute spelled out, as torch exports it (ORT's JSEP build refuses a Conv without dilations). */
export function conv(ctx: Ctx, x: string, cin: number, cout: number, k: number, name: string, attrs: Record<string, number[]> = {}, bias = true): string {
  const w = param(ctx, `${name}.weight`, [cout, cin, k, k], 1 / Math.sqrt(cin * k * k));
  const pad = (k - 1) / 2;
  const all = { dilations: [1, 1], group: 1, kernel_shape: [k, k], pads: [pad, pad, pad, pad], strides: [1, 1], ...attrs };
  return ctx.g.op('Conv', bias ? [x, w, param(ctx, `${name}.bias`, [cout], 0.1)] : [x, w], all);
}

/**
 * GroupNorm as torch exports it to ONNX: Reshape [B,G,−1] → InstanceNormalization → Reshape → affine.
 * In fp16 graphs the statistics are computed in fp32 (fp16 sums over 64² × 20 values overflow and
 * discolour SD's output), then cast back.
 */
export function groupNorm(ctx: Ctx, x: string, c: number, groups: number, eps: number, name: string): string {
  const { g } = ctx;
  const upcast = g.compute === 'float16';
  const ones = g.f32(new Float32Array(groups).fill(1));
  const zeros = g.f32(new Float32Array(groups));
  const grouped = g.op('Reshape', [upcast ? g.op('Cast', [x], { to: ONNX_TYPE.float32 }) : x, g.i64([0, groups, -1])]);
  let normed = g.op('Reshape', [g.op('InstanceNormalization', [grouped, ones, zeros], { epsilon: { f: eps } }), g.op('Shape', [x])]);
  if (upcast) normed = g.op('Cast', [normed], { to: ONNX_TYPE.float16 });
  const gamma = param(ctx, `${name}.weight`, [c], 0.1, 1, [c, 1, 1]);
  return g.op('Add', [g.op('Mul', [normed, gamma]), param(ctx, `${name}.bias`, [c], 0.1, 0, [c, 1, 1])]);
}

export function layerNorm(ctx: Ctx, x: string, c: number, name: string, eps = 1e-5): string {
  const gamma = param(ctx, `${name}.weight`, [c], 0.1, 1);
  return ctx.g.op('LayerNormalization', [x, gamma, param(ctx, `${name}.bias`, [c], 0.1)], { axis: -1, epsilon: { f: eps } });
}

export interface ResnetOptions {
  groups: number;
  eps: number;
  /** Time embedding [B, tembDim] (UNet); none in the VAE. */
  temb?: { value: string; dim: number };
}

/** ResnetBlock2D: GN → SiLU → conv3 (+ time projection) → GN → SiLU → conv3, plus a 1×1 shortcut when widths differ. */
export function resnet(ctx: Ctx, x: string, cin: number, cout: number, name: string, o: ResnetOptions): string {
  const { g } = ctx;
  let h = conv(ctx, silu(g, groupNorm(ctx, x, cin, o.groups, o.eps, `${name}.norm1`)), cin, cout, 3, `${name}.conv1`);
  if (o.temb) {
    const t = dense(ctx, silu(g, o.temb.value), o.temb.dim, cout, `${name}.time_emb_proj`);
    h = g.op('Add', [h, g.op('Unsqueeze', [t, g.i64([2, 3])])]);
  }
  h = conv(ctx, silu(g, groupNorm(ctx, h, cout, o.groups, o.eps, `${name}.norm2`)), cout, cout, 3, `${name}.conv2`);
  const shortcut = cin === cout ? x : conv(ctx, x, cin, cout, 1, `${name}.conv_shortcut`);
  return g.op('Add', [shortcut, h]);
}

/** Attention with diffusers' projections: q from x [B,S,c], k/v from ctxStates [B,T,kvDim]; no q/k/v bias. */
function attend(ctx: Ctx, x: string, states: string, c: number, kvDim: number, heads: number, name: string, qkvBias = false): string {
  const d = c / heads;
  const q = splitHeads(ctx.g, dense(ctx, x, c, c, `${name}.to_q`, qkvBias), heads, d);
  const k = splitHeads(ctx.g, dense(ctx, states, kvDim, c, `${name}.to_k`, qkvBias), heads, d);
  const v = splitHeads(ctx.g, dense(ctx, states, kvDim, c, `${name}.to_v`, qkvBias), heads, d);
  return dense(ctx, mergeHeads(ctx.g, attention(ctx.g, q, k, v, d), c), c, c, `${name}.to_out.0`);
}

/** [B,C,H,W] → [B,HW,C] */
function tokens(ctx: Ctx, x: string, c: number): string {
  return ctx.g.op('Transpose', [ctx.g.op('Reshape', [x, ctx.g.i64([0, c, -1])])], { perm: [0, 2, 1] });
}

/** [B,HW,C] → the shape of `like` [B,C,H,W] */
function image(ctx: Ctx, t: string, like: string): string {
  return ctx.g.op('Reshape', [ctx.g.op('Transpose', [t], { perm: [0, 2, 1] }), ctx.g.op('Shape', [like])]);
}

export interface TransformerOptions {
  groups: number;
  heads: number;
  text: string;
  crossDim: number;
  /** BasicTransformerBlocks in a row (`transformer_layers_per_block`; 1 in SD1.5). */
  layers?: number;
  /** proj_in / proj_out as Linear on tokens (`use_linear_projection`, SD2) instead of SD1.5's 1×1 convs. */
  linearProjection?: boolean;
}

/**
 * Transformer2DModel, SD1.5 style: GN → proj_in → per block: self-attention, cross-attention to the
 * text states, GEGLU feed-forward (each after a LayerNorm, each residual) → proj_out → + input.
 */
export function transformer(ctx: Ctx, x: string, c: number, name: string, o: TransformerOptions): string {
  const { g } = ctx;
  const normed = groupNorm(ctx, x, c, o.groups, 1e-6, `${name}.norm`);
  let t = o.linearProjection ? dense(ctx, tokens(ctx, normed, c), c, c, `${name}.proj_in`) : tokens(ctx, conv(ctx, normed, c, c, 1, `${name}.proj_in`), c);
  for (let i = 0; i < (o.layers ?? 1); i++) {
    const b = `${name}.transformer_blocks.${i}`;
    const n1 = layerNorm(ctx, t, c, `${b}.norm1`);
    t = g.op('Add', [t, attend(ctx, n1, n1, c, c, o.heads, `${b}.attn1`)]);
    t = g.op('Add', [t, attend(ctx, layerNorm(ctx, t, c, `${b}.norm2`), o.text, c, o.crossDim, o.heads, `${b}.attn2`)]);
    const [hidden, gate] = g.opN('Split', [dense(ctx, layerNorm(ctx, t, c, `${b}.norm3`), c, 8 * c, `${b}.ff.net.0.proj`), g.i64([4 * c, 4 * c])], 2, { axis: -1 });
    t = g.op('Add', [t, dense(ctx, g.op('Mul', [hidden, gelu(g, gate)]), 4 * c, c, `${b}.ff.net.2`)]);
  }
  const out = o.linearProjection ? image(ctx, dense(ctx, t, c, c, `${name}.proj_out`), x) : conv(ctx, image(ctx, t, x), c, c, 1, `${name}.proj_out`);
  return g.op('Add', [x, out]);
}

/** The VAE mid-block's single-head self-attention over all positions (q/k/v with bias), residual. */
export function vaeAttention(ctx: Ctx, x: string, c: number, groups: number, name: string): string {
  const t = tokens(ctx, groupNorm(ctx, x, c, groups, 1e-6, `${name}.group_norm`), c);
  return ctx.g.op('Add', [x, image(ctx, attend(ctx, t, t, c, c, 1, name, true), x)]);
}

/** Stride-2 3×3 conv; the VAE encoder pads only right and bottom (diffusers' padding=0 path). */
export function downsample(ctx: Ctx, x: string, c: number, name: string, asymmetricPad = false): string {
  return conv(ctx, x, c, c, 3, `${name}.conv`, { strides: [2, 2], ...(asymmetricPad ? { pads: [0, 0, 1, 1] } : {}) });
}

/** Nearest ×2 (Resize, as torch's F.interpolate exports) then a 3×3 conv. */
export function upsample(ctx: Ctx, x: string, c: number, name: string): string {
  const up = ctx.g.op('Resize', [x, '', ctx.g.f32([1, 1, 2, 2])], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
  return conv(ctx, up, c, c, 3, `${name}.conv`);
}
