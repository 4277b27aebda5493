// The vision worker on the fixture models in Chromium: CLIP (image embedding, projected patch
// features), FLAN-T5 instruction features, the region head on WebGPU against the TypeScript
// reference on the same weights (read from the served ONNX file), CLIPSeg masks, outpaint and
// global plans, release and reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST } from '../../models/manifest.ts';
import { selfSource } from '../../src/lib/models/sources.ts';
import { ModelStore } from '../../src/lib/models/store.ts';
import { type MaskPlan, VisionWorker } from './client.ts';
import { refineMask, DEFAULT_MASK_OPTIONS } from './mask.ts';
import { readModel } from './onnx-wire.ts';
import { regionHeadRef, regionHeadWeightsFromOnnx } from './region-head.ref.ts';

// REGION_HEAD_FIXTURE in scripts/fixtures/specs/region-head.ts (not imported: it pulls the Node-side builder in).
const FIXTURE_SHAPE = { heads: 2, headDim: 4 };

async function testImage(width: number, height: number, hue: number): Promise<ImageBitmap> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = `hsl(${hue} 60% 50%)`;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = `hsl(${hue + 150} 70% 70%)`;
  ctx.beginPath();
  ctx.arc(width * 0.3, height * 0.6, Math.min(width, height) / 4, 0, 2 * Math.PI);
  ctx.fill();
  return createImageBitmap(canvas);
}

const local = (target: string, instruction = `replace ${target} with candles`): MaskPlan => ({ kind: 'local', instruction, target, outpaint: null });
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
const spread = (a: Float32Array) => a.reduce((m, v) => Math.max(m, v), -Infinity) - a.reduce((m, v) => Math.min(m, v), Infinity);

