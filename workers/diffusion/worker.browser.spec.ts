// The diffusion worker through comlink, as the app uses it, with the fixture tokenizer and small
// contract models for the four sessions (testing/contract-models.ts), so the control paths run in seconds —
// events, previews, bitmaps in and out, determinism, long prompts through the UNet, cancellation,
// a lost device and recovery, the fp16 refusal, bad requests. engine.browser.spec.ts runs the
// fixture models (SD1.5 topology) end to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiffusionError, DiffusionWorker, type DiffusionEvent, type EditResult } from './client.ts';
import { contractModels } from './testing/contract-models.ts';
import { pasteReach } from './finish.ts';
import { differing, discMask, testPicture, untouchedOutside } from './testing/images.ts';

const [W, H] = [128, 72];
const config = { localModelPath: '/models/fixtures/', dtype: 'fp32' as const, working: { short: 64, maxLong: 128 }, overrides: contractModels() };
const picture = testPicture(W, H, 40);
const softMask = discMask(W, H, 70, 30, 10);
const mask8 = { data: Uint8Array.from(softMask, (v) => Math.round(v * 255)), width: W, height: H };
const request = { image: picture, mask: mask8, prompt: 'a red dog', steps: 3, seed: 21 };
const words = (n: number) => Array.from({ length: n }, (_, i) => ['red', 'dog', 'blue', 'sky'][i % 4]).join(' ');
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as DiffusionError);

