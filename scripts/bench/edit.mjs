#!/usr/bin/env node
// A whole instruction edit on the built app with the test models (`npm run bench:edit` builds and
// writes the fixtures first): main-thread long tasks and frame gaps per phase, time from Enter to the
// first progress event, and from the Generate click to it. Run twice: cold (models load) and warm.
//
//   node scripts/bench/edit.mjs [--profile] [--no-trace]
//
// --profile samples the main thread with the CDP Profiler and names, through the build's source
// maps, the functions that ran in each long task (the sampling itself adds a little overhead).
// A Chromium trace (on unless --no-trace) gives, per long task, its wall time against the main
// thread's CPU time (a task that mostly waited for a core is the machine's load, not the app's
// work) and the longest trace events inside it.
//
// The figures come from Chromium's SwiftShader WebGPU, i.e. the CPU: absolute times say nothing about
// a GPU. What carries over is the main thread's share: a long task here is main-thread work that a
// GPU does not take away.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preview, runnerImport } from 'vite';
import { chromium } from 'playwright-core';

const PROFILE = process.argv.includes('--profile');
const TRACE = !process.argv.includes('--no-trace');
const STEPS = 4;
const INSTRUCTION = 'replace the cookies with candles';

if (!existsSync('dist/index.html')) {
  console.error('No build found: run `npm run bench:edit` (it builds first), or `vite build && npm run fixtures`.');
  process.exit(2);
}
if (!existsSync('models/fixtures')) {
  console.error('No test models: run `npm run fixtures` first.');
  process.exit(2);
}
// The tests' own Chromium flags (WebGPU through SwiftShader, every host but this machine unresolvable).
const { module: flags } = await runnerImport(fileURLToPath(new URL('../../tests/chromium.ts', import.meta.url)));

const server = await preview({ configFile: 'vite.config.ts', preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
const url = server.resolvedUrls.local[0];
const profileDir = mkdtempSync(join(tmpdir(), 'bench-edit-'));
const context = await chromium.launchPersistentContext(profileDir, {
  executablePath: flags.chromiumPath(),
  headless: true,
  args: flags.chromiumArgs,
  viewport: { width: 1280, height: 720 },
  serviceWorkers: 'allow',
});
const external = [];
await context.route('**/*', (route) => {
  const u = route.request().url();
  const local = /^(data|blob):/.test(u) || ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(u).hostname);
  if (local) return route.continue();
  external.push(u);
  return route.abort('blockedbyclient');
});
const page = context.pages()[0] ?? (await context.newPage());
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));

