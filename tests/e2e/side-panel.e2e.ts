import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateFixtures } from '../../scripts/fixtures/generate.ts';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, historyCount, idle, ready } from './app.ts';
import { frames, installTestModels, mosaicPng, send } from './flow.ts';

/** The open tool panel in the side panel (the region, adjustments or extension). */
const TOOL = ['Adjustments', 'Region to repaint', 'Extend the canvas'].map((n) => `aside.side [aria-label="${n}"]`).join(', ');
/** Each tool's action row: what must be on screen without any scrolling. */
const ACTIONS: Record<string, string[]> = {
  adjust: ['Hold to compare', 'Reset', 'Cancel', 'Apply'],
  region: ['Cancel', 'Generate'],
  extend: ['Reset', 'Cancel', 'Generate'],
};
const actions = (state: string) => ACTIONS[state.split('-')[0]];
const buttons = (selector: string) => selector.split(', ').map((s) => `${s} button`).join(', ');

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
  { width: 390, height: 844 },
];

/** Five global plans (Apply each) and five local ones (a region to Generate), alternating. */
const INSTRUCTIONS = [
  'make it brighter',
  'replace the sky with a sunset',
  'make it warmer',
  'replace the red tiles with candles',
  'add more contrast',
  'replace the blue squares with flowers',
  'make it darker',
  'replace the green part with grass',
  'make it cooler',
  'replace the sky with a sunset',
];

/**
 * Checks that each element matching `selector` (and displayed) can be used: not collapsed, inside
 * the viewport and the element under its own centre point. With `scroll`, an element is first
 * brought into view inside its nearest scrolling ancestor only (never the page or an outer
 * scroller); without it, the element must already be visible as it is. Returns the problems.
 */
