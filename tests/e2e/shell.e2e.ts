import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './browser.ts';
import { decodedSize, dropFile, expectImageSize, historyCount, idle, makeJpeg, pasteFile, ready, sampleImage } from './app.ts';

const isRed = ([r, g, b]: number[]) => r > 150 && g < 90 && b < 90;
const isBlue = ([r, g, b]: number[]) => b > 150 && r < 90 && g < 90;

describe('editor shell, as a new user meets it', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseURL'));
  });
  afterAll(async () => {
    await s?.close();
  });

  it('opens on an empty canvas with an invitation', async () => {
    await s.page.goto('/');
    await ready(s.page);
    await expect(s.page.getByText('Drop an image anywhere')).toBeTruthy();
    expect(await historyCount(s.page)).toBe(0);
    await s.screenshot('01-empty');
  });

  it('opens a dropped photo at full resolution', async () => {
    const jpeg = await makeJpeg(s.page, 640, 400);
    await dropFile(s.page, jpeg, 'beach.jpg', 'image/jpeg');
    await expectImageSize(s.page, '640x400');
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(1);
    expect(isRed(await sampleImage(s.page, 0.25, 0.6))).toBe(true);
    expect(isBlue(await sampleImage(s.page, 0.75, 0.6))).toBe(true);
    await s.screenshot('02-opened');
  });

  it('rotates, undoes and redoes with buttons and shortcuts', async () => {
    await s.page.getByRole('button', { name: 'Rotate right' }).click();
    await expectImageSize(s.page, '400x640');
    await idle(s.page);
    // Clockwise: the left (red) half is now on top.
    expect(isRed(await sampleImage(s.page, 0.5, 0.3))).toBe(true);
    expect(isBlue(await sampleImage(s.page, 0.5, 0.75))).toBe(true);
    expect(await historyCount(s.page)).toBe(2);
    await s.screenshot('03-rotated');

    await s.page.keyboard.press('Control+z');
    await expectImageSize(s.page, '640x400');
    await idle(s.page);
    await s.page.keyboard.press('Control+Shift+z');
    await expectImageSize(s.page, '400x640');
    await idle(s.page);
    await s.page.getByRole('button', { name: 'Undo' }).click();
    await expectImageSize(s.page, '640x400');
    await idle(s.page);
    await s.page.keyboard.press('Control+y');
    await expectImageSize(s.page, '400x640');
    await idle(s.page);
  });

  it('crops by dragging over the image', async () => {
    await s.page.getByRole('button', { name: 'Crop' }).click();
    const box = (await s.page.locator('[data-testid="viewport"]').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await s.page.mouse.move(cx - 60, cy - 60);
    await s.page.mouse.down();
    await s.page.mouse.move(cx + 20, cy + 40, { steps: 5 });
    await s.page.mouse.up();
    await s.screenshot('04-crop-rect');
    await s.page.getByRole('button', { name: 'Apply crop' }).click();
    await idle(s.page);
    const [w, h] = (await s.page.getAttribute('[data-testid="viewport"]', 'data-image-size'))!.split('x').map(Number);
    expect(w).toBeLessThan(400);
    expect(h).toBeLessThan(640);
    expect(w / h).toBeCloseTo(80 / 100, 1);
    expect(await historyCount(s.page)).toBe(3);
    await s.page.keyboard.press('Control+z');
    await expectImageSize(s.page, '400x640');
    await idle(s.page);
  });

  it('restores the project exactly after a reload, redo branch included', async () => {
    await s.page.reload();
    await ready(s.page);
    await expectImageSize(s.page, '400x640');
    expect(await historyCount(s.page)).toBe(3);
    const current = s.page.locator('[data-testid="history-entry"][aria-current="step"]');
    expect(await current.count()).toBe(1);
    expect(await current.textContent()).toContain('Rotated right');
    await s.screenshot('05-reloaded');
  });

  it('jumps back through the history panel', async () => {
    await s.page.locator('[data-testid="history-entry"]').first().click();
    await expectImageSize(s.page, '640x400');
    await idle(s.page);
    await s.page.locator('[data-testid="history-entry"]').nth(1).click();
    await expectImageSize(s.page, '400x640');
    await idle(s.page);
  });

  it('exports JPEG, PNG and WebP at the original resolution with a derived name', async () => {
    for (const [format, ext] of [['image/jpeg', 'jpg'], ['image/png', 'png'], ['image/webp', 'webp']] as const) {
      await s.page.getByRole('button', { name: 'Export…' }).click();
      await s.page.getByLabel('Format').selectOption(format);
      const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('button', { name: 'Download' }).click()]);
      expect(download.suggestedFilename()).toBe(`beach-edited.${ext}`);
      const bytes = readFileSync((await download.path())!);
      expect(await decodedSize(s.page, bytes)).toBe('400x640');
      await idle(s.page);
    }
  });

  it('opens a pasted image as a new project and lists both projects', async () => {
    const jpeg = await makeJpeg(s.page, 300, 200);
    await pasteFile(s.page, jpeg, 'image.png', 'image/jpeg');
    await expectImageSize(s.page, '300x200');
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(1);
    await s.page.getByRole('button', { name: 'Projects' }).click();
    await s.page.waitForSelector('[data-testid="project-row"]');
    expect(await s.page.locator('[data-testid="project-row"]').count()).toBe(2);
    expect(await s.page.getByTestId('storage').textContent()).toMatch(/used of/);
    await s.screenshot('06-projects');
    await s.page.getByRole('button', { name: 'Open beach.jpg' }).click();
    await expectImageSize(s.page, '400x640');
    await idle(s.page);
  });

  it('reloads offline from the service worker with its history', async () => {
    await s.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // The first load is not controlled yet; a reload puts the page under the worker.
    await s.page.reload();
    await ready(s.page);
    await s.context.setOffline(true);
    try {
      await s.page.reload();
      await ready(s.page);
      await expectImageSize(s.page, '400x640');
      expect(await historyCount(s.page)).toBe(3);
      expect(await s.page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
      await s.screenshot('07-offline');
    } finally {
      await s.context.setOffline(false);
    }
  });

  it('never reached the network and logged no errors', () => {
    expect(s.external).toEqual([]);
    expect(s.csp).toEqual([]);
    expect(s.errors).toEqual([]);
  });
});
