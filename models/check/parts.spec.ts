// The pieces of Check models on small, hand-made inputs: the I/O contract, the probe's feeds and the
// placement verdict.
import { describe, expect, it } from 'vitest';
import { MANIFEST } from '../manifest.ts';
import { checkContract, layersIn } from './contract.ts';
import type { GraphValue } from './graph.ts';
import { placementVerdict } from './placement.ts';
import { nonFinite, probeFeeds } from './probe.ts';

const v = (name: string, type: GraphValue['type'], dims: GraphValue['dims']): GraphValue => ({ name, type, dims });

describe('I/O contract', () => {
  const unet = MANIFEST['sd-inpaint'].sessions.unet;
  const good = {
    inputs: [v('sample', 'float32', ['batch_size', 9, 'h', 'w']), v('timestep', 'float32', ['batch_size']), v('encoder_hidden_states', 'float32', ['batch_size', 77, 768])],
    outputs: [v('out_sample', 'float32', ['batch_size', 4, 'h', 'w'])],
  };
  it('passes a file that matches, fixed dims where the contract is symbolic included', () => {
    expect(checkContract(unet, good, 'float32', { cross_attention_dim: 768 })).toEqual({ ok: true, problems: [], notes: [] });
  });
  it('names a float type, a fixed dim, a config dim and a rank that differ', () => {
    const bad = {
      inputs: [v('sample', 'float32', ['b', 4, 'h', 'w']), v('timestep', 'int64', ['b']), v('encoder_hidden_states', 'float32', ['b', 77, 1024])],
      outputs: [v('out_sample', 'float16', ['b', 4, 'h'])],
    };
    expect(checkContract(unet, bad, 'float32', { cross_attention_dim: 768 }).problems).toEqual([
      "input 'sample' dim 1 is 4, the contract says 9",
      "input 'timestep' is int64, the contract says float32",
      "input 'encoder_hidden_states' dim 2 is 1024, the contract says 768 (cross_attention_dim in config.json)",
      "output 'out_sample' is float16, the contract says float32",
      "output 'out_sample' has 3 dims [b, 4, h], the contract says 4",
    ]);
  });
  it('fp16 variants expect float16 where the contract says float (the timestep stays float32)', () => {
    const half = { inputs: good.inputs.map((i) => (i.name === 'timestep' ? i : { ...i, type: 'float16' as const })), outputs: [{ ...good.outputs[0], type: 'float16' as const }] };
    expect(checkContract(unet, half, 'float16').ok).toBe(true);
    expect(checkContract(unet, good, 'float16').problems).toHaveLength(3);
  });
  it('counts KV-cache layers and compares them with config.json', () => {
    const dec = MANIFEST.vlm.sessions.decoder_model_merged;
    const kv = (i: number) => [v(`past_key_values.${i}.key`, 'float32', ['b', 2, 'p', 64]), v(`past_key_values.${i}.value`, 'float32', ['b', 2, 'p', 64])];
    const present = (i: number) => [v(`present.${i}.key`, 'float32', ['b', 2, 't', 64]), v(`present.${i}.value`, 'float32', ['b', 2, 't', 64])];
    const file = {
      inputs: [v('inputs_embeds', 'float32', ['b', 's', 1536]), v('attention_mask', 'int64', ['b', 't']), v('position_ids', 'int64', [3, 'b', 's']), ...kv(0), ...kv(1)],
      outputs: [v('logits', 'float32', ['b', 's', 100]), ...present(0), ...present(1)],
    };
    expect(layersIn(dec, file.inputs)).toBe(2);
    expect(checkContract(dec, file, 'float32', { num_hidden_layers: 2, hidden_size: 1536, num_key_value_heads: 2, head_dim: 64 }).ok).toBe(true);
    expect(checkContract(dec, file, 'float32', { num_hidden_layers: 28 }).problems).toEqual(['2 cache layers, config.json says num_hidden_layers 28']);
    expect(checkContract(dec, { ...file, outputs: file.outputs.slice(0, 3) }, 'float32').problems).toEqual(["output 'present.1.key' is missing", "output 'present.1.value' is missing"]);
  });
  it('an input the contract lacks fails a raw session and is only noted for transformers.js', () => {
    const text = MANIFEST['clip-text'].sessions.text_model;
    const file = { inputs: [v('input_ids', 'int64', ['b', 's']), v('attention_mask', 'int64', ['b', 's'])], outputs: [v('text_embeds', 'float32', ['b', 768]), v('last_hidden_state', 'float32', ['b', 's', 768])] };
    expect(checkContract(text, file, 'float32', {}, false)).toEqual({ ok: true, problems: [], notes: ["input 'attention_mask' not in the contract (transformers.js feeds them)"] });
    expect(checkContract(text, file, 'float32', {}, true).problems).toEqual(["input 'attention_mask' not in the contract (the app does not feed them)"]);
  });
});

