import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../chromium.ts';

export const ARTIFACTS = 'artifacts/e2e';

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Non-local URLs the page tried to reach (each was aborted); tests assert it stays empty. */
  external: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
  /** Content-Security-Policy violations the page or its workers reported (the console's "Refused to …" lines). */
  csp: string[];
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

const isLocal = (url: string) => {
  if (url.startsWith('data:') || url.startsWith('blob:')) return true;
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
};

/**
 * A fresh browser profile (its own IndexedDB and service worker registry) on the system Chromium.
 * `profile` lets a test reopen the same profile to check what survives a browser restart.
 */
export async function openSession(
  baseURL: string,
  options: { profile?: string; viewport?: { width: number; height: number }; deviceScaleFactor?: number; args?: string[] } = {},
): Promise<Session> {
  const profile = options.profile ?? mkdtempSync(join(tmpdir(), 'e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: options.args ?? chromiumArgs,
    viewport: options.viewport ?? { width: 1280, height: 720 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    acceptDownloads: true,
    serviceWorkers: 'allow',
    baseURL,
  });
  const external: string[] = [];
  const errors: string[] = [];
  const csp: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    external.push(url);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    page,
    external,
    errors,
    csp,
    screenshot: async (name) => {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    },
    close: async () => {
      await context.close();
      if (!options.profile) rmSync(profile, { recursive: true, force: true });
    },
  };
}
