import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromiumArgs } from '../chromium.ts';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, historyCount, idle, makeJpeg, ready, sampleImage } from './app.ts';

describe('a browser without WebGPU', () => {
  let s: Session;
  beforeAll(async () => {
    // Linux Chromium without --enable-unsafe-webgpu has navigator.gpu but no adapter: WebGPU is unusable.
    s = await openSession(inject('baseURL'), { args: chromiumArgs.filter((a) => a !== '--enable-unsafe-webgpu') });
    await s.page.goto('/');
    await ready(s.page);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('says the AI models cannot run here and what still works', async () => {
    const banner = s.page.getByTestId('capability-banner');
    await banner.waitFor({ timeout: 10_000 });
    const text = (await banner.textContent()) ?? '';
    expect(text).toMatch(/can't run the AI models/);
    expect(text).toMatch(/rotating, cropping, adjusting, undo and export still work/);
    await s.screenshot('70-no-webgpu');
  });

  it('still opens, rotates, adjusts (on the CPU), undoes and exports', async () => {
    await dropFile(s.page, await makeJpeg(s.page, 400, 300), 'photo.jpg', 'image/jpeg');
    await expectImageSize(s.page, '400x300');
    await idle(s.page);
    await s.page.getByRole('button', { name: 'Rotate right' }).click();
    await expectImageSize(s.page, '300x400');
    await idle(s.page);
    const before = await sampleImage(s.page, 0.5, 0.75);
    await s.page.getByRole('button', { name: 'Adjust', exact: true }).click();
    await s.page.getByLabel('Exposure (stops)').fill('1');
    await s.page.getByRole('button', { name: 'Apply' }).click();
    await idle(s.page);
    expect(await s.page.locator('[role="alert"]').count()).toBe(0);
    expect(await historyCount(s.page)).toBe(3);
    const after = await sampleImage(s.page, 0.5, 0.75);
    expect(after[0] + after[1] + after[2]).toBeGreaterThan(before[0] + before[1] + before[2]);
    await s.page.keyboard.press('Control+z');
    await idle(s.page);
    await s.page.getByRole('button', { name: 'Export…' }).click();
    const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^photo-edited\./);
  });

  it('never reached the network', () => {
    expect(s.external).toEqual([]);
    expect(s.csp).toEqual([]);
  });
});
