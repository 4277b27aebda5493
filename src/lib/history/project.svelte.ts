import { ProjectChangedError, ProjectDamagedError, ProjectMissingError, ProjectReadOnlyError, StorageFullError } from './errors.ts';
import { DEFAULT_DB_NAME, HistoryStore, type ReadProject } from './store.ts';
import { BrowserTabs, type Claim, type TabCoordinator, type TabEvent } from './tabs.ts';
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
  /** Who else has this project open (other tabs); default: the browser's Web Locks and BroadcastChannel. */
  tabs?: TabCoordinator;
}

/**
 * Why this tab only shows the open project: another tab had it open for editing when it was opened
 * here (`elsewhere`), another tab took editing over (`taken`), or another tab deleted it (`deleted`).
 */
export type Lockout = 'elsewhere' | 'taken' | 'deleted';

/** How `#load` treats the tab's claim: try for it, take it from another tab, or keep what this tab has. */
type Access = 'claim' | 'steal' | 'keep';

/**
 * The open project and its edit history, as reactive state for the UI.
 * Every method that touches storage runs in order through one queue (a held Ctrl+Z cannot
 * interleave with a commit), persists first, and only then moves the in-memory state: if a
 * write fails (StorageFullError included) the state is exactly what it was. Exception: undo,
 * redo, jumpTo, load and close still work on a full disk; their small cursor/last-project write
 * is then skipped, and the cursor is saved with the next successful write.
 *
 * One tab edits a project at a time: opening claims it (TabCoordinator); a tab that finds it claimed
 * shows it read-only (`lockout`), refuses changes with ProjectReadOnlyError, and can `takeOver`.
 * Every write announces the new revision so read-only tabs can `refresh`.
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
  #lockout = $state<Lockout | null>(null);

  #current = $derived<EntryMeta | null>(this.#entries[this.#cursor] ?? null);
  #canUndo = $derived(canUndo(this.#cursor, this.#entries.length));
  #canRedo = $derived(canRedo(this.#cursor, this.#entries.length));

  /** The project record as written, or as the next write will write it (after a refused cursor save); not reactive. */
  #record: ProjectRecord | null = null;
  /** Steps the last load left out as unreadable: the next write of the record deletes their records. */
  #lost: string[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  /** This tab's claim on the open project; null while read-only. */
  #claim: Claim | null = null;
  readonly #store: HistoryStore;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #tabs: TabCoordinator;

  /** What another tab did to the open project, once this project has taken it in (the page refreshes or says so). */
  onremote: ((event: TabEvent) => void) | null = null;

  constructor(options: ProjectOptions = {}) {
    this.#store = options.store ?? new HistoryStore();
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? (() => crypto.randomUUID());
    this.#tabs = options.tabs ?? new BrowserTabs(DEFAULT_DB_NAME);
    this.#tabs.onevent = (event) => this.#fromTab(event);
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
  /** Why this tab may not change the open project; null when it may. */
  get lockout(): Lockout | null { return this.#lockout; }
  get readOnly(): boolean { return this.#lockout !== null; }

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
        revision: 1,
        entryIds: [entry.id],
        cursor: 0,
        width: input.width,
        height: input.height,
      };
      // A new id: no other tab can hold it.
      const claim = await this.#tabs.claim(record.id);
      try {
        await this.#store.create(record, entry, { image: input.image, thumbnail: input.thumbnail }, input.original);
      } catch (error) {
        claim?.release();
        throw error;
      }
      this.#adopt(claim, claim ? null : 'elsewhere');
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
      const record = this.#requireWritable();
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
        revision: record.revision + 1,
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
      this.#announce(updated);
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

  /** Reads the open project again as storage has it now (after another tab changed it); access stays as it is. */
  refresh(): Promise<LoadReport> {
    return this.#run(() => this.#load(this.#requireOpen().id, 'keep'));
  }

  /**
   * Moves editing of the open project to this tab: the tab that had it becomes read-only (it receives
   * `taken`), and the project is read again so this tab continues from that tab's last change.
   */
  takeOver(): Promise<LoadReport> {
    return this.#run(() => {
      const { id } = this.#requireOpen();
      if (this.#lockout === 'deleted') throw new ProjectChangedError(true);
      // Stealing its own lock would make this tab lose it.
      return this.#load(id, this.#lockout ? 'steal' : 'keep');
    });
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

  async #load(projectId: string, access: Access = 'claim'): Promise<LoadReport> {
    // Claimed before reading, so a tab that takes over reads the other tab's last change.
    const held = this.#id === projectId ? this.#claim : null;
    const fresh = access === 'steal' || (access === 'claim' && !held) ? await this.#tabs.claim(projectId, { steal: access === 'steal' }) : null;
    let read: ReadProject;
    let image: StepImage;
    try {
      read = await this.#store.readProject(projectId);
      image = await this.#store.stepImage(projectId, read.entries, read.record.cursor);
      // Following another tab's changes is not opening the project.
      if (access !== 'keep') await unlessFull(this.#store.setLastProjectId(projectId));
    } catch (error) {
      fresh?.release();
      throw error;
    }
    const { record, entries, thumbnails, lost, total } = read;
    if (access !== 'keep') {
      const claim = fresh ?? held;
      this.#adopt(claim, claim ? null : 'elsewhere');
    }
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
      const record = this.#requireWritable();
      const cursor = record.cursor;
      if (cursor <= 0) return 0;
      const current = this.#entries[cursor];
      const blob = current.storage.kind === 'image' ? undefined : await image();
      const first: EntryMeta = { ...current, storage: { kind: 'image', start: true }, imageIsOriginal: false };
      const dropped = record.entryIds.slice(0, cursor);
      const updated: ProjectRecord = { ...record, entryIds: record.entryIds.slice(cursor), cursor: 0, updatedAt: this.#now(), revision: record.revision + 1 };
      await this.#store.removeBefore(updated, first, blob, [...dropped, ...this.#lost]);
      const thumbnails = { ...this.#thumbnails };
      for (const id of dropped) delete thumbnails[id];
      const entries = [first, ...this.#entries.slice(cursor + 1)];
      // The pixels are the same; only where they come from changed (the worker's cached image stays valid).
      const shown = blob ? keyframe(record.id, first, blob) : await this.#store.stepImage(record.id, entries, 0);
      this.#show(updated, entries, thumbnails, shown);
      this.#announce(updated);
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
      const record = this.#requireWritable();
      const updated = { ...record, name, updatedAt: this.#now(), revision: record.revision + 1 };
      await this.#store.saveProject(updated, this.#lost);
      this.#lost = [];
      this.#record = updated;
      this.#name = name;
      this.#announce(updated);
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
      if (projectId === this.#id) this.#requireWritable();
      const record = await this.#store.repair(projectId, this.#now());
      this.#announce(record);
      if (projectId === this.#id) await this.#load(projectId);
    });
  }

  /** Deletes a project and all its blobs; deleting the open one closes it. */
  deleteProject(projectId: string): Promise<void> {
    return this.#run(async () => {
      await this.#store.deleteProject(projectId);
      this.#tabs.announce({ kind: 'deleted', projectId });
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
    if (!this.#record) return;
    const record = this.#requireWritable();
    const cursor = moveTo(record, target(record.cursor));
    if (cursor === null) return;
    const entry = this.#entries[cursor];
    const image = await this.#store.stepImage(record.id, this.#entries, cursor);
    const updated = { ...record, cursor, updatedAt: this.#now(), revision: record.revision + 1, width: entry.width, height: entry.height };
    // A full disk must not block undo: the entries are all saved, and the cursor goes with the next
    // write, which then replaces the revision still stored.
    const saved = await unlessFull(this.#store.saveProject(updated, this.#lost));
    if (saved) {
      this.#lost = [];
      this.#announce(updated);
    }
    this.#record = saved ? updated : { ...updated, revision: record.revision };
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

  /** Lets other tabs have the open project and stops listening to them. The project cannot be used afterwards. */
  dispose(): void {
    this.#claim?.release();
    this.#claim = null;
    this.#tabs.dispose();
  }

  /** Makes `claim` this tab's claim on the open project, letting go of the one before. */
  #adopt(claim: Claim | null, lockout: Lockout | null): void {
    if (this.#claim !== claim) this.#claim?.release();
    this.#claim = claim;
    this.#lockout = lockout;
  }

  #announce(record: ProjectRecord): void {
    this.#tabs.announce({ kind: 'changed', projectId: record.id, revision: record.revision });
  }

  #fromTab(event: TabEvent): void {
    if (event.projectId !== this.#id) return;
    if (event.kind === 'changed' && event.revision <= (this.#record?.revision ?? 0)) return;
    if (event.kind === 'taken') this.#adopt(null, 'taken');
    if (event.kind === 'deleted') this.#adopt(null, 'deleted');
    this.onremote?.(event);
  }

  #clear(): void {
    this.#adopt(null, null);
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

  /** The open project's record, if this tab may change it. */
  #requireWritable(): ProjectRecord {
    const record = this.#requireOpen();
    if (this.#lockout === 'deleted') throw new ProjectChangedError(true);
    if (this.#lockout) throw new ProjectReadOnlyError();
    return record;
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
