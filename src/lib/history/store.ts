import { createStore, get, getMany, promisifyRequest, set, type UseStore } from 'idb-keyval';
import { HistoryReadError, ProjectChangedError, ProjectDamagedError, ProjectMissingError, guardQuota, guardRead } from './errors.ts';
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
import { chainTo } from './steps.ts';
import type { EntryBlobs, EntryMeta, LostStep, ProjectListing, ProjectRecord, ProjectSummary, ReplayStep, StepImage, UnreadableProject } from './types.ts';
import { checkSteps, readBlob, readEntryMeta, readLastProjectId, readProjectRecord, recoverSteps, storedRevision, type StoredSteps } from './validate.ts';

/** A project as `Project.load` opens it: cut to its readable steps, with what was left out. */
export interface ReadProject {
  record: ProjectRecord;
  entries: EntryMeta[];
  thumbnails: Map<string, Blob>;
  lost: LostStep[];
  /** Steps in the saved record. */
  total: number;
}

export const DEFAULT_DB_NAME = 'instruct-edit';
export const DEFAULT_STORE_NAME = 'projects';

type Put = [IDBValidKey, unknown];

/**
 * Persistence of projects and their history in one idb-keyval store. Plain TypeScript, no Svelte.
 * Every change of state is one IndexedDB transaction, so a failed write (quota) leaves the
 * previous state whole; quota failures surface as StorageFullError.
 *
 * Every write of a project record carries the next revision (`ProjectRecord.revision`) and lands only
 * if the stored record is at the revision before it, checked inside the same transaction: a tab
 * holding an older copy gets ProjectChangedError, and nothing of another tab's work is overwritten or
 * deleted (two tabs on one project, issue 14).
 */
export class HistoryStore {
  readonly #db: UseStore;

  constructor(db: UseStore = createStore(DEFAULT_DB_NAME, DEFAULT_STORE_NAME)) {
    this.#db = db;
  }

  /**
   * A new project with its first (`open`) entry and the user's original file; also marks it last
   * opened. Refused (ProjectChangedError) if a record with its id exists.
   */
  create(project: ProjectRecord, entry: EntryMeta, blobs: EntryBlobs, original: Blob): Promise<void> {
    const puts: Put[] = [
      ...entryPuts(project.id, entry, blobs),
      [originalKey(project.id), original],
      [projectKey(project.id), project],
      [LAST_PROJECT_KEY, project.id],
    ];
    return this.#write(project.id, null, puts, []);
  }

  /**
   * Adds an entry, saves the project record that now lists it, and deletes the dropped redo branch.
   * `project.revision` must be one more than the stored record's, or nothing is written (ProjectChangedError).
   */
  append(project: ProjectRecord, entry: EntryMeta, blobs: EntryBlobs, dropped: readonly string[]): Promise<void> {
    const puts: Put[] = [...entryPuts(project.id, entry, blobs), [projectKey(project.id), project]];
    return this.#write(project.id, project.revision - 1, puts, dropKeys(project.id, dropped));
  }

  /**
   * Saves the project record alone (cursor moves, renames); `dropped` entries (steps an open left out
   * as unreadable) are deleted in the same transaction. Checked like `append`.
   */
  saveProject(project: ProjectRecord, dropped: readonly string[] = []): Promise<void> {
    return this.#write(project.id, project.revision - 1, [[projectKey(project.id), project]], dropKeys(project.id, dropped));
  }

