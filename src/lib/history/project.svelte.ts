import { ProjectDamagedError, ProjectMissingError, StorageFullError } from './errors.ts';
import { HistoryStore } from './store.ts';
import { requestPersistence, storageEstimate } from './storage.ts';
import { append, canRedo, canUndo, moveTo } from './timeline.ts';
import type {
  EntryInput,
  EntryMeta,
  LoadReport,
  OpenInput,
  Params,
  ProjectListing,
  ProjectRecord,
  ProjectSummary,
  StorageInfo,
} from './types.ts';

export interface ProjectOptions {
  store?: HistoryStore;
  /** Clock for entry and project times (tests pin it). */
  now?: () => number;
  newId?: () => string;
}

/**
 * The open project and its edit history, as reactive state for the UI.
 * Every method that touches storage runs in order through one queue (a held Ctrl+Z cannot
 * interleave with a commit), persists first, and only then moves the in-memory state: if a
 * write fails (StorageFullError included) the state is exactly what it was. Exception: undo,
 * redo, jumpTo, load and close still work on a full disk; their small cursor/last-project write
 * is then skipped, and the cursor is saved with the next successful write.
 */
export class Project {
  #id = $state<string | null>(null);
  #name = $state('');
  /** Metadata only; raw so no proxy is built over the array or its records. */
  #entries = $state.raw<readonly EntryMeta[]>([]);
  #cursor = $state(-1);
  #thumbnails = $state.raw<Readonly<Record<string, Blob>>>({});
  /** The current entry's image, read from storage only when that entry becomes current. */
  #image = $state.raw<Blob | null>(null);
  #pending = $state(0);

  #current = $derived<EntryMeta | null>(this.#entries[this.#cursor] ?? null);
  #canUndo = $derived(canUndo(this.#cursor, this.#entries.length));
  #canRedo = $derived(canRedo(this.#cursor, this.#entries.length));

  /** The project record as written, or as the next write will write it (after a refused cursor save); not reactive. */
  #record: ProjectRecord | null = null;
  /** Steps the last load left out as unreadable: the next write of the record deletes their records. */
  #lost: string[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  readonly #store: HistoryStore;
  readonly #now: () => number;
  readonly #newId: () => string;

  constructor(options: ProjectOptions = {}) {
    this.#store = options.store ?? new HistoryStore();
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? (() => crypto.randomUUID());
  }

