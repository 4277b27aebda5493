import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateFixtures } from '../../scripts/fixtures/generate.ts';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, historyCount, idle, ready } from './app.ts';
import { frames, idleLong, installTestModels, mosaicPng, send, viewportSum } from './flow.ts';

/**
 * The red channel of image columns [x0, x1) as drawn, one sum per sampled row, read at pixel
 * centres (exact at 100 % zoom, which small test images are shown at).
 */
async function columnSum(page: Page, x0: number, x1: number): Promise<number[]> {
  return page.evaluate(
    ({ x0, x1 }) => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="viewport"]')!;
      const h = Number(c.dataset.imageSize!.split('x')[1]);
      const g = c.getContext('2d')!;
      // Away from the edges, where a tool may draw its handles.
      const [zoom, x, y] = c.dataset.view!.split(',').map(Number);
      const out: number[] = [];
      for (let iy = 12; iy < h - 12; iy += 4) {
        let sum = 0;
        for (let ix = x0 + 12; ix < x1; ix += 4) sum += g.getImageData(Math.floor(x + (ix + 0.5) * zoom), Math.floor(y + (iy + 0.5) * zoom), 1, 1).data[0];
        out.push(sum);
      }
      return out;
    },
    { x0, x1 },
  );
}

/** Width and height of a PNG from its IHDR. */
const pngSize = (b: Buffer) => `${b.readUInt32BE(16)}x${b.readUInt32BE(20)}`;