const idle = (timeout = 300_000) => page.waitForSelector('.app[data-busy=""]', { timeout });
const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)}` : '—');

/** Chooses the test models and downloads them through the Models dialog (as tests/e2e/instruct.e2e.ts does). */
async function installTestModels() {
  await page.getByRole('banner', { name: 'Tools' }).getByRole('button', { name: 'Models', exact: true }).click();
  const d = page.getByRole('dialog', { name: 'Models' });
  await d.getByRole('radio', { name: 'Test models' }).check();
  await d.getByTestId('test-models-note').waitFor();
  await d.getByRole('button', { name: 'Download all' }).click();
  await d.getByRole('button', { name: /^Confirm download of/ }).click();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="model-row"]')].every((r) => r.getAttribute('data-state') === 'ready'), null, { timeout: 120_000 });
  await d.getByRole('button', { name: 'Close' }).first().click();
}

/** Drops a mosaic PNG (the test CLIPSeg finds regions on a mosaic, none on flat colours). */
async function dropMosaic(shift) {
  await page.evaluate(async (shift) => {
    const c = new OffscreenCanvas(320, 240);
    const g = c.getContext('2d');
    for (let y = 0; y < 240; y += 8)
      for (let x = 0; x < 320; x += 8) {
        g.fillStyle = `hsl(${(x * 7 + y * 13 + shift) % 360} 80% ${30 + ((x + y) % 50)}%)`;
        g.fillRect(x, y, 8, 8);
      }
    const file = new File([await c.convertToBlob({ type: 'image/png' })], `mosaic-${shift}.png`, { type: 'image/png' });
    const dt = new DataTransfer();
    dt.items.add(file);
    const target = document.querySelector('[data-testid="viewport"]') ?? document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, shift);
  await page.waitForFunction(() => document.querySelector('[data-testid="viewport"]')?.getAttribute('data-image-size') === '320x240');
  await idle();
}

/**
 * In the page, before the edit: long tasks (buffered), long animation frames with their scripts,
 * gaps between animation frames, the app's visible state on every DOM change, and the moments the
 * person acts (Enter in the instruction box, clicks on Generate and Keep).
 */
async function installRecorder() {
  await page.evaluate(() => {
    const rec = { longtasks: [], loaf: [], gaps: [], timeline: [], marks: [] };
    window.__bench = rec;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) rec.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if (e.duration < 50) continue;
          rec.loaf.push({
            start: e.startTime,
            duration: e.duration,
            blocking: e.blockingDuration,
            render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
            scripts: (e.scripts ?? []).map((s) => ({
              start: s.startTime,
              duration: s.duration,
              invoker: s.invoker || s.invokerType,
              url: s.sourceURL,
              fn: s.sourceFunctionName,
              pos: s.sourceCharPosition,
              forcedLayout: s.forcedStyleAndLayoutDuration,
            })),
          });
        }
      }).observe({ type: 'long-animation-frame', buffered: true });
    } catch {
      /* no LoAF in this browser */
    }
    let last = performance.now();
    const tick = (t) => {
      if (t - last > 34) rec.gaps.push({ start: last, gap: t - last });
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const state = () => {
      const replies = document.querySelectorAll('[data-testid="reply"]');
      return {
        busy: document.querySelector('.app')?.getAttribute('data-busy') ?? '',
        replies: replies.length,
        reply: (replies[replies.length - 1]?.textContent ?? '').trim().slice(0, 60),
        region: !!document.querySelector('[data-testid="region"]'),
        progress: document.querySelector('[data-testid="progress"]')?.textContent?.trim() ?? '',
        result: !!document.querySelector('[data-testid="result-bar"]'),
      };
    };
    let prev = '';
    const look = () => {
      const s = state();
      const key = JSON.stringify(s);
      if (key !== prev) rec.timeline.push({ t: performance.now(), ...s });
      prev = key;
    };
    look();
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    const mark = (name) => rec.marks.push({ name, t: performance.now() });
    document.addEventListener('keydown', (e) => e.key === 'Enter' && e.target instanceof Element && e.target.id === 'instruction' && mark('enter'), true);
    document.addEventListener(
      'click',
      (e) => {
        const b = e.target instanceof Element ? e.target.closest('button') : null;
        const name = b?.textContent?.trim();
        if (name === 'Generate' || name === 'Keep') mark(name.toLowerCase());
      },
      true,
    );
  });
}

/** The Generate button; if a drawer hides it, opens the control named 'Generate settings' first. */
async function generateButton() {
  const button = page.getByRole('button', { name: 'Generate', exact: true });
  if (!(await button.isVisible())) await page.getByText('Generate settings').first().click();
  return button;
}

async function setSettings() {
  let steps = page.getByLabel('Steps');
  if (!(await steps.isVisible())) {
    await page.getByText('Generate settings').first().click();
    steps = page.getByLabel('Steps');
  }
  await steps.fill(String(STEPS));
  const seed = page.getByLabel('Seed', { exact: true });
  if (await seed.isVisible()) await seed.fill('1234');
}

/** One edit: instruction → plan → region → Generate → result → Keep. Returns the window it ran in. */
async function edit() {
  const box = page.locator('#instruction');
  const before = await page.getByTestId('reply').count();
  await box.fill(INSTRUCTION);
  const t0 = await page.evaluate(() => performance.now());
  await box.press('Enter');
  await page.waitForFunction(
    (n) => {
      const replies = document.querySelectorAll('[data-testid="reply"]');
      const last = replies[replies.length - 1];
      return replies.length > n && !/thinking…|finding the region…/.test(last.textContent ?? '');
    },
    before,
    { timeout: 300_000 },
  );
  await page.getByTestId('region').waitFor({ timeout: 60_000 });
  await idle();
  await setSettings();
  await (await generateButton()).click();
  await page.getByTestId('progress').waitFor({ timeout: 300_000 });
  await page.waitForFunction(() => document.querySelector('.app')?.getAttribute('data-busy') === '' && !document.querySelector('[data-testid="progress"]'), null, { timeout: 600_000 });
  const keep = page.getByTestId('result-bar').getByRole('button', { name: 'Keep', exact: true });
  if (await keep.isVisible()) {
    await keep.click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="result-bar"]') && document.querySelector('.app')?.getAttribute('data-busy') === '', null, { timeout: 120_000 });
  }
  // Let the last frames and observers report.
  await page.waitForTimeout(500);
  const t1 = await page.evaluate(() => performance.now());
  return { t0, t1 };
}

/** Phase boundaries from the recorded marks and state timeline. */
function phases(rec, { t0, t1 }) {
  const tl = rec.timeline.filter((s) => s.t >= t0 && s.t <= t1);
  const markAt = (name) => rec.marks.find((m) => m.name === name && m.t >= t0 && m.t <= t1)?.t ?? NaN;
  const first = (pred, after = t0) => tl.find((s) => s.t >= after && pred(s))?.t ?? NaN;
  const enter = markAt('enter');
  const replies0 = rec.timeline.filter((s) => s.t < enter).at(-1)?.replies ?? 0;
  const planned = first((s) => s.replies > replies0 && !/thinking…/.test(s.reply), enter);
  const region = first((s) => s.replies > replies0 && s.region && !/finding the region…/.test(s.reply), planned);
  const click = markAt('generate');
  const shown = first((s) => s.progress !== '', click);
  const step1 = first((s) => /step [1-9]\d* of/.test(s.progress), click);
  const lastStep = first((s) => /step (\d+) of \1\b/.test(s.progress), click);
  const generated = first((s) => s.busy === '' && s.progress === '', Number.isFinite(step1) ? step1 : click);
  const keep = markAt('keep');
  const kept = Number.isFinite(keep) ? first((s) => s.busy === '' && !s.result, keep) : NaN;
  const list = [
    ['planning (Enter → plan shown)', enter, planned],
    ['masking (plan → region shown)', planned, region],
    ['bench sets steps, clicks Generate', region, click],
    ['prepare: model load, encode (click → step 1)', click, step1],
    [`denoising (step 1 → step ${STEPS})`, step1, lastStep],
    ['decode, paste (last step → result)', lastStep, generated],
    ['result shown → Keep click', generated, Number.isFinite(keep) ? keep : generated],
    ['keep, commit to history', keep, kept],
  ].filter(([, a, b]) => Number.isFinite(a) && Number.isFinite(b));
  return { list, enter, region, click, shown, step1, generated, kept };
}

function report(label, rec, win, ph) {
  const inside = (t, a, b) => t >= a && t < b;
  const tasks = rec.longtasks.filter((x) => inside(x.start, ph.enter, win.t1));
  const gaps = rec.gaps.filter((g) => inside(g.start, ph.enter, win.t1));
  console.log(`\n${label}`);
  console.log('  phase                                          time ms   long tasks   longest   blocking>50   longest frame gap');
  for (const [name, a, b] of ph.list) {
    const t = tasks.filter((x) => inside(x.start, a, b));
    const g = gaps.filter((x) => inside(x.start, a, b));
    const longest = t.length ? Math.max(...t.map((x) => x.duration)) : 0;
    const blocking = t.reduce((n, x) => n + x.duration - 50, 0);
    const gap = g.length ? Math.max(...g.map((x) => x.gap)) : 0;
    console.log(`  ${name.padEnd(45)} ${ms(b - a).padStart(8)} ${String(t.length).padStart(12)} ${ms(longest).padStart(9)} ${ms(blocking).padStart(13)} ${(gap ? ms(gap) : '< 34').padStart(19)}`);
  }
  const longest = tasks.length ? Math.max(...tasks.map((x) => x.duration)) : 0;
  const gap = gaps.length ? Math.max(...gaps.map((g) => g.gap)) : 0;
  console.log(`  long tasks > 50 ms: ${tasks.length}${tasks.length ? ` (longest ${ms(longest)} ms, ${ms(tasks.reduce((n, x) => n + x.duration - 50, 0))} ms blocking in all)` : ''}; longest frame gap ${gap ? ms(gap) : '< 34'} ms (goal: none over 50 ms)`);
  const clicks = ph.click - ph.region; // the bench filling Steps and clicking Generate: not the app's time
  console.log(`  Enter → first progress event (step 1 of ${STEPS}): ${ms(ph.step1 - ph.enter)} ms, ${ms(ph.step1 - ph.enter - clicks)} ms without the bench's ${ms(clicks)} ms of clicks; Enter → progress shown: ${ms(ph.shown - ph.enter)} ms`);
  console.log(`  Generate click → first progress event: ${ms(ph.step1 - ph.click)} ms; Generate click → progress shown: ${ms(ph.shown - ph.click)} ms`);
  console.log(`  Enter → result on screen: ${ms(ph.generated - ph.enter)} ms${Number.isFinite(ph.kept) ? `; Enter → kept in history: ${ms(ph.kept - ph.enter)} ms` : ''}`);
  return tasks;
}