  /** The project record, checked; undefined when there is none. Throws ProjectDamagedError when it cannot be read. */
  getProject(projectId: string): Promise<ProjectRecord | undefined> {
    return guardRead(async () => {
      const value = await get<unknown>(projectKey(projectId), this.#db);
      if (value === undefined) return undefined;
      const record = readProjectRecord(value, projectId);
      if (!record.ok) throw new ProjectDamagedError(record.problem);
      return record.value;
    });
  }

  /**
   * Everything `Project.load` needs, checked: the record cut to its readable steps (the ones before
   * the first step whose metadata or pixels cannot be read), their metadata and thumbnails, and the
   * steps left out. Image records are read as Blob handles only (no bytes).
   */
  readProject(projectId: string): Promise<ReadProject> {
    return guardRead(async () => {
      const saved = await this.getProject(projectId);
      if (!saved) throw new ProjectMissingError();
      const ids = saved.entryIds;
      const [metas, images, original] = await Promise.all([
        getMany<unknown>(ids.map((id) => entryKey('entry', projectId, id)), this.#db),
        getMany<unknown>(ids.map((id) => entryKey('image', projectId, id)), this.#db),
        get<unknown>(originalKey(projectId), this.#db),
      ]);
      const imageOf = new Map(ids.map((id, i) => [id, readBlob(images[i])]));
      const { readable, lost } = checkSteps(ids, {
        entries: new Map(ids.map((id, i) => [id, metas[i]])),
        hasImage: (id) => imageOf.get(id) !== undefined,
        hasOriginal: readBlob(original) !== undefined,
      });
      if (readable.length === 0) throw new ProjectDamagedError(lost[0]?.problem ?? 'It has no steps.');
      const cursor = Math.min(saved.cursor, readable.length - 1);
      const record: ProjectRecord = {
        ...saved,
        entryIds: readable.map((e) => e.id),
        cursor,
        width: readable[cursor].width,
        height: readable[cursor].height,
      };
      const thumbnails = await this.getThumbnails(projectId, record.entryIds);
      return { record, entries: readable, thumbnails, lost, total: ids.length };
    });
  }

  /** Entry metadata in the order asked, checked; a missing or damaged record throws a HistoryReadError. */
  getEntries(projectId: string, entryIds: readonly string[]): Promise<EntryMeta[]> {
    return guardRead(async () => {
      const found = await getMany<unknown>(entryIds.map((id) => entryKey('entry', projectId, id)), this.#db);
      return found.map((value, i) => {
        const entry = readEntryMeta(value, entryIds[i]);
        if (!entry.ok) throw new HistoryReadError(`A step of this project cannot be read: ${entry.problem}`);
        return entry.value;
      });
    });
  }

  /** Thumbnails by entry id (small; read together for the history panel); unreadable ones are left out. */
  getThumbnails(projectId: string, entryIds: readonly string[]): Promise<Map<string, Blob>> {
    return guardRead(async () => {
      const found = await getMany<unknown>(entryIds.map((id) => entryKey('thumb', projectId, id)), this.#db);
      const byId = new Map<string, Blob>();
      found.forEach((value, i) => {
        const blob = readBlob(value);
        if (blob) byId.set(entryIds[i], blob);
      });
      return byId;
    });
  }

  /** The full image of one entry, read only when that entry becomes current. */
  getImage(projectId: string, entry: EntryMeta): Promise<Blob> {
    return guardRead(async () => {
      const key = entry.imageIsOriginal ? originalKey(projectId) : entryKey('image', projectId, entry.id);
      const blob = readBlob(await get<unknown>(key, this.#db));
      if (!blob) throw new HistoryReadError('The image of this step cannot be read: it is missing from storage.');
      return blob;
    });
  }

  /**
   * What rebuilds the image of `entries[index]`: its nearest keyframe and the steps after it (blob
   * handles only; the image worker reads and applies them). `entries` are the project's steps in order.
   */
  stepImage(projectId: string, entries: readonly EntryMeta[], index: number): Promise<StepImage> {
    return guardRead(async () => {
      const chain = chainTo(entries, index);
      if (!chain) throw new HistoryReadError('The image of this step cannot be rebuilt: a step it was made from is missing.');
      const [first, ...rest] = chain.map((i) => entries[i]);
      const patches = rest.filter((e) => e.storage.kind === 'patch');
      const [base, ...boxes] = await Promise.all([this.getImage(projectId, first), ...patches.map((e) => this.#getBlob(entryKey('image', projectId, e.id)))]);
      const boxOf = new Map(patches.map((e, i) => [e.id, boxes[i]]));
      const key = (e: EntryMeta) => `${projectId}/${e.id}`;
      const steps = rest.map((e): ReplayStep => {
        const s = e.storage;
        if (s.kind === 'transform') return { key: key(e), transform: s.transform };
        if (s.kind !== 'patch') throw new Error('A keyframe inside a chain.');
        const patch = boxOf.get(e.id);
        if (!patch) throw new HistoryReadError('The edited area of this step cannot be read: it is missing from storage.');
        return { key: key(e), patch, box: s.box, ...(s.extend ? { extend: s.extend } : {}) };
      });
      const last = entries[index];
      return { key: key(last), base, baseKey: key(first), steps, width: last.width, height: last.height };
    });
  }

  /**
   * Makes `first` (a step of the project, now stored as a full image: `image` when it was stored as a
   * change) the project's first step: the steps before it and all their records are deleted, and the
   * opened file with them (only the `open` step read its pixels from it), in one transaction with the
   * new record.
   */
  removeBefore(project: ProjectRecord, first: EntryMeta, image: Blob | undefined, dropped: readonly string[]): Promise<void> {
    const puts: Put[] = [[entryKey('entry', project.id, first.id), first], [projectKey(project.id), project]];
    if (image) puts.push([entryKey('image', project.id, first.id), image]);
    return this.#write(project.id, project.revision - 1, puts, [...dropKeys(project.id, dropped), originalKey(project.id)]);
  }

  /** Bytes the project's records take: images and boxes, thumbnails, masks and the opened file. */
  projectBytes(projectId: string): Promise<number> {
    return guardRead(async () => {
      const sizes = await this.#db('readonly', (s) =>
        Promise.all([...ENTRY_KINDS.filter((k) => k !== 'entry'), 'original' as const].map((kind) => promisifyRequest(s.getAll(range(kindBounds(kind, projectId)))))),
      );
      return sizes.flat().reduce((sum: number, v) => sum + (readBlob(v)?.size ?? 0), 0);
    });
  }

  async #getBlob(key: IDBValidKey): Promise<Blob | undefined> {
    return readBlob(await get<unknown>(key, this.#db));
  }

  getMask(projectId: string, entryId: string): Promise<Blob | undefined> {
    return guardRead(async () => readBlob(await get<unknown>(entryKey('mask', projectId, entryId), this.#db)));
  }

  /** The file the user opened, byte for byte. */
  getOriginal(projectId: string): Promise<Blob | undefined> {
    return guardRead(async () => readBlob(await get<unknown>(originalKey(projectId), this.#db)));
  }

  /** All projects that open, most recently updated first, each with the thumbnail of its current entry. */
  async listProjects(): Promise<ProjectSummary[]> {
    return (await this.listing()).projects;
  }

  /**
   * The recent-projects list. Every project is checked from what one read transaction sees (project
   * records, step metadata, and the image, original, thumbnail and mask records as Blob handles: their
   * sizes, no bytes): a project whose
   * record or first step cannot be read goes to `unreadable` (to repair or delete), one that lost later
   * steps is listed with its `damage`; nothing unreadable stops the others from being listed.
   */
  listing(): Promise<ProjectListing> {
    return guardRead(async () => {
      const all = await this.#db('readonly', (s) =>
        Promise.all([
          keysAndValues(s, PROJECT_RECORD_BOUNDS),
          keysAndValues(s, allOfKind('entry')),
          keysAndValues(s, allOfKind('image')),
          keysAndValues(s, allOfKind('original')),
          keysAndValues(s, allOfKind('thumb')),
          keysAndValues(s, allOfKind('mask')),
        ]),
      );
      const [projectRows, entryRows, imageRows, originalRows, thumbRows, maskRows] = all;
      const imageKeys = imageRows.map(([k]) => k);
      const originalKeys = originalRows.map(([k]) => k);
      // Blob values are handles: their sizes are known without reading any bytes.
      const bytesOf = new Map<string, number>();
      for (const [key, value] of [...imageRows, ...originalRows, ...thumbRows, ...maskRows]) {
        const [pid] = idsOf(key);
        if (pid !== undefined) bytesOf.set(pid, (bytesOf.get(pid) ?? 0) + (readBlob(value)?.size ?? 0));
      }
      const entries = new Map<string, Map<string, unknown>>();
      for (const [key, value] of entryRows) {
        const [pid, eid] = idsOf(key);
        if (pid === undefined || eid === undefined) continue;
        if (!entries.has(pid)) entries.set(pid, new Map());
        entries.get(pid)!.set(eid, value);
      }
      const images = new Set(imageKeys.map((k) => idsOf(k).join('/')));
      const originals = new Set(originalKeys.map((k) => idsOf(k)[0]));
      const stepsOf = (pid: string): StoredSteps => ({
        entries: entries.get(pid) ?? new Map(),
        hasImage: (eid) => images.has(`${pid}/${eid}`),
        hasOriginal: originals.has(pid),
      });

      const healthy: { record: ProjectRecord; readable: EntryMeta[]; lost: number; problem: string }[] = [];
      const unreadable: UnreadableProject[] = [];
      const seen = new Set<string>();
      for (const [key, value] of projectRows) {
        const [pid] = idsOf(key);
        if (pid === undefined) continue;
        seen.add(pid);
        const record = readProjectRecord(value, pid);
        if (!record.ok) {
          unreadable.push({ id: pid, name: '', problem: record.problem, recoverable: recoverSteps(stepsOf(pid)).readable.length });
          continue;
        }
        const check = checkSteps(record.value.entryIds, stepsOf(pid));
        if (check.readable.length === 0) {
          const name = record.value.name;
          unreadable.push({ id: pid, name, problem: check.lost[0]?.problem ?? 'It has no steps.', recoverable: recoverSteps(stepsOf(pid)).readable.length });
        } else healthy.push({ record: record.value, readable: check.readable, lost: check.lost.length, problem: check.lost[0]?.problem ?? '' });
      }
      // Steps whose project record is gone altogether.
      for (const pid of new Set([...entries.keys(), ...originals])) {
        if (pid === undefined || seen.has(pid)) continue;
        unreadable.push({ id: pid, name: '', problem: 'Its project record is missing.', recoverable: recoverSteps(stepsOf(pid)).readable.length });
      }

      const current = healthy.map(({ record, readable }) => readable[Math.min(record.cursor, readable.length - 1)]);
      const [thumbs, originalFiles] = await Promise.all([
        getMany<unknown>(
          healthy.map(({ record }, i) => entryKey('thumb', record.id, current[i].id)),
          this.#db,
        ),
        getMany<unknown>(
          unreadable.map((p) => originalKey(p.id)),
          this.#db,
        ),
      ]);
      unreadable.forEach((p, i) => {
        const file = readBlob(originalFiles[i]);
        p.name ||= file instanceof File && file.name ? file.name : 'Unnamed project';
      });
      const projects = healthy
        .map(({ record, readable, lost, problem }, i): ProjectSummary => ({
          id: record.id,
          name: record.name,
          width: current[i].width,
          height: current[i].height,
          createdAt: record.createdAt,
          updatedAt: record.updatedAt,
          entryCount: readable.length,
          thumbnail: readBlob(thumbs[i]),
          bytes: bytesOf.get(record.id) ?? 0,
          ...(lost ? { damage: { readable: readable.length, lost, problem } } : {}),
        }))
        .sort((a, b) => b.updatedAt - a.updatedAt || b.createdAt - a.createdAt);
      return { projects, unreadable };
    });
  }

  /**
   * Makes a damaged project whole again with what can be read: its readable steps (the record's, or,
   * when the record itself is unreadable or gone, the steps found in storage in the order they were
   * made), a record listing just those, and every other record of the project deleted. One write
   * transaction. Throws ProjectDamagedError when nothing can be kept (only deleting helps then).
   */
  async repair(projectId: string, now: number): Promise<ProjectRecord> {
    const { saved, revision, stored, original, entryKeys } = await guardRead(async () => {
      const [value, entryRows, imageRows, originalValue, keysOfProject] = await this.#db('readonly', (s) =>
        Promise.all([
          promisifyRequest(s.get(projectKey(projectId))),
          keysAndValues(s, kindBounds('entry', projectId)),
          keysAndValues(s, kindBounds('image', projectId)),
          promisifyRequest(s.get(originalKey(projectId))),
          Promise.all(ENTRY_KINDS.map((kind) => promisifyRequest(s.getAllKeys(range(kindBounds(kind, projectId)))))),
        ]),
      );
      const images = new Set(imageRows.filter(([, v]) => readBlob(v)).map(([k]) => idsOf(k)[1]));
      const stored: StoredSteps = {
        entries: new Map(entryRows.map(([k, v]) => [idsOf(k)[1] ?? '', v])),
        hasImage: (eid) => images.has(eid),
        hasOriginal: readBlob(originalValue) !== undefined,
      };
      return {
        saved: readProjectRecord(value, projectId),
        revision: storedRevision(value),
        stored,
        original: readBlob(originalValue),
        entryKeys: keysOfProject.flat(),
      };
    });
    const check = saved.ok ? checkSteps(saved.value.entryIds, stored) : recoverSteps(stored);
    if (check.readable.length === 0) throw new ProjectDamagedError(check.lost[0]?.problem ?? (saved.ok ? 'It has no steps.' : saved.problem));
    const kept = check.readable;
    const cursor = saved.ok ? Math.min(saved.value.cursor, kept.length - 1) : kept.length - 1;
    const record: ProjectRecord = {
      id: projectId,
      name: saved.ok ? saved.value.name : original instanceof File && original.name ? original.name : 'Recovered project',
      createdAt: saved.ok ? saved.value.createdAt : kept[0].time,
      updatedAt: now,
      revision: (revision ?? 0) + 1,
      entryIds: kept.map((e) => e.id),
      cursor,
      width: kept[cursor].width,
      height: kept[cursor].height,
    };
    const keep = new Set(record.entryIds);
    // Rewrite the kept steps' metadata too: a record that read with fallbacks is stored clean.
    const puts: Put[] = [[projectKey(projectId), record], ...kept.map((e): Put => [entryKey('entry', projectId, e.id), e])];
    const deletes = entryKeys.filter((k) => !keep.has(idsOf(k)[1] ?? ''));
    // Refused if another tab wrote the record since it was read here.
    await this.#write(projectId, revision, puts, deletes);
    return record;
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

  /** The project to reopen on start; a pointer that is not a project id reads as none. */
  lastProjectId(): Promise<string | null> {
    return guardRead(async () => readLastProjectId(await get<unknown>(LAST_PROJECT_KEY, this.#db)));
  }

  setLastProjectId(projectId: string | null): Promise<void> {
    return guardQuota(() =>
      projectId === null
        ? this.#db('readwrite', (s) => promisifyRequest(s.delete(LAST_PROJECT_KEY)))
        : set(LAST_PROJECT_KEY, projectId, this.#db),
    );
  }

  /**
   * Puts and deletes in ONE transaction: all of it lands or none of it does, and only if the stored
   * record of the project is at revision `expected` (null: there is none) when the transaction reads
   * it; otherwise ProjectChangedError and nothing is written.
   */
  #write(projectId: string, expected: number | null, puts: readonly Put[], deletes: readonly IDBValidKey[]): Promise<void> {
    return guardQuota(() =>
      this.#db(
        'readwrite',
        (s) =>
          new Promise<void>((resolve, reject) => {
            const tx = s.transaction;
            let refusal: unknown = null;
            const current = s.get(projectKey(projectId));
            current.onsuccess = () => {
              const found = storedRevision(current.result);
              try {
                if (found !== expected) throw new ProjectChangedError(found === null);
                for (const key of deletes) s.delete(key);
                for (const [key, value] of puts) s.put(value, key);
              } catch (error) {
                // A refusal, or a value IndexedDB cannot store (DataCloneError): nothing of it lands.
                refusal = error;
                tx.abort();
              }
            };
            tx.oncomplete = () => resolve();
            tx.onabort = () => reject(refusal ?? tx.error ?? new DOMException('The write was aborted.', 'AbortError'));
          }),
      ),
    );
  }
}

/** The same bounds as an IDBKeyRange. */
const range = ([lower, upper]: [IDBValidKey, IDBValidKey]) => IDBKeyRange.bound(lower, upper);

/** Bounds holding the records of one kind for every project. */
const allOfKind = (kind: string): [IDBValidKey, IDBValidKey] => [[kind], [kind, []]];

/** The project and entry ids of a key `[kind, projectId, entryId?]`; undefined where a part is not a string. */
function idsOf(key: IDBValidKey): [string | undefined, string | undefined] {
  if (!Array.isArray(key)) return [undefined, undefined];
  const [, pid, eid] = key as unknown[];
  return [typeof pid === 'string' ? pid : undefined, typeof eid === 'string' ? eid : undefined];
}

/** Keys and values of a range, paired (both lists come back in key order from one transaction). */
async function keysAndValues(s: IDBObjectStore, bounds: [IDBValidKey, IDBValidKey]): Promise<[IDBValidKey, unknown][]> {
  const [keys, values] = await Promise.all([promisifyRequest(s.getAllKeys(range(bounds))), promisifyRequest(s.getAll(range(bounds)))]);
  return keys.map((k, i) => [k, values[i]]);
}

/** Every record of the given steps. */
const dropKeys = (projectId: string, ids: readonly string[]) => ids.flatMap((id) => ENTRY_KINDS.map((kind) => entryKey(kind, projectId, id)));

function entryPuts(projectId: string, entry: EntryMeta, blobs: EntryBlobs): Put[] {
  const puts: Put[] = [
    [entryKey('entry', projectId, entry.id), entry],
    [entryKey('thumb', projectId, entry.id), blobs.thumbnail],
  ];
  if (blobs.image) puts.push([entryKey('image', projectId, entry.id), blobs.image]);
  if (blobs.mask) puts.push([entryKey('mask', projectId, entry.id), blobs.mask]);
  return puts;
}