async function unreachable(page: Page, selector: string, scroll: boolean, names?: string[]): Promise<string[]> {
  return page.evaluate(
    ({ selector, scroll, names }) => {
      const problems: string[] = [];
      const name = (el: Element | null) =>
        el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}”` : 'nothing';
      const scroller = (el: Element) => {
        for (let c = el.parentElement; c; c = c.parentElement) {
          if (/(auto|scroll)/.test(getComputedStyle(c).overflowY) && c.scrollHeight > c.clientHeight) return c;
        }
        return null;
      };
      const elements = [...document.querySelectorAll(selector)].filter((el) => el.checkVisibility() && (!names || names.includes(el.textContent?.trim() ?? '')));
      const found = new Set(elements.map((el) => el.textContent?.trim() ?? ''));
      if (!elements.length) problems.push(`nothing matches ${selector}`);
      for (const n of names ?? []) if (!found.has(n)) problems.push(`no “${n}” button is shown`);
      for (const el of elements) {
        const container = scroll ? scroller(el) : null;
        if (container) {
          const c = container.getBoundingClientRect();
          const r = el.getBoundingClientRect();
          if (r.top < c.top) container.scrollTop -= c.top - r.top;
          else if (r.bottom > c.bottom) container.scrollTop += r.bottom - c.bottom;
        }
        const r = el.getBoundingClientRect();
        const what = name(el);
        if (r.width < 8 || r.height < 16) problems.push(`${what} is ${r.width.toFixed(0)}×${r.height.toFixed(0)} px`);
        if (r.left < 0 || r.top < 0 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5)
          problems.push(`${what} at ${r.left.toFixed(0)},${r.top.toFixed(0)}–${r.right.toFixed(0)},${r.bottom.toFixed(0)} is outside the ${innerWidth}×${innerHeight} viewport`);
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (!hit || !(hit === el || el.contains(hit))) problems.push(`${what}: its centre shows ${name(hit)}`);
      }
      return problems;
    },
    { selector, scroll, names },
  );
}

/** Layout facts of the side panel that the checks below read. */
async function layout(page: Page) {
  return page.evaluate(() => {
    const rect = (sel: string) => document.querySelector(sel)?.getBoundingClientRect() ?? null;
    const thread = document.querySelector<HTMLElement>('.thread');
    const shown = thread && thread.getClientRects().length > 0;
    const last = thread?.lastElementChild?.getBoundingClientRect();
    const t = thread?.getBoundingClientRect();
    const prompt = document.querySelector<HTMLTextAreaElement>('#region-prompt');
    return {
      pageScrolls: document.documentElement.scrollHeight > innerHeight + 1 || document.documentElement.scrollWidth > innerWidth + 1,
      side: rect('aside.side')?.height ?? 0,
      thread: shown && t ? { height: t.height, lastVisible: !!last && last.bottom <= t.bottom + 1 && last.bottom > t.top + 16, atEnd: thread.scrollTop + thread.clientHeight >= thread.scrollHeight - 2 } : null,
      prompt: prompt ? { height: prompt.getBoundingClientRect().height, clipped: prompt.scrollHeight > prompt.clientHeight + 1 } : null,
      instruction: rect('#instruction')?.height ?? 0,
    };
  });
}

describe('the side panel never hides its own controls (ten instructions, three window sizes)', () => {
  let s: Session;
  beforeAll(async () => {
    generateFixtures();
    s = await openSession(inject('baseURL'), { viewport: SIZES[0] });
    await s.page.goto('/');
    await ready(s.page);
    await installTestModels(s.page);
    await dropFile(s.page, await mosaicPng(s.page, 480, 320), 'mosaic.png', 'image/png');
    await expectImageSize(s.page, '480x320');
    await idle(s.page);
  });
  afterAll(async () => {
    await s?.close();
  });

  /** Info notices float over the page for a few seconds; dismiss them so they do not stand in for a layout fault. */
  async function dismissNotices() {
    const close = s.page.getByRole('button', { name: 'Dismiss message' });
    while (await close.count()) await close.first().click();
  }

  /** The open tool's action row is visible as it is; every other control of the tool and every history entry can be scrolled to within its own container. */
  async function expectUsable(state: string, size: { width: number; height: number }) {
    await s.page.setViewportSize(size);
    await frames(s.page);
    await dismissNotices();
    const where = `${state} at ${size.width}×${size.height}`;
    const facts = await layout(s.page);
    expect.soft(facts.pageScrolls, `${where}: the page itself scrolls`).toBe(false);
    expect.soft(facts.instruction, `${where}: instruction box`).toBeGreaterThanOrEqual(40);
    if (facts.thread) {
      expect.soft(facts.thread.height, `${where}: the conversation is capped`).toBeLessThanOrEqual(facts.side * 0.4 + 1);
      expect.soft(facts.thread.height, `${where}: the conversation shows at least a few lines`).toBeGreaterThanOrEqual(48);
      expect.soft(facts.thread.lastVisible && facts.thread.atEnd, `${where}: the newest turn is in view`).toBe(true);
    }
    if (facts.prompt) {
      expect.soft(facts.prompt.height, `${where}: "What should be there" box`).toBeGreaterThanOrEqual(56);
      expect.soft(facts.prompt.clipped, `${where}: "What should be there" clips its text`).toBe(false);
    }
    const tool = state !== 'history';
    if (tool) expect.soft(await unreachable(s.page, buttons(TOOL), false, actions(state)), where).toEqual([]);
    if (tool) expect.soft(await unreachable(s.page, `${buttons(TOOL)}, ${TOOL.split(', ').map((t) => `${t} textarea`).join(', ')}`, true), where).toEqual([]);
    if (!tool) expect.soft(await unreachable(s.page, '[data-testid="history-entry"]', true), where).toEqual([]);
    expect.soft(await unreachable(s.page, '#instruction', false), where).toEqual([]);
    await s.screenshot(`90-side-${state}-${size.width}x${size.height}`);
  }

  it('sends ten instructions; after each the open tool keeps its action row in view', async () => {
    let globals = 0;
    for (const [i, text] of INSTRUCTIONS.entries()) {
      await send(s.page, text);
      await idle(s.page);
      const kind = await s.page.getByTestId('plan-kind').last().textContent();
      if (kind === 'Adjust the whole image') {
        await s.page.getByRole('region', { name: 'Adjustments' }).waitFor();
        expect.soft(await unreachable(s.page, buttons(TOOL), false, ACTIONS.adjust), `after “${text}”`).toEqual([]);
        if (i === 0) await s.screenshot('90-side-after-brighter');
        await s.page.getByRole('button', { name: 'Apply' }).click();
        await idle(s.page);
        globals++;
      } else {
        expect(kind, `after “${text}”`).toMatch(/^Edit a region/);
        await s.page.getByTestId('region').waitFor({ timeout: 30_000 });
        expect.soft(await unreachable(s.page, buttons(TOOL), false, ACTIONS.region), `after “${text}”`).toEqual([]);
        if (i === 1) await s.screenshot('90-side-after-sunset');
      }
    }
    expect(globals).toBe(5);
    expect(await s.page.getByTestId('reply').count()).toBe(10);
    expect(await historyCount(s.page)).toBe(0); // the region panel is open in place of the history
  }, 600_000);

  it('the region panel from the last instruction, with and without the settings drawer', async () => {
    for (const size of SIZES) await expectUsable('region', size);
    await s.page.getByTestId('generate-settings').locator('summary').click();
    for (const size of SIZES) await expectUsable('region-settings', size);
    await s.page.getByTestId('generate-settings').locator('summary').click();
  });

  it('the adjustments', async () => {
    await s.page.setViewportSize(SIZES[0]);
    await s.page.getByRole('button', { name: 'Adjust', exact: true }).click();
    for (const size of SIZES) await expectUsable('adjust', size);
    await s.page.getByRole('region', { name: 'Adjustments' }).getByRole('button', { name: 'Cancel' }).click();
  });

  it('the canvas extension', async () => {
    await s.page.setViewportSize(SIZES[0]);
    await s.page.getByRole('button', { name: 'Extend', exact: true }).click();
    await s.page.getByRole('region', { name: 'Extend the canvas' }).getByTestId('generate-settings').locator('summary').click();
    for (const size of SIZES) await expectUsable('extend', size);
    await s.page.getByRole('region', { name: 'Extend the canvas' }).getByRole('button', { name: 'Cancel' }).click();
  });

  it('the history with six entries beside the conversation', async () => {
    await s.page.setViewportSize(SIZES[0]);
    await idle(s.page);
    expect(await historyCount(s.page)).toBe(6);
    for (const size of SIZES) await expectUsable('history', size);
    // An entry low in the list can be clicked: it jumps back to that step.
    await s.page.locator('[data-testid="history-entry"]').nth(4).click();
    await idle(s.page);
    expect(await s.page.locator('[data-testid="history-entry"]').nth(4).getAttribute('aria-current')).toBe('step');
  });

  it('stayed offline and error-free', () => {
    expect(s.external).toEqual([]);
    expect(s.csp).toEqual([]);
    expect(s.errors).toEqual([]);
  });
});
