import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from './decode.ts';
import { ImageWorker, ImageWorkerDisposedError } from './image-worker.ts';
import { channelDistance, makeBitmap, pixelAt, readPixels, type Rgba } from './testing.ts';

/** Every pixel of a 3×2 image has its own colour: red encodes x, green encodes y. */
const at = (x: number, y: number): Rgba => [40 + 80 * x, 60 + 120 * y, 200, 255];
const source = () => makeBitmap(3, 2, at);

/** Rows of [x, y] source coordinates read back through the colours above. */
function coordinates(bitmap: ImageBitmap): number[][][] {
  const pixels = readPixels(bitmap);
  return Array.from({ length: bitmap.height }, (_, y) =>
    Array.from({ length: bitmap.width }, (_, x) => {
      const [r, g] = pixelAt(pixels, x, y);
      return [(r - 40) / 80, (g - 60) / 120];
    }),
  );
}

describe('ImageWorker geometry (exact pixels)', () => {
  const worker = new ImageWorker();
  afterAll(() => worker.dispose());

  it('rotates a quarter turn clockwise and anticlockwise', async () => {
    const cw = await worker.rotate(await source(), 'cw');
    expect([cw.width, cw.height]).toEqual([2, 3]);
    expect(coordinates(cw)).toEqual([
      [[0, 1], [0, 0]],
      [[1, 1], [1, 0]],
      [[2, 1], [2, 0]],
    ]);
    const ccw = await worker.rotate(await source(), 'ccw');
    expect(coordinates(ccw)).toEqual([
      [[2, 0], [2, 1]],
      [[1, 0], [1, 1]],
      [[0, 0], [0, 1]],
    ]);
  });

  it('flips horizontally and vertically', async () => {
    expect(coordinates(await worker.flip(await source(), 'horizontal'))).toEqual([
      [[2, 0], [1, 0], [0, 0]],
      [[2, 1], [1, 1], [0, 1]],
    ]);
    expect(coordinates(await worker.flip(await source(), 'vertical'))).toEqual([
      [[0, 1], [1, 1], [2, 1]],
      [[0, 0], [1, 0], [2, 0]],
    ]);
  });

  it('crops a whole-pixel rectangle and refuses one outside the image', async () => {
    const cropped = await worker.crop(await source(), { x: 1, y: 1, width: 2, height: 1 });
    expect(coordinates(cropped)).toEqual([[[1, 1], [2, 1]]]);
    await expect(worker.crop(await source(), { x: 2, y: 0, width: 2, height: 1 })).rejects.toThrow(/not a whole-pixel area inside the 3×2 image/);
    // Comlink rebuilds errors from the worker as Error with the original name and message.
    await expect(worker.crop(await source(), { x: 0.5, y: 0, width: 1, height: 1 })).rejects.toMatchObject({ name: 'RangeError' });
  });

  it('keeps the caller\'s bitmap by default and detaches it with consume', async () => {
    const kept = await source();
    await worker.rotate(kept, 'cw');
    expect(coordinates(kept)[0][2]).toEqual([2, 0]);
    const given = await source();
    await worker.flip(given, 'vertical', { consume: true });
    expect(given.width).toBe(0); // transferred, not copied
  });

  it('preserves alpha through a rotation', async () => {
    const rotated = await worker.rotate(await makeBitmap(2, 1, (x) => (x === 0 ? [255, 0, 0, 255] : [0, 0, 255, 128])), 'cw');
    const pixels = readPixels(rotated);
    expect(pixelAt(pixels, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(channelDistance(pixelAt(pixels, 0, 1), [0, 0, 255, 128])).toBeLessThanOrEqual(1);
  });
});

describe('ImageWorker encoding', () => {
  const worker = new ImageWorker();
  afterAll(() => worker.dispose());
  // Odd sizes catch encoders that round to blocks; smooth content keeps lossy formats close.
  const smooth = () => makeBitmap(37, 23, (x, y) => [x * 6, y * 10, 128, 255]);

  it.each([
    ['image/png', 'png', 0],
    ['image/jpeg', 'jpeg', 12],
    ['image/webp', 'webp', 12],
  ] as const)('%s round-trips at the original size', async (type, format, tolerance) => {
    const blob = await worker.encode(await smooth(), type, 0.95);
    expect(blob.type).toBe(type);
    const d = await decodeImage(blob, { name: `round-trip.${format}` });
    expect([d.format, d.width, d.height]).toEqual([format, 37, 23]);
    const pixels = readPixels(d.bitmap);
    for (const [x, y] of [[0, 0], [18, 11], [36, 22]]) {
      expect(channelDistance(pixelAt(pixels, x, y), [x * 6, y * 10, 128, 255])).toBeLessThanOrEqual(tolerance);
    }
  });

  it('flattens transparency onto white for JPEG', async () => {
    const clear = await makeBitmap(8, 8, () => [0, 0, 0, 0]);
    const d = await decodeImage(await worker.encode(clear, 'image/jpeg'), { name: 'x.jpg' });
    expect(channelDistance(pixelAt(readPixels(d.bitmap), 4, 4), [255, 255, 255, 255])).toBeLessThanOrEqual(2);
  });

  it('makes a WebP thumbnail with the longest side at most 160 and never enlarges', async () => {
    const large = await worker.thumbnail(await makeBitmap(400, 200, () => [200, 40, 40, 255]));
    expect(large.type).toBe('image/webp');
    const d = await decodeImage(large, { name: 't.webp' });
    expect([d.width, d.height]).toEqual([160, 80]);
    expect(channelDistance(pixelAt(readPixels(d.bitmap), 80, 40), [200, 40, 40, 255])).toBeLessThanOrEqual(8);
    const small = await decodeImage(await worker.thumbnail(await makeBitmap(50, 20, () => [0, 0, 0, 255]), 160), { name: 's.webp' });
    expect([small.width, small.height]).toEqual([50, 20]);
  });
});

describe('ImageWorker display copies', () => {
  const worker = new ImageWorker();
  afterAll(() => worker.dispose());

  it('downscales to the longest side, keeps colour, and never enlarges', async () => {
    const big = await worker.downscale(await makeBitmap(300, 120, (x) => (x < 150 ? [250, 10, 10, 255] : [10, 10, 250, 255])), 100);
    expect([big.width, big.height]).toEqual([100, 40]);
    const px = readPixels(big);
    expect(channelDistance(pixelAt(px, 20, 20), [250, 10, 10, 255])).toBeLessThanOrEqual(6);
    expect(channelDistance(pixelAt(px, 80, 20), [10, 10, 250, 255])).toBeLessThanOrEqual(6);
    const small = await worker.downscale(await makeBitmap(30, 10, () => [0, 0, 0, 255]), 100);
    expect([small.width, small.height]).toEqual([30, 10]);
  });
});

describe('ImageWorker lifetime', () => {
  /** A worker from inline source: `''` never answers, a `throw` fails as it loads. */
  const scriptWorker = (source: string) => () => new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));

  it('rejects a call in flight, and every later call, once disposed', async () => {
    const worker = new ImageWorker(scriptWorker(''));
    const running = worker.rotate(await source(), 'cw');
    await new Promise((resolve) => setTimeout(resolve, 30)); // the clone is made and the message posted
    worker.dispose();
    await expect(running).rejects.toBeInstanceOf(ImageWorkerDisposedError);
    await expect(worker.flip(await source(), 'vertical')).rejects.toBeInstanceOf(ImageWorkerDisposedError);
    expect(worker.disposed).toBe(true);
  });

  it('rejects a call sent to a worker that fails to start instead of waiting forever', async () => {
    const worker = new ImageWorker(scriptWorker('throw new Error("boom")'));
    await expect(worker.encode(await source(), 'image/png')).rejects.toThrow(/image processor failed \(.*boom/);
    worker.dispose();
  });

  it('starts its worker only when first used, and terminates it on dispose', async () => {
    const started: Worker[] = [];
    const worker = new ImageWorker(() => {
      const w = new Worker(new URL('../../../workers/image.worker.ts', import.meta.url), { type: 'module' });
      started.push(w);
      return w;
    });
    expect(started).toHaveLength(0);
    await worker.flip(await source(), 'horizontal');
    await worker.flip(await source(), 'vertical');
    expect(started).toHaveLength(1);
    let terminated = false;
    const terminate = started[0].terminate.bind(started[0]);
    started[0].terminate = () => {
      terminated = true;
      terminate();
    };
    worker.dispose();
    expect(terminated).toBe(true);
  });
});
