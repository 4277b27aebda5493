import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, historyCount, idle, makeJpeg, ready, sampleImage } from './app.ts';

const luma = ([r, g, b]: number[]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

describe('global adjustments on the GPU, previewed live and applied as history', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseURL'));
    await s.page.goto('/');
    await ready(s.page);
    await dropFile(s.page, await makeJpeg(s.page, 800, 500), 'room.jpg', 'image/jpeg');
    await expectImageSize(s.page, '800x500');
    await idle(s.page);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('previews exposure live, compares, and applies it as an entry that survives a reload', async () => {
    const before = await sampleImage(s.page, 0.25, 0.6);
    await s.page.getByRole('button', { name: 'Adjust', exact: true }).click();
    await s.page.getByLabel('Exposure (stops)').fill('1');
    await s.page.waitForFunction(
      (l0) => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid="viewport"]')!;
        const [, x, y] = c.dataset.view!.split(',').map(Number);
        const p = c.getContext('2d')!.getImageData(x + 200, y + 300, 1, 1).data;
        return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2] > l0 * 1.25;
      },
      luma(before),
      { timeout: 30_000 },
    );
    const previewed = await sampleImage(s.page, 0.25, 0.6);
    expect(previewed[0]).toBeGreaterThan(before[0]);
    expect(await historyCount(s.page)).toBe(0); // the panel replaces the history list while open
    await s.screenshot('40-adjust-preview');

    await s.page.getByRole('button', { name: 'Apply' }).click();
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(2);
    expect(await s.page.locator('[data-testid="history-entry"]').nth(1).textContent()).toContain('Adjusted');
    const applied = await sampleImage(s.page, 0.25, 0.6);
    expect(Math.abs(applied[0] - previewed[0])).toBeLessThanOrEqual(3);

    await s.page.reload();
    await ready(s.page);
    await expectImageSize(s.page, '800x500');
    const reloaded = await sampleImage(s.page, 0.25, 0.6);
    expect(Math.abs(reloaded[0] - applied[0])).toBeLessThanOrEqual(2);

    await s.page.keyboard.press('Control+z');
    await idle(s.page);
    const undone = await sampleImage(s.page, 0.25, 0.6);
    expect(Math.abs(undone[0] - before[0])).toBeLessThanOrEqual(2);
  });

  it('cancelling leaves the image and history alone', async () => {
    const before = await sampleImage(s.page, 0.75, 0.6);
    await s.page.getByRole('button', { name: 'Adjust', exact: true }).click();
    await s.page.getByLabel('Saturation').fill('0');
    await s.page.waitForFunction(() => true);
    await s.page.keyboard.press('Escape');
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(2);
    expect(await sampleImage(s.page, 0.75, 0.6)).toEqual(before);
    expect(s.external).toEqual([]);
    expect(s.csp).toEqual([]);
    expect(s.errors).toEqual([]);
  });
});
