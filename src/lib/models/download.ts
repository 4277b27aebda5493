// One file from a URL into a DownloadTarget: resumes with HTTP Range after a cut, retries with
// backoff, reports progress, checks the content, and commits only a file that passed every check.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { backoffDelay, DEFAULT_RETRY, isRetryableStatus, retryAfterMs, sleep, type RetryPolicy } from './backoff.ts';
import { ModelContentError, ModelDownloadError, ModelStorageFullError } from './errors.ts';
import type { ChunkWriter } from './opfs.ts';
import { etaSeconds, RateMeter } from './progress.ts';
import type { FileProgress } from './types.ts';
import { checkComplete, checkContentType, checkSize, checkStart, fileKind, HEAD_BYTES, type RangeReader } from './verify.ts';

/** What a partial file remembers about its source, to resume only the same file. */
export interface PartialMeta {
  url: string;
  etag: string | null;
  total: number | null;
  /** Resumes of this partial in a row that brought no byte (kept across attempts and sessions). */
  failedResumes?: number;
}

/** Where a download goes: a partial file (kept across attempts and sessions) and its commit. */
export interface DownloadTarget {
  /** Bytes in the partial file (0 when there is none). */
  size(): Promise<number>;
  meta(): Promise<PartialMeta | null>;
  setMeta(meta: PartialMeta): Promise<void>;
  /** Cuts the partial file to `at` bytes and appends from there. */
  open(at: number): Promise<ChunkWriter>;
  read: RangeReader;
  /** Makes the verified partial file the complete file. */
  commit(): Promise<void>;
  /** Forgets the partial file. */
  discard(): Promise<void>;
}

export interface DownloadOptions {
  url: string;
  /** Path inside the repository: decides the content checks and names the file in messages. */
  path: string;
  /** Exact size when known in advance. */
  size?: number;
  /** Expected SHA-256 (hex) of the whole file: checked before it is committed, stored bytes re-hashed on a resume. */
  sha256?: string;
  target: DownloadTarget;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  /** Random numbers for the backoff jitter (tests pass a fixed one). */
  random?: () => number;
  onProgress?: (progress: FileProgress) => void;
  /** Least time between two progress reports in ms (the first and the last are always sent). */
  progressIntervalMs?: number;
  now?: () => number;
  /** Bytes gathered before one write to storage (fewer, larger writes are faster in OPFS). */
  writeBatchBytes?: number;
}

/** Resumes of one partial in a row that fail before a byte arrives; then it starts again from zero. */
export const RESUME_FAILURE_LIMIT = 3;
/** Bytes read at a time when re-hashing a stored partial. */
const HASH_READ_BYTES = 2 * 1024 * 1024; // ≈ 10–20 ms of hashing on the main thread per slice

type Sha256 = ReturnType<typeof sha256.create>;

export interface DownloadResult {
  bytes: number;
  /** HTTP requests made, the first included. */
  requests: number;
  /** Requests that continued a partial file with a 206 answer. */
  resumes: number;
}

/** `bytes a-b/total` or `bytes * /total` (without the space). */
export function parseContentRange(header: string | null): { start: number | null; total: number | null } | null {
  const m = header?.match(/^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/i);
  if (!m) return null;
  return { start: m[1] === undefined ? null : Number(m[1]), total: m[2] === '*' ? null : Number(m[2]) };
}

function statusMessage(path: string, url: string, status: number): string {
  if (status === 404) return `"${path}" was not found at ${url} (HTTP 404). Check the model host setting, and that this model is published.`;
  if (status === 401 || status === 403) return `Access to "${path}" was refused (HTTP ${status}): the model may be private or gated.`;
  return `Downloading "${path}" failed: the server answered HTTP ${status}.`;
}

/** Gathers chunks into larger writes. */
function batched(writer: ChunkWriter, limit: number): ChunkWriter {
  let parts: Uint8Array[] = [];
  let size = 0;
  const flush = async () => {
    if (size === 0) return;
    const data = parts.length === 1 ? parts[0] : new Uint8Array(size);
    if (parts.length > 1) parts.reduce((at, p) => (data.set(p, at), at + p.byteLength), 0);
    parts = [];
    size = 0;
    await writer.write(data);
  };
  return {
    async write(chunk) {
      parts.push(chunk);
      size += chunk.byteLength;
      if (size >= limit) await flush();
    },
    async close() {
      try {
        await flush();
      } finally {
        await writer.close();
      }
    },
  };
}

