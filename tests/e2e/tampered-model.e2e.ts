// A tampered model file is refused, a model damaged after it was stored is marked damaged when its
// worker fails to load it, and "Download again" brings the right bytes that then load — no reload.
// The tampered bytes come from the test model server (tests/model-server: the `corrupt` fault keeps
// the length and the ONNX header, inverts the rest); the test profile's pins are computed from the
// generated files (models/fixtures/pins.json).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MANIFEST } from '../../models/manifest.ts';
import { FIXTURES_DIR, generateFixtures } from '../../scripts/fixtures/generate.ts';
import { startModelServer, type ModelServer } from '../model-server/server.ts';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, idle, ready } from './app.ts';
import { mosaicPng, send } from './flow.ts';

const CLIPSEG = MANIFEST.clipseg;
const FILE = 'onnx/model_quantized.onnx';
const NAME = 'CLIPSeg region finder';

const dialog = (page: Page) => page.getByRole('dialog', { name: 'Models' });
const row = (page: Page) => dialog(page).getByRole('listitem', { name: NAME, exact: true });

async function openModels(page: Page): Promise<void> {
  await page.getByRole('banner', { name: 'Tools' }).getByRole('button', { name: 'Models', exact: true }).click();
  await dialog(page).getByRole('heading', { name: 'Models' }).waitFor();
}

const closeModels = (page: Page) => dialog(page).getByRole('button', { name: 'Close models' }).click();

const waitState = (page: Page, state: string, timeout = 60_000) =>
  page.waitForFunction((s) => document.querySelector(`[data-testid="model-row"][aria-label="CLIPSeg region finder"]`)?.getAttribute('data-state') === s, state, { timeout });

/** The stored CLIPSeg file in OPFS (test-models/…/files/…): its size, or null when absent; `cut` truncates it to half first. */
const storedFile = (page: Page, cut = false) =>
  page.evaluate(
    async ({ id, revision, path, cut }) => {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('test-models');
      try {
        for (const d of ['models', encodeURIComponent(id), encodeURIComponent(revision), 'files', ...path.split('/').slice(0, -1)]) dir = await dir.getDirectoryHandle(d);
        const handle = await dir.getFileHandle(path.split('/').pop()!);
        if (cut) {
          const w = await handle.createWritable({ keepExistingData: true });
          await w.truncate(Math.floor((await handle.getFile()).size / 2));
          await w.close();
        }
        return (await handle.getFile()).size;
      } catch {
        return null;
      }
    },
    { id: CLIPSEG.id, revision: CLIPSEG.revision, path: FILE, cut },
  );

describe('a tampered or damaged model recovers with "Download again", without a reload', () => {
  let s: Session;
  let server: ModelServer;
  beforeAll(async () => {
    generateFixtures();
    server = await startModelServer({ root: FIXTURES_DIR });
    s = await openSession(inject('baseURL'));
    await s.page.goto('/');
    await ready(s.page);
    // Set once: a page reload would lose it.
    await s.page.evaluate(() => ((globalThis as { __samePage?: boolean }).__samePage = true));
  });
  afterAll(async () => {
    await s?.close();
    await server?.close();
  });

  it('refuses CLIPSeg’s file when the server sends the right header and length with the wrong bytes', async () => {
    // The page asks this site for the test model; the test model server answers it, tampered.
    const scenario = server.scenario({ faults: [{ kind: 'corrupt', from: 64, path: FILE, times: 99 }] });
    await s.context.route(`**/models/fixtures/${CLIPSEG.id}/${FILE}`, async (route) => {
      const response = await route.fetch({ url: `${server.url}/s/${scenario}/${CLIPSEG.id}/resolve/main/${FILE}` });
      await route.fulfill({ response });
    });
    await openModels(s.page);
    const d = dialog(s.page);
    await d.getByRole('radio', { name: 'Test models' }).check();
    await s.page.waitForFunction(() => document.querySelector('[data-testid="models-summary"]')?.textContent?.includes('5 models'));
    // Every test file is pinned (pins.json): no row says it is checked by format only.
    expect(await d.getByTestId('pin-note').count()).toBe(0);
    await d.getByRole('button', { name: 'Download all' }).click();
    await d.getByRole('button', { name: /^Confirm download of/ }).click();
    await waitState(s.page, 'failed');
    expect(await row(s.page).getByTestId('model-reason').textContent()).toContain(`"${FILE}" was damaged in transit (SHA-256 mismatch): download it again`);
    await s.page.waitForFunction(() => [...document.querySelectorAll('[data-testid="model-row"]')].filter((r) => r.getAttribute('data-state') === 'ready').length === 4, null, { timeout: 60_000 });
    expect(await storedFile(s.page)).toBeNull();
    expect(server.log(scenario).some((r) => r.fault === 'corrupt' && r.method === 'GET')).toBe(true);
    await s.screenshot('70-model-tampered');
  });

  it('downloads it again once the right bytes are served', async () => {
    await s.context.unroute(`**/models/fixtures/${CLIPSEG.id}/${FILE}`);
    await row(s.page).getByRole('button', { name: `Download ${NAME}` }).click();
    await waitState(s.page, 'ready');
    expect(await storedFile(s.page)).toBeGreaterThan(0);
  });

  it('marks a model whose worker cannot load it damaged, and "Download again" makes it load with no reload', async () => {
    // Damaged after it was stored (a disk fault, or a file kept from before downloads were verified).
    const size = (await storedFile(s.page))!;
    expect(await storedFile(s.page, true)).toBe(Math.floor(size / 2));
    await closeModels(s.page);
    await dropFile(s.page, await mosaicPng(s.page), 'mosaic.png', 'image/png');
    await expectImageSize(s.page, '320x240');
    await idle(s.page);

    await send(s.page, 'replace the red half with candles');
    expect(await s.page.getByTestId('reply').last().textContent()).toContain('The clipseg model could not be loaded from its files');
    await openModels(s.page);
    await waitState(s.page, 'damaged', 10_000);
    expect(await row(s.page).getByTestId('model-state').textContent()).toBe('Damaged');
    await s.screenshot('71-model-damaged');

    await row(s.page).getByRole('button', { name: `Download ${NAME} again` }).click();
    await waitState(s.page, 'ready');
    expect(await storedFile(s.page)).toBe(size);
    await closeModels(s.page);

    // The vision worker that failed was replaced (files version): the right bytes load now.
    await send(s.page, 'replace the red half with candles');
    const error = s.page.getByTestId('reply').last().locator('.error');
    expect((await error.count()) ? await error.textContent() : null).toBeNull();
    await s.page.waitForFunction(
      () => !!document.querySelector('[data-testid="region"]') || /Could not find/.test(document.querySelector('.notices')?.textContent ?? ''),
      null,
      { timeout: 60_000 },
    );
    expect(await s.page.evaluate(() => (globalThis as { __samePage?: boolean }).__samePage)).toBe(true);
    await s.screenshot('72-model-downloaded-again');
    // Two instructions, each loading the planner and CLIPSeg in fresh workers: over 90 s on a busy 2-core machine.
  }, 240_000);

  it('never reached the network', () => {
    expect(s.external).toEqual([]);
  });
});
