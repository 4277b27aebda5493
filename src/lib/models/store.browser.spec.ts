// The OPFS store with real downloads from the local Hub stand-in (cross-origin, as the real Hub is).
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createScenario, scenarioLog } from '../../../tests/model-server/client.ts';
import { resumeOffsets } from '../../../tests/model-server/resume-log.ts';
import type { ScenarioOptions } from '../../../tests/model-server/server.ts';
import { firstDifference, syntheticBytes } from '../../../tests/model-server/synthetic.ts';
import { downloadFile } from './download.ts';
import { ModelContentError } from './errors.ts';
import { downloadModel, type ModelProgress } from './model-download.ts';
import { fileURL, hubSource } from './sources.ts';
import { ModelStore } from './store.ts';

const serverURL = inject('modelServerURL');
const ref = { id: 'synthetic/browser', revision: 'main' };
const fast = { baseMs: 1, maxMs: 5 };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A store in a fresh OPFS folder, removed after the test. */
async function freshStore(): Promise<ModelStore> {
  const opfs = await navigator.storage.getDirectory();
  const name = `models-test-${crypto.randomUUID()}`;
  cleanups.push(() => opfs.removeEntry(name, { recursive: true }));
  return new ModelStore(await opfs.getDirectoryHandle(name, { create: true }));
}

async function scenario(options: ScenarioOptions = {}) {
  const { host, id } = await createScenario(serverURL, options);
  return { source: hubSource(host), log: () => scenarioLog(serverURL, id) };
}

const bytesOf = async (file: File | null) => (file ? new Uint8Array(await file.arrayBuffer()) : null);

