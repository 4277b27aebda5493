import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, historyCount, idle, makeJpeg, ready } from './app.ts';

/**
 * Reloads the page as the person would and says whether the browser asked first (the "leave site?"
 * prompt is dismissed: the page stays). Issue 14: an open Adjust or crop with changes was dropped
 * without asking.
 */
async function reloadAsks(page: Page): Promise<boolean> {
  let asked = false;
  const onDialog = (d: { type(): string; dismiss(): Promise<void> }) => {
    if (d.type() === 'beforeunload') asked = true;
    void d.dismiss();
  };
  page.on('dialog', onDialog);
  try {
    const left = page.waitForEvent('load', { timeout: 3_000 }).then(
      () => true,
      () => false,
    );
    // A reload that runs script, as pressing F5 does: beforeunload handlers get their say.
    await page.evaluate(() => setTimeout(() => location.reload(), 0));
    const reloaded = await left;
    expect(reloaded).toBe(!asked);
    return asked;
  } finally {
    page.off('dialog', onDialog);
  }
}

describe('leaving the page with a hand edit not yet in the history asks first', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseURL'));
    await s.page.goto('/');
    await ready(s.page);
    await dropFile(s.page, await makeJpeg(s.page, 400, 300), 'edit.jpg', 'image/jpeg');
    await expectImageSize(s.page, '400x300');
    await idle(s.page);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('Adjust with a slider moved asks, and staying keeps the panel and its value; opened untouched it does not ask', async () => {
    await s.page.getByRole('button', { name: 'Adjust', exact: true }).click();
    await s.page.getByLabel('Exposure (stops)').fill('1');
    expect(await reloadAsks(s.page)).toBe(true);
    expect(await s.page.getByLabel('Exposure (stops)').inputValue()).toBe('1');

    await s.page.getByLabel('Exposure (stops)').fill('0');
    expect(await reloadAsks(s.page)).toBe(false);
    await ready(s.page);
    await expectImageSize(s.page, '400x300');
    expect(await historyCount(s.page)).toBe(1);
  });

  it('a crop rectangle drawn asks; Crop opened untouched does not', async () => {
    await s.page.getByRole('button', { name: 'Crop' }).click();
    const box = (await s.page.locator('[data-testid="viewport"]').boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await s.page.mouse.move(cx - 60, cy - 40);
    await s.page.mouse.down();
    await s.page.mouse.move(cx + 30, cy + 40, { steps: 5 });
    await s.page.mouse.up();
    expect(await reloadAsks(s.page)).toBe(true);
    expect(await s.page.getByRole('button', { name: 'Apply crop' }).count()).toBe(1);

    await s.page.getByRole('button', { name: 'Cancel' }).click();
    await s.page.getByRole('button', { name: 'Crop' }).click();
    expect(await reloadAsks(s.page)).toBe(false);
    await ready(s.page);
    expect(await historyCount(s.page)).toBe(1);
  });

  it('threw no uncaught error and never reached the network', () => {
    expect(s.errors).toEqual([]);
    expect(s.external).toEqual([]);
  });
});