// Source maps of the build: minified positions → source file:line (function).
const maps = new Map();
function original(url, line, column) {
  const m = /\/(assets\/[^/?#]+\.js)/.exec(url ?? '');
  if (!m) return null;
  const file = join('dist', m[1]);
  if (!maps.has(file)) {
    try {
      maps.set(file, { map: new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))), text: readFileSync(file, 'utf8') });
    } catch {
      maps.set(file, null);
    }
  }
  const entry = maps.get(file);
  if (!entry) return null;
  if (line === undefined) {
    // A character position: count lines.
    const before = entry.text.slice(0, column);
    line = before.split('\n').length - 1;
    column = column - before.lastIndexOf('\n') - 1;
  }
  const e = entry.map.findEntry(line, column);
  if (!e?.originalSource) return null;
  return `${e.originalSource.replace(/^(\.\.\/)+/, '')}:${e.originalLine + 1}${e.name ? ` (${e.name})` : ''}`;
}

function loafCulprits(rec, tasks) {
  const lines = [];
  for (const t of tasks) {
    const frame = rec.loaf.find((f) => f.start <= t.start + 1 && f.start + f.duration >= t.start + t.duration - 1);
    const scripts = (frame?.scripts ?? []).filter((s) => s.duration >= 10).sort((a, b) => b.duration - a.duration);
    const named = scripts.map((s) => `${ms(s.duration)} ms ${s.invoker} → ${s.fn || '(anonymous)'} ${original(s.url, undefined, s.pos) ?? (s.url || '').split('/').pop()}${s.forcedLayout > 5 ? `, forced layout ${ms(s.forcedLayout)} ms` : ''}`);
    lines.push(`  ${ms(t.start)} +${ms(t.duration)} ms: ${named.join('; ') || (frame ? `no script over 10 ms (rendering ${ms(frame.render)} ms)` : 'no long-animation-frame entry')}`);
  }
  return lines;
}