describe('probe feeds', () => {
  it('keeps the decoder consistent: mask over past + new tokens, positions after the cache, M-RoPE rows', () => {
    const f = probeFeeds([v('inputs_embeds', 'float16', ['batch_size', 'sequence_length', 8]), v('attention_mask', 'int64', ['batch_size', 'total_sequence_length']), v('position_ids', 'int64', [3, 'batch_size', 'sequence_length']), v('past_key_values.0.key', 'float32', ['batch_size', 2, 'past_sequence_length', 4])], 64);
    expect(f.inputs_embeds).toMatchObject({ type: 'float16', dims: [1, 3, 8] });
    expect(f.attention_mask).toEqual({ type: 'int64', data: BigInt64Array.from([1n, 1n, 1n, 1n, 1n]), dims: [1, 5] });
    expect(Array.from(f.position_ids.data as BigInt64Array, Number)).toEqual([2, 3, 4, 2, 3, 4, 2, 3, 4]);
    expect(f['past_key_values.0.key'].dims).toEqual([1, 2, 2, 4]);
  });
  it('sizes images per model and latents at an eighth; timesteps, grids and ids by name', () => {
    const f = probeFeeds([v('pixel_values', 'float32', ['batch_size', 3, 'height', 'width']), v('latent_sample', 'float32', ['batch_size', 4, 'latent_height', 'latent_width']), v('timestep', 'float32', ['batch_size']), v('grid_thw', 'int64', ['num_images', 3]), v('input_ids', 'int32', ['batch_size', 77])], 352);
    expect(f.pixel_values.dims).toEqual([1, 3, 352, 352]);
    expect(f.latent_sample.dims).toEqual([1, 4, 44, 44]);
    expect(f.timestep.data).toEqual(Float32Array.of(500));
    expect(Array.from(f.grid_thw.data as BigInt64Array, Number)).toEqual([1, 4, 4]); // 16 patches, as num_patches gets
    expect(f.input_ids).toMatchObject({ type: 'int32', dims: [1, 77] });
    expect(() => probeFeeds([v('x', 'string', [1])], 64)).toThrow("input 'x' is string: the check cannot make a value of that type");
  });
  it('counts NaN and infinities', () => expect(nonFinite([1, NaN, Infinity, -Infinity, 0])).toEqual({ nan: 1, inf: 2 }));
});

describe('placement verdict', () => {
  it('passes all nodes on WebGPU, and shape nodes ORT keeps on the CPU, naming them', () => {
    expect(placementVerdict({ counts: { WebGpuExecutionProvider: 40 }, cpuNodes: [] })).toEqual({ pass: true, detail: 'all 40 nodes on WebGPU' });
    expect(placementVerdict({ counts: { WebGpuExecutionProvider: 40, CPUExecutionProvider: 3 }, cpuNodes: ['Shape (s0)', 'Gather (g1)', 'Gather (g2)'] })).toEqual({
      pass: true,
      detail: '40 of 43 nodes on WebGPU; kept on the CPU by ORT (shape arithmetic): Shape ×1, Gather ×2',
    });
  });
  it('fails nodes on the CPU for want of a kernel, a log without names, and no log', () => {
    expect(placementVerdict({ counts: { WebGpuExecutionProvider: 9, CPUExecutionProvider: 3 }, cpuNodes: ['Mod (m0)', 'Mod (m1)', 'Gather (g)'] })).toEqual({
      pass: false,
      detail: '9 of 12 nodes on WebGPU; on the CPU for want of a WebGPU kernel: Mod ×2; kept on the CPU by ORT: Gather ×1',
    });
    expect(placementVerdict({ counts: { CPUExecutionProvider: 2 }, cpuNodes: [] }).pass).toBe(false);
    expect(placementVerdict(null)).toEqual({ pass: false, detail: 'ORT printed no placement log' });
  });
});
