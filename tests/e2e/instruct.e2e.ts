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
  await box.fill(text);
  await box.press('Enter');
  await page.waitForFunction(() => {
    const replies = document.querySelectorAll('[data-testid="reply"]');
    const last = replies[replies.length - 1];
    return last && !/thinking…|finding the region…/.test(last.textContent ?? '');
  }, null, { timeout: 120_000 });
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

  it('never reached the network', () => {
    expect(s.external).toEqual([]);
  });
});
