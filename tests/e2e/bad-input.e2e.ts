import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, type Session } from './browser.ts';
import { dropFile, expectImageSize, fixture, historyCount, idle, imageSize, makeJpeg, ready } from './app.ts';

/** Files the editor must refuse with a clear message, leaving the open image and its history alone. */
const refused = [
  { name: 'empty.png', bytes: Buffer.alloc(0), message: /empty \(0 bytes\)/ },
  { name: 'truncated.jpg', bytes: fixture('truncated.jpg'), message: /incomplete/ },
  { name: 'truncated.png', bytes: fixture('truncated.png'), message: /incomplete|damaged/ },
  { name: 'bad-crc.png', bytes: fixture('bad-crc.png'), message: /damaged/ },
  { name: 'notes.png', bytes: fixture('text.png'), message: /text file, not a picture/ },
  { name: 'drawing.svg', bytes: fixture('script.svg'), message: /SVG files can contain scripts/ },
];

/** Files that open, some with a note. */
const accepted = [
  { name: 'pixel.png', bytes: fixture('pixel.png'), size: '1x1' },
  { name: 'animated.gif', bytes: fixture('animated.gif'), size: '8x8', note: /only the first frame/ },
  { name: 'cmyk.jpg', bytes: fixture('cmyk.jpg'), size: '24x16', note: /CMYK/ },
  { name: 'rgb16.png', bytes: fixture('rgb16.png'), size: '8x8', note: /reduced to 8 bits/ },
  { name: 'alpha.png', bytes: fixture('alpha.png'), size: '8x8' },
  { name: 'orient6.jpg', bytes: fixture('orient6.jpg'), size: '16x32' },
];

describe('bad input gets a clear message and loses nothing', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseURL'));
    await s.page.goto('/');
    await ready(s.page);
    await dropFile(s.page, await makeJpeg(s.page, 320, 240), 'current.jpg', 'image/jpeg');
    await expectImageSize(s.page, '320x240');
    await idle(s.page);
  });
  afterAll(async () => {
    await s?.close();
  });

  async function dismissAll() {
    const close = s.page.getByRole('button', { name: 'Dismiss message' });
    // Info messages also fade by themselves, so one may be gone before its button is clicked.
    for (let i = 0; i < 20 && (await close.count()) > 0; i++) await close.first().click({ timeout: 2000 }).catch(() => {});
  }

  it.each(refused)('refuses $name', async ({ name, bytes, message }) => {
    await dismissAll();
    await dropFile(s.page, bytes, name);
    const alert = s.page.getByRole('alert');
    await alert.waitFor({ timeout: 15_000 });
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain(`Can't open ${name}`);
    expect(text).toMatch(message);
    await idle(s.page);
    expect(await imageSize(s.page)).toBe('320x240');
    expect(await historyCount(s.page)).toBe(1);
    if (name === 'truncated.jpg') await s.screenshot('10-bad-input-truncated');
  });

  it('offers to open an over-sized image downscaled, and does so', async () => {
    await dismissAll();
    await dropFile(s.page, fixture('too-wide.png'), 'too-wide.png', 'image/png');
    const alert = s.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/16384 pixels on a side/);
    expect(await imageSize(s.page)).toBe('320x240');
    await s.screenshot('11-too-large');
    await s.page.getByRole('button', { name: 'Open downscaled' }).click();
    await s.page.waitForFunction(() => document.querySelector('[data-testid="viewport"]')?.getAttribute('data-image-size') !== '320x240');
    await idle(s.page);
    const [w, h] = (await imageSize(s.page)).split('x').map(Number);
    expect(Math.max(w, h)).toBeLessThanOrEqual(16384);
    expect(w * h).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(await s.page.getByRole('status').filter({ hasText: 'scaled down' }).count()).toBe(1);
  });

  it.each(accepted)('opens $name', async ({ name, bytes, size, note }) => {
    await dismissAll();
    await dropFile(s.page, bytes, name);
    await expectImageSize(s.page, size);
    await idle(s.page);
    if (note) expect(await s.page.getByRole('status').filter({ hasText: note }).count()).toBe(1);
  });

  it('says HEIC cannot be opened when this browser cannot decode it', async () => {
    await dismissAll();
    const before = await imageSize(s.page);
    await dropFile(s.page, fixture('halves.heic'), 'photo.heic');
    await idle(s.page);
    const after = await imageSize(s.page);
    if (after === before) {
      expect(await s.page.getByRole('alert').textContent()).toMatch(/HEIC photo, which this browser cannot open/);
    } else {
      expect(after).toBe('24x16');
    }
  });

  it('never reached the network', () => {
    expect(s.external).toEqual([]);
    expect(s.csp).toEqual([]);
  });
});