describe('diffusion worker', () => {
  const worker = new DiffusionWorker(config);
  let first: EditResult;

  beforeAll(async () => {
    first = await worker.inpaint(request);
  }, 180_000);
  afterAll(() => worker.dispose());

  it('inpaints a bitmap: stage and step events with an ETA, previews every 2 steps, a bitmap back', async () => {
    const bitmap = await createImageBitmap(new ImageData(new Uint8ClampedArray(picture.data), W, H));
    const events: DiffusionEvent[] = [];
    const result = await worker.inpaint({ ...request, image: bitmap, steps: 6, previewEvery: 2, output: 'bitmap' }, { onEvent: (e) => events.push(e) });
    expect(bitmap.width).toBe(W); // the caller's bitmap stays usable (a clone was transferred)
    expect(result.bitmap).toBeInstanceOf(ImageBitmap);
    expect([result.bitmap!.width, result.bitmap!.height]).toEqual([W, H]);
    const stages = events.flatMap((e) => (e.type === 'stage' ? [e.stage] : []));
    expect(stages).toEqual(['load', 'tokenize', 'text', 'encode', 'denoise', 'decode', 'composite', 'readback']);
    const steps = events.flatMap((e) => (e.type === 'step' ? [e] : []));
    expect(steps.map((s) => `${s.step}/${s.total}`)).toEqual(['1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);
    expect(steps.at(-1)!.eta).toBe(0);
    expect(steps[0].eta).toBeGreaterThan(0);
    const previews = events.flatMap((e) => (e.type === 'preview' ? [e] : []));
    expect(previews.map((p) => [p.step, p.width, p.height, p.rgba.length])).toEqual([2, 4, 6].map((s) => [s, 16, 8, 16 * 8 * 4]));
    expect(result.meta.readbacksInLoop).toBe(0);
    expect(result.meta.previewReadbacks).toBe(3);
    expect(result.meta.times.steps.length).toBe(6);
    // Bitmap in: the same bytes as RGBA in (opaque pixels), so the edit is byte-identical beyond the feather.
    const kept = untouchedOutside(picture, result.image, softMask, pasteReach(result.meta.box, result.meta.working, result.meta.feather));
    expect(kept.checked).toBeGreaterThan(W * H * 0.5);
    expect(kept.first).toBeNull();
  });

  it('gives the same bytes for the same seed and other bytes for another', async () => {
    const again = await worker.inpaint(request);
    expect(differing(again.image.data, first.image.data)).toBe(0);
    expect(differing(first.image.data, picture.data)).toBeGreaterThan(100);
    const other = await worker.inpaint({ ...request, seed: 22 });
    expect(differing(other.image.data, first.image.data)).toBeGreaterThan(100);
  });

  it.each([
    [2, 120],
    [4, 290],
  ])('runs a long prompt through the UNet as %i chunks', async (k, n) => {
    const result = await worker.inpaint({ ...request, prompt: words(n), negativePrompt: 'blue' });
    expect(result.meta.prompt).toEqual({ chunks: k, tokens: { cond: n, uncond: 1 }, truncated: { cond: 0, uncond: 0 } });
    expect(differing(result.image.data, first.image.data)).toBeGreaterThan(50);
  });

  it('runs the tail of the schedule from the noised source with strength < 1', async () => {
    const result = await worker.inpaint({ ...request, steps: 4, strength: 0.5 });
    expect(result.meta.timesteps).toEqual([251, 1]);
    expect(differing(result.image.data, picture.data)).toBeGreaterThan(50);
    expect(differing(result.image.data, first.image.data)).toBeGreaterThan(50);
  });

  it('caps a prompt at 4 chunks and says how much was dropped', async () => {
    const result = await worker.inpaint({ ...request, prompt: words(320), steps: 1 });
    expect(result.meta.prompt.chunks).toBe(4);
    expect(result.meta.prompt.truncated.cond).toBe(20);
  });

  it('cancels within one step through an AbortSignal; the next edit works', async () => {
    const controller = new AbortController();
    const steps: number[] = [];
    const error = await failure(
      worker.inpaint({ ...request, steps: 40 }, {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type !== 'step') return;
          steps.push(e.step);
          if (e.step === 2) controller.abort();
        },
      }),
    );
    expect(error).toBeInstanceOf(DiffusionError);
    expect(error!.code).toBe('cancelled');
    expect(error!.name).toBe('AbortError');
    // The loop stops at the next step boundary (loop.browser.spec.ts: exactly); here the step event and
    // the cancel also cross two message hops, during which one more step may start.
    expect(Math.max(...steps)).toBeLessThanOrEqual(4);
    expect((await worker.status()).buffersHeld).toBe(0); // everything went back to the pool
    const after = await worker.inpaint(request);
    expect(differing(after.image.data, first.image.data)).toBe(0);
  });

  it('cancels by id through cancel()', async () => {
    let cancelled = 0;
    const pending = failure(worker.inpaint({ ...request, steps: 40, id: 'job-1' }, { onEvent: (e) => e.type === 'step' && e.step === 1 && void worker.cancel('job-1').then((n) => (cancelled = n)) }));
    const error = await pending;
    expect(error?.code).toBe('cancelled');
    expect(cancelled).toBe(1);
  });

  it('rejects a lost device with a clear reason, recreates device and sessions, and the next edit works', async () => {
    const error = await failure(worker.inpaint({ ...request, steps: 40 }, { onEvent: (e) => e.type === 'step' && e.step === 2 && void worker.loseDevice() }));
    expect(error?.code).toBe('device-lost');
    expect(error?.message).toMatch(/GPU device was lost \(destroyed.*fresh device/);
    const after = await worker.inpaint(request);
    expect(differing(after.image.data, first.image.data)).toBe(0); // same bytes on the new device
    // A loss between edits is found before the next one starts.
    await worker.loseDevice();
    const again = await worker.inpaint(request);
    expect(differing(again.image.data, first.image.data)).toBe(0);
    expect((await worker.status()).recoveries).toBe(2);
  }, 180_000);

  it('refuses bad requests with their reason', async () => {
    const empty = await failure(worker.inpaint({ ...request, mask: { data: new Uint8Array(W * H).fill(100), width: W, height: H } }));
    expect(error(empty)).toEqual(['bad-request', expect.stringMatching(/mask is empty/)]);
    const small = await failure(worker.inpaint({ ...request, mask: { data: new Uint8Array(4), width: 2, height: 2 } }));
    expect(error(small)).toEqual(['bad-request', expect.stringMatching(/mask is 2×2 but the image is 128×72/)]);
    const strength = await failure(worker.generate({ width: 64, height: 64, prompt: '', strength: 0.5 }));
    expect(error(strength)).toEqual(['bad-request', expect.stringMatching(/strength must be 1/)]);
  });
});

function error(e: DiffusionError | null): [string, string] | null {
  return e ? [e.code, e.message] : null;
}

describe('diffusion worker under a GPU budget', () => {
  it('refuses a model larger than the budget by its size, before fetching it', async () => {
    const worker = new DiffusionWorker({ ...config, gpuBudget: 100e6 });
    try {
      const e = await failure(worker.inpaint(request));
      expect(e?.code).toBe('out-of-memory');
      expect(e?.message).toMatch(/sd-inpaint\/text_encoder needs about 0\.6\d GB of GPU memory, more than the whole budget of 0\.10 GB/);
    } finally {
      worker.dispose();
    }
  });
});

describe('diffusion worker without shader-f16', () => {
  it('refuses the fp16 model with a message naming what cannot run, before downloading it', async (ctx) => {
    const adapter = await navigator.gpu.requestAdapter();
    if (adapter?.features.has('shader-f16')) ctx.skip('this adapter has shader-f16');
    const worker = new DiffusionWorker({ ...config, dtype: 'fp16', overrides: {} });
    try {
      const e = await failure(worker.inpaint(request));
      expect(e?.code).toBe('unsupported');
      expect(e?.message).toMatch(/sd-inpaint fp16 .* needs the WebGPU feature "shader-f16".*cannot run here/);
    } finally {
      worker.dispose();
    }
  });
});
