import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, historyCount, idle, makeJpeg, ready } from './app.ts';

/** Raw exception text that must never reach the person. */
const RAW = /Cannot read properties|undefined|DOMException|TypeError|DataCloneError|is not a function|\[object /;

/** The project records the app wrote, by name: `{ name: { id, entryIds } }`, read straight from IndexedDB. */
async function projects(page: Page): Promise<Record<string, { id: string; entryIds: string[] }>> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('instruct-edit');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const records = await new Promise<{ id: string; name: string; entryIds: string[] }[]>((resolve, reject) => {
      const r = db.transaction('projects').objectStore('projects').getAll(IDBKeyRange.bound(['project'], ['project', []]));
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    db.close();
    return Object.fromEntries(records.map((p) => [p.name, { id: p.id, entryIds: p.entryIds }]));
  });
}

/**
 * Puts (value given), deletes (value undefined) or replaces with a Blob of that text (`blobText`)
 * records under the app's own keys, as a damaged store would hold them.
 */
async function damage(page: Page, changes: { key: string[]; value?: unknown; blobText?: string }[]): Promise<void> {
  await page.evaluate(async (changes) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('instruct-edit');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = db.transaction('projects', 'readwrite');
    const store = tx.objectStore('projects');
    for (const { key, value, blobText } of changes) {
      if (blobText !== undefined) store.put(new Blob([blobText], { type: 'image/png' }), key);
      else if (value === undefined) store.delete(key);
      else store.put(value, key);
    }
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, changes);
}

async function openImage(page: Page, name: string, width: number, height: number): Promise<void> {
  await dropFile(page, await makeJpeg(page, width, height), name, 'image/jpeg');
  await expectImageSize(page, `${width}x${height}`);
  await idle(page);
}

async function rotateRight(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Rotate right' }).click();
  await idle(page);
}

/** A step stored as a whole image (rotations and flips store no pixels to damage). */
async function adjust(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Adjust', exact: true }).click();
  await page.getByLabel('Exposure (stops)').fill('1');
  await page.getByRole('button', { name: 'Apply' }).click();
  await idle(page);
}

