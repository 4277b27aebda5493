import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CDPSession } from 'playwright-core';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, historyCount, idle, imageSize, makeJpeg, ready } from './app.ts';

describe('a full disk is reported clearly and loses nothing already saved', () => {
  let s: Session;
  let cdp: CDPSession;
  let origin: string;
  beforeAll(async () => {
    s = await openSession(inject('baseURL'));
    await s.page.goto('/');
    await ready(s.page);
    origin = new URL(s.page.url()).origin;
    cdp = await s.context.newCDPSession(s.page);
  });
  afterAll(async () => {
    await cdp?.send('Storage.overrideQuotaForOrigin', { origin }).catch(() => {});
    await s?.close();
  });

  it('refuses a change that does not fit, keeps the image and history, and works again once space is back', async () => {
    // Shrink the quota to what is used now plus a little, before the editor has written anything:
    // Chromium trusts a cached free-space figure for a while after its last quota check.
    const { usage } = (await cdp.send('Storage.getUsageAndQuota', { origin })) as { usage: number };
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 2 * 1024 });
    const photo = await makeJpeg(s.page, 1600, 1200, 0.95);
    expect(photo.length).toBeGreaterThan(8 * 1024);
    await dropFile(s.page, photo, 'big.jpg', 'image/jpeg');
    const alert = s.page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/Storage is full.*not saved.*deleting old projects/s);
    await idle(s.page);
    expect(await imageSize(s.page)).toBe('');
    expect(await historyCount(s.page)).toBe(0);
    await s.screenshot('30-storage-full');

    await s.page.getByRole('button', { name: 'Manage projects' }).click();
    await s.page.getByRole('heading', { name: 'Recent projects' }).waitFor();
    await s.page.getByRole('button', { name: 'Close recent projects' }).click();
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await dropFile(s.page, photo, 'big.jpg', 'image/jpeg');
    await expectImageSize(s.page, '1600x1200');
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(1);
    await s.page.reload();
    await ready(s.page);
    await expectImageSize(s.page, '1600x1200');
  });
});
