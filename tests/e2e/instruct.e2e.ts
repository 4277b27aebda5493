import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateFixtures } from '../../scripts/fixtures/generate.ts';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, historyCount, idle, makeJpeg, ready, sampleImage } from './app.ts';
import { frames, installTestModels, mosaicPng, send, viewportSum } from './flow.ts';

/** Sum of the red channel of the drawn image rows [y0, y1) (image pixels). */
async function stripSum(page: Page, y0: number, y1: number): Promise<number> {
  return page.evaluate(
    ({ y0, y1 }) => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="viewport"]')!;
      const [zoom, x, y] = c.dataset.view!.split(',').map(Number);
      const [w] = c.dataset.imageSize!.split('x').map(Number);
      const top = Math.ceil(y + y0 * zoom);
      const d = c.getContext('2d')!.getImageData(Math.ceil(x), top, Math.floor(w * zoom) - 1, Math.floor((y1 - y0) * zoom) - 1).data;
      let sum = 0;
      for (let i = 0; i < d.length; i += 4) sum += d[i];
      return sum;
    },
    { y0, y1 },
  );
}

describe('instructions with the test models: plan, adjust, region', () => {
  let s: Session;
  beforeAll(async () => {
    generateFixtures();
    s = await openSession(inject('baseURL'));
    await s.page.goto('/');
    await ready(s.page);
    await installTestModels(s.page);
    await dropFile(s.page, await makeJpeg(s.page, 640, 400), 'table.jpg', 'image/jpeg');
    await expectImageSize(s.page, '640x400');
    await idle(s.page);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('turns "make it brighter" into a global plan that opens the adjustments prefilled, then applies them', async () => {
    const before = await sampleImage(s.page, 0.25, 0.6);
    await send(s.page, 'make it brighter');
    const kind = s.page.getByTestId('plan-kind').last();
    expect(await kind.textContent()).toBe('Adjust the whole image');
    const exposure = Number(await s.page.locator('#adjust-exposure').inputValue());
    const brightness = Number(await s.page.locator('#adjust-brightness').inputValue());
    expect(exposure > 0 || brightness > 0).toBe(true);
    await s.screenshot('50-instruct-global');
    await s.page.getByRole('button', { name: 'Apply' }).click();
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(2);
    // The applied image is drawn on the next animation frame.
    await frames(s.page);
    const after = await sampleImage(s.page, 0.25, 0.6);
    expect(after[1] + after[2]).toBeGreaterThan(before[1] + before[2]);
  });

  it('turns a local instruction into a region found by CLIPSeg and shown over the image', async () => {
    await send(s.page, 'replace the red half with candles');
    expect(await s.page.getByTestId('plan-kind').last().textContent()).toMatch(/^Edit a region/);
    // The fixture CLIPSeg is random: either it finds a region (drawn over the image) or says it found none.
    await s.page.waitForFunction(
      () => !!document.querySelector('[data-testid="region"]') || /Could not find/.test(document.querySelector('.notices')?.textContent ?? ''),
      null,
      { timeout: 30_000 },
    );
    const region = s.page.getByTestId('region');
    if (await region.count()) expect(await region.textContent()).toMatch(/Region found by CLIPSeg/);
    else expect(await s.page.locator('.notices').textContent()).toMatch(/Could not find “the red half” in the image/);
    await s.screenshot('51-instruct-local');
    // The reply is shown as text: the conversation keeps both turns.
    expect(await s.page.getByTestId('reply').count()).toBe(2);
  });

  it('generates the edit for a found region with progress, pastes it back and keeps it in history', async () => {
    // A mosaic the test CLIPSeg finds regions in (on flat colours it finds none).
    await dropFile(s.page, await mosaicPng(s.page), 'mosaic.png', 'image/png');
    await expectImageSize(s.page, '320x240');
    await idle(s.page);
    await send(s.page, 'replace the cookies with candles');
    await s.page.getByTestId('region').waitFor({ timeout: 30_000 });
    await s.screenshot('52-region');
    expect(await s.page.getByLabel('What should be there').inputValue()).not.toBe('');
    // Correct the mask by hand: clear it, paint one horizontal stroke through the middle, erase its right end.
    const region = s.page.getByTestId('region');
    await s.page.getByRole('button', { name: 'Clear' }).click();
    await s.page.waitForFunction(() => /\(0 % of the image\)/.test(document.querySelector('[data-testid="region"]')?.textContent ?? ''));
    expect(await s.page.getByRole('button', { name: 'Generate' }).isDisabled()).toBe(true);
    const box = (await s.page.locator('[data-testid="viewport"]').boundingBox())!;
    const view = (await s.page.getAttribute('[data-testid="viewport"]', 'data-view'))!.split(',').map(Number);
    const dpr = await s.page.evaluate(() => devicePixelRatio);
    // Image pixel → page position.
    const at = (ix: number, iy: number) => ({ x: box.x + (view[1] + ix * view[0]) / dpr, y: box.y + (view[2] + iy * view[0]) / dpr });
    await s.page.keyboard.press(']');
    await s.page.keyboard.press(']');
    const stroke = async (x0: number, x1: number) => {
      await s.page.mouse.move(at(x0, 120).x, at(x0, 120).y);
      await s.page.mouse.down();
      await s.page.mouse.move(at(x1, 120).x, at(x1, 120).y, { steps: 12 });
      await s.page.mouse.up();
    };
    await stroke(60, 260);
    const percent = async () => Number(/\((\d+) % of the image\)/.exec((await region.textContent()) ?? '')?.[1]);
    const painted = await percent();
    expect(painted).toBeGreaterThan(0);
    expect(await region.textContent()).toContain('corrected by hand');
    await s.page.getByRole('button', { name: 'Eraser' }).click();
    await stroke(200, 300);
    expect(await percent()).toBeLessThan(painted);
    await s.screenshot('52b-mask-corrected');
    // Hide the tint so the comparison sees only the image.
    await s.page.getByRole('button', { name: 'Show mask' }).click();
    await frames(s.page);
    const before = await viewportSum(s.page);
    const topBefore = await stripSum(s.page, 0, 40);
    await s.page.getByTestId('generate-settings').locator('summary').click();
    await s.page.getByLabel('Steps').fill('4');
    await s.page.getByLabel('Seed', { exact: true }).fill('1234');
    expect(await s.page.getByRole('button', { name: 'Locked' }).getAttribute('aria-pressed')).toBe('true');
    await s.page.getByRole('radio', { name: '2' }).check();
    await s.page.getByRole('button', { name: 'Generate' }).click();
    // The first edit loads the SD fixtures and compiles their shaders (tens of seconds on SwiftShader).
    await s.page.getByTestId('progress').waitFor({ timeout: 150_000 });
    await s.screenshot('53-generating');
    await s.page.waitForSelector('.app[data-busy=""]', { timeout: 240_000 });
    expect(await s.page.locator('[role="alert"]').count()).toBe(0);
    // Two variants to choose from, seeds 1234 and 1235; nothing is in the history until one is kept.
    const bar = s.page.getByTestId('result-bar');
    await bar.waitFor();
    expect(await historyCount(s.page)).toBe(1);
    const variants = bar.getByRole('radio');
    expect(await variants.count()).toBe(2);
    expect(await variants.nth(1).getAttribute('aria-label')).toBe('Variant 2, seed 1235');
    const first = await viewportSum(s.page);
    await variants.nth(1).click();
    await frames(s.page);
    const second = await viewportSum(s.page);
    expect(second).not.toBe(first);
    // Before/after: the slider fully right shows the image before the edit.
    await bar.getByLabel('Before / after').check();
    await bar.getByLabel('Before/after split').fill('1');
    await frames(s.page);
    expect(await viewportSum(s.page)).toBe(before);
    await s.screenshot('54-compare');
    await bar.getByLabel('Before / after').uncheck();
    await frames(s.page);
    expect(await viewportSum(s.page)).toBe(second);
    await bar.getByRole('button', { name: 'Keep' }).click();
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(2);
    const entry = s.page.locator('[data-testid="history-entry"]').nth(1);
    expect(await entry.textContent()).toContain('Edited region');
    expect(await entry.textContent()).toContain('replace the cookies with candles');
    await frames(s.page);
    const after = await viewportSum(s.page);
    // Test models: the pixels change (meaninglessly) inside the region; the kept one is variant 2.
    expect(after).not.toBe(before);
    expect(after).toBe(second);
    // Only the painted stroke (y ≈ 120) was repainted: the top rows are the original pixels.
    expect(await stripSum(s.page, 0, 40)).toBe(topBefore);
    // The mask is stored with the entry: a grey PNG, white along the stroke's row, black at the top.
    const mask = await s.page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('instruct-edit');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const blobs = await new Promise<Blob[]>((resolve, reject) => {
        const r = db.transaction('projects').objectStore('projects').getAll(IDBKeyRange.bound(['mask'], ['mask', []]));
        r.onsuccess = () => resolve(r.result as Blob[]);
        r.onerror = () => reject(r.error);
      });
      db.close();
      if (blobs.length !== 1) return { count: blobs.length };
      const bitmap = await createImageBitmap(blobs[0]);
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = c.getContext('2d')!;
      g.drawImage(bitmap, 0, 0);
      const at = (fx: number, fy: number) => g.getImageData(Math.floor(fx * bitmap.width), Math.floor(fy * bitmap.height), 1, 1).data[0];
      return { count: 1, type: blobs[0].type, stroke: at(100 / 320, 0.5), top: at(0.5, 0.05) };
    });
    expect(mask).toEqual({ count: 1, type: 'image/png', stroke: 255, top: 0 });
    await s.screenshot('55-kept');
  }, 420_000);

  it('never reached the network', () => {
    expect(s.external).toEqual([]);
    expect(s.csp).toEqual([]);
  });
});
