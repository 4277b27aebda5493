import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateFixtures } from '../../scripts/fixtures/generate.ts';
import { DEFAULT_ROLES, modelEntries } from '../../src/lib/models/catalog.ts';
import { formatBytes } from '../../src/lib/ui/format.ts';
import { openSession, type Session } from './browser.ts';
import { ready } from './app.ts';

// The test models the fixture profile downloads (no-f16 variants), and their exact size on disk.
const entries = modelEntries(DEFAULT_ROLES, { shaderF16: false });
const fixtureFiles = entries.flatMap((e) => e.files.map((f) => join('models/fixtures', e.ref.id, f.path)));
const DIST = process.env.E2E_DIST ?? 'dist';

const dialog = (page: Page) => page.getByRole('dialog', { name: 'Models' });
const row = (page: Page, name: string) => dialog(page).getByRole('listitem', { name, exact: true });
const states = (page: Page) => dialog(page).locator('[data-testid="model-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));

async function openModels(page: Page): Promise<void> {
  await page.getByRole('banner', { name: 'Tools' }).getByRole('button', { name: 'Models', exact: true }).click();
  await dialog(page).getByRole('heading', { name: 'Models' }).waitFor();
}

/** Bytes and files under OPFS test-models/models/ (complete files and partials alike). */
const opfsModels = (page: Page) =>
  page.evaluate(async () => {
    const walk = async (dir: FileSystemDirectoryHandle): Promise<{ bytes: number; files: number }> => {
      let bytes = 0;
      let files = 0;
      for await (const h of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
        if (h.kind === 'file') {
          bytes += (await (h as FileSystemFileHandle).getFile()).size;
          files++;
        } else {
          const r = await walk(h as FileSystemDirectoryHandle);
          bytes += r.bytes;
          files += r.files;
        }
      }
      return { bytes, files };
    };
    const root = await navigator.storage.getDirectory();
    return walk(await (await root.getDirectoryHandle('test-models')).getDirectoryHandle('models'));
  });

describe('the models dialog with the test models', () => {
  let s: Session;
  let fixtureBytes = 0;
  let runtimeBytes = 0;
  beforeAll(async () => {
    generateFixtures();
    fixtureBytes = fixtureFiles.reduce((n, f) => n + statSync(f).size, 0);
    runtimeBytes = readdirSync(join(DIST, 'assets'))
      .filter((f) => /^ort-wasm-simd-threaded\.asyncify-.*\.(wasm|mjs)$/.test(f))
      .reduce((n, f) => n + statSync(join(DIST, 'assets', f)).size, 0);
    s = await openSession(inject('baseURL'));
    await s.page.goto('/');
    await ready(s.page);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('opens on the Hub profile without reaching the Hub', async () => {
    await openModels(s.page);
    const d = dialog(s.page);
    expect(await d.getByRole('radio', { name: 'Hugging Face Hub' }).isChecked()).toBe(true);
    expect(await d.getByLabel('Hub host').inputValue()).toBe('https://huggingface.co');
    await d.locator('[data-testid="model-row"]').first().waitFor();
    expect(await states(s.page)).toEqual(['missing', 'missing', 'missing', 'missing', 'missing']);
    // SwiftShader has WebGPU but no shader-f16: the dialog names the variants used instead.
    expect(await d.getByTestId('capabilities').textContent()).toMatch(/No shader-f16.*q4 instead of q4f16.*Stable Diffusion 1.5 inpainting: fp32 instead of fp16/s);
    await s.screenshot('60-models-hub');
  });

  it('sets the GPU memory for models: a bad value is refused with a message, a good one is kept', async () => {
    const d = dialog(s.page);
    const field = d.getByLabel('GPU memory for models (GiB)');
    // SwiftShader is a fallback adapter: the guess is half the device memory the browser reports.
    expect(await field.getAttribute('placeholder')).toMatch(/^\d+\.\d$/);
    expect(await d.locator('#gpu-budget-help').textContent()).toMatch(/^\s*Automatic: \d+\.\d GiB; automatic \d+\.\d GiB, as /);
    await field.fill('0.1');
    await d.getByRole('button', { name: 'Set', exact: true }).click();
    expect(await d.getByRole('alert').textContent()).toBe('Enter the GPU memory in GiB, from 0.5 to 256 (or leave it empty for the automatic value).');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await field.fill('3.5');
    await d.getByRole('button', { name: 'Set', exact: true }).click();
    await s.page.waitForFunction(() => document.querySelector('#gpu-budget-help')?.textContent?.includes('Set by you: 3.5 GiB'));
    expect(await s.page.evaluate(() => localStorage.getItem('instruct-edit.gpu-budget'))).toBe(String(3.5 * 2 ** 30));
    // Without shader-f16 the real SD set is fp32, ≈ 4.97 GiB: over this budget, and said so.
    expect(await d.getByTestId('gpu-budget').textContent()).toContain('The largest step needs about 5.0 GiB');
  });

  it('switches to the test models, marked as such, with their exact total before any download', async () => {
    const d = dialog(s.page);
    await d.getByRole('radio', { name: 'Test models' }).check();
    await d.getByTestId('test-models-note').waitFor();
    expect(await d.getByTestId('test-models-note').textContent()).toMatch(/Test models — results are meaningless/);
    await s.page.waitForFunction(() => document.querySelector('[data-testid="models-summary"]')?.textContent?.includes('5 models'));
    expect(await d.getByTestId('models-summary').textContent()).toContain(`5 models, ${formatBytes(fixtureBytes)} in all.`);
    await s.screenshot('61-models-test-profile');

    await d.getByRole('button', { name: 'Download all' }).click();
    const total = formatBytes(fixtureBytes + runtimeBytes);
    expect(runtimeBytes).toBeGreaterThan(1e6);
    expect(await d.getByTestId('confirm-total').textContent()).toBe(total);
    expect(await d.getByTestId('download-confirm').textContent()).toContain('Download 5 models?');
    // Nothing is fetched into the store before the confirmation.
    const stored = () => s.page.evaluate(async () => (await navigator.storage.getDirectory()).getDirectoryHandle('test-models').then((d) => d.getDirectoryHandle('models')).then(() => true, () => false));
    expect(await stored()).toBe(false);
    await s.screenshot('62-models-confirm');

    // Hold the SD files a moment so the downloading state can be seen.
    await s.page.route('**/models/fixtures/instruct-edit/**', async (route) => {
      if (route.request().method() === 'GET') await new Promise((r) => setTimeout(r, 400));
      await route.continue();
    });
    await d.getByRole('button', { name: `Confirm download of ${total}` }).click();
    await row(s.page, 'Stable Diffusion 1.5 inpainting').locator('[data-testid="model-state"]', { hasText: 'Downloading' }).waitFor();
    await s.screenshot('63-models-downloading');
    await s.page.waitForFunction(() => [...document.querySelectorAll('[data-testid="model-row"]')].every((r) => r.getAttribute('data-state') === 'ready'), null, {
      timeout: 60_000,
    });
    expect(await states(s.page)).toEqual(['ready', 'ready', 'ready', 'ready', 'ready']);
    // Every fixture file went through the download code into OPFS, byte for byte the size on disk, nothing partial left.
    expect(await opfsModels(s.page)).toEqual({ bytes: fixtureBytes, files: fixtureFiles.length });
    expect(await d.getByRole('button', { name: 'All downloaded' }).isDisabled()).toBe(true);
    await s.screenshot('64-models-ready');
  });

  it('keeps the profile and the models across a reload', async () => {
    await s.page.reload();
    await ready(s.page);
    await openModels(s.page);
    const d = dialog(s.page);
    expect(await d.getByRole('radio', { name: 'Test models' }).isChecked()).toBe(true);
    expect(await d.getByLabel('GPU memory for models (GiB)').inputValue()).toBe('3.5');
    await s.page.waitForFunction(() => document.querySelectorAll('[data-testid="model-row"][data-state="ready"]').length === 5, null, { timeout: 15_000 });
    await s.screenshot('65-models-after-reload');
  });

  it('deletes one model', async () => {
    await row(s.page, 'CLIPSeg region finder').getByRole('button', { name: 'Delete CLIPSeg region finder' }).click();
    await row(s.page, 'CLIPSeg region finder').locator('[data-testid="model-state"]', { hasText: 'Not downloaded' }).waitFor();
    expect(await states(s.page)).toEqual(['ready', 'ready', 'ready', 'missing', 'ready']);
    const clipseg = fixtureFiles.filter((f) => f.includes('clipseg-rd64-refined'));
    expect(await opfsModels(s.page)).toEqual({
      bytes: fixtureBytes - clipseg.reduce((n, f) => n + statSync(f).size, 0),
      files: fixtureFiles.length - clipseg.length,
    });
    expect(await dialog(s.page).getByRole('button', { name: 'Download all' }).isEnabled()).toBe(true);
    await s.screenshot('66-models-deleted');
  });

  it('never reached the network and logged no errors', () => {
    expect(s.external).toEqual([]);
    expect(s.csp).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  it('shows why a model failed, and test models never count as real ones (self-hosted: nothing hosted here)', async () => {
    const d = dialog(s.page);
    await d.getByRole('radio', { name: 'Self-hosted (this site)' }).check();
    await d.getByTestId('test-models-note').waitFor({ state: 'detached' });
    await s.page.waitForFunction(() => document.querySelectorAll('[data-testid="model-row"]').length === 5);
    expect(await states(s.page)).toEqual(['missing', 'missing', 'missing', 'missing', 'missing']);
    const t5 = row(s.page, 'FLAN-T5 text encoder');
    await t5.getByRole('button', { name: 'Download FLAN-T5 text encoder' }).click();
    await t5.locator('[data-testid="model-state"]', { hasText: 'Failed' }).waitFor({ timeout: 30_000 });
    expect(await t5.textContent()).toContain('"config.json" was not found at /models/Xenova/flan-t5-base/config.json (HTTP 404)');
    expect(await t5.getByRole('button', { name: 'Download FLAN-T5 text encoder' }).textContent()).toBe('Retry');
    expect(s.external).toEqual([]);
    expect(s.csp).toEqual([]);
    await s.screenshot('67-models-failed');
  });

  it('fits a 390 px wide screen', async () => {
    const narrow = await openSession(inject('baseURL'), { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    try {
      await narrow.page.goto('/');
      await ready(narrow.page);
      await openModels(narrow.page);
      await dialog(narrow.page).locator('[data-testid="model-row"]').first().waitFor();
      const box = await dialog(narrow.page).boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      expect(await dialog(narrow.page).evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      await narrow.screenshot('68-models-390px');
      expect(narrow.external).toEqual([]);
    } finally {
      await narrow.close();
    }
  });
});
