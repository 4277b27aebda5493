// The region head's math, checked: the TypeScript reference on weights read back from a safetensors
// file agrees with onnxruntime on the graph built from the same weights (the committed fixture's).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST } from '../../models/manifest.ts';
import { FIXTURES_DIR, generateFixtures } from '../../scripts/fixtures/generate.ts';
import { randomFloats } from '../../models/build/numeric.ts';
import { seededWeights } from '../../models/build/onnx-builder.ts';
import { REGION_HEAD_FIXTURE, buildRegionHead } from '../../scripts/fixtures/specs/region-head.ts';
import { recordingWeights, safetensorsWeights, writeSafetensors } from '../../scripts/fixtures/weights.ts';
import { readModel } from './onnx-wire.ts';
import { REGION_HEAD_PARAMS, type RegionHeadWeights, erf, regionHeadRef, regionHeadWeightsFromOnnx } from './region-head.ref.ts';

const L = 7;
let session: ort.InferenceSession;
let weights: RegionHeadWeights;
let fixtureBytes: Uint8Array;

beforeAll(async () => {
  generateFixtures();
  // The fixture's weights, through the file format trained weights arrive in.
  const recorded = recordingWeights(seededWeights(801));
  const bytes = buildRegionHead(recorded.source, REGION_HEAD_FIXTURE);
  const file = safetensorsWeights(writeSafetensors(recorded.params));
  weights = Object.fromEntries(REGION_HEAD_PARAMS.map((p) => [p, file.weight(`region_head.${p}`, recorded.params[`region_head.${p}`].shape, { scale: 0 })]));
  fixtureBytes = new Uint8Array(readFileSync(join(FIXTURES_DIR, MANIFEST['region-head'].id, 'onnx/region_head.onnx')));
  expect(Buffer.from(bytes).equals(Buffer.from(fixtureBytes))).toBe(true); // same weights as the served fixture
  session = await ort.InferenceSession.create(fixtureBytes);
});

async function runOrt(patches: Float32Array, instr: Float32Array, mask: number[]): Promise<Float32Array> {
  const out = await session.run({
    patch_features: new ort.Tensor('float32', patches, [1, 256, 768]),
    instruction_features: new ort.Tensor('float32', instr, [1, L, 768]),
    instruction_mask: new ort.Tensor('int64', BigInt64Array.from(mask, BigInt), [1, L]),
  });
  expect(out.region_probs.dims).toEqual([1, 16, 16]);
  return out.region_probs.data as Float32Array;
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('region head CPU reference', () => {
  it('erf matches known values', () => {
    expect(erf(0)).toBeCloseTo(0, 7);
    expect(erf(0.5)).toBeCloseTo(0.5204998778, 6);
    expect(erf(-1.5)).toBeCloseTo(-0.9661051465, 6);
  });

  it('matches onnxruntime on the fixture weights, padding masked', async () => {
    const patches = randomFloats(256 * 768, 11);
    const instr = randomFloats(L * 768, 12);
    const mask = [1, 1, 1, 1, 1, 0, 0];
    const [a, b] = [await runOrt(patches, instr, mask), regionHeadRef(weights, REGION_HEAD_FIXTURE, patches, instr, L, mask)];
    expect(maxDiff(a, b)).toBeLessThan(2e-5);
    // The map is not flat and stays inside (0, 1).
    expect(Math.max(...a) - Math.min(...a)).toBeGreaterThan(1e-3);
    expect(a.every((p) => p > 0 && p < 1)).toBe(true);
  });

  it('ignores masked instruction tokens and follows unmasked ones (both implementations)', async () => {
    const patches = randomFloats(256 * 768, 13);
    const instr = randomFloats(L * 768, 14);
    const mask = [1, 1, 1, 1, 0, 0, 0];
    const changedPad = instr.map((x, i) => (i >= 5 * 768 ? x + 3 : x));
    const changedWord = instr.map((x, i) => (i < 768 ? x + 3 : x));
    const base = await runOrt(patches, instr, mask);
    expect(maxDiff(await runOrt(patches, changedPad, mask), base)).toBeLessThan(1e-6);
    expect(maxDiff(regionHeadRef(weights, REGION_HEAD_FIXTURE, patches, changedPad, L, mask), base)).toBeLessThan(2e-5);
    const moved = await runOrt(patches, changedWord, mask);
    expect(maxDiff(moved, base)).toBeGreaterThan(1e-4);
    expect(maxDiff(regionHeadRef(weights, REGION_HEAD_FIXTURE, patches, changedWord, L, mask), moved)).toBeLessThan(2e-5);
  });

  it('reads the same parameters from the ONNX initializers as from the safetensors file', () => {
    const fromOnnx = regionHeadWeightsFromOnnx(readModel(fixtureBytes));
    for (const p of REGION_HEAD_PARAMS) expect(Array.from(fromOnnx[p])).toEqual(Array.from(weights[p]));
  });
});