describe('generating with the test models: text to image, cancel, reload, export', () => {
  let s: Session;
  beforeAll(async () => {
    generateFixtures();
    s = await openSession(inject('baseURL'));
    await s.page.goto('/');
    await ready(s.page);
    await installTestModels(s.page);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('creates a picture from a description on the empty canvas and opens it as a new project when kept', async () => {
    const form = s.page.getByRole('region', { name: 'Create an image from a description' });
    await form.getByLabel('Describe the picture').fill('a lighthouse on a cliff at sunset');
    await form.getByLabel('Size').selectOption('landscape');
    await form.getByTestId('generate-settings').locator('summary').click();
    await form.getByLabel('Steps').fill('3');
    await s.screenshot('60-create');
    await form.getByRole('button', { name: 'Create' }).click();
    await s.page.getByTestId('progress').waitFor({ timeout: 150_000 });
    // Rough previews of the latents arrive while it denoises.
    await s.page.getByTestId('create-preview').waitFor({ timeout: 150_000 });
    await s.screenshot('61-creating');
    await idleLong(s.page);
    expect(await s.page.locator('[role="alert"]').count()).toBe(0);
    // The result waits on the canvas; nothing is saved until it is kept.
    await s.page.getByTestId('result-bar').waitFor();
    await expectImageSize(s.page, '768x512');
    expect(await historyCount(s.page)).toBe(0);
    await s.screenshot('62-created');
    await s.page.getByRole('button', { name: 'Keep' }).click();
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(1);
    const entry = s.page.locator('[data-testid="history-entry"]').first();
    expect(await entry.textContent()).toContain('768×512');
    expect(await entry.textContent()).toContain('Generated');
    expect(await entry.textContent()).toContain('a lighthouse on a cliff at sunset');
    await expectImageSize(s.page, '768x512');
  }, 360_000);

  it('stops a generation mid-way with Cancel and keeps the image and history as they were', async () => {
    await dropFile(s.page, await mosaicPng(s.page), 'mosaic.png', 'image/png');
    await expectImageSize(s.page, '320x240');
    await idle(s.page);
    await send(s.page, 'replace the cookies with candles');
    await s.page.getByTestId('region').waitFor({ timeout: 30_000 });
    await s.page.getByRole('button', { name: 'Show mask' }).click();
    await frames(s.page);
    const before = await viewportSum(s.page);
    await s.page.getByTestId('generate-settings').locator('summary').click();
    await s.page.getByLabel('Steps').fill('50');
    await s.page.getByRole('button', { name: 'Generate' }).click();
    await s.page.waitForFunction(() => /step [1-9]\d* of 50/.test(document.querySelector('[data-testid="progress"]')?.textContent ?? ''), null, { timeout: 150_000 });
    await s.screenshot('63-before-cancel');
    await s.page.getByRole('button', { name: 'Cancel generation' }).click();
    await idle(s.page);
    expect(await s.page.locator('.notices').textContent()).toContain('Generating stopped');
    expect(await s.page.getByTestId('result-bar').count()).toBe(0);
    // Still one entry (nothing to undo), and the region stays open to try again.
    expect(await s.page.getByRole('button', { name: 'Undo', exact: true }).isDisabled()).toBe(true);
    expect(await s.page.getByTestId('region').count()).toBe(1);
    await frames(s.page);
    expect(await viewportSum(s.page)).toBe(before);
    // A mask painted by hand is not in the history yet: leaving the page asks first.
    await s.page.getByRole('button', { name: 'Brush', exact: true }).click();
    const box = (await s.page.locator('[data-testid="viewport"]').boundingBox())!;
    await s.page.mouse.move(box.x + box.width / 2 - 40, box.y + box.height / 2);
    await s.page.mouse.down();
    await s.page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2, { steps: 6 });
    await s.page.mouse.up();
    expect(await s.page.getByTestId('region').textContent()).toContain('corrected by hand');
    const dialog = new Promise<string>((resolve) =>
      s.page.once('dialog', (d) => {
        resolve(d.type());
        void d.dismiss();
      }),
    );
    await s.page.evaluate(() => location.reload());
    expect(await dialog).toBe('beforeunload');
    expect(await s.page.getByTestId('region').count()).toBe(1);
  }, 360_000);

  it('keeps an edit, undoes and redoes it, finds it after a reload and exports it at the original size', async () => {
    await s.page.getByLabel('Steps').fill('3');
    await s.page.getByRole('button', { name: 'Generate' }).click();
    await s.page.getByTestId('result-bar').waitFor({ timeout: 240_000 });
    await idle(s.page);
    // Enter keeps the result (focus outside any field).
    await s.page.locator('[data-testid="viewport"]').click({ position: { x: 5, y: 5 } });
    await s.page.keyboard.press('Enter');
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(2);
    await frames(s.page);
    const edited = await viewportSum(s.page);
    await s.page.keyboard.press('Control+z');
    await idle(s.page);
    await frames(s.page);
    const original = await viewportSum(s.page);
    expect(original).not.toBe(edited);
    await s.page.keyboard.press('Control+Shift+z');
    await idle(s.page);
    await frames(s.page);
    expect(await viewportSum(s.page)).toBe(edited);
    // Compare the kept step with the one before it: the slider fully right shows the step before.
    await s.page.getByRole('button', { name: 'Compare', exact: true }).click();
    const bar = s.page.getByRole('group', { name: 'Before and after' });
    await bar.getByLabel('Before/after split').fill('1');
    await frames(s.page);
    expect(await viewportSum(s.page)).toBe(original);
    await s.screenshot('64a-compare-history');
    await bar.getByRole('button', { name: 'Done' }).click();
    await frames(s.page);
    expect(await viewportSum(s.page)).toBe(edited);
    await s.page.reload();
    await ready(s.page);
    await expectImageSize(s.page, '320x240');
    expect(await historyCount(s.page)).toBe(2);
    expect(await s.page.locator('[data-testid="history-entry"]').nth(1).textContent()).toContain('replace the cookies with candles');
    // The conversation came back with the project: the instruction and the model's plan.
    await s.page.getByTestId('reply').first().waitFor();
    expect(await s.page.getByRole('list', { name: 'Conversation' }).textContent()).toContain('replace the cookies with candles');
    expect(await s.page.getByTestId('plan-kind').first().textContent()).toMatch(/^Edit a region/);
    await frames(s.page);
    expect(await viewportSum(s.page)).toBe(edited);
    await s.page.getByRole('button', { name: 'Export…' }).click();
    await s.page.getByLabel('Format').selectOption('image/png');
    const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('button', { name: 'Download' }).click()]);
    expect(pngSize(readFileSync((await download.path())!))).toBe('320x240');
    await s.screenshot('64-reloaded');
  }, 360_000);

  it('extends the canvas by dragging an edge or a preset, fills the new area and keeps the original pixels', async () => {
    await s.page.getByRole('button', { name: 'Extend' }).click();
    const panel = s.page.getByRole('region', { name: 'Extend the canvas' });
    await panel.waitFor();
    // Drag the right edge outward by about 40 image pixels.
    const box = (await s.page.locator('[data-testid="viewport"]').boundingBox())!;
    const view = (await s.page.getAttribute('[data-testid="viewport"]', 'data-view'))!.split(',').map(Number);
    const dpr = await s.page.evaluate(() => devicePixelRatio);
    const at = (ix: number, iy: number) => ({ x: box.x + (view[1] + ix * view[0]) / dpr, y: box.y + (view[2] + iy * view[0]) / dpr });
    await s.page.mouse.move(at(320, 120).x, at(320, 120).y);
    await s.page.mouse.down();
    await s.page.mouse.move(at(360, 120).x, at(360, 120).y, { steps: 8 });
    await s.page.mouse.up();
    expect(Number(await panel.getByLabel('Right').inputValue())).toBe(40);
    await s.screenshot('65-extend-drag');
    await panel.getByRole('button', { name: 'Reset' }).click();
    await panel.getByRole('button', { name: 'Right 25 %' }).click();
    expect(await panel.textContent()).toContain('320 × 240 → 400 × 240 (+80 right)');
    await panel.getByLabel('Describe what the new area should show').fill('more of the mosaic');
    await panel.getByTestId('generate-settings').locator('summary').click();
    await panel.getByLabel('Steps').fill('3');
    await frames(s.page);
    const leftBefore = await columnSum(s.page, 0, 100);
    await panel.getByRole('button', { name: 'Generate' }).click();
    await s.page.getByTestId('result-bar').waitFor({ timeout: 240_000 });
    await idle(s.page);
    await expectImageSize(s.page, '400x240');
    await s.screenshot('66-extended');
    await s.page.getByRole('button', { name: 'Keep' }).click();
    await idle(s.page);
    await expectImageSize(s.page, '400x240');
    const entries = s.page.locator('[data-testid="history-entry"]');
    expect(await entries.count()).toBe(3);
    expect(await entries.nth(2).textContent()).toContain('Extended');
    expect(await entries.nth(2).textContent()).toContain('more of the mosaic');
    // The image's left part lies outside the region the edit ran on: its pixels are the original ones.
    await frames(s.page);
    const leftAfter = await columnSum(s.page, 0, 100);
    expect(leftAfter).toEqual(leftBefore);
  }, 360_000);

  it('never reached the network', () => {
    expect(s.external).toEqual([]);
    expect(s.csp).toEqual([]);
  });
});