  get id(): string | null { return this.#id; }
  get name(): string { return this.#name; }
  get entries(): readonly EntryMeta[] { return this.#entries; }
  get cursor(): number { return this.#cursor; }
  get current(): EntryMeta | null { return this.#current; }
  get canUndo(): boolean { return this.#canUndo; }
  get canRedo(): boolean { return this.#canRedo; }
  get image(): Blob | null { return this.#image; }
  get busy(): boolean { return this.#pending > 0; }

  /** The thumbnail of an entry of this project, for the history panel. */
  thumbnail(entryId: string): Blob | undefined {
    return this.#thumbnails[entryId];
  }

  /** The image of entry `index` of the open project (e.g. the one before the current, to compare). */
  imageAt(index: number): Promise<Blob> {
    return this.#run(async () => {
      const record = this.#requireOpen();
      const entry = this.#entries[index];
      if (!entry) throw new RangeError(`No history entry ${index}.`);
      return this.#store.getImage(record.id, entry);
    });
  }

  /** Starts a new project from a file the user opened; it becomes the open project. */
  open(input: OpenInput): Promise<EntryMeta> {
    return this.#run(async () => {
      const time = this.#now();
      const entry = newEntry(this.#newId(), 'open', input.params, undefined, time, input, {
        imageIsOriginal: !input.image,
        hasMask: false,
      });
      const record: ProjectRecord = {
        id: this.#newId(),
        name: input.name,
        createdAt: time,
        updatedAt: time,
        entryIds: [entry.id],
        cursor: 0,
        width: input.width,
        height: input.height,
      };
      await this.#store.create(record, entry, { image: input.image, thumbnail: input.thumbnail }, input.original);
      this.#show(record, [entry], { [entry.id]: input.thumbnail }, input.image ?? input.original);
      void requestPersistence();
      return entry;
    });
  }

  /** Adds an entry after the current one; a redo branch ahead of the cursor is dropped and its blobs deleted. */
  commit(input: EntryInput): Promise<EntryMeta> {
    return this.#run(async () => {
      const record = this.#requireOpen();
      const time = this.#now();
      const entry = newEntry(this.#newId(), input.op, input.params, input.instruction, time, input, {
        imageIsOriginal: false,
        hasMask: input.mask !== undefined,
      });
      const { next, dropped } = append(record, entry.id);
      const updated: ProjectRecord = {
        ...record,
        entryIds: [...next.entryIds],
        cursor: next.cursor,
        updatedAt: time,
        width: entry.width,
        height: entry.height,
      };
      await this.#store.append(updated, entry, input, [...dropped, ...this.#lost]);
      this.#lost = [];
      const thumbnails = { ...this.#thumbnails, [entry.id]: input.thumbnail };
      for (const id of dropped) delete thumbnails[id];
      this.#show(updated, [...this.#entries.slice(0, record.cursor + 1), entry], thumbnails, input.image);
      return entry;
    });
  }

  undo(): Promise<void> {
    return this.#run(() => this.#moveTo((cursor) => cursor - 1));
  }

  redo(): Promise<void> {
    return this.#run(() => this.#moveTo((cursor) => cursor + 1));
  }

  /** Makes entry `index` current; out-of-range indices are ignored. */
  jumpTo(index: number): Promise<void> {
    return this.#run(() => this.#moveTo(() => index));
  }

  /**
   * Opens a saved project as it was left: its entries, cursor and current image. Steps that cannot be
   * read (and the ones after them) are left out and reported; the next write of the project removes
   * their records. Throws ProjectMissingError / ProjectDamagedError when nothing of it can be opened.
   */
  load(projectId: string): Promise<LoadReport> {
    return this.#run(() => this.#load(projectId));
  }

  /**
   * Reopens the project that was open when the page was last closed. A pointer to a project that is
   * gone is forgotten without a word (null); one to a project that cannot be opened is forgotten and
   * the ProjectDamagedError thrown, so the page can point to Recent projects.
   */
  restoreLast(): Promise<LoadReport | null> {
    return this.#run(async () => {
      const id = await this.#store.lastProjectId();
      if (!id) {
        // Clears a pointer that is not a project id (damaged) as well as none at all.
        await unlessFull(this.#store.setLastProjectId(null)).catch(() => undefined);
        return null;
      }
      try {
        return await this.#load(id);
      } catch (error) {
        if (error instanceof ProjectMissingError || error instanceof ProjectDamagedError) await unlessFull(this.#store.setLastProjectId(null)).catch(() => undefined);
        if (error instanceof ProjectMissingError) return null;
        throw error;
      }
    });
  }

  async #load(projectId: string): Promise<LoadReport> {
    const { record, entries, thumbnails, lost, total } = await this.#store.readProject(projectId);
    const image = await this.#store.getImage(record.id, entries[record.cursor]);
    await unlessFull(this.#store.setLastProjectId(record.id));
    this.#show(record, entries, Object.fromEntries(thumbnails), image);
    this.#lost = lost.map((step) => step.id);
    void requestPersistence();
    return { lost, total };
  }

  /** Closes the project; it stays in storage, and a reload no longer reopens it. */
  close(): Promise<void> {
    return this.#run(async () => {
      await unlessFull(this.#store.setLastProjectId(null));
      this.#clear();
    });
  }

  rename(name: string): Promise<void> {
    return this.#run(async () => {
      const updated = { ...this.#requireOpen(), name, updatedAt: this.#now() };
      await this.#store.saveProject(updated, this.#lost);
      this.#lost = [];
      this.#record = updated;
      this.#name = name;
    });
  }

