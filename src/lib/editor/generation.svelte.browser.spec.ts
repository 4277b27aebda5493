import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  CallOptions,
  DiffusionEvent,
  DiffusionWorker,
  EditKind,
  EditMeta,
  EditResult,
  EngineConfig,
  GenerateRequest,
  InpaintRequest,
  OutpaintRequest,
} from '../../../workers/diffusion/client.ts';
import { composeCandidate, type GenerationJob, Generation } from './generation.svelte.ts';

type AnyRequest = InpaintRequest | OutpaintRequest | GenerateRequest;

/** Result size: small, and every pixel's bytes follow the seed so candidates differ. */
const W = 4;
const H = 3;

function pixels(seed: number): Uint8ClampedArray<ArrayBuffer> {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : (seed * 7 + i) & 255;
  return data;
}

function meta(kind: EditKind, r: AnyRequest): EditMeta {
  const steps = r.steps ?? 20;
  const size = { width: W, height: H };
  return {
    kind,
    seed: r.seed ?? 0,
    settings: {
      prompt: r.prompt,
      negativePrompt: r.negativePrompt ?? '',
      steps,
      guidanceScale: r.guidanceScale ?? 7.5,
      strength: r.strength ?? 1,
      blend: kind !== 'generate',
      harmonise: r.harmonise === true ? 0.5 : typeof r.harmonise === 'number' ? r.harmonise : 0,
      feather: 5,
      previewEvery: r.previewEvery ?? 0,
      maxChunks: r.maxChunks ?? 4,
      output: r.output ?? 'rgba',
      profile: false,
    },
    size,
    box: { x: 0, y: 0, ...size },
    working: size,
    latent: { width: 1, height: 1 },
    feather: 5,
    timesteps: Array.from({ length: steps }, (_, i) => 999 - i * 50),
    prompt: { chunks: 1, tokens: { cond: 3, uncond: 2 }, truncated: { cond: 0, uncond: 0 } },
    times: { load: 0, tokenize: 0, text: 0, encode: 0, denoise: 0, decode: 0, composite: 0, readback: 0, total: 0, steps: [] },
    readbacksInLoop: 0,
    previewReadbacks: 0,
    readbacks: 1,
    gpu: 'fake',
    dtype: 'fp32',
  };
}

/** One edit the fake worker is running; the test drives it. */
class FakeCall {
  settled = false;
  #resolve!: (r: EditResult) => void;
  #reject!: (e: unknown) => void;
  readonly promise: Promise<EditResult>;

  constructor(
    readonly kind: EditKind,
    readonly request: AnyRequest,
    readonly options: CallOptions,
  ) {
    this.promise = new Promise<EditResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const signal = options.signal;
    const abort = () => this.fail(new DOMException('The edit was cancelled', 'AbortError'));
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
  }

  get seed(): number {
    return this.request.seed ?? -1;
  }

  emit(e: DiffusionEvent): void {
    this.options.onEvent?.(e);
  }

  step(step: number, total: number, elapsed: number, eta: number): void {
    this.emit({ type: 'step', step, total, t: 1000 - step, elapsed, eta });
  }

  preview(width: number, height: number, box = { x: 16, y: 8, width: 64, height: 48 }, canvas = { width: 128, height: 96 }): void {
    const rgba = new Uint8ClampedArray(width * height * 4).fill(200);
    this.emit({ type: 'preview', step: 1, width, height, rgba, box, canvas });
  }

  /** Resolves with the seed's pixels; `withBitmap` also sends a bitmap like `output: 'bitmap'` does. */
  async finish(withBitmap = false): Promise<void> {
    const image = { data: pixels(this.seed), width: W, height: H };
    const bitmap = withBitmap ? await createImageBitmap(new ImageData(new Uint8ClampedArray(image.data), W, H)) : undefined;
    this.settled = true;
    this.#resolve({ image, bitmap, meta: meta(this.kind, this.request) });
  }

