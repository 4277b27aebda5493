import type { StorageInfo } from './types.ts';

let persistRequest: Promise<boolean> | null = null;

/**
 * Asks the browser once per page load to keep our storage under pressure; later calls share the answer.
 * Already-persisted origins are not asked again.
 */
export function requestPersistence(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<boolean> {
  persistRequest ??= (async () => {
    if (!storage?.persist) return false;
    try {
      return (await storage.persisted()) || (await storage.persist());
    } catch {
      return false;
    }
  })();
  return persistRequest;
}

/** Bytes used and available for this origin, as the browser estimates them. */
export async function storageEstimate(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<StorageInfo> {
  if (!storage?.estimate) return { usage: 0, quota: 0, available: 0, persisted: false };
  const [{ usage = 0, quota = 0 }, persisted] = await Promise.all([
    storage.estimate(),
    storage.persisted ? storage.persisted().catch(() => false) : Promise.resolve(false),
  ]);
  return { usage, quota, available: Math.max(0, quota - usage), persisted };
}