let cdp = null;
let profileOrigin = 0;
async function startProfiler() {
  cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  profileOrigin = await page.evaluate(() => performance.now());
}

/** Self time per function, and the app's own frame nearest the top of the stack, in each long task window. */
function profileCulprits(profile, tasks) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const where = (f) => original(f.url, f.lineNumber, f.columnNumber) ?? `${f.url.split('/').pop() || '(native)'}:${f.lineNumber + 1}`;
  const appFrame = (id) => {
    for (let n = nodes.get(id); n; n = nodes.get(parent.get(n.id))) {
      const w = original(n.callFrame.url, n.callFrame.lineNumber, n.callFrame.columnNumber);
      if (w && /^(src|workers|models)\//.test(w)) return `${n.callFrame.functionName || '(anonymous)'} ${w}`;
    }
    return null;
  };
  // Sample times on performance.now()'s clock: the profile starts about when profileOrigin was read.
  const times = [];
  let t = 0;
  for (const d of profile.timeDeltas) times.push((t += d));
  const base = profileOrigin - times[0] / 1000;
  const lines = [];
  for (const task of tasks) {
    const self = new Map();
    const app = new Map();
    let samples = 0;
    profile.samples.forEach((id, i) => {
      const at = base + times[i] / 1000;
      if (at < task.start || at > task.start + task.duration) return;
      samples++;
      const f = nodes.get(id).callFrame;
      if (f.functionName === '(idle)') return;
      const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      const key = f.url ? `${f.functionName || '(anonymous)'} ${where(f)}` : f.functionName;
      self.set(key, (self.get(key) ?? 0) + dt);
      const own = appFrame(id);
      if (own) app.set(own, (app.get(own) ?? 0) + dt);
    });
    const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${ms(v)} ms ${k}`).join('; ');
    lines.push(`  ${ms(task.start)} +${ms(task.duration)} ms, ${samples} samples: self ${top(self, 4) || '—'}${app.size ? ` | under app code: ${top(app, 3)}` : ''}`);
  }
  return lines;
}

async function startTrace() {
  cdp ??= await context.newCDPSession(page);
  await cdp.send('Tracing.start', {
    categories: 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing',
    transferMode: 'ReturnAsStream',
  });
}

async function stopTrace() {
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  const { stream } = await complete;
  const chunks = [];
  for (;;) {
    const r = await cdp.send('IO.read', { handle: stream, size: 1 << 22 });
    chunks.push(r.base64Encoded ? Buffer.from(r.data, 'base64').toString('utf8') : r.data);
    if (r.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  const parsed = JSON.parse(chunks.join(''));
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

/** Per long task: the main thread's RunTask wall and CPU time, and the longest events inside it. */
function traceCulprits(events, syncAt, tasks) {
  const sync = events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === 'bench-sync');
  if (!sync) return { lines: ['  (no sync mark in the trace)'], busy: NaN, unknown: tasks.length };
  const { pid, tid } = sync;
  const offset = sync.ts / 1000 - syncAt; // trace ms = performance.now() + offset
  const main = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X');
  const lines = [];
  let busy = 0;
  let unknown = 0;
  for (const task of tasks) {
    const a = task.start + offset;
    const b = a + task.duration;
    const run = main
      .filter((e) => /(^|::)RunTask$/.test(e.name) && e.ts / 1000 <= a + 5 && (e.ts + e.dur) / 1000 >= b - 5)
      .sort((x, y) => y.dur - x.dur)[0];
    if (!run) {
      lines.push(`  ${ms(task.start)} +${ms(task.duration)} ms: no RunTask in the trace`);
      unknown++;
      continue;
    }
    const inside = main.filter((e) => e !== run && e.ts >= run.ts && e.ts + e.dur <= run.ts + run.dur && !/(^|::)RunTask$/.test(e.name) && e.dur >= 5000);
    inside.sort((x, y) => y.dur - x.dur);
    const name = (e) => {
      const d = e.args?.data ?? {};
      if (e.name === 'FunctionCall') return `FunctionCall ${d.functionName || '(anonymous)'} ${original(d.url, Math.max(0, (d.lineNumber ?? 1) - 1), Math.max(0, (d.columnNumber ?? 1) - 1)) ?? (d.url ?? '').split('/').pop()}`;
      if (e.name === 'EventDispatch') return `EventDispatch ${d.type ?? ''}`;
      return e.name;
    };
    const cpu = run.tdur !== undefined ? `${ms(run.tdur / 1000)} ms on the CPU` : 'no thread time';
    if (run.tdur === undefined) unknown++;
    else if (run.tdur > 50_000) busy++;
    lines.push(`  ${ms(task.start)} +${ms(task.duration)} ms (RunTask ${ms(run.dur / 1000)} ms, ${cpu}): ${inside.slice(0, 5).map((e) => `${ms(e.dur / 1000)} ms ${name(e)}`).join('; ') || 'nothing over 5 ms inside'}`);
  }
  return { lines, busy, unknown };
}

try {
  console.log('bench:edit — SwiftShader WebGPU on the CPU: absolute times are CPU figures, not GPU ones.');
  const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`${cpus().length} cores, load average ${load()} at the start (other work on the machine stretches tasks and frame gaps)`);
  await page.goto(url);
  await page.waitForSelector('.app[data-ready="true"][data-busy=""]', { timeout: 60_000 });
  const t = Date.now();
  await installTestModels();
  console.log(`test models installed through the Models dialog in ${Date.now() - t} ms`);
  await dropMosaic(0);
  await installRecorder();
  if (PROFILE) await startProfiler();
  if (TRACE) await startTrace();
  const syncAt = await page.evaluate(() => {
    const t = performance.now();
    console.timeStamp('bench-sync');
    return t;
  });
  const runs = [];
  for (const [i, label] of ['run 1 (cold: models load on first use)', 'run 2 (warm: models loaded, new image)'].entries()) {
    if (i > 0) await dropMosaic(90);
    const win = await edit();
    runs.push({ label, win });
  }
  const rec = await page.evaluate(() => window.__bench);
  const profile = PROFILE ? (await cdp.send('Profiler.stop')).profile : null;
  const trace = TRACE ? await stopTrace() : null;
  for (const { label, win } of runs) {
    const ph = phases(rec, win);
    const tasks = report(label, rec, win, ph);
    if (tasks.length) {
      console.log('  where the long tasks went (long-animation-frame scripts, mapped through the source maps):');
      for (const line of loafCulprits(rec, tasks)) console.log(line);
      if (profile) {
        console.log('  sampled self time inside each long task (CDP Profiler):');
        for (const line of profileCulprits(profile, tasks)) console.log(line);
      }
      if (trace) {
        const { lines, busy, unknown } = traceCulprits(trace, syncAt, tasks);
        console.log('  main-thread trace of each long task (wall vs CPU time, longest events inside):');
        for (const line of lines) console.log(line);
        console.log(
          `  long tasks with over 50 ms of main-thread CPU time: ${busy} of ${tasks.length}${unknown ? `, ${unknown} not found in the trace` : ''} (the others mostly waited for a core: the machine's load, not the app's work)`,
        );
      }
    }
  }
  console.log(`\nload average ${load()} at the end`);
  if (errors.length) console.log(`\npage errors: ${errors.join(' | ')}`);
  console.log(`network requests outside this machine: ${external.length}`);
  const alerts = await page.locator('[role="alert"]').allTextContents();
  if (alerts.length) console.log(`alerts on screen: ${alerts.join(' | ')}`);
} finally {
  await context.close();
  await server.close();
  rmSync(profileDir, { recursive: true, force: true });
}
