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