describe('ModelStore with downloads', () => {
  it('resumes a download cut at five random offsets and stores exactly the file', async () => {
    const store = await freshStore();
    const path = 'onnx/model-3000000.onnx';
    const cuts = [1, 2, 3, 4, 5].map(() => 1000 + Math.floor(Math.random() * 500_000));
    const { source, log } = await scenario({ faults: cuts.map((after) => ({ kind: 'cut' as const, after })), });
    const result = await downloadFile({ url: fileURL(source, ref, path), path, target: store.target(ref, path), retry: fast });
    expect(firstDifference(await bytesOf(await store.file(ref, path)), syntheticBytes(path))).toBe(-1);
    expect(await store.model(ref)).toEqual({ ...ref, files: [{ path, size: 3_000_000 }], bytes: 3_000_000, partialBytes: 0 });

    // Every request after a cut continues the stored part (see resumeOffsets), and each cut was served.
    const requests = await log();
    expect(requests.slice(0, 5).map((r) => r.sent)).toEqual(cuts);
    const offsets = resumeOffsets(requests);
    expect(offsets[5]).toBeGreaterThan(0);
    expect(requests[5].sent).toBe(3_000_000 - offsets[5]);
    expect(result).toEqual({ bytes: 3_000_000, requests: 6, resumes: requests.filter((r) => r.status === 206).length });
  });

  it('never stores an HTML error page, as a file or as a partial', async () => {
    const store = await freshStore();
    const path = 'onnx/model-200000.onnx';
    for (const contentType of ['text/html', 'application/octet-stream']) {
      const { source } = await scenario({ faults: [{ kind: 'html', contentType }] });
      const error = await downloadFile({ url: fileURL(source, ref, path), path, target: store.target(ref, path), retry: fast }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelContentError);
      expect(await store.file(ref, path)).toBeNull();
      expect(await store.model(ref)).toBeNull();
    }
    // An HTML page in the middle of a resume (a captive portal) is refused too, and the partial forgotten.
    const { source } = await scenario({ faults: [{ kind: 'cut', after: 50_000 }, { kind: 'html' }] });
    await expect(downloadFile({ url: fileURL(source, ref, path), path, target: store.target(ref, path), retry: fast })).rejects.toMatchObject({ problem: 'html' });
    expect(await store.model(ref)).toBeNull();
  });

  it('downloads a model file by file with summed progress, then lists, sizes and deletes per model', async () => {
    const store = await freshStore();
    const files = [{ path: 'config.json' }, { path: 'onnx/model-700000.onnx', approxBytes: 690_000 }, { path: 'onnx/model-700000.onnx_data-300000.onnx_data' }];
    const { source } = await scenario({ bytesPerSecond: 8_000_000 });
    const events: ModelProgress[] = [];
    const result = await downloadModel({ store, source, ref, files, retry: fast, progressIntervalMs: 10, onProgress: (p) => events.push(p) });
    expect(result.downloaded).toEqual(files.map((f) => f.path));
    const sizes = files.map((f) => syntheticBytes(f.path).length);
    expect(result.bytes).toBe(sizes[0] + sizes[1] + sizes[2]);
    const last = events[events.length - 1];
    expect([last.bytes, last.total, last.filesDone, last.filesTotal]).toEqual([result.bytes, result.bytes, 2, 3]);
    expect(events.every((e, i) => i === 0 || e.bytes >= events[i - 1].bytes)).toBe(true);
    expect(events.some((e) => e.file?.path === files[1].path && e.total === sizes[0] + 700_000 && e.rate > 0 && e.eta !== null)).toBe(true);

    const other = { id: 'synthetic/other', revision: 'abc123' };
    await downloadModel({ store, source, ref: other, files: [{ path: 'onnx/x-1000.onnx' }] });
    expect((await store.list()).map((m) => [m.id, m.revision, m.bytes])).toEqual([
      ['synthetic/browser', 'main', result.bytes],
      ['synthetic/other', 'abc123', 1000],
    ]);
    expect(firstDifference(await bytesOf(await store.file(ref, files[2].path)), syntheticBytes(files[2].path))).toBe(-1);

    // Files already stored are not asked for again.
    const again = await downloadModel({ store, source, ref, files });
    expect(again).toEqual({ downloaded: [], bytes: 0, requests: 0, resumes: 0 });

    await store.delete(ref);
    expect((await store.list()).map((m) => m.id)).toEqual(['synthetic/other']);
    expect(await store.file(ref, 'config.json')).toBeNull();
    await store.delete('synthetic/other');
    expect(await store.list()).toEqual([]);
  });

  it('keeps what a cancelled download received and resumes from it', async () => {
    const store = await freshStore();
    const path = 'onnx/model-2000000.onnx';
    const { source, log } = await scenario({ bytesPerSecond: 4_000_000 });
    const controller = new AbortController();
    const run = (signal?: AbortSignal) =>
      downloadFile({ url: fileURL(source, ref, path), path, target: store.target(ref, path), signal, writeBatchBytes: 64 * 1024, onProgress: (p) => p.bytes > 500_000 && controller.abort() });
    await expect(run(controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    const kept = (await store.model(ref))!.partialBytes;
    expect(kept).toBeGreaterThan(500_000);
    expect(await store.file(ref, path)).toBeNull();
    await run();
    expect((await log())[1].range).toBe(`bytes=${kept}-`);
    expect(firstDifference(await bytesOf(await store.file(ref, path)), syntheticBytes(path))).toBe(-1);
    expect((await store.model(ref))!.partialBytes).toBe(0);
  });

  it('re-hashes the part stored in OPFS before resuming: a damaged part is refused, a sound one completes', async () => {
    const store = await freshStore();
    const path = 'onnx/model-1500000.onnx';
    const bytes = syntheticBytes(path);
    const sha256 = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const { source, log } = await scenario();
    const url = fileURL(source, ref, path);
    const target = store.target(ref, path);
    const storePart = async (damage: boolean) => {
      const part = bytes.slice(0, 900_000);
      if (damage) part[123_456] ^= 1;
      const w = await target.open(0);
      await w.write(part);
      await w.close();
      await target.setMeta({ url, etag: null, total: bytes.length });
    };
    await storePart(true);
    await expect(downloadFile({ url, path, size: bytes.length, sha256, target, retry: fast })).rejects.toMatchObject({ problem: 'hash' });
    expect(await store.model(ref)).toBeNull(); // neither kept as complete nor as a part
    await storePart(false);
    await downloadFile({ url, path, size: bytes.length, sha256, target, retry: fast });
    expect(firstDifference(await bytesOf(await store.file(ref, path)), bytes)).toBe(-1);
    expect((await log()).map((r) => r.range)).toEqual(['bytes=900000-', 'bytes=900000-']);
  });

  it('keeps runtime assets by key and prunes old ones', async () => {
    const store = await freshStore();
    await store.putAsset('/assets/ort-a.wasm', new Blob(['old']));
    await store.putAsset('/assets/ort-b.wasm?v=2', new Blob(['new']));
    expect(await (await store.asset('/assets/ort-b.wasm?v=2'))!.text()).toBe('new');
    await store.pruneAssets(['/assets/ort-b.wasm?v=2']);
    expect(await store.asset('/assets/ort-a.wasm')).toBeNull();
    expect(await store.assetBytes()).toBe(3);
  });
});
