// The whole pipeline on the fixture models (the real SD1.5 topology at tiny width, fp32: no
// shader-f16 here) in Chromium WebGPU: inpainting whose 5 steps equal a CPU reference of the whole
// loop (ORT's wasm provider for the UNet, loop.ref.ts for the rest), with no readback inside the
// loop (counted by the context and by a spy on every MAP_READ of any buffer, ORT's included);
// pixels beyond the feathered mask byte-identical; same seed, same bytes; outpainting; text-to-image.
// SwiftShader compiles the ≈1,700-node UNet once per file (tens of seconds): runs are kept few.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noiseRef } from '../kernels/noise.ref.ts';
import { previewRef } from '../kernels/preview.ref.ts';
import { expectClose } from '../kernels/testing.ts';
import { ModelSession } from '../runtime/session.ts';
import { SD_FIXTURE_FOLDER, sdFixtureGraph } from '../runtime/test-models.ts';
import { SD_FIXTURE_TEXT } from '../../scripts/fixtures/specs/sd-inpaint.ts';
import { DiffusionEngine } from './engine.ts';
import { folderFiles } from './files.ts';
import { pasteReach } from './finish.ts';
import { runLoopRefAsync } from './loop.ref.ts';
import { CLIP_CONTEXT, promptPair } from './prompt.ts';
import { BufferScope } from './scope.ts';
import { differing, discMask, testPicture, untouchedOutside } from './testing/images.ts';
import { loadClipTokenizer } from './tokenizer.ts';
import type { DiffusionEvent } from './types.ts';

const FOLDER = SD_FIXTURE_FOLDER;
const WORKING = { short: 64, maxLong: 128 };
const [W, H] = [128, 72];

/** Counts MAP_READ maps of any GPU buffer (ours or ORT's) while `on`. */
function mapReadSpy() {
  const original = GPUBuffer.prototype.mapAsync;
  const spy = { on: false, count: 0, restore: () => (GPUBuffer.prototype.mapAsync = original) };
  GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, mode: GPUMapModeFlags, ...rest: [number?, number?]) {
    if (spy.on && mode & GPUMapMode.READ) spy.count++;
    return original.call(this, mode, ...rest);
  };
  return spy;
}

