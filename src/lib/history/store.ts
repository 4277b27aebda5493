import { createStore, get, getMany, promisifyRequest, set, type UseStore } from 'idb-keyval';
import { guardQuota } from './errors.ts';
import {
  ENTRY_KINDS,
  LAST_PROJECT_KEY,
  PROJECT_KINDS,
  PROJECT_RECORD_BOUNDS,
  entryKey,
  kindBounds,
  originalKey,
  projectKey,
} from './keys.ts';
import type { EntryBlobs, EntryMeta, ProjectRecord, ProjectSummary } from './types.ts';

export const DEFAULT_DB_NAME = 'instruct-edit';
export const DEFAULT_STORE_NAME = 'projects';

type Put = [IDBValidKey, unknown];

/**
 * Persistence of projects and their history in one idb-keyval store. Plain TypeScript, no Svelte.
 * Every change of state is one IndexedDB transaction, so a failed write (quota) leaves the
 * previous state whole; quota failures surface as StorageFullError.
 */
export class HistoryStore {
  readonly #db: UseStore;

  constructor(db: UseStore = createStore(DEFAULT_DB_NAME, DEFAULT_STORE_NAME)) {
    this.#db = db;
  }

  /** A new project with its first (`open`) entry and the user's original file; also marks it last opened. */
  create(project: ProjectRecord, entry: EntryMeta, blobs: EntryBlobs, original: Blob): Promise<void> {
    const puts: Put[] = [
      ...entryPuts(project.id, entry, blobs),
      [originalKey(project.id), original],
      [projectKey(project.id), project],
      [LAST_PROJECT_KEY, project.id],
    ];
    return this.#write(puts, []);
  }

  /** Adds an entry, saves the project record that now lists it, and deletes the dropped redo branch. */
  append(project: ProjectRecord, entry: EntryMeta, blobs: EntryBlobs, dropped: readonly string[]): Promise<void> {
    const puts: Put[] = [...entryPuts(project.id, entry, blobs), [projectKey(project.id), project]];
    const deletes = dropped.flatMap((id) => ENTRY_KINDS.map((kind) => entryKey(kind, project.id, id)));
    return this.#write(puts, deletes);
  }

  /** Saves the project record alone (cursor moves, renames). */
  saveProject(project: ProjectRecord): Promise<void> {
    return guardQuota(() => set(projectKey(project.id), project, this.#db));
  }

  getProject(projectId: string): Promise<ProjectRecord | undefined> {
    return get<ProjectRecord>(projectKey(projectId), this.#db);
  }

  /** Entry metadata in the order asked; a missing record means a damaged project and throws. */
  async getEntries(projectId: string, entryIds: readonly string[]): Promise<EntryMeta[]> {
    const found = await getMany<EntryMeta>(entryIds.map((id) => entryKey('entry', projectId, id)), this.#db);
    return found.map((entry, i) => {
      if (!entry) throw new Error(`History entry ${entryIds[i]} of project ${projectId} is missing from storage.`);
      return entry;
    });
  }

  /** Thumbnails by entry id (small; read together for the history panel). */
  async getThumbnails(projectId: string, entryIds: readonly string[]): Promise<Map<string, Blob>> {
    const found = await getMany<Blob>(entryIds.map((id) => entryKey('thumb', projectId, id)), this.#db);
    const byId = new Map<string, Blob>();
    found.forEach((blob, i) => {
      if (blob) byId.set(entryIds[i], blob);
    });
    return byId;
  }

  /** The full image of one entry, read only when that entry becomes current. */
  async getImage(projectId: string, entry: EntryMeta): Promise<Blob> {
    const key = entry.imageIsOriginal ? originalKey(projectId) : entryKey('image', projectId, entry.id);
    const blob = await get<Blob>(key, this.#db);
    if (!blob) throw new Error(`The image of history entry ${entry.id} is missing from storage.`);
    return blob;
  }

  getMask(projectId: string, entryId: string): Promise<Blob | undefined> {
    return get<Blob>(entryKey('mask', projectId, entryId), this.#db);
  }

  /** The file the user opened, byte for byte. */
  getOriginal(projectId: string): Promise<Blob | undefined> {
    return get<Blob>(originalKey(projectId), this.#db);
  }

  /** All projects, most recently updated first, each with the thumbnail of its current entry. */
  async listProjects(): Promise<ProjectSummary[]> {
    const [lower, upper] = PROJECT_RECORD_BOUNDS;
    const records = await this.#db('readonly', (s) =>
      promisifyRequest<ProjectRecord[]>(s.getAll(IDBKeyRange.bound(lower, upper))),
    );
    const thumbKeys = records.map((p) => entryKey('thumb', p.id, p.entryIds[p.cursor] ?? ''));
    const thumbs = await getMany<Blob>(thumbKeys, this.#db);
    return records
      .map((p, i) => ({
        id: p.id,
        name: p.name,
        width: p.width,
        height: p.height,
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
        entryCount: p.entryIds.length,
        thumbnail: thumbs[i],
      }))
      .sort((a, b) => b.updatedAt - a.updatedAt || b.createdAt - a.createdAt);
  }

  /** Removes every key of the project (records and blobs) in one transaction; forgets it as last opened. */
  deleteProject(projectId: string): Promise<void> {
    return this.#db('readwrite', (s) => {
      for (const kind of [...PROJECT_KINDS, ...ENTRY_KINDS]) {
        const [lower, upper] = kindBounds(kind, projectId);
        s.delete(IDBKeyRange.bound(lower, upper));
      }
      const last = s.get(LAST_PROJECT_KEY);
      last.onsuccess = () => {
        if (last.result === projectId) s.delete(LAST_PROJECT_KEY);
      };
      return promisifyRequest(s.transaction);
    });
  }

  async lastProjectId(): Promise<string | null> {
    return (await get<string>(LAST_PROJECT_KEY, this.#db)) ?? null;
  }

  setLastProjectId(projectId: string | null): Promise<void> {
    return guardQuota(() =>
      projectId === null
        ? this.#db('readwrite', (s) => promisifyRequest(s.delete(LAST_PROJECT_KEY)))
        : set(LAST_PROJECT_KEY, projectId, this.#db),
    );
  }

  /** Puts and deletes in ONE transaction: all of it lands or none of it does. */
  #write(puts: readonly Put[], deletes: readonly IDBValidKey[]): Promise<void> {
    return guardQuota(() =>
      this.#db('readwrite', (s) => {
        for (const key of deletes) s.delete(key);
        for (const [key, value] of puts) s.put(value, key);
        return promisifyRequest(s.transaction);
      }),
    );
  }
}

function entryPuts(projectId: string, entry: EntryMeta, blobs: EntryBlobs): Put[] {
  const puts: Put[] = [
    [entryKey('entry', projectId, entry.id), entry],
    [entryKey('thumb', projectId, entry.id), blobs.thumbnail],
  ];
  if (blobs.image) puts.push([entryKey('image', projectId, entry.id), blobs.image]);
  if (blobs.mask) puts.push([entryKey('mask', projectId, entry.id), blobs.mask]);
  return puts;
}
