import { describe, expect, it } from 'vitest';
import { decodeImage, type DecodedImage } from './decode.ts';
import { ImageInputError, type ImageInputErrorCode } from './errors.ts';
import { channelDistance, expectHumanMessage, loadFixture, pixelAt, readPixels, type Rgba } from './testing.ts';

const RED: Rgba = [255, 0, 0, 255];
const BLUE: Rgba = [0, 0, 255, 255];

function expectColour(image: ImageData, x: number, y: number, expected: Rgba, tolerance: number) {
  const actual = pixelAt(image, x, y);
  expect(channelDistance(actual, expected), `pixel (${x}, ${y}) is ${actual}, expected ${expected}`).toBeLessThanOrEqual(tolerance);
}

async function refusal(file: Blob, options = {}): Promise<ImageInputError> {
  const error = await decodeImage(file, options).then(
    (d: DecodedImage) => {
      d.bitmap.close();
      throw new Error(`decoded ${d.width}×${d.height} instead of refusing`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageInputError);
  return error as ImageInputError;
}

describe('decodeImage accepts', () => {
  it.each([
    ['halves.png', 'png', 0],
    ['halves.jpg', 'jpeg', 8],
    ['halves.webp', 'webp', 0],
    ['halves.bmp', 'bmp', 0],
    ['halves.avif', 'avif', 8],
    ['trailing.jpg', 'jpeg', 8],
  ])('%s at full resolution with its colours', async (name, format, tolerance) => {
    const file = await loadFixture(name);
    const d = await decodeImage(file);
    expect([d.width, d.height, d.originalWidth, d.originalHeight]).toEqual([24, 16, 24, 16]);
    expect([d.format, d.mimeType, d.name, d.notes]).toEqual([format, `image/${format}`, name, []]);
    expect(d.source).toBe(file);
    const pixels = readPixels(d.bitmap);
    expectColour(pixels, 2, 8, RED, tolerance);
    expectColour(pixels, 21, 8, BLUE, tolerance);
    d.bitmap.close();
  });

  it('a 1×1 image', async () => {
    const d = await decodeImage(await loadFixture('pixel.png'));
    expect([d.width, d.height]).toEqual([1, 1]);
    expect(pixelAt(readPixels(d.bitmap), 0, 0)).toEqual([10, 200, 30, 255]);
  });

  it('a PNG with alpha, keeping the alpha', async () => {
    const pixels = readPixels((await decodeImage(await loadFixture('alpha.png'))).bitmap);
    expect(pixelAt(pixels, 1, 1)).toEqual([255, 0, 0, 255]);
    expectColour(pixels, 6, 6, [0, 0, 255, 128], 1);
  });

  it('a JPEG with EXIF orientation 6, rotated upright (sides swapped, top-right quadrant red)', async () => {
    const d = await decodeImage(await loadFixture('orient6.jpg'));
    expect([d.width, d.height, d.originalWidth, d.originalHeight]).toEqual([16, 32, 16, 32]);
    const pixels = readPixels(d.bitmap);
    expectColour(pixels, 12, 4, RED, 12);
    expectColour(pixels, 3, 4, BLUE, 12);
    expectColour(pixels, 12, 27, BLUE, 12);
  });

  it('a 16-bit PNG, noting the reduction to 8 bits', async () => {
    const d = await decodeImage(await loadFixture('rgb16.png'));
    expectColour(readPixels(d.bitmap), 1, 1, [255, 128, 0, 255], 1);
    expect(d.notes).toEqual(['“rgb16.png” has 16 bits per colour channel; it was reduced to 8 bits for editing.']);
  });

  it('a CMYK JPEG, converted to the right RGB colours', async () => {
    const d = await decodeImage(await loadFixture('cmyk.jpg'));
    const pixels = readPixels(d.bitmap);
    expectColour(pixels, 2, 8, RED, 12);
    expectColour(pixels, 21, 8, BLUE, 12);
    expect(d.notes[0]).toMatch(/CMYK.*converted to RGB/);
  });

  it.each([
    ['animated.gif', /\(3 frames\); only the first frame/],
    ['animated.png', /\(3 frames\); only the first frame/],
    ['animated.webp', /animated; only the first frame/],
  ])('the first frame of %s, with a note', async (name, note) => {
    const d = await decodeImage(await loadFixture(name));
    expect(pixelAt(readPixels(d.bitmap), 4, 4)).toEqual(RED);
    expect(d.notes).toHaveLength(1);
    expect(d.notes[0]).toMatch(note);
  });

  it('an image over the cap when asked to downscale it', async () => {
    const d = await decodeImage(await loadFixture('too-wide.png'), { downscaleToCap: true });
    expect([d.width, d.height, d.originalWidth, d.originalHeight]).toEqual([16384, 8, 20000, 10]);
    expectColour(readPixels(d.bitmap), 8000, 4, [40, 120, 200, 255], 2);
    expect(d.notes).toEqual(['“too-wide.png” was opened scaled down from 20000 × 10 to 16384 × 8 pixels to fit the editor\'s limit.']);
  });

  it('a Blob without a name, named by the option or "image"', async () => {
    const blob = new Blob([await (await loadFixture('pixel.png')).arrayBuffer()]);
    expect((await decodeImage(blob)).name).toBe('image');
    expect((await decodeImage(blob, { name: 'pasted.png' })).name).toBe('pasted.png');
  });
});

describe('decodeImage refuses, with a typed error and a message for people', () => {
  it.each<[string, ImageInputErrorCode, RegExp]>([
    ['truncated.jpg', 'truncated', /JPEG data stops/],
    ['truncated.png', 'truncated', /PNG data stops/],
    ['bad-crc.png', 'corrupt', /IHDR checksum/],
    ['text.png', 'not-an-image', /text file.*\.png/],
    ['script.svg', 'svg-refused', /scripts/],
  ])('%s → %s', async (name, code, pattern) => {
    const e = await refusal(await loadFixture(name));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(pattern);
    expectHumanMessage(e, name);
  });

  it('a zero-byte file', async () => {
    const e = await refusal(new File([], 'empty.jpg'));
    expect(e.code).toBe('empty');
    expectHumanMessage(e, 'empty.jpg');
  });

  it('an image over the cap, from its header, with its dimensions', async () => {
    const e = await refusal(await loadFixture('too-wide.png'));
    expect([e.code, e.dimensions]).toEqual(['too-large', { width: 20000, height: 10 }]);
    expect(e.message).toMatch(/20000 × 10 pixels.*scaled down to 16384 × 8/);
    expectHumanMessage(e, 'too-wide.png');
  });

  it('HEIC: decoded where the browser can, otherwise refused with a JPEG/PNG suggestion', async () => {
    const file = await loadFixture('halves.heic');
    const browserCan = await createImageBitmap(file).then((b) => (b.close(), true), () => false);
    if (browserCan) {
      expect((await decodeImage(file)).width).toBe(24);
    } else {
      const e = await refusal(file);
      expect(e.code).toBe('heic-unsupported');
      expect(e.message).toMatch(/HEIC.*JPEG or PNG/);
      expectHumanMessage(e, 'halves.heic');
    }
  });

  it('leaves an image decoded earlier untouched', async () => {
    const current = await decodeImage(await loadFixture('halves.png'));
    await refusal(await loadFixture('truncated.png'));
    await refusal(new File([], 'x.png'));
    expect([current.bitmap.width, current.bitmap.height]).toEqual([24, 16]);
    expect(pixelAt(readPixels(current.bitmap), 2, 2)).toEqual(RED);
  });
});

describe('decodeImage and the main thread', () => {
  it('never blocks it for more than 50 ms while decoding a 12-megapixel JPEG', async () => {
    const canvas = new OffscreenCanvas(4000, 3000);
    const ctx = canvas.getContext('2d')!;
    const gradient = ctx.createLinearGradient(0, 0, 4000, 3000);
    gradient.addColorStop(0, '#c33');
    gradient.addColorStop(1, '#33c');
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, 4000, 3000);
    for (let i = 0; i < 2000; i++) {
      ctx.fillStyle = `hsl(${(i * 37) % 360} 70% 50%)`;
      ctx.fillRect((i * 7919) % 4000, (i * 104729) % 3000, 40, 40);
    }
    const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    // Bytes after EOI make decode.ts read and walk the whole file on the main thread too.
    const file = new File([jpeg, new Uint8Array(4096).fill(0x41)], 'big.jpg');

    const longTasks: number[] = [];
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: 'longtask' });
    const started = performance.now();
    const d = await decodeImage(file);
    const elapsed = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the observer deliver
    observer.disconnect();

    expect([d.width, d.height]).toEqual([4000, 3000]);
    expect(longTasks, `decode took ${elapsed.toFixed(0)} ms in all`).toEqual([]);
    d.bitmap.close();
  });
});
