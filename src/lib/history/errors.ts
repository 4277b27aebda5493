/** Thrown when the browser refuses a write for lack of quota; nothing of that write was saved. */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';

  constructor(options?: { cause?: unknown }) {
    super(
      'Storage is full: this change was not saved. Your current image is still here; ' +
        'free space by deleting old projects, then try again.',
      options,
    );
  }
}

/** True for the browser's quota errors (a DOMException, or the newer QuotaExceededError class). */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as { name?: unknown }).name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/**
 * Runs a write and turns a quota failure into StorageFullError, and any other refusal by the
 * browser's storage (a DOMException: DataCloneError, UnknownError…) into StorageWriteError with a
 * human message; other errors pass through.
 */
export async function guardQuota<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isQuotaError(error)) throw new StorageFullError({ cause: error });
    if (error instanceof DOMException) throw new StorageWriteError({ cause: error });
    throw error;
  }
}

/** A saved project, or part of one, could not be read; the message is written for the person. */
export class HistoryReadError extends Error {
  override name = 'HistoryReadError';
}

/** The project is not in storage any more (deleted, perhaps in another tab). */
export class ProjectMissingError extends HistoryReadError {
  override name = 'ProjectMissingError';
  constructor(options?: { cause?: unknown }) {
    super('This project is no longer in storage (it may have been deleted in another tab).', options);
  }
}

/** Nothing of the project can be opened: its record, or its first step, cannot be read. */
export class ProjectDamagedError extends HistoryReadError {
  override name = 'ProjectDamagedError';
  /** What is wrong, in words (from the validators). */
  readonly problem: string;
  constructor(problem: string) {
    super(`This project cannot be opened: ${lowerFirst(problem)} Recent projects can repair or delete it.`);
    this.problem = problem;
  }
}

/** The browser failed to read storage itself (not a damaged record): its own error is the cause. */
export class StorageReadError extends HistoryReadError {
  override name = 'StorageReadError';
  constructor(options?: { cause?: unknown }) {
    super('The browser could not read your saved projects. Reload the page to try again; your other work is not affected.', options);
  }
}

/** The browser refused a write for another reason than quota; nothing of it was saved. */
export class StorageWriteError extends Error {
  override readonly name = 'StorageWriteError';
  constructor(options?: { cause?: unknown }) {
    super('The browser could not save this change, so nothing of it was saved. Your current image is still here; try again.', options);
  }
}

/**
 * A project write refused because the stored record is not the one this tab last read or wrote:
 * another tab changed (or deleted) the project meanwhile. Nothing of the write was saved, and
 * nothing of the other tab's work was touched.
 */
export class ProjectChangedError extends Error {
  override readonly name = 'ProjectChangedError';
  /** True when the project is gone from storage altogether. */
  readonly deleted: boolean;
  constructor(deleted: boolean) {
    super(
      deleted
        ? 'This project was deleted in another tab, so this change was not saved. What you see is still here: Export keeps a copy.'
        : 'This project was changed in another tab, so this change was not saved here. Reload the project to see the other tab’s changes, then make yours again.',
    );
    this.deleted = deleted;
  }
}

/** A change asked for in a tab that only shows the project: another tab is editing it. */
export class ProjectReadOnlyError extends Error {
  override readonly name = 'ProjectReadOnlyError';
  constructor() {
    super('This project is being edited in another tab, so nothing was changed here. Choose Edit here to edit it in this tab instead; the other tab then only shows it.');
  }
}

const lowerFirst = (s: string) => (s ? s[0].toLowerCase() + s.slice(1) : s);

/** Runs a read; a failure of the browser's storage (a DOMException) becomes StorageReadError, ours pass through. */
export async function guardRead<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof HistoryReadError) throw error;
    throw new StorageReadError({ cause: error });
  }
}