  fail(e: unknown): void {
    this.settled = true;
    this.#reject(e);
  }
}

/** Stands in for DiffusionWorker: records requests; `auto` finishes each call after two steps. */
class FakeWorker {
  calls: FakeCall[] = [];
  disposed = 0;
  released = 0;
  auto = false;

  constructor(readonly config: EngineConfig) {}

  #call(kind: EditKind, request: AnyRequest, options: CallOptions = {}): Promise<EditResult> {
    const call = new FakeCall(kind, request, options);
    this.calls.push(call);
    if (this.auto && !call.settled)
      setTimeout(() => {
        if (call.settled) return;
        call.step(1, 2, 10, 10);
        call.step(2, 2, 20, 0);
        void call.finish();
      }, 1);
    return call.promise;
  }

  inpaint(request: InpaintRequest, options?: CallOptions): Promise<EditResult> {
    return this.#call('inpaint', request, options);
  }

  outpaint(request: OutpaintRequest, options?: CallOptions): Promise<EditResult> {
    return this.#call('outpaint', request, options);
  }

  generate(request: GenerateRequest, options?: CallOptions): Promise<EditResult> {
    return this.#call('generate', request, options);
  }

  release(): Promise<void> {
    this.released++;
    return Promise.resolve();
  }

  dispose(): void {
    this.disposed++;
  }
}

function setup(auto = false) {
  const workers: FakeWorker[] = [];
  const g = new Generation((config) => {
    const w = new FakeWorker(config);
    w.auto = auto;
    workers.push(w);
    return w as unknown as DiffusionWorker;
  });
  return { g, workers };
}

const GENERATE: GenerationJob = { kind: 'generate', width: 64, height: 48 };
const IMAGE = { data: new Uint8ClampedArray(8 * 8 * 4).fill(128), width: 8, height: 8 };
const INPAINT: GenerationJob = { kind: 'inpaint', image: IMAGE, mask: { data: new Uint8Array(64).fill(255), width: 8, height: 8 } };
const OUTPAINT: GenerationJob = { kind: 'outpaint', image: IMAGE, extend: { left: 0, top: 0, right: 8, bottom: 0 } };

/** Waits until the fake has received `n` calls and returns the last. */
async function call(w: () => FakeWorker | undefined, n: number): Promise<FakeCall> {
  await vi.waitFor(() => expect(w()?.calls.length).toBe(n), { timeout: 2000, interval: 2 });
  const worker = w();
  if (!worker) throw new Error('no worker');
  return worker.calls[n - 1];
}

/** The bitmap's top-left pixel. */
function firstPixel(bitmap: ImageBitmap): number[] {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D context');
  ctx.drawImage(bitmap, 0, 0);
  return Array.from(ctx.getImageData(0, 0, 1, 1).data);
}

let live: Generation[] = [];
afterEach(() => {
  for (const g of live) g.dispose();
  live = [];
});

function make(auto = false) {
  const s = setup(auto);
  live.push(s.g);
  return s;
}

