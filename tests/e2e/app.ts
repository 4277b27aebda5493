import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

export const fixture = (name: string) => readFileSync(`tests/fixtures/images/${name}`);

/** Waits until the editor has restored (or found nothing to restore) and is idle. */
export async function ready(page: Page): Promise<void> {
  await page.waitForSelector('.app[data-ready="true"][data-busy=""]', { timeout: 30_000 });
}

/** Waits for the editor to finish what it is doing. */
export async function idle(page: Page): Promise<void> {
  await page.waitForSelector('.app[data-busy=""]', { timeout: 60_000 });
}

export async function imageSize(page: Page): Promise<string> {
  return (await page.getAttribute('[data-testid="viewport"]', 'data-image-size')) ?? '';
}

export async function expectImageSize(page: Page, size: string): Promise<void> {
  await page.waitForFunction((s) => document.querySelector('[data-testid="viewport"]')?.getAttribute('data-image-size') === s, size, { timeout: 30_000 });
  expect(await imageSize(page)).toBe(size);
}

export async function historyCount(page: Page): Promise<number> {
  return page.locator('[data-testid="history-entry"]').count();
}

/** Drops a file on the page through a real drop event, as a file dragged from the desktop would. */
export async function dropFile(page: Page, bytes: Buffer | Uint8Array, name: string, type = ''): Promise<void> {
  await page.evaluate(
    ({ data, name, type }) => {
      const file = new File([new Uint8Array(data)], name, { type });
      const dt = new DataTransfer();
      dt.items.add(file);
      const target = document.querySelector('[data-testid="viewport"]') ?? document.body;
      target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { data: Array.from(bytes), name, type },
  );
}

/** Pastes a file through a real paste event carrying it in clipboardData. */
export async function pasteFile(page: Page, bytes: Buffer | Uint8Array, name: string, type: string): Promise<void> {
  await page.evaluate(
    ({ data, name, type }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], name, { type }));
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    },
    { data: Array.from(bytes), name, type },
  );
}

/** A photo-like test image made by the browser's own encoder: left half red, right half blue, a bright stripe on top. */
export async function makeJpeg(page: Page, width: number, height: number, quality = 0.9): Promise<Buffer> {
  const data = await page.evaluate(
    async ({ width, height, quality }) => {
      const c = new OffscreenCanvas(width, height);
      const g = c.getContext('2d')!;
      g.fillStyle = '#d01010';
      g.fillRect(0, 0, width / 2, height);
      g.fillStyle = '#1020d0';
      g.fillRect(width / 2, 0, width / 2, height);
      g.fillStyle = '#f0f0f0';
      g.fillRect(0, 0, width, Math.max(1, Math.round(height / 10)));
      const blob = await c.convertToBlob({ type: 'image/jpeg', quality });
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    },
    { width, height, quality },
  );
  return Buffer.from(data);
}

/** Average colour of a region of the displayed canvas, given in fractions of the drawn image. */
export async function sampleImage(page: Page, fx: number, fy: number): Promise<[number, number, number]> {
  return page.evaluate(
    async ({ fx, fy }) => {
      // The viewport draws on the next animation frame: read what the person sees after it.
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewport"]')!;
      const [w, h] = canvas.dataset.imageSize!.split('x').map(Number);
      const zoom = Number(canvas.dataset.zoom);
      const x0 = (canvas.width - w * zoom) / 2;
      const y0 = (canvas.height - h * zoom) / 2;
      const px = canvas.getContext('2d')!.getImageData(Math.round(x0 + fx * w * zoom) - 2, Math.round(y0 + fy * h * zoom) - 2, 5, 5).data;
      const sum = [0, 0, 0];
      for (let i = 0; i < px.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += px[i + c];
      return sum.map((s) => Math.round(s / 25)) as [number, number, number];
    },
    { fx, fy },
  );
}

/** Decodes bytes in the page and returns their pixel size. */
export async function decodedSize(page: Page, bytes: Buffer): Promise<string> {
  return page.evaluate(async (data) => {
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(data)]));
    return `${bitmap.width}x${bitmap.height}`;
  }, Array.from(bytes));
}
