// Small helpers over the Origin Private File System (OPFS), usable on the main thread and in workers.
import { isQuotaError, ModelStorageFullError } from './errors.ts';

/** Appends chunks to a file; `close` makes what was written durable. */
export interface ChunkWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Runs a storage write and turns a quota failure into ModelStorageFullError. */
export async function guardQuota<T>(write: () => Promise<T> | T, needed: number | null = null): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isQuotaError(error)) throw new ModelStorageFullError(needed, null, { cause: error });
    throw error;
  }
}

export const isNotFound = (error: unknown) => (error as { name?: unknown } | null)?.name === 'NotFoundError';

/** The entries of a directory (the async iterator is not in TypeScript's DOM lib yet). */
export async function entries(dir: FileSystemDirectoryHandle): Promise<[string, FileSystemHandle][]> {
  const list: [string, FileSystemHandle][] = [];
  for await (const entry of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) list.push(entry);
  return list;
}

/** A sub-directory by path segments; null when one is missing and `create` is false. */
export async function subdir(dir: FileSystemDirectoryHandle, segments: string[], create = false): Promise<FileSystemDirectoryHandle | null> {
  let d = dir;
  try {
    for (const s of segments) d = await d.getDirectoryHandle(s, { create });
  } catch (error) {
    if (isNotFound(error) || (!create && (error as { name?: string }).name === 'TypeMismatchError')) return null;
    throw error;
  }
  return d;
}

export async function fileIn(dir: FileSystemDirectoryHandle | null, name: string): Promise<FileSystemFileHandle | null> {
  if (!dir) return null;
  try {
    return await dir.getFileHandle(name);
  } catch (error) {
    if (isNotFound(error) || (error as { name?: string }).name === 'TypeMismatchError') return null;
    throw error;
  }
}

export async function removeIfPresent(dir: FileSystemDirectoryHandle | null, name: string): Promise<void> {
  if (!dir) return;
  try {
    await dir.removeEntry(name, { recursive: true });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** Every file under `dir`, with its path relative to `dir` ("onnx/model.onnx") and size. */
export async function walk(dir: FileSystemDirectoryHandle, prefix = ''): Promise<{ path: string; size: number }[]> {
  const found: { path: string; size: number }[] = [];
  for (const [name, handle] of await entries(dir)) {
    if (handle.kind === 'directory') found.push(...(await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`)));
    else found.push({ path: `${prefix}${name}`, size: (await (handle as FileSystemFileHandle).getFile()).size });
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

interface SyncAccessHandle {
  write(data: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
type SyncCapable = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncAccessHandle> };

/** Bytes between flushes of a worker's sync handle: what a crash can lose at most. */
const FLUSH_EVERY = 64 * 1024 * 1024;

export interface WriterOptions {
  /**
   * Main thread: the least bytes between two commits of the writable stream (default 64 MiB). A
   * commit makes what was written survive a closed tab; the next one waits until the bytes written
   * since reach what the file already held, because reopening with keepExistingData copies the file
   * into a new swap file: commits at doubling sizes copy at most about twice the file in all, and a
   * tab closed mid-download loses at most half of what was received (or this many bytes).
   */
  checkpointBytes?: number;
}

/**
 * Opens `handle` for appending at `at` (the file is cut to `at` first). In a dedicated worker the
 * sync access handle writes in place; on the main thread a writable stream writes to a swap file
 * that `close()` commits, so a cut connection keeps its bytes as long as `close()` is called.
 */
export async function openWriter(handle: FileSystemFileHandle, at: number, options: WriterOptions = {}): Promise<ChunkWriter> {
  // Exposed in dedicated workers only (the type says otherwise because the lib includes WebWorker).
  if (typeof (handle as { createSyncAccessHandle?: unknown }).createSyncAccessHandle === 'function') {
    const sync = await (handle as SyncCapable).createSyncAccessHandle();
    let position = at;
    let unflushed = 0;
    try {
      await guardQuota(() => sync.truncate(at));
    } catch (error) {
      sync.close();
      throw error;
    }
    return {
      write: (chunk) =>
        guardQuota(() => {
          let done = 0;
          while (done < chunk.byteLength) done += sync.write(chunk.subarray(done), { at: position + done });
          position += done;
          unflushed += done;
          if (unflushed >= FLUSH_EVERY) {
            sync.flush();
            unflushed = 0;
          }
        }),
      close: () =>
        guardQuota(() => {
          try {
            sync.flush();
          } finally {
            sync.close();
          }
        }),
    };
  }
  const open = async (from: number, cut: boolean) => {
    const w = await guardQuota(() => handle.createWritable({ keepExistingData: from > 0 }));
    try {
      await guardQuota(async () => {
        if (cut && from > 0) await w.truncate(from);
        if (from > 0) await w.seek(from);
      });
    } catch (error) {
      await w.abort().catch(() => {});
      throw error;
    }
    return w;
  };
  let writable = await open(at, true);
  const minimum = options.checkpointBytes ?? FLUSH_EVERY;
  let committed = at;
  let position = at;
  let failed = false;
  const fail = (error: unknown) => {
    failed = true;
    throw error;
  };
  return {
    write: async (chunk) => {
      await guardQuota(() => writable.write(chunk as Uint8Array<ArrayBuffer>)).catch(fail);
      position += chunk.byteLength;
      if (position - committed < Math.max(minimum, committed)) return;
      // A checkpoint: commit the swap file, then go on in a new one that starts as a copy of it.
      await guardQuota(() => writable.close()).catch(fail);
      committed = position;
      writable = await open(position, false).catch(fail);
    },
    // After a failed write the stream is errored: closing it can only fail again.
    close: () => (failed ? writable.abort().catch(() => {}) : guardQuota(() => writable.close())),
  };
}

/** Writes a Blob to `dir/name` through a temporary name, so a half-written file is never seen. */
export async function writeFileAtomically(dir: FileSystemDirectoryHandle, name: string, blob: Blob): Promise<void> {
  const tmp = `${name}.tmp-${crypto.randomUUID()}`;
  const handle = await dir.getFileHandle(tmp, { create: true });
  try {
    const writer = await openWriter(handle, 0);
    const reader = blob.stream().getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) await writer.write(r.value);
    } finally {
      await writer.close();
    }
    await moveFile(dir, tmp, dir, name);
  } catch (error) {
    await removeIfPresent(dir, tmp);
    throw error;
  }
}

type Movable = FileSystemFileHandle & { move?(dir: FileSystemDirectoryHandle, name: string): Promise<void> };

/** Moves `fromDir/fromName` to `toDir/toName`, replacing a file of that name (copying where the browser cannot move). */
export async function moveFile(fromDir: FileSystemDirectoryHandle, fromName: string, toDir: FileSystemDirectoryHandle, toName: string): Promise<void> {
  const handle = (await fromDir.getFileHandle(fromName)) as Movable;
  await removeIfPresent(toDir, toName);
  if (handle.move) return handle.move(toDir, toName);
  const copy = await toDir.getFileHandle(toName, { create: true });
  const writable = await guardQuota(() => copy.createWritable());
  await guardQuota(async () => (await handle.getFile()).stream().pipeTo(writable));
  await fromDir.removeEntry(fromName);
}