describe('Generation', () => {
  it('refuses to run before configure, then runs', async () => {
    const { g, workers } = make(true);
    await expect(g.run(GENERATE, 'a cat')).rejects.toThrow('Choose where the AI models come from first (Models).');
    expect(workers).toHaveLength(0);
    expect(g.running).toBe(false);
    g.configure({});
    const out = await g.run(GENERATE, 'a cat');
    expect(out).toHaveLength(1);
    expect(workers).toHaveLength(1);
    expect(workers[0].config).toEqual({});
    expect(g.kind).toBe('generate');
  });

  it('makes one candidate per variant with seeds seed, seed + 1, … when locked', async () => {
    const { g, workers } = make(true);
    g.configure({});
    Object.assign(g.settings, { variants: 3, seedLocked: true, seed: 100 });
    const out = await g.run(GENERATE, 'a cat');
    expect(workers[0].calls.map((c) => c.seed)).toEqual([100, 101, 102]);
    expect(g.settings.seed).toBe(100);
    expect(out).toBe(g.candidates);
    expect(g.candidates.map((c) => c.seed)).toEqual([100, 101, 102]);
    for (const c of g.candidates) {
      expect([c.bitmap.width, c.bitmap.height]).toEqual([W, H]);
      expect(c.canvas).toEqual({ width: W, height: H });
      expect(c.patch.length).toBe(W * H * 4);
      expect(c.meta.seed).toBe(c.seed);
      expect(firstPixel(c.bitmap)).toEqual([(c.seed * 7) & 255, (c.seed * 7 + 1) & 255, (c.seed * 7 + 2) & 255, 255]);
    }
    expect(new Set(g.candidates.map((c) => firstPixel(c.bitmap)[0])).size).toBe(3);
    expect(g.selected).toBe(0);
    expect(g.current?.seed).toBe(100);
    g.select(2);
    expect(g.selected).toBe(2);
    expect(g.current?.seed).toBe(102);
    g.select(7);
    g.select(-1);
    expect(g.selected).toBe(2);
    expect(g.current?.seed).toBe(102);
  });

  it('keeps the bitmap the worker sends', async () => {
    const { g, workers } = make();
    g.configure({});
    const run = g.run(GENERATE, 'a cat');
    const c = await call(() => workers[0], 1);
    await c.finish(true);
    const [candidate] = await run;
    expect([candidate.bitmap.width, candidate.bitmap.height]).toEqual([W, H]);
    expect(firstPixel(candidate.bitmap)).toEqual(Array.from(pixels(c.seed).subarray(0, 4)));
  });

  it('clamps variants to 1…4', async () => {
    const { g, workers } = make(true);
    g.configure({});
    Object.assign(g.settings, { variants: 9, seedLocked: true, seed: 5 });
    expect(await g.run(GENERATE, 'x')).toHaveLength(4);
    g.settings.variants = 0;
    expect(await g.run(GENERATE, 'x')).toHaveLength(1);
    expect(workers[0].calls.map((c) => c.seed)).toEqual([5, 6, 7, 8, 5]);
  });

  it('wraps seeds below 2^31', async () => {
    const { g, workers } = make(true);
    g.configure({});
    Object.assign(g.settings, { variants: 2, seedLocked: true, seed: 2 ** 31 - 1 });
    await g.run(GENERATE, 'x');
    expect(workers[0].calls.map((c) => c.seed)).toEqual([2 ** 31 - 1, 0]);
  });

  it('rolls a new seed for each run when unlocked', async () => {
    const { g, workers } = make(true);
    g.configure({});
    Object.assign(g.settings, { variants: 2, seedLocked: false, seed: 100 });
    await g.run(GENERATE, 'x');
    const first = g.settings.seed;
    await g.run(GENERATE, 'x');
    const second = g.settings.seed;
    expect(first).not.toBe(100);
    expect(second).not.toBe(first);
    for (const s of [first, second]) {
      expect(Number.isInteger(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(2 ** 31);
    }
    expect(workers[0].calls.map((c) => c.seed)).toEqual([first, (first + 1) % 2 ** 31, second, (second + 1) % 2 ** 31]);
    expect(g.candidates.map((c) => c.seed)).toEqual([second, (second + 1) % 2 ** 31]);
  });

  it('sends the settings to the worker, per kind of job', async () => {
    const { g, workers } = make(true);
    g.configure({});
    Object.assign(g.settings, {
      steps: 30,
      guidanceScale: 5.5,
      negativePrompt: 'blurry',
      strength: 0.75,
      harmonise: { inpaint: true, outpaint: false },
      seedLocked: true,
      seed: 42,
      previews: true,
    });
    const common = { prompt: 'a red door', negativePrompt: 'blurry', steps: 30, guidanceScale: 5.5, seed: 42, maxChunks: 4, previewEvery: 3, output: 'bitmap' };

    await g.run(INPAINT, 'a red door');
    expect(g.kind).toBe('inpaint');
    const inpaint = workers[0].calls[0];
    expect(inpaint.kind).toBe('inpaint');
    // Inpainting shows its patch over the image: pixels only, no full-size bitmap.
    expect(inpaint.request).toEqual({ ...common, output: 'rgba', image: IMAGE, mask: (INPAINT as Extract<GenerationJob, { kind: 'inpaint' }>).mask, strength: 0.75, harmonise: true });
    expect(inpaint.options.signal).toBeInstanceOf(AbortSignal);
    expect(inpaint.options.onEvent).toBeTypeOf('function');

    await g.run(OUTPAINT, 'a red door');
    expect(g.kind).toBe('outpaint');
    const outpaint = workers[0].calls[1];
    expect(outpaint.kind).toBe('outpaint');
    expect(outpaint.request).toEqual({ ...common, image: IMAGE, extend: { left: 0, top: 0, right: 8, bottom: 0 }, harmonise: false });

    g.settings.previews = false;
    await g.run(GENERATE, 'a red door');
    const generate = workers[0].calls[2];
    expect(generate.kind).toBe('generate');
    expect(generate.request).toEqual({ ...common, previewEvery: 0, width: 64, height: 48 });

    // Previews on with few steps still ask for one every step at least.
    Object.assign(g.settings, { previews: true, steps: 4, harmonise: { inpaint: false, outpaint: true } });
    await g.run(OUTPAINT, 'p');
    expect(workers[0].calls[3].request).toMatchObject({ steps: 4, previewEvery: 1, harmonise: true });
    await g.run(INPAINT, 'p');
    expect(workers[0].calls[4].request).toMatchObject({ harmonise: false, strength: 0.75 });
  });

  it('reports progress and eta over the remaining variants', async () => {
    const { g, workers } = make();
    g.configure({});
    Object.assign(g.settings, { variants: 3, steps: 4 });
    expect(g.running).toBe(false);
    expect(g.progress).toBeNull();
    const run = g.run(GENERATE, 'x');
    expect(g.running).toBe(true);
    const c1 = await call(() => workers[0], 1);
    expect(g.progress).toEqual({ variant: 1, variants: 3, step: 0, total: 4, eta: 0 });
    c1.step(1, 4, 100, 300);
    // This variant's 300 ms plus two more variants of 100 + 300 ms each.
    expect(g.progress).toEqual({ variant: 1, variants: 3, step: 1, total: 4, eta: 300 + 2 * 400 });
    c1.step(2, 4, 200, 200);
    expect(g.progress).toEqual({ variant: 1, variants: 3, step: 2, total: 4, eta: 200 + 2 * 400 });
    await c1.finish();

    const c2 = await call(() => workers[0], 2);
    await vi.waitFor(() => expect(g.progress).toEqual({ variant: 2, variants: 3, step: 0, total: 4, eta: 0 }));
    expect(g.candidates).toHaveLength(1);
    c2.step(3, 4, 300, 100);
    expect(g.progress).toEqual({ variant: 2, variants: 3, step: 3, total: 4, eta: 100 + 1 * 400 });
    await c2.finish();

    const c3 = await call(() => workers[0], 3);
    c3.step(4, 4, 400, 0);
    expect(g.progress).toEqual({ variant: 3, variants: 3, step: 4, total: 4, eta: 0 });
    expect(g.running).toBe(true);
    await c3.finish();
    expect(await run).toHaveLength(3);
    expect(g.running).toBe(false);
    expect(g.progress).toBeNull();
  });

  it('a cancel during a later variant keeps the finished ones', async () => {
    const { g, workers } = make();
    g.configure({});
    Object.assign(g.settings, { variants: 3, seedLocked: true, seed: 7 });
    const run = g.run(GENERATE, 'x');
    await (await call(() => workers[0], 1)).finish();
    const c2 = await call(() => workers[0], 2);
    c2.step(1, 20, 10, 190);
    g.cancel();
    const out = await run;
    expect(out.map((c) => c.seed)).toEqual([7]);
    expect(g.candidates).toHaveLength(1);
    expect(g.current?.bitmap.width).toBe(W);
    expect(workers[0].calls).toHaveLength(2);
    expect(c2.options.signal?.aborted).toBe(true);
    expect(g.running).toBe(false);
    expect(g.progress).toBeNull();
    // The next run works.
    workers[0].auto = true;
    g.settings.variants = 1;
    expect(await g.run(GENERATE, 'x')).toHaveLength(1);
  });

  it('a cancel during the first variant rejects with AbortError and leaves nothing', async () => {
    const { g, workers } = make();
    g.configure({});
    g.settings.variants = 2;
    const run = g.run(GENERATE, 'x');
    const c1 = await call(() => workers[0], 1);
    c1.step(1, 20, 10, 190);
    g.cancel();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(g.candidates).toEqual([]);
    expect(g.current).toBeNull();
    expect(workers[0].calls).toHaveLength(1);
    expect(g.running).toBe(false);
    expect(g.progress).toBeNull();
    g.cancel(); // nothing running: a no-op
  });

  it('other errors reject and clear the running state', async () => {
    const { g, workers } = make();
    g.configure({});
    const run = g.run(GENERATE, 'x');
    (await call(() => workers[0], 1)).fail(new Error('GPU on fire'));
    await expect(run).rejects.toThrow('GPU on fire');
    expect(g.running).toBe(false);
    expect(g.progress).toBeNull();
    workers[0].auto = true;
    expect(await g.run(GENERATE, 'x')).toHaveLength(1);
  });

  it('shows a live preview while running and frees it at the end', async () => {
    const { g, workers } = make();
    g.configure({});
    const run = g.run(OUTPAINT, 'x');
    const c = await call(() => workers[0], 1);
    expect(g.live).toBeNull();
    c.preview(8, 6, { x: 16, y: 8, width: 64, height: 48 }, { width: 128, height: 96 });
    await vi.waitFor(() => expect(g.live).not.toBeNull());
    const first = g.live;
    if (!first) throw new Error('no live preview');
    expect([first.bitmap.width, first.bitmap.height]).toEqual([8, 6]);
    expect(first.box).toEqual({ x: 16, y: 8, width: 64, height: 48 });
    expect(first.canvas).toEqual({ width: 128, height: 96 });
    expect(firstPixel(first.bitmap)).toEqual([200, 200, 200, 200]);

    // A newer preview replaces it and frees the old bitmap.
    c.preview(4, 4, { x: 0, y: 0, width: 32, height: 32 }, { width: 128, height: 96 });
    await vi.waitFor(() => expect(g.live).not.toBe(first));
    const second = g.live;
    expect(second?.bitmap.width).toBe(4);
    expect(second?.box).toEqual({ x: 0, y: 0, width: 32, height: 32 });
    expect(first.bitmap.width).toBe(0);

    await c.finish();
    await run;
    expect(g.live).toBeNull();
    expect(second?.bitmap.width).toBe(0);
  });

  it('ignores previews after a cancel', async () => {
    const { g, workers } = make();
    g.configure({});
    const run = g.run(GENERATE, 'x');
    const c = await call(() => workers[0], 1);
    g.cancel();
    c.preview(8, 8);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((r) => setTimeout(r, 20));
    expect(g.live).toBeNull();
  });

  it('take() hands over the selected candidate and frees the rest', async () => {
    const { g } = make(true);
    g.configure({});
    Object.assign(g.settings, { variants: 3, seedLocked: true, seed: 10 });
    await g.run(INPAINT, 'x');
    const [a, b, c] = g.candidates;
    g.select(1);
    const taken = g.take();
    expect(taken).toBe(b);
    expect(taken?.seed).toBe(11);
    expect(b.bitmap.width).toBe(W);
    expect(a.bitmap.width).toBe(0);
    expect(c.bitmap.width).toBe(0);
    expect(g.candidates).toEqual([]);
    expect(g.selected).toBe(0);
    expect(g.kind).toBeNull();
    expect(g.current).toBeNull();
    expect(g.take()).toBeNull();
  });

  it('discard() frees every candidate; a new run discards the old ones', async () => {
    const { g } = make(true);
    g.configure({});
    g.settings.variants = 2;
    await g.run(GENERATE, 'x');
    const old = g.candidates;
    g.select(1);
    await g.run(GENERATE, 'x');
    expect(old.map((c) => c.bitmap.width)).toEqual([0, 0]);
    expect(g.selected).toBe(0);
    const now = g.candidates;
    expect(now).toHaveLength(2);
    g.discard();
    expect(now.map((c) => c.bitmap.width)).toEqual([0, 0]);
    expect(g.candidates).toEqual([]);
    expect(g.kind).toBeNull();
  });

  it('refuses a second run while one runs', async () => {
    const { g, workers } = make();
    g.configure({});
    const run = g.run(GENERATE, 'x');
    const c = await call(() => workers[0], 1);
    await expect(g.run(INPAINT, 'y')).rejects.toThrow('A generation is already running.');
    expect(g.running).toBe(true);
    expect(g.kind).toBe('generate');
    expect(workers[0].calls).toHaveLength(1);
    await c.finish();
    expect(await run).toHaveLength(1);
  });

  it('configure() restarts the worker only when the config changes', async () => {
    const { g, workers } = make(true);
    g.configure({});
    await g.run(GENERATE, 'x');
    expect(workers).toHaveLength(1);
    g.configure({});
    await g.run(GENERATE, 'x');
    expect(workers).toHaveLength(1);
    expect(workers[0].disposed).toBe(0);
    expect(workers[0].calls).toHaveLength(2);

    g.configure({ modelUrl: '/models/other/' });
    expect(workers[0].disposed).toBe(1);
    expect(workers).toHaveLength(1); // started lazily
    await g.run(GENERATE, 'x');
    expect(workers).toHaveLength(2);
    expect(workers[1].config).toEqual({ modelUrl: '/models/other/' });
    expect(workers[1].calls).toHaveLength(1);
    expect(workers[0].calls).toHaveLength(2);

    g.configure({ modelUrl: '/models/other/' });
    await g.run(GENERATE, 'x');
    expect(workers).toHaveLength(2);
    expect(workers[1].disposed).toBe(0);
    expect(workers[1].calls).toHaveLength(2);
  });

  it('release() goes to the worker', async () => {
    const { g, workers } = make(true);
    await g.release(); // no worker yet: nothing to do
    g.configure({});
    await g.run(GENERATE, 'x');
    await g.release();
    expect(workers[0].released).toBe(1);
    expect(workers[0].disposed).toBe(0);
  });

  it('dispose() cancels the run, frees everything and the worker', async () => {
    const { g, workers } = make();
    g.configure({});
    g.settings.variants = 2;
    const run = g.run(GENERATE, 'x');
    const c1 = await call(() => workers[0], 1);
    await c1.finish();
    const c2 = await call(() => workers[0], 2);
    await vi.waitFor(() => expect(g.candidates).toHaveLength(1));
    const kept = g.candidates[0];
    c2.preview(8, 8);
    await vi.waitFor(() => expect(g.live).not.toBeNull());
    const preview = g.live;
    g.dispose();
    expect(c2.options.signal?.aborted).toBe(true);
    expect(workers[0].disposed).toBe(1);
    expect(kept.bitmap.width).toBe(0);
    expect(preview?.bitmap.width).toBe(0);
    expect(g.live).toBeNull();
    // The finished variant was freed with the rest, so nothing is left to resolve with.
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(g.candidates).toEqual([]);
    expect(g.running).toBe(false);
    // Unconfigured again.
    await expect(g.run(GENERATE, 'x')).rejects.toThrow('Choose where the AI models come from first');
    expect(workers).toHaveLength(1);
  });
});

describe('Generation keeps only the edited box of each result', () => {
  /** A worker whose result is `base` (extended for outpaint) with the box filled by the seed. */
  function boxWorker(base: { data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number }, box: { x: number; y: number; width: number; height: number }, extend?: { left: number; top: number; right: number; bottom: number }) {
    const run = async (kind: EditKind, r: AnyRequest): Promise<EditResult> => {
      const e = extend ?? { left: 0, top: 0, right: 0, bottom: 0 };
      const width = base.width + e.left + e.right;
      const height = base.height + e.top + e.bottom;
      const data = new Uint8ClampedArray(width * height * 4);
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) {
          const sx = Math.min(base.width - 1, Math.max(0, x - e.left));
          const sy = Math.min(base.height - 1, Math.max(0, y - e.top));
          const inBox = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
          for (let c = 0; c < 4; c++) data[(y * width + x) * 4 + c] = inBox ? (c === 3 ? 255 : ((r.seed ?? 0) + x * 3 + y * 5 + c) & 255) : base.data[(sy * base.width + sx) * 4 + c];
        }
      const m = meta(kind, r);
      return { image: { data, width, height }, meta: { ...m, size: { width, height }, box } };
    };
    return { inpaint: (r: InpaintRequest) => run('inpaint', r), outpaint: (r: OutpaintRequest) => run('outpaint', r), generate: (r: GenerateRequest) => run('generate', r), release: async () => {}, dispose: () => {} };
  }
  const base = { data: new Uint8ClampedArray(Array.from({ length: 6 * 4 * 4 }, (_, i) => (i * 11) & 255)), width: 6, height: 4 };

  it('inpainting: the patch alone, drawn over the image, and composed back exactly', async () => {
    const box = { x: 1, y: 1, width: 3, height: 2 };
    let last: EditResult | null = null;
    const worker = boxWorker(base, box);
    const fake = { ...worker, inpaint: async (r: InpaintRequest) => (last = await worker.inpaint(r)) };
    const g = new Generation(() => fake as unknown as DiffusionWorker);
    g.configure({});
    const mask = { data: new Uint8Array(24), width: 6, height: 4 };
    const [c] = await g.run({ kind: 'inpaint', image: base, mask }, 'candles');
    expect(c.overlay).toBe(true);
    expect(c.box).toEqual(box);
    expect(c.canvas).toEqual({ width: 6, height: 4 });
    expect([c.bitmap.width, c.bitmap.height]).toEqual([3, 2]);
    expect(c.patch.length).toBe(3 * 2 * 4);
    const full = composeCandidate(c, base);
    expect(Array.from(full.data)).toEqual(Array.from(last!.image.data));
  });

  it('outpainting: the whole result on screen; composed from the extended image and the patch', async () => {
    const extend = { left: 0, top: 0, right: 2, bottom: 0 };
    const box = { x: 3, y: 0, width: 5, height: 4 };
    let last: EditResult | null = null;
    const worker = boxWorker(base, box, extend);
    const fake = { ...worker, outpaint: async (r: OutpaintRequest) => (last = await worker.outpaint(r)) };
    const g = new Generation(() => fake as unknown as DiffusionWorker);
    g.configure({});
    const [c] = await g.run({ kind: 'outpaint', image: base, extend }, 'more');
    expect(c.overlay).toBe(false);
    expect([c.bitmap.width, c.bitmap.height]).toEqual([8, 4]);
    const full = composeCandidate(c, base, extend);
    expect([full.width, full.height]).toEqual([8, 4]);
    expect(Array.from(full.data)).toEqual(Array.from(last!.image.data));
    expect(() => composeCandidate(c, base)).toThrow(/6×4; the result is 8×4/);
  });
});
