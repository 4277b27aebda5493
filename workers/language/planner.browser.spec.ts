// The Qwen2-VL fixture generating through the real Qwen2VLForConditionalGeneration in the language
// worker, over comlink. The fixture's text is gibberish: these tests check the plumbing — streaming,
// the generation bound, cancel, release and reload, the prompt, and the parser's fallback plan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LanguageWorker, type StreamEvent } from './client.ts';
import { parsePlan } from './parse.ts';
import { EDIT_KINDS, type Turn } from './types.ts';
import { pickDevice } from '../vision/transformers-env.ts';

const MAX_PLAN = 24;
const MAX_DESCRIBE = 6;

async function testImage(width: number, height: number): Promise<ImageBitmap> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  const g = ctx.createLinearGradient(0, 0, width, height);
  g.addColorStop(0, '#c84');
  g.addColorStop(1, '#38e');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(width / 4, height / 4, width / 3, height / 3);
  return createImageBitmap(canvas);
}

describe('language worker on the Qwen2-VL fixture', () => {
  const worker = new LanguageWorker({ localModelPath: '/models/fixtures/', wasmThreads: 1, device: 'wasm', maxNewTokens: { plan: MAX_PLAN, describe: MAX_DESCRIBE } });
  let image: ImageBitmap;

  beforeAll(async () => {
    image = await testImage(120, 90);
  });
  afterAll(() => worker.dispose());

  // On SwiftShader the q4 fixture decodes at seconds per token on WebGPU (shader compiles for every
  // new sequence length); these tests run it on the wasm fallback, and the bench times both.
  it('loads on the wasm fallback with the dtype the manifest picks without shader-f16', async () => {
    const info = await worker.load();
    expect(info).toMatchObject({ device: 'wasm', dtype: 'q4' });
    expect(await worker.loaded()).toBe(true);
    expect(await pickDevice()).toBe('webgpu'); // what the app would pick on this adapter
  });

  it('describes the image, streaming every token and stopping at max_new_tokens', async () => {
    const events: StreamEvent[] = [];
    const r = await worker.describe(image, (e) => events.push(e));
    expect(r.tokens).toBeGreaterThan(0);
    expect(r.tokens).toBeLessThanOrEqual(MAX_DESCRIBE);
    if (r.stopped === 'length') expect(r.tokens).toBe(MAX_DESCRIBE);
    // One token event per generated token, counted in order (comlink keeps message order).
    const counts = events.filter((e) => e.text === '').map((e) => e.tokens);
    expect(counts).toEqual(Array.from({ length: r.tokens }, (_, i) => i + 1));
    expect(events.map((e) => e.text).join('')).toBe(r.answer);
    expect(r.prompt).toContain('Describe this image');
    expect(r.prompt).toContain('<|vision_start|><|image_pad|><|vision_end|>');
    expect(image.width).toBe(120); // the caller's bitmap stays usable
  });

  it('plans with the earlier turns in the prompt and falls back to a valid plan', async () => {
    const previous: Turn[] = [{ instruction: 'make it brighter', plan: parsePlan('<kind>global</kind><adjust>exposure=0.5</adjust><reply>Brighter.</reply>', { instruction: 'make it brighter' }) }];
    const streamed: string[] = [];
    const r = await worker.plan(image, 'Replace the cookies with candles', previous, 'a plate of cookies on a table', (e) => streamed.push(e.text));
    expect(r.tokens).toBeLessThanOrEqual(MAX_PLAN);
    expect(streamed.join('')).toBe(r.answer);
    // The prompt: system format, the earlier turn (instruction and the plan it gave), the caption, MGIE's question.
    expect(r.prompt).toContain('<|im_start|>system\nYou plan edits');
    expect(r.prompt).toContain('Instruction: make it brighter');
    expect(r.prompt).toContain('<kind>global</kind>');
    expect(r.prompt).toContain('<adjust>exposure=0.5</adjust>');
    expect(r.prompt).toContain('The image shows: a plate of cookies on a table');
    expect(r.prompt).toContain("What will this image be like if 'Replace the cookies with candles'?");
    expect(r.prompt.indexOf('make it brighter')).toBeLessThan(r.prompt.indexOf('Replace the cookies'));
    expect(r.prompt.trimEnd().endsWith('<|im_start|>assistant')).toBe(true);
    // Gibberish in, a valid plan out: the instruction's own words fill it.
    expect(EDIT_KINDS).toContain(r.plan.kind);
    expect(r.plan).toMatchObject({ kind: 'local', target: 'the cookies', prompt: 'candles', instruction: 'Replace the cookies with candles' });
    expect(r.plan.source).not.toBe('model');
    expect(r.plan.reply.length).toBeGreaterThan(0);
    if (r.stopped === 'length') expect(r.plan.notes).toContain('generation stopped at max_new_tokens');
  });

  it('cancel() stops a running generation after the current token', async () => {
    let cancelled = false;
    const r = await worker.plan(image, 'make it brighter', [], undefined, (e) => {
      if (e.tokens >= 3 && !cancelled) {
        cancelled = true;
        void worker.cancel();
      }
    });
    expect(r.stopped).toBe('cancelled');
    expect(r.tokens).toBeGreaterThanOrEqual(3);
    expect(r.tokens).toBeLessThan(MAX_PLAN);
    expect(r.plan).toMatchObject({ kind: 'global', adjust: { exposure: 0.5 } });
  });

  it('release() frees the model and the next turn reloads it', async () => {
    await worker.release();
    expect(await worker.loaded()).toBe(false);
    const r = await worker.plan(image, 'extend the beach to the left');
    expect(await worker.loaded()).toBe(true);
    expect(r.ms.load).toBeGreaterThan(0);
    expect(r.plan).toMatchObject({ kind: 'outpaint', outpaint: { left: 0.25, right: 0, top: 0, bottom: 0, unit: 'fraction' } });
  });
});
