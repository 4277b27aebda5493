import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, idle, makeJpeg, ready } from './app.ts';

/** A PNG whose pixels are a 1-px checkerboard of two colours: any resampling blurs it. */
async function makeChecker(page: Page, width: number, height: number): Promise<Buffer> {
  const data = await page.evaluate(
    async ({ width, height }) => {
      const c = new OffscreenCanvas(width, height);
      const g = c.getContext('2d')!;
      const img = g.createImageData(width, height);
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) {
          const on = (x + y) % 2 === 0;
          img.data.set(on ? [250, 20, 20, 255] : [20, 20, 250, 255], (y * width + x) * 4);
        }
      g.putImageData(img, 0, 0);
      return Array.from(new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer()));
    },
    { width, height },
  );
  return Buffer.from(data);
}

async function view(page: Page): Promise<{ zoom: number; x: number; y: number }> {
  const [zoom, x, y] = ((await page.getAttribute('[data-testid="viewport"]', 'data-view')) ?? '').split(',').map(Number);
  return { zoom, x, y };
}

describe.each([1, 2, 1.5])('viewport at device pixel ratio %s', (dpr) => {
  let s: Session;
  afterAll(async () => {
    await s?.close();
  });

  it('draws image pixels one-to-one with device pixels at 100 %', async () => {
    s = await openSession(inject('baseURL'), { deviceScaleFactor: dpr });
    await s.page.goto('/');
    await ready(s.page);
    await dropFile(s.page, await makeChecker(s.page, 64, 48), 'checker.png', 'image/png');
    await expectImageSize(s.page, '64x48');
    await idle(s.page);
    await s.page.getByRole('button', { name: '100%' }).click();
    await s.page.waitForFunction(() => document.querySelector('[data-testid="viewport"]')?.getAttribute('data-zoom') === '1');
    const result = await s.page.evaluate(async () => {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="viewport"]')!;
      const [, x, y] = canvas.dataset.view!.split(',').map(Number);
      const px = canvas.getContext('2d')!.getImageData(x, y, 64, 48).data;
      let wrong = 0;
      for (let j = 0; j < 48; j++)
        for (let i = 0; i < 64; i++) {
          const on = (i + j) % 2 === 0;
          const r = px[(j * 64 + i) * 4];
          const b = px[(j * 64 + i) * 4 + 2];
          if (on ? r !== 250 || b !== 20 : r !== 20 || b !== 250) wrong++;
        }
      return { wrong, backing: canvas.width / canvas.clientWidth, integral: Number.isInteger(x) && Number.isInteger(y) };
    });
    expect(result.backing).toBeCloseTo(dpr, 2);
    expect(result.integral).toBe(true);
    expect(result.wrong).toBe(0);
    if (dpr === 2) await s.screenshot('20-pixel-exact-dpr2');
  });

  it('zooms around the cursor with the wheel and pans with space-drag and middle-drag', async () => {
    const box = (await s.page.locator('[data-testid="viewport"]').boundingBox())!;
    const cx = box.x + 200;
    const cy = box.y + 150;
    const before = await view(s.page);
    const imgX = ((cx - box.x) * dpr - before.x) / before.zoom;
    await s.page.mouse.move(cx, cy);
    await s.page.mouse.wheel(0, -300);
    await s.page.waitForFunction((z) => Number(document.querySelector('[data-testid="viewport"]')?.getAttribute('data-zoom')) > z, before.zoom);
    const zoomed = await view(s.page);
    expect(zoomed.zoom).toBeGreaterThan(before.zoom);
    expect(((cx - box.x) * dpr - zoomed.x) / zoomed.zoom).toBeCloseTo(imgX, 1);

    await s.page.keyboard.down('Space');
    await s.page.mouse.down();
    await s.page.mouse.move(cx + 50, cy + 30, { steps: 4 });
    await s.page.mouse.up();
    await s.page.keyboard.up('Space');
    const panned = await view(s.page);
    expect(panned.x - zoomed.x).toBeCloseTo(50 * dpr, 0);
    expect(panned.y - zoomed.y).toBeCloseTo(30 * dpr, 0);

    await s.page.mouse.down({ button: 'middle' });
    await s.page.mouse.move(cx, cy, { steps: 4 });
    await s.page.mouse.up({ button: 'middle' });
    const back = await view(s.page);
    expect(back.x - panned.x).toBeCloseTo(-50 * dpr, 0);

    await s.page.getByRole('button', { name: 'Fit' }).click();
    expect((await view(s.page)).zoom).toBeLessThanOrEqual(1);
    expect(s.external).toEqual([]);
    expect(s.csp).toEqual([]);
  });
});

describe('layouts', () => {
  it('is usable on a 390-px-wide phone', async () => {
    const s = await openSession(inject('baseURL'), { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 });
    try {
      await s.page.goto('/');
      await ready(s.page);
      await dropFile(s.page, await makeJpeg(s.page, 1200, 800), 'phone.jpg', 'image/jpeg');
      await expectImageSize(s.page, '1200x800');
      await idle(s.page);
      for (const name of ['Open…', 'Undo', 'Rotate right', 'Crop', 'Fit']) {
        const b = (await s.page.getByRole('button', { name, exact: true }).boundingBox())!;
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width).toBeLessThanOrEqual(390);
      }
      const canvas = (await s.page.locator('[data-testid="viewport"]').boundingBox())!;
      expect(canvas.width).toBeGreaterThan(300);
      expect(canvas.height).toBeGreaterThan(250);
      await s.screenshot('21-phone');
    } finally {
      await s.close();
    }
  });
});