describe('damaged history records: nothing hides the healthy projects', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseURL'));
    await s.page.goto('/');
    await ready(s.page);
    // healthy.jpg: open + rotate; missing-step.jpg: open + adjust + flip; bad-pixels.jpg: open + adjust; bad-record.jpg: open.
    await openImage(s.page, 'healthy.jpg', 320, 200);
    await rotateRight(s.page);
    await openImage(s.page, 'missing-step.jpg', 300, 180);
    await adjust(s.page);
    await s.page.getByRole('button', { name: 'Flip horizontally' }).click();
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(3);
    await openImage(s.page, 'bad-pixels.jpg', 240, 160);
    await adjust(s.page);
    await openImage(s.page, 'bad-record.jpg', 200, 120);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('reloads on an empty editor, without a word, when the last-project pointer names a project that is gone', async () => {
    const saved = await projects(s.page);
    expect(Object.keys(saved).sort()).toEqual(['bad-pixels.jpg', 'bad-record.jpg', 'healthy.jpg', 'missing-step.jpg']);
    const missing = saved['missing-step.jpg'];
    const pixels = saved['bad-pixels.jpg'];
    await damage(s.page, [
      // A project record that is not an object: before, this hid every project ("No saved projects yet").
      { key: ['project', saved['bad-record.jpg'].id], value: 42 },
      // The pixels of the adjustment are gone (the flip after it is whole, and made from it).
      { key: ['image', missing.id, missing.entryIds[1]] },
      // Pixels that are a Blob but not an image.
      { key: ['image', pixels.id, pixels.entryIds[1]], blobText: 'not a png' },
      // A stale pointer: before, every reload failed on it.
      { key: ['meta', 'lastProjectId'], value: crypto.randomUUID() },
    ]);
    await s.page.reload();
    await ready(s.page);
    expect(await historyCount(s.page)).toBe(0);
    expect(await s.page.getByText('Drop an image anywhere').count()).toBe(1);
    expect(await s.page.getByTestId('notice-error').count()).toBe(0);
    // The pointer was cleared: a second reload has nothing to restore either, and says nothing.
    const pointer = await s.page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve) => {
        const r = indexedDB.open('instruct-edit');
        r.onsuccess = () => resolve(r.result);
      });
      const value = await new Promise((resolve) => {
        const r = db.transaction('projects').objectStore('projects').get(['meta', 'lastProjectId']);
        r.onsuccess = () => resolve(r.result ?? null);
      });
      db.close();
      return value;
    });
    expect(pointer).toBeNull();
  });

  it('lists the healthy projects, the one missing a step as damaged, and the unreadable one apart with Repair and Delete', async () => {
    await s.page.getByRole('button', { name: 'Projects' }).click();
    const dialog = s.page.getByRole('dialog', { name: 'Recent projects' });
    await dialog.getByTestId('project-row').first().waitFor();
    expect(await dialog.getByTestId('project-row').count()).toBe(3);
    expect(await dialog.getByText('No saved projects yet').count()).toBe(0);
    const healthy = dialog.getByTestId('project-row').filter({ hasText: 'healthy.jpg' });
    expect(await healthy.getAttribute('data-damaged')).toBeNull();
    expect(await healthy.textContent()).toContain('2 steps');

    const partial = dialog.getByTestId('project-row').filter({ hasText: 'missing-step.jpg' });
    expect(await partial.getAttribute('data-damaged')).toBe('true');
    expect(await partial.getByTestId('project-damage').textContent()).toMatch(/2 steps cannot be read: The image of this step is missing\. It opens with its first 1 step\./);
    expect(await partial.getByRole('button', { name: 'Repair missing-step.jpg' }).count()).toBe(1);

    expect(await dialog.getByTestId('unreadable-count').textContent()).toMatch(/1 project could not be read/);
    const unreadable = dialog.getByTestId('damaged-project-row');
    expect(await unreadable.count()).toBe(1);
    expect(await unreadable.textContent()).toMatch(/bad-record\.jpg.*Its project record is damaged \(a number was stored instead\)\..*Repair can keep 1 step\./);
    expect(await unreadable.getByRole('button', { name: 'Repair bad-record.jpg' }).count()).toBe(1);
    expect(await unreadable.getByRole('button', { name: 'Delete bad-record.jpg' }).count()).toBe(1);
    expect(await dialog.textContent()).not.toMatch(RAW);
    await s.screenshot('damaged-01-projects');
  });

  it('opens the healthy project whole', async () => {
    const dialog = s.page.getByRole('dialog', { name: 'Recent projects' });
    await dialog.getByRole('button', { name: 'Open healthy.jpg' }).click();
    await expectImageSize(s.page, '200x320');
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(2);
    expect(await s.page.getByTestId('notice-warning').count()).toBe(0);
    expect(await s.page.getByTestId('notice-error').count()).toBe(0);
  });

  it('opens the project missing a step with the steps before it, saying plainly what was left out', async () => {
    await s.page.getByRole('button', { name: 'Projects' }).click();
    const dialog = s.page.getByRole('dialog', { name: 'Recent projects' });
    await dialog.getByRole('button', { name: 'Open missing-step.jpg' }).click();
    await expectImageSize(s.page, '300x180');
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(1);
    const warning = s.page.getByTestId('notice-warning');
    await warning.waitFor();
    const text = await warning.textContent();
    expect(text).toMatch(/Part of this project could not be read/);
    expect(text).toMatch(/2 of its 3 steps were left out: “Adjusted” cannot be read \(the image of this step is missing\), and the step after it depends on it\. The step before opened as saved/);
    expect(text).not.toMatch(RAW);
    await s.screenshot('damaged-02-partial');
    // Repair from the message keeps the readable step and removes the rest: listed whole afterwards.
    await warning.getByRole('button', { name: 'Repair' }).click();
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(1);
  });

  it('a step whose saved image is not an image: a plain message, nothing stale on screen, the other steps open', async () => {
    await s.page.getByRole('button', { name: 'Projects' }).click();
    await s.page.getByRole('dialog', { name: 'Recent projects' }).getByRole('button', { name: 'Open bad-pixels.jpg' }).click();
    const notice = s.page.getByTestId('notice-error').filter({ hasText: 'Opening project failed' });
    await notice.waitFor({ timeout: 10_000 });
    await idle(s.page);
    expect(await notice.textContent()).toMatch(/The saved image of this step is damaged and cannot be shown\. Pick another step in the history; the other steps are not affected\./);
    expect(await notice.textContent()).not.toMatch(RAW);
    expect(await historyCount(s.page)).toBe(2);
    // Nothing stale on screen: the previous project's picture is gone.
    expect(await s.page.getAttribute('[data-testid="viewport"]', 'data-image-size')).toBe('');
    await notice.getByRole('button', { name: 'Dismiss message' }).click();
    await s.page.locator('[data-testid="history-entry"]').first().click();
    await expectImageSize(s.page, '240x160');
    await idle(s.page);
  });

  it('repairs the unreadable project from Recent projects and opens it; deletes another', async () => {
    await s.page.getByRole('button', { name: 'Projects' }).click();
    const dialog = s.page.getByRole('dialog', { name: 'Recent projects' });
    await dialog.getByRole('button', { name: 'Repair bad-record.jpg' }).click();
    await dialog.getByRole('button', { name: 'Open bad-record.jpg' }).waitFor();
    expect(await dialog.getByTestId('damaged-project-row').count()).toBe(0);
    expect(await dialog.getByTestId('project-row').count()).toBe(4);
    expect(await dialog.locator('[data-testid="project-row"][data-damaged="true"]').count()).toBe(0);

    s.page.once('dialog', (d) => void d.accept());
    await dialog.getByRole('button', { name: 'Delete healthy.jpg' }).click();
    await s.page.waitForFunction(() => document.querySelectorAll('[data-testid="project-row"]').length === 3);

    await dialog.getByRole('button', { name: 'Open bad-record.jpg' }).click();
    await expectImageSize(s.page, '200x120');
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(1);
    await s.page.reload();
    await ready(s.page);
    await expectImageSize(s.page, '200x120');
  });

  it('showed no raw exception text, threw no uncaught error, and never reached the network', async () => {
    expect(await s.page.locator('body').textContent()).not.toMatch(RAW);
    expect(s.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    expect(s.errors).toEqual([]);
    expect(s.external).toEqual([]);
    expect(s.csp).toEqual([]);
  });
});
