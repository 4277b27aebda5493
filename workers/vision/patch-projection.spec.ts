// The projection cut out of the CLIP vision fixture reproduces image_embeds from the CLS token and
// projects every patch token the same way (fp32 and q8 files), on onnxruntime-node. The fixture is
// shaped like the real export: image_embeds is its only output, so the hidden states are found inside
// and declared by a tail appended to the file (hiddenStateTail).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST } from '../../models/manifest.ts';
import { FIXTURES_DIR, generateFixtures } from '../../scripts/fixtures/generate.ts';
import { randomFloats } from '../../models/build/numeric.ts';
import { readModel } from './onnx-wire.ts';
import { ProjectionUnavailable, deriveProjection, exposeHiddenState, hiddenStateTail } from './patch-projection.ts';

const withTail = (bytes: Uint8Array) => {
  const tail = hiddenStateTail(bytes)!;
  const out = new Uint8Array(bytes.length + tail.length);
  out.set(bytes);
  out.set(tail, bytes.length);
  return out;
};

const folder = join(FIXTURES_DIR, MANIFEST['clip-vision'].id, 'onnx');

beforeAll(() => {
  generateFixtures();
});

describe.each(['vision_model.onnx', 'vision_model_quantized.onnx'])('%s', (file) => {
  it('projects every token as the export projects CLS', async () => {
    const bytes = new Uint8Array(readFileSync(join(folder, file)));
    const p = deriveProjection(bytes);
    expect(p.selection).toEqual(['Slice', 'Squeeze']);
    expect(p.ops).toContain('LayerNormalization');
    expect(p.ops).toContain('MatMul');
    expect(p.ops).not.toContain('Conv'); // nothing of the tower itself
    expect(p.bytes.length).toBeLessThan(bytes.length / 4);

    // The file as the vision worker loads it: the same model, one more output.
    const exposed = withTail(bytes);
    expect(exposed.length - bytes.length).toBeLessThan(200);
    expect(deriveProjection(exposed).input).toBe(p.input); // declared now: the same cut, reached through the Identity
    expect(hiddenStateTail(exposed)).toBeNull();
    const full = await ort.InferenceSession.create(exposed);
    expect([...full.outputNames].sort()).toEqual(['image_embeds', 'last_hidden_state']);
    const plain = await ort.InferenceSession.create(bytes);
    expect(plain.outputNames).toEqual(['image_embeds']);
    const proj = await ort.InferenceSession.create(p.bytes);
    expect(proj.inputNames).toEqual([p.input]);
    expect(proj.outputNames).toEqual(['image_embeds']);
    const pixels = new ort.Tensor('float32', randomFloats(3 * 224 * 224, 7), [1, 3, 224, 224]);
    const out = await full.run({ pixel_values: pixels });
    const hidden = out.last_hidden_state;
    expect(hidden.dims).toEqual([1, 257, 1024]);
    // Declaring the output changes nothing the model computed.
    expect(Array.from((await plain.run({ pixel_values: pixels })).image_embeds.data as Float32Array)).toEqual(Array.from(out.image_embeds.data as Float32Array));
    await plain.release();
    const projected = (await proj.run({ [p.input]: hidden }))[p.output];
    expect(projected.dims).toEqual([1, 257, 768]);
    const all = projected.data as Float32Array;
    const cls = out.image_embeds.data as Float32Array;
    let maxDiff = 0;
    for (let i = 0; i < 768; i++) maxDiff = Math.max(maxDiff, Math.abs(all[i] - cls[i]));
    expect(maxDiff).toBeLessThan(1e-4);
    // Patch tokens project to different vectors, and not to CLS's.
    let spread = 0;
    for (let i = 0; i < 768; i++) spread = Math.max(spread, Math.abs(all[768 + i] - all[768 * 100 + i]), Math.abs(all[768 + i] - cls[i]));
    expect(spread).toBeGreaterThan(1e-2);
    await full.release();
    await proj.release();
  });
});

describe('when the export lacks what is needed', () => {
  const bytes = () => new Uint8Array(readFileSync(join(folder, 'vision_model.onnx')));

  it('says which output is missing', () => {
    expect(() => deriveProjection(bytes(), 'last_hidden_state', 'embeds_that_are_not_there')).toThrow(ProjectionUnavailable);
    expect(() => deriveProjection(bytes(), 'last_hidden_state', 'embeds_that_are_not_there')).toThrow(/does not declare embeds_that_are_not_there/);
    expect(() => hiddenStateTail(new Uint8Array(readFileSync(join(folder, 'text_model.onnx'))))).toThrow(/does not declare image_embeds/);
  });

  it('exposes the hidden states of a Blob without copying the original bytes into the result', async () => {
    const file = new Blob([bytes()]);
    const exposed = await exposeHiddenState(file);
    expect(exposed.size).toBeGreaterThan(file.size);
    expect(readModel(new Uint8Array(await exposed.arrayBuffer())).outputs).toEqual(['image_embeds', 'last_hidden_state']);
    // Already declared: the same Blob back.
    expect(await exposeHiddenState(exposed)).toBe(exposed);
  });

  it('refuses an embedding that is not a selection of the hidden state', () => {
    // The text model pools with a one-hot MatMul, not a Gather/Slice of one token.
    const text = new Uint8Array(readFileSync(join(folder, 'text_model.onnx')));
    expect(() => deriveProjection(text, 'last_hidden_state', 'text_embeds')).toThrow(/no token selection/);
  });

  it('reads the graph names without decoding weights', () => {
    const m = readModel(bytes());
    expect(m.outputs).toEqual(['image_embeds']);
    expect(m.inputs).toEqual(['pixel_values']);
    expect(m.nodes.length).toBeGreaterThan(10);
  });
});
