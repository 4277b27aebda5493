import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { audit, type Violation } from './axe.ts';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, idle, ready } from './app.ts';
import { installTestModels, mosaicPng, send } from './flow.ts';
import { generateFixtures } from '../../scripts/fixtures/generate.ts';

/** Every state of the editor a person meets should pass axe-core's checks (names, labels, roles, contrast). */
describe('accessibility of each state (axe-core)', () => {
  let s: Session;
  const found: Record<string, Violation[]> = {};
  beforeAll(async () => {
    generateFixtures();
    s = await openSession(inject('baseURL'));
    await s.page.goto('/');
    await ready(s.page);
  });
  afterAll(async () => {
    await s?.close();
  });

  const check = async (state: string) => {
    found[state] = await audit(s.page);
    expect(found[state], `${state}: ${JSON.stringify(found[state], null, 1)}`).toEqual([]);
  };

  it('empty canvas', () => check('empty'));

  it('models dialog', async () => {
    await s.page.getByRole('banner', { name: 'Tools' }).getByRole('button', { name: 'Models', exact: true }).click();
    await s.page.getByRole('dialog', { name: 'Models' }).waitFor();
    await check('models');
    await s.page.getByRole('dialog', { name: 'Models' }).getByRole('button', { name: 'Close' }).first().click();
  });

  it('image open, with the test models', async () => {
    await installTestModels(s.page);
    await dropFile(s.page, await mosaicPng(s.page), 'mosaic.png', 'image/png');
    await expectImageSize(s.page, '320x240');
    await idle(s.page);
    await check('open');
  });

  it('conversation and region panel with settings open', async () => {
    await send(s.page, 'replace the cookies with candles');
    await s.page.getByTestId('region').waitFor({ timeout: 60_000 });
    await s.page.getByTestId('generate-settings').locator('summary').click();
    await check('region');
  });

  it('adjust and extend panels', async () => {
    await s.page.keyboard.press('Escape');
    await s.page.getByRole('button', { name: 'Adjust', exact: true }).click();
    await check('adjust');
    await s.page.getByRole('button', { name: 'Cancel' }).click();
    await s.page.getByRole('button', { name: 'Extend' }).click();
    await check('extend');
  });

  it('a result waiting to be kept, with two variants and the compare slider', async () => {
    const panel = s.page.getByRole('region', { name: 'Extend the canvas' });
    await panel.getByRole('button', { name: 'Right 25 %' }).click();
    await panel.getByTestId('generate-settings').locator('summary').click();
    await panel.getByLabel('Steps').fill('2');
    await panel.getByRole('radio', { name: '2' }).check();
    await panel.getByRole('button', { name: 'Generate' }).click();
    await s.page.getByTestId('result-bar').waitFor({ timeout: 240_000 });
    await idle(s.page);
    await s.page.getByTestId('result-bar').getByLabel('Before / after').check();
    await check('result');
    await s.screenshot('80-result-variants');
  }, 300_000);

  it('the same result on a 390-px-wide phone', async () => {
    await s.page.setViewportSize({ width: 390, height: 844 });
    await s.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    // Everything the person needs is reachable: the result bar's buttons are inside the screen.
    for (const name of ['Keep', 'Discard']) {
      const b = (await s.page.getByTestId('result-bar').getByRole('button', { name }).boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(390);
    }
    await s.screenshot('81-result-phone');
    await check('phone');
    await s.page.getByTestId('result-bar').getByRole('button', { name: 'Keep' }).click();
    await idle(s.page);
    await s.page.getByRole('button', { name: 'Mask' }).click();
    await s.screenshot('82-mask-phone');
    await check('phone-mask');
  });
});
