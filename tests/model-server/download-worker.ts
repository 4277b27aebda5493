// A dedicated worker that downloads one file into an OPFS store, for tests and throughput figures:
// in a worker the store writes through sync access handles instead of writable streams.
import { downloadFile } from '../../src/lib/models/download.ts';
import type { RetryPolicy } from '../../src/lib/models/backoff.ts';
import { ModelStore } from '../../src/lib/models/store.ts';

export interface WorkerDownloadRequest {
  url: string;
  path: string;
  /** OPFS folder (under the root) that holds the store. */
  dir: string;
  ref: { id: string; revision: string };
  retry?: Partial<RetryPolicy>;
  writeBatchBytes?: number;
}

export type WorkerDownloadReply =
  | { ok: true; bytes: number; requests: number; resumes: number; ms: number; syncHandles: boolean }
  | { ok: false; name: string; message: string };

self.onmessage = async (event: MessageEvent<WorkerDownloadRequest>) => {
  const r = event.data;
  try {
    const root = await navigator.storage.getDirectory();
    const store = new ModelStore(await root.getDirectoryHandle(r.dir, { create: true }));
    const t0 = performance.now();
    const result = await downloadFile({ url: r.url, path: r.path, target: store.target(r.ref, r.path), retry: r.retry, writeBatchBytes: r.writeBatchBytes });
    const syncHandles = typeof (FileSystemFileHandle.prototype as { createSyncAccessHandle?: unknown }).createSyncAccessHandle === 'function';
    postMessage({ ok: true, ...result, ms: performance.now() - t0, syncHandles } satisfies WorkerDownloadReply);
  } catch (error) {
    postMessage({ ok: false, name: (error as Error).name, message: (error as Error).message } satisfies WorkerDownloadReply);
  }
};
