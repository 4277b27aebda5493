/**
 * Small ONNX models with the SD-inpainting sessions' contracts (names, types, symbolic dims), for
 * tests that exercise the pipeline rather than the networks: a few nodes each, so they compile and
 * run in milliseconds where the real-topology fixtures take tens of seconds on SwiftShader. Every
 * input changes the output, per batch row. engine.browser.spec.ts runs the real fixtures.
 */
import { Graph, seededWeights } from '../../../models/build/onnx-builder.ts';

const TEXT = 768;

/** sample [B, 9, h, w], timestep [B], encoder_hidden_states [B, S, 768] → out_sample [B, 4, h, w]. */
export function contractUnet(seed = 11): Uint8Array {
  const g = new Graph('contract_unet', { weights: seededWeights(seed) });
  const sample = g.input('sample', 'float32', ['batch_size', 9, 'latent_height', 'latent_width']);
  const timestep = g.input('timestep', 'float32', ['batch_size']);
  const states = g.input('encoder_hidden_states', 'float32', ['batch_size', 'sequence_length', TEXT]);
  const conv = g.op('Conv', [sample, g.weight('conv.weight', [4, 9, 3, 3], 0.25), g.weight('conv.bias', [4], 0.1)], { pads: [1, 1, 1, 1] });
  const text = g.op('MatMul', [g.op('ReduceMean', [states], { axes: [1], keepdims: 0 }), g.weight('text.weight', [TEXT, 4], 1)]);
  const textMap = g.op('Reshape', [text, g.i64([-1, 4, 1, 1])]);
  const time = g.op('Sin', [g.op('Mul', [g.op('Reshape', [timestep, g.i64([-1, 1, 1, 1])]), g.f32([0.003], [])])]);
  const out = g.op('Add', [g.op('Add', [conv, textMap]), time]);
  g.output('out_sample', 'float32', ['batch_size', 4, 'latent_height', 'latent_width'], out);
  return g.toModel();
}

/** Batch axis of a contract model: symbolic, or fixed at 1 as some exports have it. */
export type Batch = 'batch_size' | 1;

/** input_ids int32 [B, 77] → last_hidden_state [B, 77, 768] (per token and position), pooler_output [B, 768]. */
export function contractTextEncoder(seed = 12, batch: Batch = 'batch_size'): Uint8Array {
  const g = new Graph('contract_text', { weights: seededWeights(seed) });
  const ids = g.input('input_ids', 'int32', [batch, 77]);
  const x = g.op('Unsqueeze', [g.op('Cast', [ids], { to: 1 }), g.i64([2])]); // [B, 77, 1]
  const hidden = g.op('Sin', [g.op('Add', [g.op('Mul', [x, g.weight('token', [TEXT], 0.01)]), g.weight('position', [77, TEXT], 1)])]);
  g.output('last_hidden_state', 'float32', [batch, 77, TEXT], hidden);
  g.output('pooler_output', 'float32', [batch, TEXT], g.op('ReduceMean', [hidden], { axes: [1], keepdims: 0 }));
  return g.toModel();
}

/**
 * sample [B, 3, H, W] → latent_sample [B, 4, H/8, W/8]: one 8×8 stride-8 convolution. With
 * `parameters`, optimum's layout instead: latent_parameters [B, 8, h, w], the same 4 mean channels
 * (same seeded weights) followed by 4 "log-variance" channels that must be ignored.
 */
export function contractVaeEncoder(seed = 13, o: { batch?: Batch; parameters?: boolean } = {}): Uint8Array {
  const g = new Graph('contract_vae_encoder', { weights: seededWeights(seed) });
  const batch = o.batch ?? 'batch_size';
  const sample = g.input('sample', 'float32', [batch, 3, 'height', 'width']);
  const channels = o.parameters ? 8 : 4;
  // No bias: the seeded stream then gives both layouts the same first four output channels.
  const out = g.op('Conv', [sample, g.weight('conv', [channels, 3, 8, 8], 0.1)], { strides: [8, 8] });
  g.output(o.parameters ? 'latent_parameters' : 'latent_sample', 'float32', [batch, channels, 'latent_height', 'latent_width'], out);
  return g.toModel();
}

/** latent_sample [B, 4, h, w] → sample [B, 3, 8h, 8w] in about [−1, 1]: an 8×8 stride-8 transposed convolution, tanh. */
export function contractVaeDecoder(seed = 14): Uint8Array {
  const g = new Graph('contract_vae_decoder', { weights: seededWeights(seed) });
  const latents = g.input('latent_sample', 'float32', ['batch_size', 4, 'latent_height', 'latent_width']);
  const up = g.op('ConvTranspose', [latents, g.weight('deconv', [4, 3, 8, 8], 0.5), g.weight('bias', [3], 0.1)], { strides: [8, 8] });
  g.output('sample', 'float32', ['batch_size', 3, 'height', 'width'], g.op('Tanh', [up]));
  return g.toModel();
}

/** All four, as `EngineConfig.overrides`. */
export const contractModels = () => ({ text_encoder: contractTextEncoder(), unet: contractUnet(), vae_encoder: contractVaeEncoder(), vae_decoder: contractVaeDecoder() });
