import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page, Worker } from 'playwright-core';
import { generateFixtures } from '../../scripts/fixtures/generate.ts';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, historyCount, idle, makeJpeg, ready } from './app.ts';
import { installTestModels, send, workerNamed } from './flow.ts';

/**
 * Arms the fault hook of workers/bridge/endpoint.ts inside the worker: the next call of `method` runs
 * but never answers, and `afterMs` later the worker closes itself, throws, or stays silent.
 */
async function arm(worker: Worker, fault: { method: string; action: 'close' | 'throw' | 'hang'; afterMs?: number }): Promise<void> {
  await worker.evaluate((f) => {
    (globalThis as { __workerFault?: unknown }).__workerFault = f;
  }, fault);
}

/** Raw exception text that must not reach the person. */
const RAW = /Cannot read properties|DOMException|TypeError|Uncaught|\[object /;

const busy = (page: Page) => page.getAttribute('.app', 'data-busy');
const lastReply = (page: Page) => page.getByTestId('reply').last();

describe('a worker that dies never leaves the editor busy', () => {
  let s: Session;
  beforeAll(async () => {
    generateFixtures();
    s = await openSession(inject('baseURL'));
    await s.page.goto('/');
    await ready(s.page);
    await dropFile(s.page, await makeJpeg(s.page, 640, 400), 'crash.jpg', 'image/jpeg');
    await expectImageSize(s.page, '640x400');
    await idle(s.page);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('image worker closed mid-rotate: "Rotating…" clears, a clear message shows, the image is reloaded from history', async () => {
    const before = await workerNamed(s.page, 'image');
    await arm(before, { method: 'applyEdit', action: 'close', afterMs: 200 });
    const t0 = Date.now();
    await s.page.getByRole('button', { name: 'Rotate right' }).click();
    expect(await busy(s.page)).toBe('Rotating');
    const notice = s.page.getByTestId('notice-error').filter({ hasText: 'Rotating failed' });
    await notice.waitFor({ timeout: 5000 });
    await s.page.waitForSelector('.app[data-busy=""]', { timeout: 10_000 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    const text = (await notice.textContent()) ?? '';
    expect(text).toMatch(/The image processor stopped unexpectedly\. It restarts with the next request\. Nothing saved was lost: your image is reloaded from its history\./);
    expect(text).not.toMatch(RAW);
    await s.screenshot('worker-01-image-crash');
    // Nothing was applied; the picture on screen is the saved one.
    await expectImageSize(s.page, '640x400');
    expect(await historyCount(s.page)).toBe(1);
    await notice.getByRole('button', { name: 'Dismiss message' }).click();
  });

  it('after the restart, rotate, undo and open work again on the image restored from IndexedDB', async () => {
    await s.page.getByRole('button', { name: 'Rotate right' }).click();
    await expectImageSize(s.page, '400x640');
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(2);
    await s.page.getByRole('button', { name: 'Undo' }).click();
    await expectImageSize(s.page, '640x400');
    await idle(s.page);
    await dropFile(s.page, await makeJpeg(s.page, 300, 200), 'second.jpg', 'image/jpeg');
    await expectImageSize(s.page, '300x200');
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(1);
    // The first project was saved whole: it reopens from IndexedDB with its redo step.
    await s.page.getByRole('button', { name: 'Projects' }).click();
    await s.page.getByRole('button', { name: 'Open crash.jpg' }).click();
    await expectImageSize(s.page, '640x400');
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(2);
    await s.page.getByRole('button', { name: 'Redo' }).click();
    await expectImageSize(s.page, '400x640');
    await idle(s.page);
    expect(await s.page.getByTestId('notice-error').count()).toBe(0);
  });

  it('image worker throwing an uncaught error mid-flip: same recovery', async () => {
    await arm(await workerNamed(s.page, 'image'), { method: 'applyEdit', action: 'throw', afterMs: 100 });
    await s.page.getByRole('button', { name: 'Flip horizontally' }).click();
    const notice = s.page.getByTestId('notice-error').filter({ hasText: 'Flipping failed' });
    await notice.waitFor({ timeout: 5000 });
    expect(await notice.textContent()).toMatch(/The image processor failed \(.*injected fault in applyEdit\)\. It restarts with the next request\./);
    await s.page.waitForSelector('.app[data-busy=""]', { timeout: 10_000 });
    await notice.getByRole('button', { name: 'Dismiss message' }).click();
    await s.page.getByRole('button', { name: 'Rotate left' }).click();
    await expectImageSize(s.page, '640x400');
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(3);
  });

  it('language worker closed mid-plan: "thinking…" ends within seconds with a clear message, and Send works again', async () => {
    await installTestModels(s.page);
    // A first instruction loads the planner (and proves the flow still works).
    await send(s.page, 'make it brighter');
    expect(await lastReply(s.page).textContent()).not.toMatch(/thinking…/);
    await s.page.getByRole('button', { name: 'Cancel' }).first().click({ timeout: 2000 }).catch(() => {});

    // The plan starts, then the worker closes itself (as soon as the plan's first synchronous part returns).
    await arm(await workerNamed(s.page, 'language'), { method: 'plan', action: 'close' });
    // The "thinking…" state may be short: an observer records that it was shown.
    await s.page.evaluate(() => {
      const w = window as unknown as { sawThinking: boolean };
      w.sawThinking = false;
      new MutationObserver(() => {
        if (document.body.textContent?.includes('thinking…')) w.sawThinking = true;
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const box = s.page.locator('#instruction');
    await box.fill('make it darker');
    const t0 = Date.now();
    await box.press('Enter');
    await s.page.waitForFunction(
      () => {
        const replies = document.querySelectorAll('[data-testid="reply"]');
        return replies.length === 2 && (window as unknown as { sawThinking: boolean }).sawThinking && !document.body.textContent?.includes('thinking…');
      },
      null,
      { timeout: 15_000 },
    );
    // Before: "thinking…" for over 60 s, Stop and Send dead.
    expect(Date.now() - t0).toBeLessThan(8000);
    const reply = (await lastReply(s.page).textContent()) ?? '';
    expect(reply).toMatch(/The instruction planner stopped unexpectedly\. It restarts with the next request\./);
    expect(reply).not.toMatch(RAW);
    expect(await s.page.getByTestId('notice-error').filter({ hasText: 'The instruction could not be run' }).count()).toBe(1);
    await s.screenshot('worker-02-language-crash');

    // Send is usable again and the restarted worker plans.
    await box.fill('make it brighter');
    expect(await s.page.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
    await box.press('Enter');
    await s.page.waitForFunction(
      () => {
        const replies = document.querySelectorAll('[data-testid="reply"]');
        return replies.length === 3 && !/thinking…/.test(replies[2].textContent ?? '');
      },
      null,
      { timeout: 120_000 },
    );
    expect(await s.page.getByTestId('plan-kind').last().textContent()).toBe('Adjust the whole image');
  }, 300_000);

  it('Stop ends a plan whose worker hangs: the turn says stopped and Send works again', async () => {
    await s.page.getByRole('button', { name: 'Cancel' }).first().click({ timeout: 2000 }).catch(() => {});
    await arm(await workerNamed(s.page, 'language'), { method: 'plan', action: 'hang' });
    const box = s.page.locator('#instruction');
    await box.fill('make it warmer');
    await box.press('Enter');
    await s.page.getByText('thinking…').waitFor({ timeout: 5000 });
    const t0 = Date.now();
    await s.page.getByRole('button', { name: 'Stop' }).click();
    await s.page.waitForFunction(() => !document.body.textContent?.includes('thinking…'), null, { timeout: 15_000 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await lastReply(s.page).textContent()).toMatch(/stopped/);
    await box.fill('make it brighter');
    expect(await s.page.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
  }, 120_000);

  it('threw no uncaught page error and never reached the network', () => {
    expect(s.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    expect(s.external).toEqual([]);
    expect(s.csp).toEqual([]);
  });
});
