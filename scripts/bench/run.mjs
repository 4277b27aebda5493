#!/usr/bin/env node
// Runs a benchmark page (bench/<name>.html) in headless Chromium with WebGPU and prints what it reports.
// The page appends lines with `report(line)` from bench/harness.ts and finishes with `done()`.
// Usage: node scripts/bench/run.mjs <name> [query-string]
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';

const [name, query = ''] = process.argv.slice(2);
if (!name) {
  console.error('usage: node scripts/bench/run.mjs <name> [query]');
  process.exit(2);
}
const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/google-chrome'].find((p) => p && existsSync(p));
if (!executablePath) {
  console.error('No Chromium found: apt-get install -y chromium, or set CHROMIUM_PATH.');
  process.exit(2);
}
const server = await createServer({ configFile: 'vite.config.ts', server: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
await server.listen();
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    ...(process.env.BENCH_CHROMIUM_ARGS ? process.env.BENCH_CHROMIUM_ARGS.split(' ') : []),
  ],
});
let failed = false;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => { failed = true; console.error('page error:', e.message); });
  await page.exposeFunction('__benchReport', (line) => console.log(line));
  const done = new Promise((resolve, reject) => {
    page.exposeFunction('__benchDone', (error) => (error ? reject(new Error(error)) : resolve()));
  });
  await page.goto(`${url}bench/${name}.html${query ? `?${query}` : ''}`);
  await Promise.race([done, new Promise((_, r) => setTimeout(() => r(new Error('benchmark timed out after 20 min')), 20 * 60_000))]);
} catch (e) {
  failed = true;
  console.error(String(e?.message ?? e));
} finally {
  await browser.close();
  await server.close();
}
process.exit(failed ? 1 : 0);
