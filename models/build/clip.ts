// CLIP's text and vision towers as ONNX graphs, from transformers' config.json and tensor names
// (`text_model.…`, `vision_model.…`, `visual_projection`), computing what openai/CLIP's model code
// computes:
// - text_encoder: input_ids int32 [B, 77] → last_hidden_state [B, 77, D] (after final_layer_norm; what
//   SD conditions on) and pooler_output [B, D] (the first EOS token's state);
// - clip_vision: pixel_values [B, 3, H, W] → last_hidden_state [B, 1 + P, D] (before post_layernorm),
//   image_embeds [B, proj] (CLS) and projected_tokens [B, 1 + P, proj] = visual_projection(
//   post_layernorm(every token)), the patch features the region head reads.
import { type Graph, ONNX_TYPE } from './onnx-builder.ts';
import { attention, mergeHeads, splitHeads } from './nn.ts';
import { type Ctx, conv, dense, layerNorm } from './blocks.ts';

export interface ClipTowerConfig {
  hidden: number;
  intermediate: number;
  heads: number;
  layers: number;
  eps: number;
  act: 'quick_gelu' | 'gelu';
}

export interface ClipTextConfig extends ClipTowerConfig {
  vocab: number;
  positions: number;
  /** The token whose state is pooled; transformers' legacy configs (eos 2) pool at the highest id instead. */
  eosTokenId: number;
}

export interface ClipVisionConfig extends ClipTowerConfig {
  imageSize: number;
  patchSize: number;
  channels: number;
  projection: number;
}

function activation(g: Graph, x: string, act: ClipTowerConfig['act']): string {
  if (act === 'quick_gelu') return g.op('Mul', [x, g.op('Sigmoid', [g.op('Mul', [x, g.scalar(1.702)])])]);
  const erf = g.op('Erf', [g.op('Mul', [x, g.scalar(Math.SQRT1_2)])]);
  return g.op('Mul', [g.op('Mul', [x, g.scalar(0.5)]), g.op('Add', [erf, g.scalar(1)])]);
}

/** CLIPEncoderLayer: pre-norm self-attention (q/k/v/out with bias) and MLP, each residual. */
function encoderLayer(ctx: Ctx, x: string, c: ClipTowerConfig, name: string, mask?: string): string {
  const { g } = ctx;
  const d = c.hidden / c.heads;
  const h = layerNorm(ctx, x, c.hidden, `${name}.layer_norm1`, c.eps);
  const heads = (proj: string) => splitHeads(g, dense(ctx, h, c.hidden, c.hidden, `${name}.self_attn.${proj}`), c.heads, d);
  const attn = mergeHeads(g, attention(g, heads('q_proj'), heads('k_proj'), heads('v_proj'), d, mask), c.hidden);
  const y = g.op('Add', [x, dense(ctx, attn, c.hidden, c.hidden, `${name}.self_attn.out_proj`)]);
  const m = dense(ctx, activation(g, dense(ctx, layerNorm(ctx, y, c.hidden, `${name}.layer_norm2`, c.eps), c.hidden, c.intermediate, `${name}.mlp.fc1`), c.act), c.intermediate, c.hidden, `${name}.mlp.fc2`);
  return g.op('Add', [y, m]);
}

function encoder(ctx: Ctx, x: string, c: ClipTowerConfig, prefix: string, mask?: string): string {
  for (let i = 0; i < c.layers; i++) x = encoderLayer(ctx, x, c, `${prefix}.encoder.layers.${i}`, mask);
  return x;
}

/** 0/1 rows of a one-hot over the token axis → [B, 1, S] × [B, S, D] → [B, D]. */
function pick(g: Graph, states: string, onehot: string): string {
  return g.op('Squeeze', [g.op('MatMul', [g.op('Unsqueeze', [onehot, g.i64([1])]), states]), g.i64([1])]);
}

/**
 * The text tower at its full context (`max_position_embeddings`: 77 for SD, which always feeds
 * 77-id chunks), so the causal mask and the first-EOS selection are constants and float ops:
 * nothing in the graph computes on shapes or int64 values, and every node runs on the GPU.
 */
