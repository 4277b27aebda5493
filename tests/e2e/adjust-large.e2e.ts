import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, historyCount, idle, makeJpeg, ready, sampleImage } from './app.ts';

/** What +`stops` of exposure does to an sRGB-encoded channel (the kernel scales the encoded values). */
const exposed = (v: number, stops: number) => Math.min(255, v * 2 ** stops);

/**
 * Above 2560 px a side the live preview runs on a reduced copy and Apply on the full image, so the
 * adjuster swaps its source buffer between the two: the route that once handed one pooled buffer
 * out as both the kernel's input and its output ("Adjusting failed — GPU validation error").
 */
describe('Adjust → Apply on an image larger than the preview copy (2600×1500)', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseURL'));
    await s.page.goto('/');
    await ready(s.page);
    await dropFile(s.page, await makeJpeg(s.page, 2600, 1500), 'wide.jpg', 'image/jpeg');
    await expectImageSize(s.page, '2600x1500');
    await idle(s.page);
  });
  afterAll(async () => {
    await s?.close();
  });

  async function applyExposure(stops: number): Promise<void> {
    await s.page.getByRole('button', { name: 'Adjust', exact: true }).click();
    await s.page.getByLabel('Exposure (stops)').fill(String(stops));
    await s.page.getByRole('button', { name: 'Apply' }).click();
    await idle(s.page);
  }

  it('applies exposure 0.5 as a history entry with brighter pixels, and Adjust works again after it', async () => {
    // Blue half: (16, 32, 208) in the file, so green and red show the ×√2 without clipping.
    const before = await sampleImage(s.page, 0.75, 0.6);
    await applyExposure(0.5);
    expect(await s.page.getByTestId('notice-error').count()).toBe(0);
    expect(await historyCount(s.page)).toBe(2);
    expect(await s.page.locator('[data-testid="history-entry"]').nth(1).textContent()).toContain('Adjusted');
    await expectImageSize(s.page, '2600x1500');
    const applied = await sampleImage(s.page, 0.75, 0.6);
    for (const c of [0, 1, 2]) expect(Math.abs(applied[c] - exposed(before[c], 0.5)), `channel ${c}: ${before} → ${applied}`).toBeLessThanOrEqual(3);
    expect(applied[1]).toBeGreaterThan(before[1] + 8);
    await s.screenshot('41-adjust-large-applied');

    // Reopening Adjust previews and applies on the new working image (it failed on "adjusted").
    await applyExposure(-0.5);
    expect(await s.page.getByTestId('notice-error').count()).toBe(0);
    expect(await historyCount(s.page)).toBe(3);
    const back = await sampleImage(s.page, 0.75, 0.6);
    for (const c of [0, 1]) expect(Math.abs(back[c] - before[c]), `channel ${c}: ${before} → ${back}`).toBeLessThanOrEqual(3);
    expect(s.errors).toEqual([]);
    expect(s.external).toEqual([]);
    expect(s.csp).toEqual([]);
  });
});