export async function downloadFile(o: DownloadOptions): Promise<DownloadResult> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...o.retry };
  const doFetch = o.fetch ?? globalThis.fetch.bind(globalThis);
  const now = o.now ?? (() => performance.now());
  const { path, target, signal } = o;
  const binary = fileKind(path) !== 'json' && fileKind(path) !== 'other';
  let failures = 0;
  let requests = 0;
  let resumes = 0;
  let total: number | null;
  // The hash over the partial's first `bytes` bytes; rebuilt from storage when they differ (a resume
  // from an earlier session, or a write that failed after its bytes were hashed).
  let hashed: { hash: Sha256; bytes: number } | null = null;
  const hashUpTo = async (bytes: number): Promise<Sha256 | null> => {
    if (!o.sha256) return null;
    if (hashed?.bytes === bytes) return hashed.hash;
    const hash = sha256.create();
    for (let at = 0; at < bytes; at += HASH_READ_BYTES) hash.update(await target.read(at, Math.min(bytes, at + HASH_READ_BYTES)));
    hashed = { hash, bytes };
    return hash;
  };
  // A resume that brought nothing counts against this partial; past the limit it starts again from zero.
  const resumeFailed = async (meta: PartialMeta | null): Promise<void> => {
    if (!meta) return;
    const failedResumes = (meta.failedResumes ?? 0) + 1;
    if (failedResumes >= RESUME_FAILURE_LIMIT) await target.discard();
    else await target.setMeta({ ...meta, failedResumes });
  };

  const retryLater = async (cause: unknown, waitMs: number | null, progressed: boolean) => {
    failures = progressed ? 1 : failures + 1;
    if (failures >= policy.attempts) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ModelDownloadError(
        `Downloading "${path}" failed ${failures} times in a row (${reason}). Check the connection and try again; the part already downloaded is kept.`,
        cause instanceof ModelDownloadError ? cause.status : null,
        { cause },
      );
    }
    await sleep(waitMs ?? backoffDelay(failures, policy, o.random), signal);
  };
  const refuse = async (error: Error, response?: Response): Promise<never> => {
    await response?.body?.cancel().catch(() => {});
    await target.discard();
    throw error;
  };

  for (;;) {
    signal?.throwIfAborted();
    let offset = await target.size();
    const meta = offset > 0 ? await target.meta() : null;
    const known = meta?.total ?? o.size ?? null;
    if (offset > 0 && (!meta || meta.url !== o.url || (o.size !== undefined && meta.total !== null && meta.total !== o.size) || (known !== null && offset > known))) {
      await target.discard(); // a partial file from elsewhere, or longer than the file: start again
      offset = 0;
    }
    if (offset > 0 && offset === known) {
      total = known; // complete in an earlier session, not yet verified
      break;
    }

    let response: Response;
    try {
      requests++;
      response = await doFetch(o.url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, signal, cache: 'no-store' });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (offset > 0) await resumeFailed(meta);
      await retryLater(error, null, false);
      continue;
    }

    if (response.status === 416 && offset > 0) {
      await response.body?.cancel().catch(() => {});
      if (parseContentRange(response.headers.get('content-range'))?.total === offset) {
        total = offset;
        break;
      }
      await target.discard();
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      const error = new ModelDownloadError(statusMessage(path, o.url, response.status), response.status);
      if (!isRetryableStatus(response.status)) throw error;
      if (offset > 0) await resumeFailed(meta);
      await retryLater(error, retryAfterMs(response.headers.get('retry-after')), false);
      continue;
    }
    try {
      checkContentType(path, response.headers.get('content-type'));
    } catch (error) {
      await refuse(error as Error, response);
    }

    const etag = response.headers.get('etag');
    let start = 0;
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('content-range'));
      const changed = (meta?.etag && etag && etag !== meta.etag) || (range?.total != null && meta?.total != null && range.total !== meta.total);
      if (!range || range.start !== offset || changed) {
        await response.body?.cancel().catch(() => {});
        await target.discard(); // another range, or the file changed on the server: start again
        if (!changed) await retryLater(new Error(`the server sent another range (${response.headers.get('content-range')})`), null, false);
        continue;
      }
      start = offset;
      total = range.total ?? meta?.total ?? null;
      resumes++;
    } else {
      const length = response.headers.get('content-length');
      const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
      // A compressed body can be longer than its Content-Length, and browsers hide Content-Encoding
      // across origins: the length is enforced for model weights only (JSON must still parse).
      total = length !== null && !encoded && binary ? Number(length) : null;
    }
    if (o.size !== undefined && total !== null && total !== o.size) {
      await refuse(new ModelContentError(path, 'size', `the server announces ${total} bytes instead of ${o.size}`), response);
    }
    if (start === 0) await target.setMeta({ url: o.url, etag, total });

    const hash = await hashUpTo(start);
    const outcome = await receive(o, response, start, total, now, hash);
    if (hash) hashed = { hash, bytes: outcome.received };
    if (start > 0 && outcome.received === start) await resumeFailed(meta);
    else if (start > 0 && meta?.failedResumes) await target.setMeta({ ...meta, failedResumes: 0 });
    if (outcome.error === null) {
      if (total !== null && outcome.received !== total) {
        await retryLater(new Error(`the connection closed after ${outcome.received} of ${total} bytes`), null, outcome.received > start);
        continue;
      }
      total ??= outcome.received;
      break;
    }
    const error = outcome.error;
    if (error instanceof ModelContentError) await refuse(error);
    if (error instanceof ModelStorageFullError) throw new ModelStorageFullError(total === null ? null : total - outcome.received, null, { cause: error.cause });
    if (signal?.aborted) throw signal.reason;
    await retryLater(error, null, outcome.received > start);
  }

  const size = await target.size();
  try {
    checkSize(path, size, total);
    checkSize(path, size, o.size);
    await checkComplete(path, size, target.read);
    const hash = await hashUpTo(size);
    hashed = null;
    const got = hash && bytesToHex(hash.digest());
    if (got && got !== o.sha256!.toLowerCase()) throw new ModelContentError(path, 'hash', `expected ${o.sha256!.slice(0, 12)}…, received ${got.slice(0, 12)}…`);
  } catch (error) {
    await refuse(error as Error);
  }
  await target.commit();
  return { bytes: size, requests, resumes };
}

