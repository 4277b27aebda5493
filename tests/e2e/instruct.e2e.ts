import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateFixtures } from '../../scripts/fixtures/generate.ts';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, historyCount, idle, makeJpeg, ready, sampleImage } from './app.ts';

/** Chooses the test models and downloads them through the Models dialog, as a person would. */
async function installTestModels(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  const d = page.getByRole('dialog', { name: 'Models' });
  await d.getByRole('radio', { name: 'Test models' }).check();
  await d.getByTestId('test-models-note').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="models-summary"]')?.textContent?.includes('5 models'));
  await d.getByRole('button', { name: 'Download all' }).click();
  await d.getByRole('button', { name: /^Confirm download of/ }).click();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="model-row"]')].every((r) => r.getAttribute('data-state') === 'ready'), null, { timeout: 60_000 });
  await d.getByRole('button', { name: 'Close' }).first().click();
}

async function send(page: Page, text: string): Promise<void> {
  const box = page.locator('#instruction');
  const before = await page.getByTestId('reply').count();
  await box.fill(text);
  await box.press('Enter');
  await page.waitForFunction(
    (n) => {
      const replies = document.querySelectorAll('[data-testid="reply"]');
      const last = replies[replies.length - 1];
      return replies.length > n && !/thinking…|finding the region…/.test(last.textContent ?? '');
    },
    before,
    { timeout: 120_000 },
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
    const png = await s.page.evaluate(async () => {
      const c = new OffscreenCanvas(320, 240);
      const g = c.getContext('2d')!;
      for (let y = 0; y < 240; y += 8)
        for (let x = 0; x < 320; x += 8) {
          g.fillStyle = `hsl(${(x * 7 + y * 13) % 360} 80% ${30 + ((x + y) % 50)}%)`;
          g.fillRect(x, y, 8, 8);
        }
      return Array.from(new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer()));
    });
    await dropFile(s.page, Buffer.from(png), 'mosaic.png', 'image/png');
    await expectImageSize(s.page, '320x240');
    await idle(s.page);
    await send(s.page, 'replace the cookies with candles');
    await s.page.getByTestId('region').waitFor({ timeout: 30_000 });
    await s.screenshot('52-region');
    // Hide the tint so the comparison sees only the image.
    await s.page.getByTestId('region').getByRole('button', { name: 'Hide' }).click();
    await s.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const before = await s.page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="viewport"]')!;
      return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0)).reduce((a, b) => a + b, 0);
    });
    await s.page.getByLabel('Steps').fill('4');
    await s.page.getByLabel('Seed').fill('1234');
    await s.page.getByRole('button', { name: 'Generate' }).click();
    // The first edit loads the SD fixtures and compiles their shaders (tens of seconds on SwiftShader).
    await s.page.getByTestId('progress').waitFor({ timeout: 150_000 });
    await s.screenshot('53-generating');
    await idle(s.page);
    expect(await s.page.locator('[role="alert"]').count()).toBe(0);
    expect(await historyCount(s.page)).toBe(2);
    const entry = s.page.locator('[data-testid="history-entry"]').nth(1);
    expect(await entry.textContent()).toContain('Edited region');
    expect(await entry.textContent()).toContain('replace the cookies with candles');
    const after = await s.page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="viewport"]')!;
      return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0)).reduce((a, b) => a + b, 0);
    });
    // Test models: the pixels change (meaninglessly) inside the region.
    expect(after).not.toBe(before);
    await s.screenshot('54-generated');
  }, 300_000);

  it('never reached the network', () => {
    expect(s.external).toEqual([]);
  });
});
