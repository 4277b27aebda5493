import type { Role } from '../../../models/manifest.ts';
import { storageEstimate, type StorageInfo } from '../history/index.ts';
import type { RetryPolicy } from './backoff.ts';
import type { ModelEntry } from './catalog.ts';
import { isAbortError, ModelDownloadError, ModelStorageFullError } from './errors.ts';
import { downloadModel, type ModelProgress } from './model-download.ts';
import type { ModelSource } from './sources.ts';
import { assetKey, type ModelStore, type StoredModel } from './store.ts';
import { checkStart } from './verify.ts';

export type ModelStatus =
  /** Not (fully) downloaded; `bytes` of it are on disk (complete files and partial downloads). */
  | { state: 'missing'; bytes: number }
  /** `progress` is null while it waits for its turn or for the first answer. */
  | { state: 'downloading'; bytes: number; progress: ModelProgress | null }
  | { state: 'ready'; bytes: number }
  /** Downloaded, but its worker could not load it (files damaged after they were checked, or never checked): download again. */
  | { state: 'damaged'; bytes: number; reason: string }
  | { state: 'failed'; bytes: number; reason: string; storageFull: boolean };

export interface ModelManagerOptions {
  entries: ModelEntry[];
  store: ModelStore;
  source: ModelSource;
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  /** For the space check and persistence (tests pass a stand-in). */
  storage?: StorageManager;
  progressIntervalMs?: number;
  /** Same-origin runtime files to keep in the store for offline use (ORT_WASM_PATHS' URLs). */
  runtime?: string[];
}

/**
 * The models as the UI sees them: per model not downloaded / downloading with progress / ready /
 * failed with a reason, and the storage they use. Reading the state touches only local storage,
 * so an installed editor starts with no network request. Downloads run one model at a time.
 */
export class ModelManager {
  readonly entries: readonly ModelEntry[];
  status = $state<Record<string, ModelStatus>>({});
  /** Everything in the store, old revisions and models no longer used included. */
  stored = $state.raw<StoredModel[]>([]);
  storage = $state.raw<StorageInfo | null>(null);
  persisted = $state(false);
  /** Whether every runtime file (onnxruntime-web's wasm) is stored. */
  runtimeReady = $state(false);
  runtimeError = $state<string | null>(null);
  source = $state.raw<ModelSource>({ kind: 'self', base: '/models/' });
  /** Bumped whenever stored model files change (a delete, a finished download): workers that loaded the old files restart. */
  filesVersion = $state(0);

  readonly totalBytes = $derived(this.stored.reduce((n, m) => n + m.bytes + m.partialBytes, 0));
  readonly allReady = $derived(Object.values(this.status).every((s) => s.state === 'ready'));
  readonly busy = $derived(Object.values(this.status).some((s) => s.state === 'downloading'));

