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

/** Runs a write and turns a quota failure into StorageFullError; other errors pass through. */
export async function guardQuota<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isQuotaError(error)) throw new StorageFullError({ cause: error });
    throw error;
  }
}
