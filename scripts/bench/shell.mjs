#!/usr/bin/env node
// App-shell figures, printed from one run on the built app (`npm run bench:shell` builds first):
// JS size gzipped (without onnxruntime's wasm glue and models), time to first render on localhost,
// and main-thread long tasks while opening a 24-megapixel JPEG.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { preview } from 'vite';
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';

const walk = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
const js = walk('dist').filter((f) => /\.m?js$/.test(f) && !/ort[-.]|ort\.bundle|\.wasm/.test(f));
// Model workers (language, vision, diffusion) load on the first AI use, not with the page.
const lazy = (f) => /(language|vision|diffusion)\.worker-/.test(f);
const rows = js.map((f) => [f, gzipSync(readFileSync(f), { level: 9 }).length]);
rows.sort((a, b) => b[1] - a[1]);
const sum = (list) => list.reduce((n, [, gz]) => n + gz, 0);
const shell = rows.filter(([f]) => !lazy(f));
const workers = rows.filter(([f]) => lazy(f));
console.log('app-shell JavaScript, gzipped (loaded with the page; onnxruntime wasm/glue and models excluded):');
for (const [f, gz] of shell) console.log(`  ${(gz / 1024).toFixed(1).padStart(7)} KB  ${f}`);
console.log(`  total ${(sum(shell) / 1024).toFixed(1)} KB over ${shell.length} files (goal ≤ 250 KB)`);
console.log('model workers, gzipped (loaded on the first AI use; each bundles its own transformers.js / ORT glue):');
for (const [f, gz] of workers) console.log(`  ${(gz / 1024).toFixed(1).padStart(7)} KB  ${f}`);
console.log(`  total ${(sum(workers) / 1024).toFixed(1)} KB`);

const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/google-chrome'].find((p) => p && existsSync(p));
const server = await preview({ configFile: 'vite.config.ts', preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector('.app[data-ready="true"]');
  const wall = Date.now() - t0;
  const paint = await page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { fcp: fcp?.startTime ?? NaN, dcl: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN };
  });
  console.log(`first contentful paint ${paint.fcp.toFixed(0)} ms, DOMContentLoaded ${paint.dcl.toFixed(0)} ms, editor ready ${wall} ms (localhost, cold profile)`);

  const size = [6000, 4000];
  const bytes = await page.evaluate(async ([w, h]) => {
    const c = new OffscreenCanvas(w, h);
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, w, h);
    grad.addColorStop(0, '#f4a460');
    grad.addColorStop(1, '#1e90ff');
    g.fillStyle = grad;
    g.fillRect(0, 0, w, h);
    for (let i = 0; i < 4000; i++) {
      g.fillStyle = `hsl(${(i * 37) % 360} 70% 50%)`;
      g.fillRect((i * 7919) % w, (i * 104729) % h, 40, 40);
    }
    const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    window.__bench24 = new File([blob], 'big.jpg', { type: 'image/jpeg' });
    return blob.size;
  }, size);
  const result = await page.evaluate(async ([w, h]) => {
    const tasks = [];
    const obs = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration)));
    obs.observe({ type: 'longtask' });
    // Long animation frames name the scripts that ran in them: where the time went.
    const frames = [];
    const loaf = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.duration < 50) continue;
        frames.push({
          duration: Math.round(e.duration),
          render: Math.round(e.renderStart ? e.startTime + e.duration - e.renderStart : 0),
          scripts: (e.scripts ?? []).map((s) => `${s.invoker || s.invokerType} ${Math.round(s.duration)}ms ${(s.sourceURL || '').split('/').pop()}:${s.sourceFunctionName || ''}`),
        });
      }
    });
    try {
      loaf.observe({ type: 'long-animation-frame' });
    } catch {
      /* not in this browser */
    }
    let longestFrameGap = 0;
    let last = performance.now();
    let running = true;
    const tick = (t) => {
      longestFrameGap = Math.max(longestFrameGap, t - last);
      last = t;
      if (running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const t0 = performance.now();
    const dt = new DataTransfer();
    dt.items.add(window.__bench24);
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    await new Promise((resolve) => {
      const check = () => {
        const v = document.querySelector('[data-testid="viewport"]');
        if (v?.getAttribute('data-image-size') === `${w}x${h}` && document.querySelector('.app')?.getAttribute('data-busy') === '') resolve();
        else setTimeout(check, 20);
      };
      check();
    });
    const shown = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    obs.disconnect();
    loaf.disconnect();
    return { shown, tasks, longestFrameGap, frames };
  }, size);
  const longest = result.tasks.length ? Math.max(...result.tasks) : 0;
  console.log(`opening a ${size[0]}×${size[1]} (24 MP) JPEG of ${(bytes / 1e6).toFixed(1)} MB: shown and saved in ${result.shown.toFixed(0)} ms`);
  console.log(
    `  main-thread long tasks (> 50 ms): ${result.tasks.length}${result.tasks.length ? `, longest ${longest.toFixed(0)} ms` : ''}; longest gap between frames ${result.longestFrameGap.toFixed(0)} ms (goal: no task over 50 ms)`,
  );
  for (const f of result.frames) console.log(`  long frame ${f.duration} ms (rendering ${f.render} ms): ${f.scripts.join('; ') || 'no script'}`);
} finally {
  await browser.close();
  await server.close();
}