export function buildClipText(ctx: Ctx, c: ClipTextConfig): void {
  const { g } = ctx;
  const S = c.positions;
  const ids = g.input('input_ids', 'int32', ['batch_size', S]); // int32: WebGPU computes on int32, where an int64 Cast falls to the CPU
  const tokens = g.op('Gather', [ctx.params.get('text_model.embeddings.token_embedding.weight', [c.vocab, c.hidden], { scale: 1 }), ids]);
  let x = g.op('Add', [tokens, ctx.params.get('text_model.embeddings.position_embedding.weight', [S, c.hidden], { scale: 0.1 })]);
  // Causal mask: key j > query i is masked ([S, S], broadcast over batch and heads).
  const masked = g.compute === 'float16' ? -65504 : -1e9;
  const bias = g.tensor(g.compute, Float32Array.from({ length: S * S }, (_, k) => (k % S > Math.floor(k / S) ? masked : 0)), [S, S], 'causal_mask');
  x = encoder(ctx, x, c, 'text_model', bias);
  const hidden = layerNorm(ctx, x, c.hidden, 'text_model.final_layer_norm', c.eps);
  // transformers pools at the first EOS; configs from before it knew the EOS id (eos 2) at the highest id.
  const f = g.op('Cast', [ids], { to: ONNX_TYPE.float32 });
  const target = c.eosTokenId === 2 ? g.op('ReduceMax', [f], { axes: [1], keepdims: 1 }) : g.f32([c.eosTokenId]);
  const marks = g.op('Sub', [g.f32([1]), g.op('Min', [g.op('Abs', [g.op('Sub', [f, target])]), g.f32([1])])]); // 1 where the id is the target (ids are whole numbers)
  // Marks before each position (a strictly lower triangle): the first mark is the one with none before it.
  const before = g.op('MatMul', [marks, g.f32(Float32Array.from({ length: S * S }, (_, k) => (Math.floor(k / S) < k % S ? 1 : 0)), [S, S])]);
  const first = g.op('Mul', [marks, g.op('Sub', [g.f32([1]), g.op('Min', [before, g.f32([1])])])]);
  const onehot = g.compute === 'float32' ? first : g.op('Cast', [first], { to: ONNX_TYPE[g.compute] });
  g.output('last_hidden_state', g.compute, ['batch_size', S, c.hidden], hidden);
  g.output('pooler_output', g.compute, ['batch_size', c.hidden], pick(g, hidden, onehot));
}

export function buildClipVision(ctx: Ctx, c: ClipVisionConfig): void {
  const { g } = ctx;
  const grid = c.imageSize / c.patchSize;
  const tokens = 1 + grid * grid;
  const pixels = g.input('pixel_values', g.compute, ['batch_size', c.channels, c.imageSize, c.imageSize]);
  const p = c.patchSize;
  const patches = conv(ctx, pixels, c.channels, c.hidden, p, 'vision_model.embeddings.patch_embedding', { strides: [p, p], pads: [0, 0, 0, 0] }, false);
  const flat = g.op('Transpose', [g.op('Reshape', [patches, g.i64([0, c.hidden, -1])])], { perm: [0, 2, 1] }); // [B, P, D]
  const batch = g.op('Gather', [g.op('Shape', [pixels]), g.i64([0])]);
  const cls = g.op('Expand', [g.op('Reshape', [ctx.params.get('vision_model.embeddings.class_embedding', [c.hidden], { scale: 1 }), g.i64([1, 1, c.hidden])]), g.op('Concat', [batch, g.i64([1, c.hidden])], { axis: 0 })]);
  const pos = ctx.params.get('vision_model.embeddings.position_embedding.weight', [tokens, c.hidden], { scale: 0.1 });
  let x = g.op('Add', [g.op('Concat', [cls, flat], { axis: 1 }), pos]);
  x = layerNorm(ctx, x, c.hidden, 'vision_model.pre_layrnorm', c.eps);
  const hidden = encoder(ctx, x, c, 'vision_model');
  const projected = dense(ctx, layerNorm(ctx, hidden, c.hidden, 'vision_model.post_layernorm', c.eps), c.hidden, c.projection, 'visual_projection', false);
  const embeds = g.op('Squeeze', [g.op('Slice', [projected, g.i64([0]), g.i64([1]), g.i64([1])]), g.i64([1])]);
  g.output('last_hidden_state', g.compute, ['batch_size', tokens, c.hidden], hidden);
  g.output('image_embeds', g.compute, ['batch_size', c.projection], embeds);
  g.output('projected_tokens', g.compute, ['batch_size', tokens, c.projection], projected);
}
