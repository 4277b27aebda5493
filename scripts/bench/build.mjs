#!/usr/bin/env node
// `npm run bench:build [-- --width 320] [--file fp16|fp32] [--single] [--latent N]`: writes an SD1.5 UNet in the
// official diffusers layout with random weights (full size by default: the real file's layout and
// size), serves it under /models/fixtures/bench-official/, and runs bench/build.html: graph build time
// in the browser, session creation time and memory with the safetensors file as external data, node
// placement, one evaluation. --single adds a single-file graph of the same weights' size (widths whose
// fp32 protobuf stays under 2 GB). Generated files are deleted afterwards.
import { rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { runnerImport } from 'vite';

const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const width = Number(flag('--width', '320'));
const file = flag('--file', 'fp16');
const root = fileURLToPath(new URL('../../models/fixtures/bench-official/', import.meta.url));
const dir = join(root, String(width));
rmSync(root, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
try {
  const { module: folder } = await runnerImport(fileURLToPath(new URL('../sd/official-folder.ts', import.meta.url)));
  const { module: cfg } = await runnerImport(fileURLToPath(new URL('../../models/build/sd-config.ts', import.meta.url)));
  const unet = cfg.unetConfig(width);
  const t0 = performance.now();
  const written = folder.writeOfficialUnet(dir, unet, file);
  console.log(`wrote ${written.path.split('/').slice(-2).join('/')} (${(written.bytes / 1e6).toFixed(0)} MB, width ${width}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // One evaluation only below full size: on SwiftShader the full UNet takes many minutes even at 8².
  let query = `models=/models/fixtures/bench-official/${width}/&dtype=fp32&latent=${flag('--latent', width >= 320 ? '0' : '8')}`;
  if (args.includes('--single')) {
    const { module: model } = await runnerImport(fileURLToPath(new URL('../../models/build/model.ts', import.meta.url)));
    const bytes = model.buildModel('unet', { dtype: 'fp32', unet, vae: cfg.vaeConfig(4), weights: model.fastWeights(1) });
    writeFileSync(join(dir, 'single.onnx'), bytes);
    console.log(`wrote single.onnx (${(bytes.length / 1e6).toFixed(0)} MB, weights inside)`);
    query += `&single=/models/fixtures/bench-official/${width}/single.onnx`;
  }
  const env = { ...process.env, BENCH_CHROMIUM_ARGS: [process.env.BENCH_CHROMIUM_ARGS ?? '', '--enable-blink-features=ForceEagerMeasureMemory'].join(' ').trim() };
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('./run.mjs', import.meta.url)), 'build', query], { stdio: 'inherit', env });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(root, { recursive: true, force: true });
}
