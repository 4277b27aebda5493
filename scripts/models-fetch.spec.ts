// models:fetch against the local Hub stand-in serving the fixture models.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST } from '../models/manifest.ts';
import { resumeOffsets } from '../tests/model-server/resume-log.ts';
import { startModelServer, type ModelServer, type ScenarioOptions } from '../tests/model-server/server.ts';
import { FIXTURES_DIR, generateFixtures } from './fixtures/generate.ts';
import { fetchModels } from './models-fetch.ts';

let server: ModelServer;
const dirs: string[] = [];
beforeAll(async () => {
  generateFixtures();
  server = await startModelServer({ root: FIXTURES_DIR });
});
afterAll(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const T5 = MANIFEST['t5-encoder'].id;
const t5Files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/encoder_model_quantized.onnx'];
const fast = { baseMs: 1, maxMs: 5 };
function setup(scenario: ScenarioOptions = {}) {
  const out = mkdtempSync(join(tmpdir(), 'models-fetch-'));
  dirs.push(out);
  const id = server.scenario(scenario);
  return { out, host: `${server.url}/s/${id}`, log: () => server.log(id) };
}
const same = (out: string, id: string, path: string) => readFileSync(join(out, id, path)).equals(readFileSync(join(FIXTURES_DIR, id, path)));

describe('models:fetch', () => {
  it('fetches the chosen roles into <out>/<id>/<path>, byte for byte, and skips them the next time', async () => {
    const { out, host, log } = setup();
    const report = await fetchModels({ host, out, roles: ['t5-encoder', 'clipseg'], retry: fast });
    expect(report.failed).toEqual([]);
    expect(report.downloaded).toEqual([...t5Files.map((p) => `${T5}/${p}`), ...['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'].map((p) => `${MANIFEST.clipseg.id}/${p}`)]);
    expect(t5Files.every((p) => same(out, T5, p))).toBe(true);
    expect(readFileSync(join(out, T5, '.revision'), 'utf8')).toBe(`${MANIFEST['t5-encoder'].revision}\n`);
    expect(readdirSync(join(out, T5, '.partial'))).toEqual([]);
    expect(log().map((r) => r.file.startsWith(`${T5}/`))).toEqual([...Array(4).fill(true), ...Array(5).fill(false)]);

    const again = await fetchModels({ host, out, roles: ['t5-encoder', 'clipseg'] });
    expect([again.downloaded, again.skipped.length, log().length]).toEqual([[], 9, 9]);
  });

  it('resumes cut downloads and refuses an HTML page, leaving no file in its place', async () => {
    const { out, host, log } = setup({
      faults: [
        { kind: 'cut', after: 20_000, path: 'encoder_model_quantized' },
        { kind: 'cut', after: 30_000, path: 'encoder_model_quantized' },
        { kind: 'html', path: 'tokenizer.json' },
      ],
    });
    const report = await fetchModels({ host, out, roles: ['t5-encoder'], retry: fast });
    expect(report.failed).toEqual([{ file: `${T5}/tokenizer.json`, reason: expect.stringMatching(/^"tokenizer.json" was refused: the server sent a web page/) }]);
    expect(readdirSync(join(out, T5)).sort()).toEqual(['.partial', '.revision', 'config.json', 'onnx', 'tokenizer_config.json']);
    expect(same(out, T5, 'onnx/encoder_model_quantized.onnx')).toBe(true);
    const onnx = log().filter((r) => r.file.endsWith('.onnx'));
    expect(onnx.map((r) => r.sent).slice(0, 2)).toEqual([20_000, 30_000]);
    expect(resumeOffsets(onnx).at(-1)).toBeGreaterThan(0);

    const retried = await fetchModels({ host, out, roles: ['t5-encoder'], retry: fast });
    expect([retried.downloaded, retried.failed]).toEqual([[`${T5}/tokenizer.json`], []]);
    expect(same(out, T5, 'tokenizer.json')).toBe(true);
  });

  it('runs as a command with --host and --only, and exits 1 when a file fails', async () => {
    const { out, host } = setup({ faults: [{ kind: 'status', status: 404, path: 'config.json' }] });
    const run = promisify(execFile);
    const args = ['scripts/models-fetch.mjs', '--host', host, '--only', 't5-encoder', '--out', out];
    const failed = await run('node', args).catch((e: { code: number; stdout: string }) => e);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stdout: string }).stdout).toMatch(/FAILED Xenova\/flan-t5-base\/config.json: "config.json" was not found at .*\(HTTP 404\)/);
    const ok = await run('node', args);
    expect(ok.stdout).toMatch(/^1 downloaded \(.* in [\d.]+ s, .*\/s\), 3 already there, 0 failed\.$/m);
    const usage = await run('node', ['scripts/models-fetch.mjs', '--only', 'nope']).catch((e: { code: number; stderr: string }) => e);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown role nope') });
  }, 30_000);
});
