import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateFixtures } from '../../scripts/fixtures/generate.ts';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, historyCount, idle, ready } from './app.ts';
import { frames, idleLong, installTestModels, mosaicPng, send, viewportSum } from './flow.ts';

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
    await s.page.getByRole('button', { name: 'Cancel' }).click();
    await idle(s.page);
    expect(await s.page.locator('.notices').textContent()).toContain('Generating stopped');
    expect(await s.page.getByTestId('result-bar').count()).toBe(0);
    expect(await historyCount(s.page)).toBe(1);
    await frames(s.page);
    expect(await viewportSum(s.page)).toBe(before);
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
    expect(await viewportSum(s.page)).not.toBe(edited);
    await s.page.keyboard.press('Control+Shift+z');
    await idle(s.page);
    await frames(s.page);
    expect(await viewportSum(s.page)).toBe(edited);
    await s.page.reload();
    await ready(s.page);
    await expectImageSize(s.page, '320x240');
    expect(await historyCount(s.page)).toBe(2);
    expect(await s.page.locator('[data-testid="history-entry"]').nth(1).textContent()).toContain('replace the cookies with candles');
    await frames(s.page);
    expect(await viewportSum(s.page)).toBe(edited);
    await s.page.getByRole('button', { name: 'Export…' }).click();
    await s.page.getByLabel('Format').selectOption('image/png');
    const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('button', { name: 'Download' }).click()]);
    expect(pngSize(readFileSync((await download.path())!))).toBe('320x240');
    await s.screenshot('64-reloaded');
  }, 360_000);

  it('never reached the network', () => {
    expect(s.external).toEqual([]);
  });
});