  readonly #store: ModelStore;
  readonly #options: ModelManagerOptions;
  // Bookkeeping, not state the UI reads: `status` is.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #running = new Map<string, { controller: AbortController; done: Promise<boolean> }>();
  #queue: Promise<unknown> = Promise.resolve();
  /** Models whose worker failed to load them, with why; cleared when their files change. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #damaged = new Map<string, string>();

  constructor(options: ModelManagerOptions) {
    this.entries = options.entries;
    this.#store = options.store;
    this.#options = options;
    this.source = options.source;
    for (const e of this.entries) this.status[e.key] = { state: 'missing', bytes: 0 };
  }

  #entry(key: string): ModelEntry {
    const entry = this.entries.find((e) => e.key === key);
    if (!entry) throw new Error(`Unknown model: ${key}`);
    return entry;
  }

  #storageManager(): StorageManager | undefined {
    return this.#options.storage ?? globalThis.navigator?.storage;
  }

  /** Reads what is stored and the storage estimate (no network). */
  async refresh(): Promise<void> {
    const stored = await this.#store.list();
    this.stored = stored;
    for (const e of this.entries) {
      if (this.#running.has(e.key)) continue;
      const m = stored.find((s) => s.id === e.ref.id && s.revision === e.ref.revision);
      const complete = !!m && e.files.every((f) => m.files.some((s) => s.path === f.path));
      const bytes = m ? m.bytes + m.partialBytes : 0;
      const previous = this.status[e.key];
      const damaged = this.#damaged.get(e.key);
      if (complete && damaged !== undefined) this.status[e.key] = { state: 'damaged', bytes, reason: damaged };
      else if (complete) this.status[e.key] = { state: 'ready', bytes };
      else if (previous?.state === 'failed') this.status[e.key] = { ...previous, bytes };
      else this.status[e.key] = { state: 'missing', bytes };
    }
    this.runtimeReady = (await Promise.all((this.#options.runtime ?? []).map((url) => this.#store.asset(assetKey(url))))).every(Boolean);
    this.storage = await storageEstimate(this.#storageManager());
    this.persisted = this.storage.persisted;
  }

  /** Stores the runtime files that are missing (same origin: the app's own assets). */
  async #cacheRuntime(): Promise<void> {
    const doFetch = this.#options.fetch ?? globalThis.fetch.bind(globalThis);
    for (const url of this.#options.runtime ?? []) {
      if (await this.#store.asset(assetKey(url))) continue;
      const response = await doFetch(url, { cache: 'no-store' });
      if (!response.ok) throw new ModelDownloadError(`The editor's runtime file ${url} could not be downloaded (HTTP ${response.status}).`, response.status);
      const blob = await response.blob();
      checkStart(url.replace(/[?#].*$/, ''), new Uint8Array(await blob.slice(0, 64).arrayBuffer()), blob.size);
      await this.#store.putAsset(assetKey(url), blob);
    }
  }

  /** Downloads one model; resolves true when it is ready, false when cancelled or failed (see `status`). */
  download(key: string): Promise<boolean> {
    const running = this.#running.get(key);
    if (running) return running.done;
    const entry = this.#entry(key);
    const controller = new AbortController();
    this.status[key] = { state: 'downloading', bytes: this.status[key]?.bytes ?? 0, progress: null };
    const done: Promise<boolean> = this.#queue.then(() => this.#download(entry, controller.signal));
    this.#queue = done;
    this.#running.set(key, { controller, done });
    return done.finally(() => this.#running.delete(key)).then(async (ok) => {
      await this.refresh();
      return ok;
    });
  }

  async #download(entry: ModelEntry, signal: AbortSignal): Promise<boolean> {
    const key = entry.key;
    try {
      signal.throwIfAborted();
      if (!entry.published && this.source.kind === 'hub') {
        throw new Error(`${entry.label} (${entry.ref.id}) is built by this project and not published yet; it can only be self-hosted.`);
      }
      await this.#persist();
      await this.#checkSpace(entry);
      await downloadModel({
        store: this.#store,
        source: this.source,
        ref: entry.ref,
        files: entry.files,
        signal,
        fetch: this.#options.fetch,
        retry: this.#options.retry,
        progressIntervalMs: this.#options.progressIntervalMs,
        onProgress: (progress) => (this.status[key] = { state: 'downloading', bytes: progress.bytes, progress }),
      });
      this.#damaged.delete(key);
      this.filesVersion++;
      return true;
    } catch (error) {
      const bytes = this.status[key]?.bytes ?? 0;
      if (signal.aborted || isAbortError(error)) this.status[key] = { state: 'missing', bytes };
      else {
        const full = error instanceof ModelStorageFullError;
        const reason = full && error.available === null ? (await this.#withAvailable(error)).message : (error as Error).message;
        this.status[key] = { state: 'failed', bytes, reason, storageFull: full };
      }
      return false;
    }
  }

  async #persist(): Promise<void> {
    const storage = this.#storageManager();
    if (!storage?.persist) return;
    try {
      this.persisted = (await storage.persisted()) || (await storage.persist());
    } catch {
      this.persisted = false;
    }
  }

  /** Refuses before the first byte when the listing sizes clearly do not fit. */
  async #checkSpace(entry: ModelEntry): Promise<void> {
    const stored = await this.#store.model(entry.ref);
    const missing = entry.files.filter((f) => !stored?.files.some((s) => s.path === f.path));
    const needed = missing.reduce((n, f) => n + (f.size ?? f.approxBytes ?? 0), 0) - (stored?.partialBytes ?? 0);
    const { quota, available } = await storageEstimate(this.#storageManager());
    if (quota > 0 && needed > available) throw new ModelStorageFullError(needed, available);
  }

  async #withAvailable(error: ModelStorageFullError): Promise<ModelStorageFullError> {
    const { quota, available } = await storageEstimate(this.#storageManager());
    return quota > 0 ? new ModelStorageFullError(error.needed, available, { cause: error.cause }) : error;
  }

  /** Downloads the runtime files, then every model that is not ready, one after another; true when all are ready. */
  async downloadAll(): Promise<boolean> {
    try {
      await this.#cacheRuntime();
    } catch (error) {
      this.runtimeError = (error as Error).message;
      return false;
    }
    this.runtimeError = null;
    // A damaged model's files are all stored: only deleting them first fetches them again.
    const results = await Promise.all(
      this.entries.filter((e) => this.status[e.key]?.state !== 'ready').map((e) => (this.status[e.key]?.state === 'damaged' ? this.redownload(e.key) : this.download(e.key))),
    );
    await this.refresh();
    return results.every(Boolean) && this.runtimeReady;
  }

  /** Stops a download (or takes it out of the queue); what was received is kept for a resume. */
  cancel(key: string): void {
    this.#running.get(key)?.controller.abort();
  }

  cancelAll(): void {
    for (const { controller } of this.#running.values()) controller.abort();
  }

  /** Deletes a model's files (every revision when given a stored model's id), cancelling its download first. */
  async delete(key: string): Promise<void> {
    const entry = this.entries.find((e) => e.key === key);
    const running = this.#running.get(key);
    if (running) {
      running.controller.abort();
      await running.done.catch(() => {});
    }
    if (entry) await this.#store.delete(entry.ref);
    else {
      const at = key.lastIndexOf('@');
      await this.#store.delete(at > 0 ? { id: key.slice(0, at), revision: key.slice(at + 1) } : key);
    }
    if (entry) this.status[key] = { state: 'missing', bytes: 0 };
    this.#damaged.delete(key);
    this.filesVersion++;
    await this.refresh();
  }

  /**
   * A worker could not load `role`'s model from its stored files: the model is shown damaged (not
   * ready) with the reason, until it is downloaded again. Returns the model's key, or null when no
   * ready model serves that role.
   */
  markDamaged(role: Role, reason: string): string | null {
    const entry = this.entries.find((e) => e.roles.includes(role));
    const status = entry && this.status[entry.key];
    if (!entry || !status || (status.state !== 'ready' && status.state !== 'damaged')) return null;
    this.#damaged.set(entry.key, reason);
    this.status[entry.key] = { state: 'damaged', bytes: status.bytes, reason };
    return entry.key;
  }

  /** Deletes a model's files and downloads them again (the action for a damaged model). */
  async redownload(key: string): Promise<boolean> {
    await this.delete(key);
    return this.download(key);
  }

  /** Switches where models come from (Hub host or self-hosted); stored files stay valid. */
  setSource(source: ModelSource): void {
    this.source = source;
  }

  dispose(): void {
    this.cancelAll();
  }
}
