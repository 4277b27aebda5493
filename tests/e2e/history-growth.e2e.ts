import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, historyCount, idle, makeJpeg, ready, sampleImage } from './app.ts';

const isRed = ([r, g, b]: number[]) => r > 150 && g < 90 && b < 90;
const isBlue = ([r, g, b]: number[]) => b > 150 && r < 90 && g < 90;
const isWhite = ([r, g, b]: number[]) => r > 200 && g > 200 && b > 200;

/** What the app stored for its one project, read straight from IndexedDB: record kinds by step, and total blob bytes. */
async function stored(page: Page): Promise<{ kinds: string[]; images: number; bytes: number; original: boolean }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('instruct-edit');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const all = <T,>(kind: string) =>
      new Promise<T[]>((resolve, reject) => {
        const r = db.transaction('projects').objectStore('projects').getAll(IDBKeyRange.bound([kind], [kind, []]));
        r.onsuccess = () => resolve(r.result as T[]);
        r.onerror = () => reject(r.error);
      });
    const [project] = await all<{ entryIds: string[] }>('project');
    const entries = await all<{ id: string; storage: { kind: string } }>('entry');
    const blobs = [...(await all<Blob>('image')), ...(await all<Blob>('thumb')), ...(await all<Blob>('mask')), ...(await all<Blob>('original'))];
    const images = (await all<Blob>('image')).length;
    const original = (await all<Blob>('original')).length === 1;
    db.close();
    const byId = new Map(entries.map((e) => [e.id, e.storage.kind]));
    return { kinds: project.entryIds.map((id) => byId.get(id) ?? '?'), images, bytes: blobs.reduce((n, b) => n + b.size, 0), original };
  });
}

/** The size the history panel shows, in bytes as written ("12.3 KB stored"). */
async function shownSize(page: Page): Promise<string> {
  await page.waitForFunction(() => /stored$/.test(document.querySelector('[data-testid="history-size"]')?.textContent ?? ''));
  return (await page.locator('[data-testid="history-size"]').textContent())!.trim();
}

/** formatBytes as the page writes it. */
const format = (n: number) => {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(n < 10 && i > 0 ? 1 : 0)} ${units[i]}`;
};

describe('history storage grows with what changed', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseURL'));
  });
  afterAll(async () => {
    await s?.close();
  });

  it('rotations and flips are stored without images; the panel and Recent projects show the project size', async () => {
    await s.page.goto('/');
    await ready(s.page);
    await dropFile(s.page, await makeJpeg(s.page, 1200, 800), 'growth.jpg', 'image/jpeg');
    await expectImageSize(s.page, '1200x800');
    await idle(s.page);
    const opened = await stored(s.page);
    expect(await shownSize(s.page)).toBe(`${format(opened.bytes)} stored`);

    await s.page.getByRole('button', { name: 'Rotate right' }).click();
    await expectImageSize(s.page, '800x1200');
    await idle(s.page);
    await s.page.getByRole('button', { name: 'Flip vertically' }).click();
    await idle(s.page);
    await s.page.getByRole('button', { name: 'Rotate right' }).click();
    await expectImageSize(s.page, '1200x800');
    await idle(s.page);
    await s.page.getByRole('button', { name: 'Flip horizontally' }).click();
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(5);

    const after = await stored(s.page);
    expect(after.kinds).toEqual(['image', 'transform', 'transform', 'transform', 'transform']);
    // The opened JPEG is the first step's image: no image record was written at all.
    expect(after.images).toBe(0);
    // Four steps added four thumbnails and nothing else.
    expect(after.bytes - opened.bytes).toBeLessThan(4 * 12_000);
    expect(await shownSize(s.page)).toBe(`${format(after.bytes)} stored`);
    // cw, flip V, cw, flip H is a half turn: red on the right, the stripe at the bottom.
    expect(isRed(await sampleImage(s.page, 0.75, 0.4))).toBe(true);
    expect(isBlue(await sampleImage(s.page, 0.25, 0.4))).toBe(true);
    expect(isWhite(await sampleImage(s.page, 0.5, 0.97))).toBe(true);
    await s.screenshot('60-growth-transforms');
  });

  it('after a reload the image is rebuilt from the operations, each step too', async () => {
    await s.page.reload();
    await ready(s.page);
    await expectImageSize(s.page, '1200x800');
    expect(isRed(await sampleImage(s.page, 0.75, 0.4))).toBe(true);
    expect(isWhite(await sampleImage(s.page, 0.5, 0.97))).toBe(true);
    expect(await shownSize(s.page)).toBe(`${format((await stored(s.page)).bytes)} stored`);
    // Step 3 (cw, flip V): red at the bottom, the stripe on the right.
    await s.page.locator('[data-testid="history-entry"]').nth(2).click();
    await expectImageSize(s.page, '800x1200');
    await idle(s.page);
    expect(isRed(await sampleImage(s.page, 0.5, 0.75))).toBe(true);
    expect(isBlue(await sampleImage(s.page, 0.5, 0.25))).toBe(true);
    expect(isWhite(await sampleImage(s.page, 0.97, 0.5))).toBe(true);

    await s.page.getByRole('button', { name: 'Projects', exact: true }).click();
    const row = s.page.locator('[data-testid="project-row"]').first();
    await row.waitFor();
    expect(await row.locator('[data-testid="project-size"]').textContent()).toBe(format((await stored(s.page)).bytes));
    await s.page.keyboard.press('Escape');
  });

  it('"Remove older steps" keeps the image and the steps after it, and stores the new first step whole', async () => {
    await s.page.getByRole('button', { name: 'Remove older steps' }).click();
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(3);
    const after = await stored(s.page);
    expect(after.kinds).toEqual(['image', 'transform', 'transform']);
    expect([after.images, after.original]).toEqual([1, false]);
    expect(isRed(await sampleImage(s.page, 0.5, 0.75))).toBe(true);
    await s.page.reload();
    await ready(s.page);
    await expectImageSize(s.page, '800x1200');
    expect(isRed(await sampleImage(s.page, 0.5, 0.75))).toBe(true);
    // Redo: the next step (a right turn) rebuilt from the new first step.
    await s.page.keyboard.press('Control+y');
    await expectImageSize(s.page, '1200x800');
    await idle(s.page);
    expect(isRed(await sampleImage(s.page, 0.25, 0.4))).toBe(true);
    expect(isWhite(await sampleImage(s.page, 0.5, 0.97))).toBe(true);
  });

  it('warns before storage runs short, with ways to free it', async () => {
    // Playwright's contexts report a fixed 10 GiB quota; the page is told 60 MB are left instead.
    await s.page.addInitScript(() => {
      StorageManager.prototype.estimate = async () => ({ usage: 10e9 - 60e6, quota: 10e9 });
    });
    await s.page.reload();
    await ready(s.page);
    const warning = s.page.getByTestId('notice-warning').filter({ hasText: 'Storage is running short' });
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/60 MB is left for your projects/);
    expect(await warning.getByRole('button', { name: 'Manage projects' }).count()).toBe(1);
    expect(await warning.getByRole('button', { name: 'Remove older steps' }).count()).toBe(1);
    await s.screenshot('61-growth-storage-short');
    // Said once, not again with every edit.
    await s.page.getByRole('button', { name: 'Rotate right' }).click();
    await idle(s.page);
    expect(await s.page.getByTestId('notice-warning').filter({ hasText: 'Storage is running short' }).count()).toBe(1);
  });
});
