// `npm run models:check`: arguments, and a run over the test models that writes the report a
// person would paste (exit code 1: the test Qwen vision encoder holds an op WebGPU lacks).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FIXTURES_DIR, generateFixtures } from './fixtures/generate.ts';
import { main, parseArgs } from './models-check.ts';

const out = mkdtempSync(join(tmpdir(), 'models-check-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('models:check', () => {
  it('takes a folder or a profile name', () => {
    generateFixtures();
    expect(parseArgs(['fixtures'])).toMatchObject({ root: FIXTURES_DIR, testModels: true, f16: false });
    expect(parseArgs([FIXTURES_DIR, '--f16', '--roles', 'clipseg,vlm'])).toMatchObject({ testModels: true, f16: true, roles: ['clipseg', 'vlm'] });
    expect(parseArgs(['self'], resolve(FIXTURES_DIR, '../..'))).toMatchObject({ root: resolve(FIXTURES_DIR, '..'), testModels: false });
    expect(() => parseArgs(['hub'])).toThrow(/Check models in the Models dialog/);
    expect(() => parseArgs([join(out, 'nowhere')])).toThrow(/is not a folder/);
    expect(() => parseArgs(['fixtures', '--roles', 'clip'])).toThrow('unknown role clip');
    expect(() => parseArgs([])).toThrow(/^usage: npm run models:check/);
  });

  it('prints and writes the report; the exit code says whether anything failed', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const file = join(out, 'report.md');
      expect(await main(['fixtures', '--roles', 'clipseg', '--out', file])).toBe(0);
      const text = readFileSync(file, 'utf8');
      expect(log).toHaveBeenCalledWith(text);
      expect(text).toMatch(/^# Check models — \/\S+\/models\/fixtures \(test models\)\n\n5 passed, 0 failed, 2 skipped · /);
      expect(text).toContain('- onnxruntime-web 1.31.0-dev.20260914-8d85527a0 wasm (CPU) execution provider, 1 thread');
      expect(text).toContain('SKIP  clipseg · semantic: test models — skipped');
      expect(text).toMatch(/PASS {2}clipseg\/model q8 · run: 1 outputs, all finite; first run \d+ ms/);
      expect(await main(['fixtures', '--roles', 'vlm'])).toBe(1); // Mod in the test vision encoder
      expect(await main(['hub'])).toBe(2);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  }, 120_000);
});
