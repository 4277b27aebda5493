#!/usr/bin/env node
// Times the generated SD1.5 UNet (batch 2) and VAE decoder (batch 1) in headless Chromium's WebGPU.
//   node scripts/sd/bench-unet.mjs [--width 16] [--vae-width N] [--res 256,512] [--dtype fp32|fp16]
//                                  [--runs 1] [--layout NHWC|NCHW] [--parts unet,vae_decoder] [--full]
// --full is SD1.5 itself: width 320, VAE 128, fp16, 512² (a machine with a real GPU and shader-f16).
// The default (width 16, 64², fp32, one timed run) takes minutes on SwiftShader, which only checks
// that the graphs run. The UNet is written in the official diffusers layout (unet/config.json +
// safetensors, random weights) and the page builds its graph with models/build, as the app does;
// the VAE decoder is a random-weight graph from scripts/sd. Files go to models/fixtures/bench-unet/
// (served at /models/… with Range support) and are deleted afterwards. Extra Chromium flags (e.g. for
// a GPU through Vulkan): BENCH_CHROMIUM_ARGS.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer, runnerImport } from 'vite';

const args = process.argv.slice(2);
const full = args.includes('--full');
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const width = flag('--width', full ? '320' : '16');
const dtype = flag('--dtype', full ? 'fp16' : 'fp32');
const res = flag('--res', full ? '512' : '64');
const parts = flag('--parts', 'unet,vae_decoder');
const runs = flag('--runs', full ? '5' : '1');
const layout = flag('--layout', 'NCHW'); // NHWC's Conv is wrong at the UNet's 9 input channels (ORT 1.31-dev)

const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/google-chrome'].find((p) => p && existsSync(p));
if (!executablePath) {
  console.error('No Chromium found: apt-get install -y chromium, or set CHROMIUM_PATH.');
  process.exit(2);
}

const { module: gen } = await runnerImport(fileURLToPath(new URL('./generate.ts', import.meta.url)));
const genArgs = ['--width', width, '--dtype', dtype, '--res', res, '--parts', parts, ...(args.includes('--vae-width') ? ['--vae-width', flag('--vae-width')] : [])];
const options = gen.parseArgs(genArgs);
console.log('FLOPs count a multiply-add as 2 (convolutions, linear layers, attention products).');
for (const line of gen.summary(options)) console.log(line);

const dir = fileURLToPath(new URL('../../models/fixtures/bench-unet/', import.meta.url));
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
let failed = false;
let server;
let browser;
// Interrupted: still close Chromium and delete the generated models (a full fp32 UNet is 3.4 GB).
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}
try {
  const t0 = performance.now();
  if (options.parts.includes('unet')) {
    const { module: official } = await runnerImport(fileURLToPath(new URL('./official-folder.ts', import.meta.url)));
    const w = official.writeOfficialUnet(dir, gen.configs(options).unet, dtype);
    console.log(`generated ${w.path.split('/').slice(-2).join('/')} (${(w.bytes / 1e6).toFixed(1)} MB, official layout)`);
  }
  const others = options.parts.filter((p) => p !== 'unet');
  for (const m of gen.generate({ ...options, parts: others, out: dir })) console.log(`generated ${basename(m.path)} (${(m.modelBytes / 1e3).toFixed(0)} kB) + ${m.dataFile} (${(m.dataBytes / 1e6).toFixed(1)} MB)`);
  console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s (random weights: time and memory hold, image quality does not)`);

  // No HMR: a dependency re-optimisation or someone's edit must not reload the page mid-run.
  server = await createServer({
    configFile: 'vite.config.ts',
    server: { port: 0, host: '127.0.0.1', hmr: false },
    optimizeDeps: { entries: ['bench/unet.html'] },
    logLevel: 'error',
  });
  await server.listen();
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
      ...(process.env.BENCH_CHROMIUM_ARGS ? process.env.BENCH_CHROMIUM_ARGS.split(' ') : []),
    ],
  });
  const page = await browser.newPage();
  page.on('pageerror', (e) => {
    failed = true;
    console.error('page error:', e.message);
  });
  await page.exposeFunction('__benchReport', (line) => console.log(line));
  const done = new Promise((resolve, reject) => page.exposeFunction('__benchDone', (error) => (error ? reject(new Error(error)) : resolve())));
  const query = new URLSearchParams({ width, vaeWidth: String(options.vaeWidth), dtype, res, runs, layout, parts, models: '/models/fixtures/bench-unet/' });
  await page.goto(`${server.resolvedUrls.local[0]}bench/unet.html?${query}`);
  await Promise.race([done, new Promise((_, r) => setTimeout(() => r(new Error('benchmark timed out after 30 min')), 30 * 60_000))]);
} catch (e) {
  failed = true;
  console.error(String(e?.message ?? e));
} finally {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
