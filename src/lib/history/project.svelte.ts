import { ProjectDamagedError, ProjectMissingError, StorageFullError } from './errors.ts';
import { HistoryStore } from './store.ts';
import { requestPersistence, storageEstimate } from './storage.ts';
import { append, canRedo, canUndo, moveTo } from './timeline.ts';
import { storageFor } from './steps.ts';
import type {
  EntryBlobs,
  EntryInput,
  EntryMeta,
  LoadReport,
  OpenInput,
  Params,
  ProjectListing,
  ProjectRecord,
  ProjectSummary,
  ReplayStep,
  StepImage,
  StepStorage,
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
  /** What rebuilds the current entry's image (its records, read only when that entry becomes current). */
  #image = $state.raw<StepImage | null>(null);
  /** Bytes the open project takes in storage; null until measured. */
  #bytes = $state<number | null>(null);
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
  get image(): StepImage | null { return this.#image; }
  get bytes(): number | null { return this.#bytes; }
  get busy(): boolean { return this.#pending > 0; }

  /** The thumbnail of an entry of this project, for the history panel. */
  thumbnail(entryId: string): Blob | undefined {
    return this.#thumbnails[entryId];
  }

  /** What rebuilds the image of entry `index` of the open project (e.g. the one before the current, to compare). */
  imageAt(index: number): Promise<StepImage> {
    return this.#run(async () => {
      const record = this.#requireOpen();
      if (!this.#entries[index]) throw new RangeError(`No history entry ${index}.`);
      return this.#store.stepImage(record.id, this.#entries, index);
    });
  }

  /** Starts a new project from a file the user opened; it becomes the open project. */
  open(input: OpenInput): Promise<EntryMeta> {
    return this.#run(async () => {
      const time = this.#now();
      const entry = newEntry(this.#newId(), 'open', input.params, undefined, time, input, {
        imageIsOriginal: !input.image,
        hasMask: false,
        storage: { kind: 'image' },
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
      this.#show(record, [entry], { [entry.id]: input.thumbnail }, keyframe(record.id, entry, input.image ?? input.original));
      void requestPersistence();
      await this.#measure();
      return entry;
    });
  }

  /**
   * Adds an entry after the current one; a redo branch ahead of the cursor is dropped and its blobs
   * deleted. The entry is stored as `input.delta` (no image, or only the edited box) unless a full
   * image is due (steps.ts `storageFor`); only then is `input.image` made, when it is a function.
   */
  commit(input: EntryInput): Promise<EntryMeta> {
    return this.#run(async () => {
      const record = this.#requireOpen();
      const time = this.#now();
      const storage = storageFor(this.#entries.slice(0, record.cursor + 1), record.cursor, input.delta, input);
      const delta = input.delta;
      const image = storage.kind === 'image' ? (typeof input.image === 'function' ? await input.image() : input.image) : delta && 'patch' in delta ? delta.patch : undefined;
      const entry = newEntry(this.#newId(), input.op, input.params, input.instruction, time, input, {
        imageIsOriginal: false,
        hasMask: input.mask !== undefined,
        storage,
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
      const blobs: EntryBlobs = { image, thumbnail: input.thumbnail, mask: input.mask };
      // Steps only ever depend on the steps before them, so the dropped redo branch holds nothing a kept step needs.
      await this.#store.append(updated, entry, blobs, [...dropped, ...this.#lost]);
      this.#lost = [];
      const thumbnails = { ...this.#thumbnails, [entry.id]: input.thumbnail };
      for (const id of dropped) delete thumbnails[id];
      const previous = this.#image;
      const shown = storage.kind === 'image' || !previous ? keyframe(record.id, entry, image!) : after(previous, record.id, entry, storage, image);
      this.#show(updated, [...this.#entries.slice(0, record.cursor + 1), entry], thumbnails, shown);
      await this.#measure();
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
    const image = await this.#store.stepImage(record.id, entries, record.cursor);
    await unlessFull(this.#store.setLastProjectId(record.id));
    this.#show(record, entries, Object.fromEntries(thumbnails), image);
    this.#lost = lost.map((step) => step.id);
    void requestPersistence();
    await this.#measure();
    return { lost, total };
  }

  /**
   * "Remove older steps": the current step becomes the first, stored as a full image (`image()` makes
   * it when it is stored as a change), and the steps before it are deleted; the steps after it stay.
   * One transaction. Returns how many steps were removed.
   */
  removeOlderSteps(image: () => Promise<Blob>): Promise<number> {
    return this.#run(async () => {
      const record = this.#requireOpen();
      const cursor = record.cursor;
      if (cursor <= 0) return 0;
      const current = this.#entries[cursor];
      const blob = current.storage.kind === 'image' ? undefined : await image();
      const first: EntryMeta = { ...current, storage: { kind: 'image', start: true }, imageIsOriginal: false };
      const dropped = record.entryIds.slice(0, cursor);
      const updated: ProjectRecord = { ...record, entryIds: record.entryIds.slice(cursor), cursor: 0, updatedAt: this.#now() };
      await this.#store.removeBefore(updated, first, blob, [...dropped, ...this.#lost]);
      const thumbnails = { ...this.#thumbnails };
      for (const id of dropped) delete thumbnails[id];
      const entries = [first, ...this.#entries.slice(cursor + 1)];
      // The pixels are the same; only where they come from changed (the worker's cached image stays valid).
      const shown = blob ? keyframe(record.id, first, blob) : await this.#store.stepImage(record.id, entries, 0);
      this.#show(updated, entries, thumbnails, shown);
      await this.#measure();
      return dropped.length;
    });
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
    const image = await this.#store.stepImage(record.id, this.#entries, cursor);
    const updated = { ...record, cursor, updatedAt: this.#now(), width: entry.width, height: entry.height };
    // A full disk must not block undo: the entries are all saved, and the cursor goes with the next write.
    if (await unlessFull(this.#store.saveProject(updated, this.#lost))) this.#lost = [];
    this.#record = updated;
    this.#cursor = cursor;
    this.#image = image;
  }

  /** Re-reads how much the open project stores; a failed read leaves the last figure (it is only shown). */
  async #measure(): Promise<void> {
    const id = this.#id;
    if (!id) return;
    try {
      const bytes = await this.#store.projectBytes(id);
      if (this.#id === id) this.#bytes = bytes;
    } catch {
      // Shown for information only: a failed read must not fail the edit that was saved.
    }
  }

  #show(record: ProjectRecord, entries: EntryMeta[], thumbnails: Record<string, Blob>, image: StepImage): void {
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
    this.#bytes = null;
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

/** A step whose image is stored whole. */
function keyframe(projectId: string, entry: EntryMeta, blob: Blob): StepImage {
  const key = `${projectId}/${entry.id}`;
  return { key, base: blob, baseKey: key, steps: [], width: entry.width, height: entry.height };
}

/** The image of a step stored as a change of `previous`'s step (`patch`: its stored box). */
function after(previous: StepImage, projectId: string, entry: EntryMeta, storage: StepStorage, patch: Blob | undefined): StepImage {
  const key = `${projectId}/${entry.id}`;
  let step: ReplayStep;
  if (storage.kind === 'transform') step = { key, transform: storage.transform };
  else if (storage.kind === 'patch' && patch) step = { key, patch, box: storage.box, ...(storage.extend ? { extend: storage.extend } : {}) };
  else throw new Error('A step stored as a change needs its change.');
  return { ...previous, key, steps: [...previous.steps, step], width: entry.width, height: entry.height };
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
  flags: { imageIsOriginal: boolean; hasMask: boolean; storage: StepStorage },
): EntryMeta {
  const entry: EntryMeta = {
    id,
    op,
    // A JSON round trip: proves the params are JSON and strips Svelte proxies, which IndexedDB cannot clone.
    params: JSON.parse(JSON.stringify(params ?? {})) as Params,
    time,
    width: size.width,
    height: size.height,
    imageIsOriginal: flags.imageIsOriginal,
    hasMask: flags.hasMask,
    // The same round trip: a crop rect can come from the page's reactive state.
    storage: JSON.parse(JSON.stringify(flags.storage)) as StepStorage,
  };
  if (instruction !== undefined) entry.instruction = instruction;
  return entry;
}
