// Download throughput to disk in Node (what models:fetch does) from the local Hub stand-in.
// Off by default; run with MODEL_THROUGHPUT_MB=<size>.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { diskTarget } from '../../../scripts/models-fetch.ts';
import { startModelServer } from '../../../tests/model-server/server.ts';
import { downloadFile } from './download.ts';
import { fileURL, hubSource } from './sources.ts';

const sizeMB = Number(process.env.MODEL_THROUGHPUT_MB ?? 0);

describe.runIf(sizeMB > 0)(`download throughput in Node, ${sizeMB} MB`, () => {
  it('to disk', async () => {
    const out = mkdtempSync(join(tmpdir(), 'models-throughput-'));
    onTestFinished(() => rmSync(out, { recursive: true, force: true }));
    const server = await startModelServer();
    const bytes = sizeMB * 1_000_000;
    const path = `onnx/model-${bytes}.onnx`;
    const ref = { id: 'synthetic/throughput', revision: 'main' };
    const t0 = performance.now();
    await downloadFile({ url: fileURL(hubSource(server.url), ref, path), path, target: diskTarget(out, ref.id, path) });
    const s = (performance.now() - t0) / 1000;
    console.log(`Node → disk: ${(bytes / 1e6 / s).toFixed(0)} MB/s (${s.toFixed(1)} s)`);
    expect(statSync(join(out, ref.id, path)).size).toBe(bytes);
    await server.close();
  }, 600_000);
});
