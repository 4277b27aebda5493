/** Steps of the instruction flow shared by the end-to-end tests and the edit benchmark. */
import type { Page, Worker } from 'playwright-core';

/** Chooses the test models and downloads them through the Models dialog, as a person would. */
export async function installTestModels(page: Page): Promise<void> {
  await page.getByRole('banner', { name: 'Tools' }).getByRole('button', { name: 'Models', exact: true }).click();
  const d = page.getByRole('dialog', { name: 'Models' });
  await d.getByRole('radio', { name: 'Test models' }).check();
  await d.getByTestId('test-models-note').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="models-summary"]')?.textContent?.includes('5 models'));
  await d.getByRole('button', { name: 'Download all' }).click();
  await d.getByRole('button', { name: /^Confirm download of/ }).click();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="model-row"]')].every((r) => r.getAttribute('data-state') === 'ready'), null, { timeout: 60_000 });
  await d.getByRole('button', { name: 'Close' }).first().click();
}

/** Sum of the red channel of the viewport canvas: a fingerprint of what is on screen. */
export async function viewportSum(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="viewport"]')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    for (let i = 0; i < d.length; i += 4) sum += d[i];
    return sum;
  });
}

/** Two animation frames: the viewport has drawn what changed. */
export async function frames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.locator('#instruction');
  const before = await page.getByTestId('reply').count();
  await box.fill(text);
  await box.press('Enter');
  await page.waitForFunction(
    (n) => {
      const replies = document.querySelectorAll('[data-testid="reply"]');
      const last = replies[replies.length - 1];
      return replies.length > n && !/thinking…|finding the region…/.test(last.textContent ?? '');
    },
    before,
    { timeout: 120_000 },
  );
}

/** A colourful mosaic PNG: the test CLIPSeg finds regions in it (on flat colours it finds none). */
export async function mosaicPng(page: Page, width = 320, height = 240): Promise<Buffer> {
  const png = await page.evaluate(
    async ({ width, height }) => {
      const c = new OffscreenCanvas(width, height);
      const g = c.getContext('2d')!;
      for (let y = 0; y < height; y += 8)
        for (let x = 0; x < width; x += 8) {
          g.fillStyle = `hsl(${(x * 7 + y * 13) % 360} 80% ${30 + ((x + y) % 50)}%)`;
          g.fillRect(x, y, 8, 8);
        }
      return Array.from(new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer()));
    },
    { width, height },
  );
  return Buffer.from(png);
}

/** Waits until the editor is idle, allowing for model loading and shader compilation on SwiftShader. */
export async function idleLong(page: Page, timeout = 240_000): Promise<void> {
  await page.waitForSelector('.app[data-busy=""]', { timeout });
}

/** The page's live worker whose script is `<name>.worker-….js` (the built app's asset names). */
export async function workerNamed(page: Page, name: string, timeout = 30_000): Promise<Worker> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = page.workers().find((w) => new RegExp(`/${name}\\.worker[-.]`).test(w.url()));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${name} worker; workers: ${page.workers().map((w) => w.url()).join(', ')}`);
    await page.waitForTimeout(100);
  }
}