describe('diffusion engine on the fixture models', () => {
  let engine: DiffusionEngine;
  const picture = testPicture(W, H);
  const mask = discMask(W, H, 50, 36, 12);

  beforeAll(async () => {
    engine = new DiffusionEngine({ localModelPath: '/models/fixtures/', dtype: 'fp32', working: WORKING });
    await engine.load();
  }, 240_000);
  afterAll(() => engine?.release());

  it('inpaints: 5 steps equal the CPU reference of the whole loop, zero readbacks inside it, the rest untouched', async () => {
    const request = { image: picture, mask: { data: mask, width: W, height: H }, prompt: 'a red dog', negativePrompt: 'blue sky', steps: 5, seed: 7, previewEvery: 1 };
    const spy = mapReadSpy();
    const events: DiffusionEvent[] = [];
    const onEvent = (e: DiffusionEvent) => {
      events.push(e);
      if (e.type === 'stage') spy.on = e.stage === 'encode'; // on from the end of 'encode' to the end of 'denoise'
    };
    let out;
    try {
      out = await engine.inpaint(request, { capture: true, onEvent });
    } finally {
      spy.restore();
    }
    const { result, capture } = out;
    const meta = result.meta;
    expect(meta.timesteps).toEqual([801, 601, 401, 201, 1]);
    expect(meta.readbacksInLoop).toBe(0);
    expect(meta.previewReadbacks).toBe(5);
    expect(spy.count).toBe(5); // the previews, and nothing else — ORT's runs included
    expect(meta.readbacks).toBe(6); // previews + the result
    expect(events.filter((e) => e.type === 'step').map((e) => e.type === 'step' && e.step)).toEqual([1, 2, 3, 4, 5]);
    expect(meta.box).toEqual({ x: 0, y: 0, width: W, height: H }); // minSide 256 takes the whole small picture
    expect(meta.working).toEqual({ width: 128, height: 64 }); // 113.8 → 128: multiples of 64
    const { width: w, height: h } = meta.latent;
    const c = capture!;
    expectClose(c.noise, noiseRef(4 * w * h, 7), 1e-6); // the seeded Philox normals (kernels README: to 1e-6)
    expect(c.latentMask.some((v) => v === 1) && c.latentMask.some((v) => v === 0)).toBe(true);

    // The text states equal the text encoder on the CPU.
    const tokens = await loadClipTokenizer(folderFiles(FOLDER));
    const pair = promptPair(tokens.encode('a red dog'), tokens.encode('blue sky'), 4, tokens.special);
    const [text, unet] = await Promise.all([sdFixtureGraph('fp32', 'text_encoder'), sdFixtureGraph('fp32', 'unet')]);
    const cpuText = await ModelSession.create(text.model, { ep: 'wasm', externalData: text.externalData });
    const ids = Int32Array.from([...pair.uncond, ...pair.cond]);
    const cpuStates = (await cpuText.run({ input_ids: { data: ids, dims: [2, CLIP_CONTEXT] } })).last_hidden_state.data as Float32Array;
    await cpuText.dispose();
    // This fixture's text encoder differs between ORT's WebGPU and wasm providers by up to ≈ 0.045
    // (values ≈ 3; seen on both ORT's device and ours, so not the pipeline): a loose bound, made
    // meaningful by the rows differing by more than it. The loop below starts from the GPU states.
    expectClose(c.states!, cpuStates, 0.1);
    const row = CLIP_CONTEXT * SD_FIXTURE_TEXT;
    expect(Math.max(...c.states!.subarray(0, row).map((v, i) => Math.abs(v - c.states![row + i])))).toBeGreaterThan(0.3);

    // The whole loop on the CPU from the same inputs: pack, UNet (wasm), CFG, DDIM, Eq. 23 blend.
    const cpuUnet = await ModelSession.create(unet.model, { ep: 'wasm', externalData: unet.externalData });
    const predicted: Uint32Array[] = [];
    const cpu = await runLoopRefAsync({
      steps: 5,
      width: w,
      height: h,
      guidance: { kind: 'cfg', scale: 7.5 },
      unetChannels: 9,
      unet: async (input, t) => (await cpuUnet.run({ sample: { data: input, dims: [2, 9, h, w] }, timestep: t, encoder_hidden_states: { data: c.states!, dims: [2, CLIP_CONTEXT, SD_FIXTURE_TEXT] } })).out_sample.data as Float32Array,
      noise: c.noise,
      mask: c.latentMask,
      cond: c.cond,
      blendSource: c.source!,
      onStep: (_step, _latents, x0) => predicted.push(previewRef(x0, w * h)),
    });
    await cpuUnet.dispose();
    let moved = 0;
    cpu.forEach((v, i) => (moved = Math.max(moved, Math.abs(v - c.noise[i]))));
    expect(moved).toBeGreaterThan(0.5);
    expectClose(c.latents, cpu, 2e-4, 1e-3);
    // Each step's x̂₀ preview (GPU) against the CPU loop's x̂₀ through the preview reference.
    const previews = events.filter((e): e is Extract<DiffusionEvent, { type: 'preview' }> => e.type === 'preview');
    expect(previews.map((p) => p.step)).toEqual([1, 2, 3, 4, 5]);
    previews.forEach((p, k) => expectClose(p.rgba, new Uint8Array(predicted[k].buffer), 2));

    // Pixels beyond the feathered mask come back byte for byte; the masked area changed.
    const reach = pasteReach(meta.box, meta.working, meta.feather);
    expect(reach).toBeLessThanOrEqual(2 * meta.feather + 6);
    const kept = untouchedOutside(picture, result.image, mask, reach);
    expect(kept.checked).toBeGreaterThan(W * H * 0.5);
    expect(kept.first).toBeNull();
    expect(differing(picture.data, result.image.data)).toBeGreaterThan(200);
  }, 240_000); // the UNet's first run compiles its shaders

  it('gives identical bytes for the same inputs and seed', async () => {
    const request = { image: picture, mask: { data: mask, width: W, height: H }, prompt: 'a cat', steps: 2, seed: 3, harmonise: true };
    const a = (await engine.inpaint(request)).result;
    const b = (await engine.inpaint(request)).result;
    expect(a.meta.seed).toBe(3);
    expect(differing(a.image.data, picture.data)).toBeGreaterThan(200);
    expect(differing(a.image.data, b.image.data)).toBe(0);
    expect(BufferScope.live).toBe(0); // every pooled buffer went back after each edit
  }, 180_000); // whole edits on the fixture models: minutes on a busy 2-core machine

  it('outpaints: the canvas grows, the new area is generated, the original stays beyond the seam', async () => {
    const { result } = await engine.outpaint({ image: picture, extend: { left: 16, bottom: 8 }, prompt: 'a photo', steps: 2, seed: 5 });
    const m = result.meta;
    expect([result.image.width, result.image.height]).toEqual([W + 16, H + 8]);
    expect(m.settings.harmonise).toBe(0.5);
    const reach = pasteReach(m.box, m.working, m.feather);
    expect(reach).toBeLessThanOrEqual(2 * m.feather + 6);
    let same = 0;
    let checked = 0;
    for (let y = 0; y < H - reach - 1; y++) {
      for (let x = reach + 1; x < W; x++) {
        checked++;
        const a = (y * W + x) * 4;
        const b = (y * (W + 16) + x + 16) * 4;
        if ([0, 1, 2, 3].every((k) => picture.data[a + k] === result.image.data[b + k])) same++;
      }
    }
    expect(same).toBe(checked);
    // The new strip is not the edge-repeated fill: it was generated.
    const strip = Array.from({ length: H }, (_, y) => result.image.data[(y * (W + 16) + 2) * 4]);
    const fill = Array.from({ length: H }, (_, y) => picture.data[y * W * 4]);
    expect(strip.filter((v, y) => v !== fill[y]).length).toBeGreaterThan(H / 2);
  }, 180_000); // whole edits on the fixture models: minutes on a busy 2-core machine

  it('generates from a blank canvas through the inpainting UNet', async () => {
    const { result } = await engine.generate({ width: 72, height: 56, prompt: 'a red dog', steps: 2, seed: 9 });
    expect([result.image.width, result.image.height]).toEqual([72, 56]);
    expect(result.meta.box).toEqual({ x: 0, y: 0, width: 72, height: 56 });
    expect(result.meta.settings.blend).toBe(false);
    const reds = new Set(Array.from({ length: 72 * 56 }, (_, i) => result.image.data[4 * i]));
    expect(reds.size).toBeGreaterThan(10); // an image, not a flat fill
    expect(result.image.data.every((v, i) => i % 4 !== 3 || v === 255)).toBe(true);
  }, 180_000); // whole edits on the fixture models: minutes on a busy 2-core machine
});
