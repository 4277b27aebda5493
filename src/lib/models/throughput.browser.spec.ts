// Download throughput into OPFS from the local Hub stand-in. Off by default (it writes gigabytes);
// run with VITE_MODEL_THROUGHPUT_MB=<size>. Prints MB/s for the raw HTTP read, the main thread and
// a worker. Up to ≈ 1000 MB runs in the test browser's off-the-record profile; a file over 2 GB
// (streamed, never one ArrayBuffer) needs an on-disk profile — the Playwright provider's
// `persistentContext: <dir>` — whose quota is disk-sized: the off-the-record one refused at ≈ 2.1 GB
// even with the quota override below.
/// <reference types="@vitest/browser-playwright" />
import { cdp } from 'vitest/browser';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScenario, downloadInWorker } from '../../../tests/model-server/client.ts';
import { fillSynthetic } from '../../../tests/model-server/synthetic.ts';
import { downloadFile } from './download.ts';
import { fileURL, hubSource } from './sources.ts';
import { ModelStore } from './store.ts';

const sizeMB = Number(import.meta.env.VITE_MODEL_THROUGHPUT_MB ?? 0);
const timeout = Math.max(60_000, sizeMB * 300);
const serverURL = inject('modelServerURL');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Compares 64 slices of 64 KB at spread offsets with the synthetic bytes (a full compare of GBs takes minutes). */
async function spotCheck(file: File, path: string): Promise<void> {
  for (let k = 0; k < 64; k++) {
    const start = Math.floor(((file.size - 65536) * k) / 63);
    const got = new Uint8Array(await file.slice(start, start + 65536).arrayBuffer());
    const want = new Uint8Array(65536);
    fillSynthetic(path, start, want);
    expect(got.every((b, i) => b === want[i]), `bytes at ${start}`).toBe(true);
  }
}

const overrideQuota = (quotaSize?: number) =>
  (cdp().send as (m: string, p: object) => Promise<unknown>)('Storage.overrideQuotaForOrigin', { origin: location.origin, ...(quotaSize === undefined ? {} : { quotaSize }) });

describe.runIf(sizeMB > 0)(`download throughput, ${sizeMB} MB`, () => {
  // The test browser's off-the-record profile has a small quota (a 2.2 GB file hit it at ≈ 1.4 GB).
  beforeAll(() => overrideQuota(4 * sizeMB * 1_000_000 + 1e9));
  afterAll(() => overrideQuota());
  const bytes = sizeMB * 1_000_000;
  const path = `onnx/model-${bytes}.onnx`;
  const ref = { id: 'synthetic/throughput', revision: 'main' };
  const rate = (ms: number) => `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s (${(ms / 1000).toFixed(1)} s)`;

  async function freshDir() {
    const root = await navigator.storage.getDirectory();
    const dir = `models-throughput-${crypto.randomUUID()}`;
    cleanups.push(() => root.removeEntry(dir, { recursive: true }));
    return { root, dir, handle: await root.getDirectoryHandle(dir, { create: true }) };
  }

  it('raw HTTP read (no storage)', async () => {
    const url = fileURL(hubSource((await createScenario(serverURL)).host), ref, path);
    const t0 = performance.now();
    const reader = (await fetch(url, { cache: 'no-store' })).body!.getReader();
    let n = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) n += r.value.byteLength;
    expect(n).toBe(bytes);
    console.log(`raw read: ${rate(performance.now() - t0)}`);
  }, timeout);

  it('main thread into OPFS (writable stream)', async () => {
    const { handle } = await freshDir();
    const store = new ModelStore(handle);
    const url = fileURL(hubSource((await createScenario(serverURL)).host), ref, path);
    const t0 = performance.now();
    await downloadFile({ url, path, target: store.target(ref, path) });
    console.log(`main thread → OPFS: ${rate(performance.now() - t0)}`);
    const file = (await store.file(ref, path))!;
    expect(file.size).toBe(bytes);
    await spotCheck(file, path);
  }, timeout);

  it('worker into OPFS (sync access handle)', async () => {
    const { handle, dir } = await freshDir();
    const url = fileURL(hubSource((await createScenario(serverURL)).host), ref, path);
    const reply = await downloadInWorker({ url, path, dir, ref, writeBatchBytes: Number(import.meta.env.VITE_MODEL_BATCH ?? 4 * 1024 * 1024) });
    expect(reply).toMatchObject({ ok: true, bytes });
    if (reply.ok) console.log(`worker → OPFS: ${rate(reply.ms)}`);
    const file = (await new ModelStore(handle).file(ref, path))!;
    await spotCheck(file, path);
  }, timeout);
});