  /** The file the user opened for the current project, byte for byte. */
  original(): Promise<Blob | undefined> {
    return this.#run(() => this.#store.getOriginal(this.#requireOpen().id));
  }

  mask(entryId: string): Promise<Blob | undefined> {
    return this.#run(() => this.#store.getMask(this.#requireOpen().id, entryId));
  }

  /** Saved projects that open, most recently updated first. */
  listProjects(): Promise<ProjectSummary[]> {
    return this.#run(() => this.#store.listProjects());
  }

  /** Saved projects that open, and apart from them those that cannot be read (to repair or delete). */
  listing(): Promise<ProjectListing> {
    return this.#run(() => this.#store.listing());
  }

  /**
   * Keeps what can be read of a damaged project and removes the rest (see HistoryStore.repair).
   * Repairing the open project reopens it as repaired.
   */
  repair(projectId: string): Promise<void> {
    return this.#run(async () => {
      await this.#store.repair(projectId, this.#now());
      if (projectId === this.#id) await this.#load(projectId);
    });
  }

  /** Deletes a project and all its blobs; deleting the open one closes it. */
  deleteProject(projectId: string): Promise<void> {
    return this.#run(async () => {
      await this.#store.deleteProject(projectId);
      if (projectId === this.#id) this.#clear();
    });
  }

  /** The project to reopen on start, if any. */
  lastProjectId(): Promise<string | null> {
    return this.#run(() => this.#store.lastProjectId());
  }

  storageEstimate(): Promise<StorageInfo> {
    return storageEstimate();
  }

  async #moveTo(target: (cursor: number) => number): Promise<void> {
    const record = this.#record;
    if (!record) return;
    const cursor = moveTo(record, target(record.cursor));
    if (cursor === null) return;
    const entry = this.#entries[cursor];
    const image = await this.#store.getImage(record.id, entry);
    const updated = { ...record, cursor, updatedAt: this.#now(), width: entry.width, height: entry.height };
    // A full disk must not block undo: the entries are all saved, and the cursor goes with the next write.
    if (await unlessFull(this.#store.saveProject(updated, this.#lost))) this.#lost = [];
    this.#record = updated;
    this.#cursor = cursor;
    this.#image = image;
  }

  #show(record: ProjectRecord, entries: EntryMeta[], thumbnails: Record<string, Blob>, image: Blob): void {
    this.#record = record;
    this.#lost = [];
    this.#id = record.id;
    this.#name = record.name;
    this.#entries = entries;
    this.#thumbnails = thumbnails;
    this.#cursor = record.cursor;
    this.#image = image;
  }

  #clear(): void {
    this.#record = null;
    this.#lost = [];
    this.#id = null;
    this.#name = '';
    this.#entries = [];
    this.#thumbnails = {};
    this.#cursor = -1;
    this.#image = null;
  }

  #requireOpen(): ProjectRecord {
    if (!this.#record) throw new Error('No project is open.');
    return this.#record;
  }

  #run<T>(task: () => Promise<T>): Promise<T> {
    this.#pending++;
    const result = this.#queue.then(task).finally(() => this.#pending--);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

/** For writes that only remember where the user is: losing one to a full disk loses no work. True when written. */
async function unlessFull(write: Promise<void>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (!(error instanceof StorageFullError)) throw error;
    return false;
  }
}

function newEntry(
  id: string,
  op: EntryMeta['op'],
  params: Params | undefined,
  instruction: string | undefined,
  time: number,
  size: { width: number; height: number },
  flags: { imageIsOriginal: boolean; hasMask: boolean },
): EntryMeta {
  const entry: EntryMeta = {
    id,
    op,
    // A JSON round trip: proves the params are JSON and strips Svelte proxies, which IndexedDB cannot clone.
    params: JSON.parse(JSON.stringify(params ?? {})) as Params,
    time,
    width: size.width,
    height: size.height,
    ...flags,
  };
  if (instruction !== undefined) entry.instruction = instruction;
  return entry;
}