describe('vision worker on the fixtures', () => {
  // On SwiftShader the transformers.js encoders take seconds per call on WebGPU (bench/understanding
  // times them there); here they run on the wasm fallback and the region head with its patch
  // projection on WebGPU, where the test compares it with the CPU reference.
  const wasm = 'wasm' as const;
  const vision = new VisionWorker({ localModelPath: '/models/fixtures/', wasmThreads: 1, devices: { 'clip-vision': wasm, 'clip-text': wasm, 't5-encoder': wasm, clipseg: wasm } });
  let image: ImageBitmap;
  let other: ImageBitmap;

  beforeAll(async () => {
    [image, other] = await Promise.all([testImage(160, 120, 20), testImage(160, 120, 200)]);
  });
  afterAll(() => vision.dispose());

  it('runs on WebGPU and defaults to CLIPSeg while no trained region head is published', async () => {
    expect(await vision.device()).toBe('webgpu');
    expect(await vision.defaultMethod()).toBe('clipseg');
  });

  it('features: CLIP image embedding, 256 projected patches, T5 instruction states', async () => {
    const f = await vision.features(image, 'replace the cookies with candles');
    expect(f.notes).toEqual([]);
    expect(f.imageEmbeds.length).toBe(768);
    expect(f.patchFeatures!.length).toBe(256 * 768);
    expect(f.instruction.features.length).toBe(f.instruction.length * 768);
    expect(Array.from(f.instruction.mask)).toEqual(Array(f.instruction.length).fill(1n));
    for (const a of [f.imageEmbeds, f.patchFeatures!, f.instruction.features]) {
      expect(a.every(Number.isFinite)).toBe(true);
      expect(spread(a)).toBeGreaterThan(1e-2); // not the all-zeros an unsupported kernel returns
    }
    // Patches differ from each other; features follow the image and the instruction.
    expect(maxDiff(f.patchFeatures!.subarray(0, 768), f.patchFeatures!.subarray(768 * 200, 768 * 201))).toBeGreaterThan(1e-2);
    const g = await vision.features(other, 'remove the fork');
    expect(maxDiff(f.imageEmbeds, g.imageEmbeds)).toBeGreaterThan(1e-3);
    expect(g.instruction.length === f.instruction.length && maxDiff(f.instruction.features, g.instruction.features) < 1e-3).toBe(false);
  });

  it('CLIP text embeddings, one per text', async () => {
    const [a, b] = await vision.embedText(['a plate of cookies', 'a plate of candles']);
    expect([a.length, b.length]).toEqual([768, 768]);
    expect(maxDiff(a, b)).toBeGreaterThan(1e-3);
  });

  it('region head on WebGPU matches the CPU reference on the same weights, and its mask is the refined map', async () => {
    const instruction = 'replace the cookies with candles';
    const r = await vision.mask(image, local('the cookies', instruction), 'region-head');
    expect(r.notes).toEqual([]);
    expect(r.method).toBe('region-head');
    expect([r.probabilities!.width, r.probabilities!.height]).toEqual([16, 16]);
    const f = await vision.features(image, instruction);
    const bytes = new Uint8Array(await (await fetch(`/models/fixtures/${MANIFEST['region-head'].id}/onnx/region_head.onnx`)).arrayBuffer());
    const weights = regionHeadWeightsFromOnnx(readModel(bytes));
    expect(weights['cross_attn.q.weight'].length).toBe(768 * FIXTURE_SHAPE.heads * FIXTURE_SHAPE.headDim);
    const ref = regionHeadRef(weights, FIXTURE_SHAPE, f.patchFeatures!, f.instruction.features, f.instruction.length, Array.from(f.instruction.mask, Number));
    expect(maxDiff(r.probabilities!.data, ref)).toBeLessThan(1e-4);
    expect(spread(ref)).toBeGreaterThan(1e-3);
    // The mask: the 16 × 16 map refined to the image's size with the default cleanup.
    expect([r.mask!.width, r.mask!.height]).toEqual([160, 120]);
    const expected = refineMask(r.probabilities!, 160, 120, DEFAULT_MASK_OPTIONS);
    expect(maxDiff(r.mask!.data, expected.mask.data)).toBeLessThan(1e-6);
    expect(r.coverage).toBeCloseTo(expected.coverage, 6);
    expect(r.empty).toBe(r.coverage === 0);
  });

  it('CLIPSeg: prompted with the target phrase, a map per phrase, the mask at image size', async () => {
    const a = await vision.mask(image, local('the cookies'));
    const b = await vision.mask(image, local('the blue sky'));
    expect(a.method).toBe('clipseg');
    expect(a.phrase).toBe('the cookies');
    expect([a.probabilities!.width, a.probabilities!.height]).toEqual([352, 352]);
    expect(a.probabilities!.data.every((p) => p > 0 && p < 1)).toBe(true);
    expect(maxDiff(a.probabilities!.data, b.probabilities!.data)).toBeGreaterThan(1e-3);
    expect([a.mask!.width, a.mask!.height]).toEqual([160, 120]);
    const expected = refineMask(a.probabilities!, 160, 120, { ...DEFAULT_MASK_OPTIONS, levels: [0.5, 0.35] });
    expect(maxDiff(a.mask!.data, expected.mask.data)).toBeLessThan(1e-6);
    // Without a target the instruction prompts it.
    expect((await vision.mask(image, local('', 'add a hat'))).phrase).toBe('add a hat');
  });

  it('global plans get no mask; outpaint plans get the new area', async () => {
    const g = await vision.mask(image, { kind: 'global', instruction: 'brighter', target: '', outpaint: null });
    expect(g).toMatchObject({ method: null, mask: null });
    const o = await vision.mask(image, { kind: 'outpaint', instruction: 'extend left', target: '', outpaint: { left: 0.25, right: 0, top: 0, bottom: 0, unit: 'fraction' } });
    expect(o.method).toBe('outpaint');
    expect(o.canvas).toEqual({ width: 200, height: 120, x: 40, y: 0 });
    expect([o.mask!.width, o.mask!.height]).toEqual([200, 120]);
    expect(o.mask!.data[60 * 200 + 10]).toBe(1);
    expect(o.mask!.data[60 * 200 + 150]).toBe(0);
  });

  it('release() frees every model; the next call loads what it needs', async () => {
    expect(await vision.loaded()).toEqual({ 'clip-vision': 'wasm', 'clip-text': 'wasm', 't5-encoder': 'wasm', clipseg: 'wasm', 'region-head': 'webgpu' });
    await vision.release();
    expect(Object.values(await vision.loaded()).every((v) => v === false)).toBe(true);
    const r = await vision.mask(image, local('the cookies'));
    expect(r.method).toBe('clipseg');
    expect((await vision.loaded()).clipseg).toBe('wasm');
  });
});

describe('vision worker reading the model store (the app\'s path)', () => {
  const wasm = 'wasm' as const;
  const vision = new VisionWorker({ store: { source: selfSource('/models/fixtures/'), network: 'fill-store' }, device: wasm, wasmThreads: 1 });
  afterAll(() => vision.dispose());

  it('loads through src/lib/models\' store: transformers.js files are kept in OPFS, raw files read the same way', async () => {
    const image = await testImage(96, 64, 90);
    const head = await vision.mask(image, local('the cookies'), 'region-head'); // CLIP + T5 via transformers.js; projection and head raw
    expect(head.notes).toEqual([]);
    expect(head.method).toBe('region-head');
    expect([head.mask!.width, head.mask!.height]).toEqual([96, 64]);
    const store = await ModelStore.open();
    const clip = { id: MANIFEST['clip-vision'].id, revision: MANIFEST['clip-vision'].revision };
    expect(await store.has(clip, 'onnx/vision_model_quantized.onnx')).toBe(true);
    expect(await store.has(clip, 'preprocessor_config.json')).toBe(true);
  });
});