/** Streams one response body into the target from `start`; the error is returned, not thrown. */
async function receive(o: DownloadOptions, response: Response, start: number, total: number | null, now: () => number, hash: Sha256 | null) {
  const interval = o.progressIntervalMs ?? 100;
  const meter = new RateMeter(3000, now);
  let received = start;
  let lastReport = -Infinity;
  const report = (force: boolean) => {
    const t = now();
    if (!o.onProgress || (!force && t - lastReport < interval)) return;
    lastReport = t;
    const rate = meter.rate;
    o.onProgress({ path: o.path, bytes: received, total, rate, eta: etaSeconds(total === null ? null : total - received, rate) });
  };
  // The first bytes are checked before anything is written.
  let held: Uint8Array[] | null = start === 0 ? [] : null;
  let heldBytes = 0;
  let error: unknown = null;
  let writer: ChunkWriter | null = null;
  const reader = response.body?.getReader();
  // The hash follows exactly the bytes handed to the writer (held bytes are hashed once written).
  const write = async (chunk: Uint8Array) => {
    hash?.update(chunk);
    await writer!.write(chunk);
  };
  try {
    writer = batched(await o.target.open(start), o.writeBatchBytes ?? 4 * 1024 * 1024);
    report(true);
    for (let r = await reader?.read(); r && !r.done; r = await reader!.read()) {
      const chunk = r.value;
      if (total !== null && received + chunk.byteLength > total) throw new ModelContentError(o.path, 'size', `more than the ${total} bytes announced`);
      received += chunk.byteLength;
      meter.add(chunk.byteLength);
      if (held) {
        held.push(chunk);
        heldBytes += chunk.byteLength;
        if (heldBytes < HEAD_BYTES) continue;
        checkStart(o.path, concat(held), total);
        for (const part of held.splice(0)) await write(part);
        held = null;
      } else await write(chunk);
      report(false);
    }
    if (held) {
      checkStart(o.path, concat(held), total); // a file shorter than HEAD_BYTES
      for (const part of held) await write(part);
      held = null;
    }
  } catch (e) {
    error = e;
    await reader?.cancel().catch(() => {});
  }
  try {
    await writer?.close();
  } catch (e) {
    error ??= e;
  }
  if (held) received -= heldBytes; // never written
  report(true);
  return { received, error };
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.byteLength), 0);
  return out;
}
