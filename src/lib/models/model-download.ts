// A whole model into the store: each missing file in turn, with progress summed over the model.
import type { RetryPolicy } from './backoff.ts';
import { downloadFile } from './download.ts';
import { fileURL, type ModelSource } from './sources.ts';
import type { ModelStore } from './store.ts';
import type { FileProgress, ModelFile, ModelRef } from './types.ts';
import { etaSeconds } from './progress.ts';

export interface ModelProgress {
  /** Bytes of this model on disk, complete and partial. */
  bytes: number;
  /** Expected size of the whole model: exact sizes where known, listing sizes elsewhere (0 when neither). */
  total: number;
  rate: number;
  eta: number | null;
  /** The file being downloaded. */
  file: FileProgress | null;
  filesDone: number;
  filesTotal: number;
}

export interface ModelDownloadOptions {
  store: ModelStore;
  source: ModelSource;
  ref: ModelRef;
  files: ModelFile[];
  signal?: AbortSignal;
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  random?: () => number;
  onProgress?: (progress: ModelProgress) => void;
  progressIntervalMs?: number;
}

export interface ModelDownloadResult {
  /** Files downloaded now (those already stored are skipped). */
  downloaded: string[];
  /** Their total size. */
  bytes: number;
  requests: number;
  resumes: number;
}

export async function downloadModel(o: ModelDownloadOptions): Promise<ModelDownloadResult> {
  const { store, ref } = o;
  const sizes = new Map<string, number | null>();
  const done = new Set<string>();
  for (const f of o.files) {
    const stored = await store.file(ref, f.path);
    if (stored) done.add(f.path);
    sizes.set(f.path, stored?.size ?? f.size ?? f.approxBytes ?? null);
  }
  const sum = (pick: (path: string) => number) => o.files.reduce((n, f) => n + pick(f.path), 0);
  const result: ModelDownloadResult = { downloaded: [], bytes: 0, requests: 0, resumes: 0 };

  for (const file of o.files) {
    if (done.has(file.path)) continue;
    const r = await downloadFile({
      url: fileURL(o.source, ref, file.path),
      path: file.path,
      size: file.size,
      sha256: file.sha256,
      target: store.target(ref, file.path),
      signal: o.signal,
      fetch: o.fetch,
      retry: o.retry,
      random: o.random,
      progressIntervalMs: o.progressIntervalMs,
      onProgress: (p) => {
        if (p.total !== null) sizes.set(file.path, p.total);
        const bytes = sum((path) => (done.has(path) ? (sizes.get(path) ?? 0) : path === file.path ? p.bytes : 0));
        const total = sum((path) => sizes.get(path) ?? 0);
        o.onProgress?.({ bytes, total, rate: p.rate, eta: etaSeconds(total - bytes, p.rate), file: p, filesDone: done.size, filesTotal: o.files.length });
      },
    });
    sizes.set(file.path, r.bytes);
    done.add(file.path);
    result.downloaded.push(file.path);
    result.bytes += r.bytes;
    result.requests += r.requests;
    result.resumes += r.resumes;
  }
  return result;
}
