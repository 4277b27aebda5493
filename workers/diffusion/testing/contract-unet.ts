/**
 * A small ONNX model with the SD-inpainting UNet's contract — sample [B, 9, h, w], timestep [B],
 * encoder_hidden_states [B, S, 768] → out_sample [B, 4, h, w] — for tests that exercise the
 * pipeline, not the UNet: a 3×3 conv over all nine channels, plus the projected mean of the text
 * states, plus a timestep term. Every input changes the output, per batch row. Compiles and runs in
 * milliseconds where the real-topology fixture takes tens of seconds on SwiftShader.
 */
import { Graph, seededWeights } from '../../../scripts/fixtures/onnx-builder.ts';

export function contractUnet(seed = 11): Uint8Array {
  const g = new Graph('contract_unet', { weights: seededWeights(seed) });
  const sample = g.input('sample', 'float32', ['batch_size', 9, 'latent_height', 'latent_width']);
  const timestep = g.input('timestep', 'float32', ['batch_size']);
  const states = g.input('encoder_hidden_states', 'float32', ['batch_size', 'sequence_length', 768]);
  const conv = g.op('Conv', [sample, g.weight('conv.weight', [4, 9, 3, 3], 0.25), g.weight('conv.bias', [4], 0.1)], { pads: [1, 1, 1, 1] });
  const text = g.op('MatMul', [g.op('ReduceMean', [states], { axes: [1], keepdims: 0 }), g.weight('text.weight', [768, 4], 1)]);
  const textMap = g.op('Reshape', [text, g.i64([-1, 4, 1, 1])]);
  const time = g.op('Sin', [g.op('Mul', [g.op('Reshape', [timestep, g.i64([-1, 1, 1, 1])]), g.f32([0.003], [])])]);
  const out = g.op('Add', [g.op('Add', [conv, textMap]), time]);
  g.output('out_sample', 'float32', ['batch_size', 4, 'latent_height', 'latent_width'], out);
  return g.toModel();
}
