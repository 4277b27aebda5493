/** Helpers for the browser specs of this folder: fixture files and pixel reads. Not used by the app. */
import { expect } from 'vitest';
import { ImageInputError } from './errors.ts';

export type Rgba = [number, number, number, number];

/** A committed fixture from tests/fixtures/images as a File with no MIME type, as a drop might give. */
export async function loadFixture(name: string): Promise<File> {
  const response = await fetch(new URL(`../../../tests/fixtures/images/${name}`, import.meta.url));
  if (!response.ok) throw new Error(`fixture ${name}: HTTP ${response.status}`);
  return new File([await response.arrayBuffer()], name);
}

export function readPixels(bitmap: ImageBitmap): ImageData {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context');
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

export function pixelAt(image: ImageData, x: number, y: number): Rgba {
  const i = (y * image.width + x) * 4;
  const d = image.data;
  return [d[i], d[i + 1], d[i + 2], d[i + 3]];
}

/** Largest per-channel difference, for comparing lossy decodes with a tolerance. */
export function channelDistance(a: Rgba, b: Rgba): number {
  return Math.max(...a.map((v, k) => Math.abs(v - b[k])));
}

/** A bitmap with every pixel given by `fill`, opaque unless it says otherwise. */
export function makeBitmap(width: number, height: number, fill: (x: number, y: number) => Rgba): Promise<ImageBitmap> {
  const data = new ImageData(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.data.set(fill(x, y), (y * width + x) * 4);
  }
  return createImageBitmap(data);
}

/**
 * A message for a person: names the file, says what is wrong and what to do (two sentences at least,
 * one starting with an action), and leaks no programmer values.
 */
export function expectHumanMessage(error: unknown, fileName: string): void {
  expect(error).toBeInstanceOf(ImageInputError);
  const message = (error as ImageInputError).message;
  expect(message).toContain(`“${fileName}”`);
  expect(message).not.toMatch(/undefined|null|NaN|\[object|Error:|Exception/);
  expect(message).toMatch(/\.$/);
  expect(message.split(/[.;]\s+/).length).toBeGreaterThanOrEqual(2);
  expect(message).toMatch(/\b(Choose|Open|Export|Save|Download|Check)\b/);
}

/**
 * A photo-like RGBA image: smooth gradients and discs with ±4 levels of per-channel noise, so it
 * compresses like a camera photo (≈ 2.2 bytes a pixel as PNG, as measured on a real 1.9-MP photo).
 */
export function makePhoto(width: number, height: number, seed = 1): ImageData {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context');
  const g = ctx.createLinearGradient(0, 0, width, height);
  g.addColorStop(0, '#3a6ea5');
  g.addColorStop(0.5, '#e0c080');
  g.addColorStop(1, '#204020');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, width, height);
  const r = Math.max(4, Math.min(width, height) / 40);
  for (let i = 0; i < 200; i++) {
    ctx.fillStyle = `hsl(${(i * 47 + seed * 13) % 360} 50% ${30 + (i % 40)}%)`;
    ctx.beginPath();
    ctx.arc((i * 7919 + seed * 31) % width, (i * 104729 + seed * 17) % height, r * (1 + (i % 13) / 2), 0, 7);
    ctx.fill();
  }
  const image = ctx.getImageData(0, 0, width, height);
  let s = seed >>> 0 || 1;
  const d = image.data;
  for (let i = 0; i < d.length; i += 4) {
    for (let k = 0; k < 3; k++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      d[i + k] += ((s >>> 16) % 9) - 4;
    }
  }
  return image;
}
